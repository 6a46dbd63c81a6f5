"""The availability value: a document's word over its source's, and what is left to set."""

from __future__ import annotations

import pytest

from ingest.availability import UNSAID, Availability, declared_availability


def test_what_a_document_says_wins_over_the_defaults_flag_by_flag() -> None:
    """A flag the document does not say is the source's."""
    assert Availability(ai_agent=False).over(Availability(True, True, False)) == Availability(
        False, True, False
    )
    assert UNSAID.over(Availability(True, True, False)) == Availability(True, True, False)


def test_differences_are_the_wanted_flags_not_held_or_not_known() -> None:
    """Equal flags drop out; a flag whose held value is unknown stays."""
    wanted = Availability(True, False, True)
    assert wanted.differences(Availability(True, True, None)) == Availability(
        ai_copilot=False, ai_sales_agent=True
    )
    assert wanted.differences(wanted).is_empty()


def test_front_matter_keys_are_read_and_anything_else_is_ignored() -> None:
    """Only the three keys count; their absence says nothing."""
    metadata = {"ai_agent": False, "ai_sales_agent": True, "title": "x", "ai_chatbot": False}
    assert declared_availability(metadata) == Availability(ai_agent=False, ai_sales_agent=True)
    assert declared_availability({}) == UNSAID


@pytest.mark.parametrize("value", ["false", 1, None, {"x": 1}])
def test_a_value_that_is_not_a_boolean_is_one_sentence_naming_the_key(value: object) -> None:
    """YAML's ``no`` is a boolean already; ``"false"`` in quotes, 1 or null are not."""
    with pytest.raises(ValueError) as refused:
        declared_availability({"ai_copilot": value})
    assert str(refused.value) == f"front matter ai_copilot must be true or false, not {value!r}"
