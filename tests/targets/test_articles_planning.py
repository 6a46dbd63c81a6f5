"""Help Center articles, planning half: each document's article, its place, and what re-sends it."""

from __future__ import annotations

from ingest.plan import Action, Upsert
from ingest.targets.articles.planning import ArticlesPlanner
from ingest.targets.articles.settings import ArticlesSettings
from tests.targets.pages import page

SETTINGS = ArticlesSettings(author_id=1, collection="Handbook")
PLANNER = ArticlesPlanner(SETTINGS)


def with_settings(**changes: object) -> ArticlesPlanner:
    return ArticlesPlanner(SETTINGS.model_copy(update=changes))


def test_every_page_is_taken() -> None:
    """Articles take every language: a translation goes into its original's article."""
    assert PLANNER.accepts(page("guide.md")) is None
    assert PLANNER.accepts(page("guide.fr.md")) is None


def test_folders_or_ancestors_name_the_collections() -> None:
    """Folders become collection names as a person writes them; a connector's ancestors win."""
    assert PLANNER.collection(page("index.md")) == ()
    assert PLANNER.collection(page("getting-started/first_steps/install.md")) == (
        "Getting started",
        "First steps",
    )
    assert PLANNER.collection(page("x/y.md", ancestors=["Space", "Parent"])) == ("Space", "Parent")


def test_the_content_is_the_page_with_its_description_author_and_state() -> None:
    """Title and body as converted; the first paragraph (or front matter) describes it."""
    content = with_settings(state="published").content(
        page("guide.md", "Guide", "<p>First.</p><p>Second.</p>")
    )
    assert (content.title, content.body, content.description) == (
        "Guide",
        "<p>First.</p><p>Second.</p>",
        "First.",
    )
    assert (content.author_id, content.state) == (1, "published")
    assert PLANNER.content(page("guide.md", description="Declared.")).description == "Declared."


def test_a_translation_is_known_by_its_suffix_or_its_front_matter() -> None:
    """``guide.fr.md`` translates ``guide.md``; front matter ``locale`` and ``translation_of``
    name the original."""
    suffixed = PLANNER.language(page("guide.fr.md"))
    assert (suffixed.locale, suffixed.base_locator, suffixed.is_translation) == ("fr", "guide.md", True)
    declared = PLANNER.language(page("notes.md", locale="de", translation_of="guide.md"))
    assert (declared.locale, declared.base_external_id) == ("de", "guide.md")
    assert not PLANNER.language(page("guide.md")).is_translation
    assert not with_settings(default_locale="fr").language(page("guide.fr.md")).is_translation


def test_originals_are_written_before_their_translations() -> None:
    """Two batches, originals first; no empty batch."""
    original, translation, other = (
        Upsert(Action.CREATE, page(name), "h") for name in ("guide.md", "guide.fr.md", "faq.md")
    )
    assert PLANNER.batches([translation, original, other]) == [[original, other], [translation]]
    assert PLANNER.batches([original]) == [[original]]
    assert PLANNER.batches([translation]) == [[translation]]
    assert PLANNER.batches([]) == []


def test_an_original_is_re_sent_when_its_place_changes() -> None:
    """Moving a document to another folder, renaming the root or changing the help center
    changes an original's hash."""
    guide = page("guides/guide.md")
    before = PLANNER.payload_hash(guide)
    assert PLANNER.payload_hash(page("howtos/guide.md")) != before
    assert with_settings(collection="Docs").payload_hash(guide) != before
    assert with_settings(help_center_id=2).payload_hash(guide) != before
    assert PLANNER.payload_hash(page("guides/guide.md")) == before


def test_a_translation_is_re_sent_when_its_content_or_original_changes_not_its_root() -> None:
    """A translation is placed by its original's article: the root does not enter its hash;
    its locale and the original it names do."""
    translation = page("guide.fr.md", "Guide (FR)", "<p>Bonjour.</p>")
    before = PLANNER.payload_hash(translation)
    assert with_settings(collection="Docs").payload_hash(translation) == before
    assert PLANNER.payload_hash(page("guide.fr.md", "Guide (FR)", "<p>Salut.</p>")) != before
    assert PLANNER.payload_hash(page("guide.de.md", "Guide (FR)", "<p>Bonjour.</p>")) != before


def test_the_settings_digest_covers_what_shapes_every_article() -> None:
    """Author, state, help center, root and default locale re-send everything; the delete
    policy changes no article, so it does not."""
    digest = PLANNER.settings_digest()
    for change in ({"author_id": 2}, {"state": "published"}, {"help_center_id": 3}, {"collection": "Docs"}):
        assert with_settings(**change).settings_digest() != digest, change
    assert with_settings(default_locale="fr").settings_digest() != digest
    assert with_settings(on_delete="delete").settings_digest() == digest
