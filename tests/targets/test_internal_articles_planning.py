"""Internal articles, planning half: which documents go, what each becomes, and what re-sends it."""

from __future__ import annotations

from ingest.api_versions import features_of
from ingest.plan import Action, Upsert
from ingest.targets.internal_articles.planning import InternalArticlesPlanner
from ingest.targets.internal_articles.settings import InternalArticlesSettings
from tests.targets.pages import page

SETTINGS = InternalArticlesSettings(author_id=1)
PLANNER = InternalArticlesPlanner(SETTINGS)


def with_settings(**changes: object) -> InternalArticlesPlanner:
    return InternalArticlesPlanner(SETTINGS.model_copy(update=changes))


def test_documents_in_the_workspace_language_are_taken_others_skipped_with_the_reason() -> None:
    """Intercom gives an internal article no locale of its own: a translation or a document in
    another language would be filed as English, so it is left out, saying why."""
    assert PLANNER.accepts(page("guide.md")) is None
    assert PLANNER.accepts(page("guide.fr.md")) == (
        "internal articles are in the workspace's language ('en'); this document is in 'fr'"
    )
    assert PLANNER.accepts(page("notes.md", locale="de")) is not None
    assert PLANNER.accepts(page("notes.md", locale="en")) is None


def test_default_locale_names_the_workspace_language() -> None:
    """A German workspace takes German documents and leaves the English translations out."""
    german = with_settings(default_locale="de")
    assert german.accepts(page("guide.md")) is None
    assert german.accepts(page("guide.en.md")) is not None


def test_the_request_is_the_page_with_author_and_owner() -> None:
    """Title and HTML as converted; the owner is the author unless one is named; from 2.16 (the
    default) the table's availability too (Copilot only), and nothing else; in 2.15 nothing else."""
    request = PLANNER.request(page("guide.md", "Restart", "<p>Run it.</p>"))
    fields = {"title": "Restart", "body": "<p>Run it.</p>", "author_id": 1, "owner_id": 1}
    assert request.to_body() == {
        **fields,
        "ai_chatbot_availability": False,
        "ai_copilot_availability": True,
        "ai_sales_agent_availability": False,
    }
    in_2_15 = InternalArticlesPlanner(SETTINGS, features_of("2.15"))
    assert in_2_15.request(page("guide.md", "Restart", "<p>Run it.</p>")).to_body() == fields
    assert with_settings(owner_id=2).request(page("guide.md")).owner_id == 2


def test_the_hash_covers_exactly_what_is_sent() -> None:
    """Title, body, author and owner re-send a document; its link and metadata do not (not sent)."""
    base = PLANNER.payload_hash(page("guide.md"))
    assert PLANNER.payload_hash(page("other/guide.md", description="ignored")) == base
    assert PLANNER.payload_hash(page("guide.md", "Other title")) != base
    assert PLANNER.payload_hash(page("guide.md", html="<p>New.</p>")) != base
    assert with_settings(author_id=2, owner_id=1).payload_hash(page("guide.md")) != base
    assert with_settings(owner_id=2).payload_hash(page("guide.md")) != base


def test_the_settings_digest_follows_what_shapes_payloads_and_skips() -> None:
    """Author, owner and language change it; what happens on delete does not (it sends no payload)."""
    digest = PLANNER.settings_digest()
    assert with_settings(on_delete="keep").settings_digest() == digest
    assert with_settings(owner_id=1).settings_digest() == digest, "the owner by default is the author"
    assert with_settings(owner_id=2).settings_digest() != digest
    assert with_settings(author_id=2).settings_digest() != digest
    assert with_settings(default_locale="de").settings_digest() != digest


def test_every_upsert_runs_in_one_batch() -> None:
    """No document depends on another: one concurrent batch."""
    items = [Upsert(Action.CREATE, page(name), content_hash=name) for name in ("a.md", "b.md")]
    assert PLANNER.batches(items) == [items]
    assert PLANNER.name == "internal_articles"
