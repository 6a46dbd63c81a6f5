"""The subcommands of ``ingest``, one module per group, joined by :mod:`ingest.cli`.

A command module imports only click and leaf modules when it loads; everything a command's
work needs (configuration, the engine, the client, the converter, the report) is imported
inside the command's function, so ``ingest --help`` or ``ingest status`` pays for none of
what it does not use.
"""
