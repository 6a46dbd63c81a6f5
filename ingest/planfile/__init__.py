"""A saved plan (``ingest plan --out``) and its application (``ingest apply``): reviewed changes.

``model`` is the file (its format, reading it with one sentence for a file that is not a plan);
``entries`` turns a source's plan into the file's items and digests; ``making`` saves what
``ingest plan`` planned; ``moved`` says what changed since a plan was made; ``applying`` proves a
plan unchanged and carries it out through the engine's path; ``markdown`` is its summary for a
pull-request comment. ``plan.schema.json`` describes the file.
"""
