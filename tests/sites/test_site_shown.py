"""Front matter a theme shows on a page (``shown_front_matter``), as the Markdown Fin reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from connectors.filesystem import FilesystemOptions
from ingest.document import BodyFormat
from ingest.sites import ShownField
from ingest.sites.listing import listed_page
from ingest.sites.shown import listed_markdown, shown_markdown, with_shown

FUNCTION = {
    "title": "strings.Contains",
    "description": "Reports whether the string contains the given *substring*.",
    "params": {
        "functions_and_methods": {
            "aliases": ["contains"],
            "returnType": "bool",
            "signatures": ["strings.Contains STRING SUBSTRING", "contains STRING SUBSTRING"],
        }
    },
}
SIGNATURES = ShownField("params.functions_and_methods.signatures", "Syntax", "code")


def test_fields_are_shown_in_order_each_under_its_label() -> None:
    """Markdown text as a paragraph, code as a code block, a list one item per line."""
    fields = (
        ShownField("description"),
        SIGNATURES,
        ShownField("params.functions_and_methods.returnType", "Returns", "code"),
    )
    assert shown_markdown(FUNCTION, fields) == (
        "Reports whether the string contains the given *substring*.\n\n"
        "**Syntax**\n\n```\nstrings.Contains STRING SUBSTRING\ncontains STRING SUBSTRING\n```\n\n"
        "**Returns**\n\n```\nbool\n```"
    )


def test_keys_match_without_case_when_no_key_matches_exactly() -> None:
    """Hugo reads front matter keys without case: ``returntype`` finds ``returnType``."""
    front = {"Params": {"returnType": "bool", "returntype": "int"}}
    assert shown_markdown(front, (ShownField("params.returntype"),)) == "int"
    assert shown_markdown(front, (ShownField("PARAMS.RETURNTYPE"),)) in ("bool", "int")
    assert shown_markdown(front, (ShownField("params.returnType"),)) == "bool"


def test_a_markdown_list_shows_one_item_per_line() -> None:
    front = {"categories": ["Functions", "Strings"], "weight": 10, "draft": False}
    fields = (ShownField("categories", "Categories"), ShownField("weight"), ShownField("draft"))
    assert shown_markdown(front, fields) == "**Categories**\n\nFunctions\n\nStrings\n\n10\n\nfalse"


def test_missing_empty_and_map_values_show_nothing_not_even_their_label() -> None:
    front = {"description": "  ", "aliases": [], "params": {"nested": {"a": 1}}, "other": None}
    fields = tuple(
        ShownField(name, "Label") for name in ("description", "aliases", "params.nested", "gone", "other")
    )
    assert shown_markdown(front, fields) == ""
    assert shown_markdown({"title": "x"}, (ShownField("title.deeper"),)) == ""


def test_code_holding_backticks_gets_a_longer_fence_and_labels_are_escaped() -> None:
    front = {"example": "a ``` b"}
    assert shown_markdown(front, (ShownField("example", "*Example* [1]", "code"),)) == (
        "**\\*Example\\* \\[1\\]**\n\n````\na ``` b\n````"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Body text.\n", "Lead.\n\nBody text.\n"),
        ("\n\nBody text.\n", "Lead.\n\nBody text.\n"),
        ("# Title\n\nBody text.\n", "# Title\n\nLead.\n\nBody text.\n"),
        ("Title\n=====\nBody text.\n", "Title\n=====\n\nLead.\n\nBody text.\n"),
        ("## Section\n\nBody.\n", "Lead.\n\n## Section\n\nBody.\n"),
        ("", "Lead.\n\n"),
    ],
)
def test_shown_text_goes_above_the_body_below_its_title(body: str, expected: str) -> None:
    """A leading ``# Title`` stays first: the converter reads it as the page's title."""
    assert with_shown(body, "Lead.", BodyFormat.MARKDOWN) == expected


def test_an_html_body_gets_the_shown_text_as_html() -> None:
    shown = with_shown("<h1>Title</h1><p>Body.</p>", "Lead *text*.", BodyFormat.HTML)
    assert shown == "<h1>Title</h1>\n<p>Lead <em>text</em>.</p>\n<p>Body.</p>"
    assert with_shown("<p>Body.</p>", "", BodyFormat.HTML) == "<p>Body.</p>"


