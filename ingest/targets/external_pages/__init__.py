"""External Pages: a source's documents become Fin content under one Content Import Source.

:mod:`.settings` declares it, :mod:`.planning` hashes what would be sent, :mod:`.sending` sends it.
"""
