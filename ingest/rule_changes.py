"""A change of a source's availability rules, found before its scan: which recorded documents the
new rules declare otherwise (read again, so each is planned once as its target's version wants:
a bulk action, or the page sent again), and which rules match no document.

Asked only when the rules differ from those the target's last clean run applied (a digest kept in
state), so an unchanged source with unchanged rules pays one read of that digest.
"""

from __future__ import annotations

from collections.abc import Iterable

from ingest.availability_rules import AvailabilityRules, RuleCheck
from ingest.document import DocumentWarning
from ingest.state import TargetStore


def rule_check(store: TargetStore, rules: AvailabilityRules) -> RuleCheck | None:
    """What the rules change among the target's recorded documents; None when they are the ones
    its last clean run applied."""
    if store.rules_digest() == rules.digest:
        return None
    return rules.to_reread(store.rule_facts())


def unmatched_rules(
    source: str, rules: AvailabilityRules, checks: Iterable[RuleCheck | None], read: Iterable[int]
) -> list[DocumentWarning]:
    """A warning naming each rule no document matched, recorded (``checks``) or read now (``read``:
    positions of the rules the documents read matched); none unless the rules were checked."""
    made = [check for check in checks if check is not None]
    if not made:
        return []
    matched = {index for check in made for index in check.matched} | set(read)
    where = f"sources.{source}"
    return [DocumentWarning(where, warning) for warning in rules.unmatched(matched)]
