"""Targets: how a Plan becomes API calls for one kind of Intercom content.

Each target is a package here with a pure planning half and a sending half, declared
once in :mod:`ingest.targets.registry`. Each package's ``settings`` module (its name, its
table's model, its checks of the source's keys) is all that reading the configuration
loads; the halves, which bring in the HTTP client, load when a target is built.
"""
