"""Which language a document is in, and which document it translates."""

from __future__ import annotations

from typing import Any

import pytest

from ingest.document import Page
from ingest.locales import Language, canonical_locale, language_of


def page(locator: str, **metadata: Any) -> Page:
    return Page(
        external_id=locator,
        title="T",
        html="<p>x</p>",
        url=None,
        locator=locator,
        fingerprint="f",
        metadata=metadata,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("fr", "fr"), ("FR", "fr"), ("pt-br", "pt-BR"), ("zh_CN", "zh-CN"), ("xx", None), ("", None)],
)
def test_canonical_locale(value: str, expected: str | None) -> None:
    """Locales are spelled as Intercom spells them; unknown ones are None."""
    assert canonical_locale(value) == expected


def test_plain_document_is_in_the_default_locale() -> None:
    """A document with no marker is in the default locale and translates nothing."""
    assert language_of(page("guides/setup.md"), "en") == Language("en")


def test_suffix_marks_a_translation_of_the_unsuffixed_file() -> None:
    """guide.fr.md is the French translation of guide.md in the same folder."""
    assert language_of(page("guides/guide.fr.md"), "en") == Language("fr", base_locator="guides/guide.md")
    assert language_of(page("guide.pt-BR.md"), "en") == Language("pt-BR", base_locator="guide.md")


def test_suffix_in_the_default_locale_is_not_a_translation() -> None:
    """guide.en.md in an English source is just a document."""
    assert language_of(page("guide.en.md"), "en") == Language("en")


def test_a_dotted_name_that_is_no_locale_is_a_plain_document() -> None:
    """release.1.2.md is not a translation."""
    assert language_of(page("release.1.2.md"), "en") == Language("en")


def test_front_matter_locale_and_translation_of() -> None:
    """Front matter locale + translation_of names the original by its external id."""
    translated = page("fr/guide.md", locale="fr", translation_of="guide-id")
    assert language_of(translated, "en") == Language("fr", base_external_id="guide-id")
    assert not language_of(page("x.md", locale="fr"), "en").is_translation
    assert language_of(page("x.md", locale="en"), "en") == Language("en")
