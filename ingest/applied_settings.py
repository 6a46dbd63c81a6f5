"""What a target's run records as applied once everything it had to send was sent: its settings
digest and its source's rules digest, which let the next run skip the documents found unchanged.

Documents that failed before sending (a secret found, a conversion that failed: the plan's own
failures) do not keep a run from recording them: their records' fingerprints are forgotten instead,
so the next run reads exactly those again. Otherwise one document left failing (a secret nobody
removed yet) would make every later run read and convert the whole source.
"""

from __future__ import annotations

from collections.abc import Collection

from ingest.availability_rules import AvailabilityRules
from ingest.plan import Plan, protected_ids
from ingest.state import TargetStore


def record_applied(
    store: TargetStore,
    plan: Plan,
    *,
    settings_digest: str,
    rules: AvailabilityRules,
    only: Collection[str] | None,
) -> None:
    """Record ``settings_digest`` (and, for a run over the whole source, ``rules``' digest) as
    applied, after forgetting the fingerprints of the records ``plan``'s failures kept as they were."""
    if plan.failures:
        store.forget_fingerprints(protected_ids(store.records(), plan.failures))
    store.set_settings_digest(settings_digest)
    if only is None:
        store.set_rules_digest(rules.digest)
