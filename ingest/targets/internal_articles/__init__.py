"""Internal Articles: a source's documents as knowledge for teammates and Copilot, never shown to customers.

:mod:`.settings` declares it (its table), :mod:`.planning` hashes what would be sent,
:mod:`.sending` sends it through :mod:`.wire` (the ``/internal_articles`` endpoints, typed) and
finds lost twins with :mod:`.adoption`.
"""
