"""Alerts (``[notify]``): webhooks told when a run or a daemon batch fails, and once when it recovers.

``rule`` decides from what state remembers (:class:`ingest.state.AlertBook`) whether this failure
is news, a reminder or a recovery; ``alert`` is the message as data, ``bodies`` its Slack and JSON
forms, ``delivery`` the POSTs (retried, time-bounded, never raising); ``runs`` and ``daemon`` hook
it to ``ingest run`` and ``ingest watch``. Nothing here may fail a run.
"""
