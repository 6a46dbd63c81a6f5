"""The parts of the watch daemon (:mod:`ingest.watch`), one job each.

* :mod:`~ingest.watching.source`: what every kind of source watch offers the daemon;
* :mod:`~ingest.watching.choice`: which kind watches a source, from its connector's Protocols;
* :mod:`~ingest.watching.observed`: paths a connector names, observed through watchdog, events
  mapped to locators by the connector;
* :mod:`~ingest.watching.kept`: such a watch kept on its folders when they are removed or replaced,
  and polling while it cannot be set up;
* :mod:`~ingest.watching.polled`: sources polled for a revision, or synced at every poll;
* :mod:`~ingest.watching.batches`: changes debounced and coalesced into batches;
* :mod:`~ingest.watching.worker`: one source's batches, one at a time, through the engine.
"""
