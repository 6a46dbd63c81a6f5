"""Rules by path glob and front matter: what each document is given, and what a change of rules changes."""

from __future__ import annotations

import datetime

from ingest.availability import Availability
from ingest.availability_rules import AvailabilityRule, AvailabilityRules

INTERNAL = AvailabilityRule(paths=("internal/**",), sets=Availability(ai_agent=False))
SALES = AvailabilityRule(
    front_matter=(("audience", ("sales", "partners")),), sets=Availability(ai_sales_agent=True)
)
BOTH = AvailabilityRule(
    paths=("internal/**",), front_matter=(("status", "public"),), sets=Availability(ai_agent=True)
)


def given(rules: AvailabilityRules, locator: str, **metadata: object) -> Availability:
    return rules.declared(locator, metadata).availability


def test_globs_span_folders_and_match_dot_files_as_include_does() -> None:
    rules = AvailabilityRules([INTERNAL])
    assert given(rules, "internal/a.md") == Availability(ai_agent=False)
    assert given(rules, "internal/deep/.hidden.md") == Availability(ai_agent=False)
    assert given(rules, "public/internal/a.md") == Availability()
    assert given(rules, "internal.md") == Availability()


def test_front_matter_lists_on_either_side_mean_any_of_them_and_dates_compare_as_text() -> None:
    rules = AvailabilityRules([SALES])
    assert given(rules, "a.md", audience="sales") == Availability(ai_sales_agent=True)
    assert given(rules, "a.md", audience=["support", "partners"]) == Availability(ai_sales_agent=True)
    assert given(rules, "a.md", audience="support") == Availability()
    assert given(rules, "a.md") == Availability()
    dated = AvailabilityRules(
        [AvailabilityRule(front_matter=(("review", "2026-01-31"),), sets=Availability(ai_copilot=False))]
    )
    assert given(dated, "a.md", review=datetime.date(2026, 1, 31)) == Availability(ai_copilot=False)


def test_a_rule_with_both_conditions_needs_both_and_later_rules_win_flag_by_flag() -> None:
    rules = AvailabilityRules([INTERNAL, SALES, BOTH])
    assert given(rules, "internal/a.md", status="public", audience="sales") == Availability(True, None, True)
    assert given(rules, "public.md", status="public") == Availability()


def test_rules_win_over_the_document_own_front_matter_only_for_the_flags_they_set() -> None:
    rules = AvailabilityRules([INTERNAL])
    assert given(rules, "internal/a.md", ai_agent=True, ai_copilot=False) == Availability(False, False, None)


def test_without_rules_a_document_declares_its_front_matter_and_nothing_is_recorded() -> None:
    declared = AvailabilityRules().declared("a.md", {"ai_agent": False, "team": "x"})
    assert declared == (Availability(ai_agent=False), None, ())


def test_a_change_of_rules_names_exactly_the_recorded_documents_it_declares_otherwise() -> None:
    """From locators and recorded facts alone; a key no rule looked at before means reading again."""
    before = AvailabilityRules([INTERNAL, SALES])
    recorded = [
        ("internal/a.md", before.declared("internal/a.md", {}).facts),
        ("internal/deep/b.md", before.declared("internal/deep/b.md", {}).facts),
        ("c.md", before.declared("c.md", {"audience": "sales"}).facts),
        ("d.md", before.declared("d.md", {}).facts),
        ("old.md", None),  # read while the source had no rules
    ]
    narrower = AvailabilityRules(
        [AvailabilityRule(paths=("internal/deep/**",), sets=Availability(ai_agent=False)), SALES]
    )
    check = narrower.to_reread(recorded)
    assert check.reread == {"internal/a.md", "old.md"}  # old.md: audience was never looked at
    assert check.matched == {0, 1}
    assert before.to_reread(recorded).reread == {"old.md"}
    assert AvailabilityRules().to_reread(recorded).reread == {"internal/a.md", "internal/deep/b.md", "c.md"}


def test_a_rule_that_matches_nothing_is_named_in_a_warning() -> None:
    rules = AvailabilityRules([INTERNAL, SALES])
    (warning,) = rules.unmatched({1})
    assert warning.startswith('availability.0 ({"ai_agent":false,"front_matter":{},"paths":["internal/**"]})')
