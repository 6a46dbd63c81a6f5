"""How a task-list checkbox reads once it is text."""

from __future__ import annotations

import pytest

from ingest.checkboxes import checkbox_text


@pytest.mark.parametrize(("checked", "box"), [(True, "\u2611"), (False, "\u2610")])
def test_a_box_is_spaced_from_the_text_after_it_once(checked: bool, box: str) -> None:
    """A space follows the box unless the text after it already starts with one."""
    assert checkbox_text(checked, "Deploy") == box + " "
    assert checkbox_text(checked, "") == box + " "
    assert checkbox_text(checked, " Deploy") == box
    assert checkbox_text(checked, "\nDeploy") == box
