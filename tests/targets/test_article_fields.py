"""An article's description and collection path, derived from the converted page."""

from __future__ import annotations

from ingest.targets.articles.fields import DESCRIPTION_LIMIT, collection_path, description_for


def test_declared_description_wins() -> None:
    """Front matter description is used as given (whitespace tidied)."""
    assert description_for("<p>First.</p>", "  Set up   billing. ") == "Set up billing."


def test_first_paragraph_when_none_is_declared() -> None:
    """Without one, the first paragraph's text is the description."""
    html = "<h2>Intro</h2><p>Tempo tracks <strong>time</strong>.</p><p>Second.</p>"
    assert description_for(html, None) == "Tempo tracks time."


def test_long_paragraph_is_cut_at_a_word() -> None:
    """A long first paragraph is cut at a word boundary with an ellipsis."""
    text = " ".join(["word"] * 100)
    described = description_for(f"<p>{text}</p>", None)
    assert len(described) <= DESCRIPTION_LIMIT and described.endswith("word…")


def test_no_paragraph_no_description() -> None:
    """A page with no paragraph has an empty description."""
    assert description_for("<ul><li>x</li></ul>", None) == ""


def test_folders_become_readable_collection_names() -> None:
    """guides/billing-and-plans/x.md sits in Guides > Billing and plans."""
    assert collection_path("guides/billing-and-plans/x.md", None) == ("Guides", "Billing and plans")
    assert collection_path("index.md", None) == ()


def test_ancestors_win_over_folders() -> None:
    """A connector's ancestors (Confluence parent pages) are the collections."""
    assert collection_path("123.html", ["Engineering", "Runbooks"]) == ("Engineering", "Runbooks")