def options(tmp_path: Path, value: object) -> FilesystemOptions:
    return FilesystemOptions.model_validate({"path": str(tmp_path), "shown_front_matter": value})


def test_the_option_takes_tables_or_names_and_reaches_the_dialect(tmp_path: Path) -> None:
    chosen = options(
        tmp_path,
        [
            "description",
            {"field": " params.functions_and_methods.signatures ", "label": "Syntax", "style": "code"},
        ],
    )
    assert chosen.site_settings().shown_front_matter == (ShownField("description"), SIGNATURES)
    assert options(tmp_path, []).site_settings().shown_front_matter == ()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["params..signatures"], "must name a front matter key, or a dotted path to a nested one"),
        ([{"field": ""}], "must name a front matter key"),
        ([{"label": "Syntax"}], "Field required"),
        ([{"field": "description", "style": "bold"}], "'markdown' or 'code'"),
        ([{"field": "description", "label": " "}], "label\n  Value error, must be some text"),
        ([{"field": "description", "kind": "code"}], "Extra inputs are not permitted"),
        ("description", 'must be a list of fields, such as ["description"]'),
        (
            [5],
            "each entry is a front matter field's name or a table such as "
            '{ field = "description", label = "Summary" }, not 5',
        ),
    ],
)
def test_bad_values_are_refused_in_one_sentence_naming_the_key(
    tmp_path: Path, value: object, message: str
) -> None:
    with pytest.raises(ValidationError, match="shown_front_matter") as raised:
        options(tmp_path, value)
    assert message in str(raised.value)


def test_a_list_of_several_items_takes_the_plural_label() -> None:
    """Themes label one alias "Alias" and several "Aliases"."""
    aliases = ShownField("aliases", "Alias", "code", plural_label="Aliases")
    assert shown_markdown({"aliases": ["in"]}, (aliases,)) == "**Alias**\n\n```\nin\n```"
    assert shown_markdown({"aliases": ["in", "has"]}, (aliases,)) == "**Aliases**\n\n```\nin\nhas\n```"
    assert shown_markdown({"aliases": "in"}, (aliases,)) == "**Alias**\n\n```\nin\n```"
    assert (
        shown_markdown({"aliases": ["in", "has"]}, (ShownField("aliases", "Alias"),))
        == "**Alias**\n\nin\n\nhas"
    )


def test_the_plural_label_is_an_option_too(tmp_path: Path) -> None:
    chosen = options(tmp_path, [{"field": "aliases", "label": "Alias", "plural_label": "Aliases"}])
    assert chosen.site_settings().shown_front_matter == (
        ShownField("aliases", "Alias", plural_label="Aliases"),
    )
    with pytest.raises(ValidationError, match="plural_label needs a label"):
        options(tmp_path, [{"field": "aliases", "plural_label": "Aliases"}])


def test_a_list_of_pages_shows_the_fields_in_lists_bare() -> None:
    """``in_lists``: the first item, or all; no label; a field without it is not listed."""
    first = ShownField("params.functions_and_methods.signatures", "Syntax", "code", in_lists="first")
    every = ShownField("params.functions_and_methods.aliases", "Alias", in_lists="all")
    fields = (ShownField("description"), first, every, ShownField("title", in_lists="first"))
    listed = "```\nstrings.Contains STRING SUBSTRING\n```\n\ncontains\n\nstrings.Contains"
    assert listed_markdown(FUNCTION, fields) == listed
    assert listed_markdown({"title": "Alone"}, (first,)) == ""
    assert listed_markdown(FUNCTION, (SIGNATURES,)) == ""


def test_in_lists_is_an_option_too(tmp_path: Path) -> None:
    chosen = options(tmp_path, [{"field": "signatures", "style": "code", "in_lists": "first"}])
    listed = ShownField("signatures", style="code", in_lists="first")
    assert chosen.site_settings().shown_front_matter == (listed,)
    with pytest.raises(ValidationError, match="'first' or 'all'"):
        options(tmp_path, [{"field": "signatures", "in_lists": "some"}])


def test_a_listed_page_shows_them_inside_its_item() -> None:
    item = listed_page("strings.Contains", "contains.md", "Reports it.", "```\nstrings.Contains S\n```")
    assert item == (
        "- [strings.Contains](<contains.md>): Reports it.\n\n  ```\n  strings.Contains S\n  ```\n"
    )
    assert listed_page("A", "a.md", None, "") == "- [A](<a.md>)"
