"""``ingest init``: what a folder holds (a docs site's kind, a git remote) and the config written for it."""
