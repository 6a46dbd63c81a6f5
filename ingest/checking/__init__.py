"""``ingest check``: every document of a source read and converted as a run would, then held to
rules (:mod:`ingest.check_rules`), with nothing sent and nothing recorded."""
