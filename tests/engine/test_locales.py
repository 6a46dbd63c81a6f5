"""Which language a document is in, and which document it translates."""

from __future__ import annotations

from typing import Any

import pytest

from ingest.document import Page
from ingest.locales import Language, canonical_locale, language_of, with_detected_locale
from ingest.targets.external_pages.planning import ExternalPagesPlanner


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


CHINESE_PAGE = (
    "<p>" + "这是一个关于如何配置账户的说明文档。请先登录管理后台然后在设置页面中选择团队成员。" * 3 + "</p>"
)
LOREM = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, nulla et euismod nulla.</p>"
ENGLISH_WITH_LATIN = "<p>Lists render like this.</p>" + LOREM * 4


def converted(locator: str, html: str, **metadata: Any) -> Page:
    return Page(locator, locator, html, None, locator, "fp", metadata)


def test_an_undeclared_page_clearly_in_another_language_is_detected() -> None:
    """Chinese prose becomes zh-CN, marked as detected; External Pages skip it saying so."""
    page = with_detected_locale(converted("guide.md", CHINESE_PAGE))
    assert (page.metadata["locale"], page.metadata["detected_language"]) == ("zh-CN", "zh")
    assert language_of(page, "en").locale == "zh-CN"
    reason = ExternalPagesPlanner(url="https://docs.example.com").accepts(page)
    assert reason == "External Pages are English-only; this document is in 'zh-CN' (detected)"


def test_a_declared_locale_or_a_locale_suffix_is_never_second_guessed() -> None:
    """Front matter (or the site) and file names win: no detection runs."""
    declared = converted("guide.md", CHINESE_PAGE, locale="en")
    assert with_detected_locale(declared) is declared
    suffixed = converted("guide.fr.md", CHINESE_PAGE)
    assert with_detected_locale(suffixed) is suffixed


def test_english_with_code_and_placeholder_latin_stays_english() -> None:
    """Lorem ipsum in examples and code blocks do not make an English page foreign."""
    page = converted("lists.md", ENGLISH_WITH_LATIN + "<pre><code>def f(): pass</code></pre>")
    assert with_detected_locale(page) is page
    short = converted("short.md", "<p>这是中文</p>")
    assert with_detected_locale(short) is short  # too little prose to say


def test_a_language_intercom_has_no_locale_for_is_still_not_sent_as_english() -> None:
    """A detected language without an Intercom locale is named in the skip, and no locale is invented."""
    sentence = (
        "Ця сторінка пояснює, як налаштувати обліковий запис \u0456 запросити нових учасників команди. "
    )
    ukrainian = "<p>" + sentence * 3
    page = with_detected_locale(converted("guide.md", ukrainian + "</p>"))
    assert page.metadata["detected_language"] == "uk" and "locale" not in page.metadata
    reason = ExternalPagesPlanner(url="https://docs.example.com").accepts(page)
    assert reason == "External Pages are English-only; this document is in 'uk' (detected)"


def test_chinese_in_traditional_characters_is_zh_tw() -> None:
    """The identifier says Chinese; the characters say which of Intercom's two Chinese locales."""
    traditional = (
        "<p>"
        + "這是一個關於如何設定帳戶的說明文件。請先登入管理後台\uff0c然後在設定頁面中選擇團隊成員。" * 3
        + "</p>"
    )
    page = with_detected_locale(converted("guide.md", traditional))
    assert page.metadata["locale"] == "zh-TW"
    assert with_detected_locale(converted("guide.md", CHINESE_PAGE)).metadata["locale"] == "zh-CN"
