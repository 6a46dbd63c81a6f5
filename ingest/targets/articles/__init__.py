"""Help Center articles: a source's documents published into nested collections, never duplicated.

:mod:`.settings` declares it (its table), :mod:`.planning` hashes what would be sent,
:mod:`.sending` with :mod:`.collections` sends it; :mod:`.fields` derives an article's parts.
"""
