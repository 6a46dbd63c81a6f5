"""Which language a document is in, and which document it translates.

Two conventions, as writers use them: a file named ``guide.fr.md`` beside ``guide.md``
is the French version of it; or front matter says ``locale: fr`` and names the document
it translates with ``translation_of: <its external_id>``. Locales are those Intercom's
Help Center knows (``article_translated_content`` in the 2.15 API).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from ingest.document import Page
from ingest.intercom.article_models import ARTICLE_LOCALES
from ingest.language_id import THRESHOLD, identify, prose_of

#: The locales of Intercom's ``article_translated_content``.
INTERCOM_LOCALES = ARTICLE_LOCALES
_BY_LOWER = {locale.lower(): locale for locale in INTERCOM_LOCALES}


@dataclass(frozen=True, slots=True)
class Language:
    """A document's locale; for a translation, how to find the document it translates."""

    locale: str
    #: The translated document's locator (``guide.md`` for ``guide.fr.md``), or None.
    base_locator: str | None = None
    #: The translated document's external id (front matter ``translation_of``), or None.
    base_external_id: str | None = None

    @property
    def is_translation(self) -> bool:
        return self.base_locator is not None or self.base_external_id is not None


def canonical_locale(value: str) -> str | None:
    """``fr``, ``pt-br`` or ``zh_CN`` as Intercom spells it, or None when Intercom has no such locale."""
    return _BY_LOWER.get(value.strip().replace("_", "-").lower())


#: Languages the identifier names by a code Intercom spells otherwise (Chinese: its simplified
#: script, which most Chinese docs are written in; Cantonese: traditional; Norwegian: Bokmål).
_IDENTIFIED_AS = {"zh": "zh-CN", "yue": "zh-TW", "no": "nb", "nn": "nb"}


def detected_locale(language: str) -> str | None:
    """The Intercom locale of a language the identifier found (``zh`` -> ``zh-CN``), or None
    when Intercom has none (Latin, say: no reason to leave a page out)."""
    return canonical_locale(language) or _IDENTIFIED_AS.get(language)


def declares_locale(page: Page) -> bool:
    """Whether the page's locale is said: front matter or its site (``locale``), or its file name."""
    declared = page.metadata.get("locale")
    return (isinstance(declared, str) and canonical_locale(declared) is not None) or bool(
        _suffix_locale(page.locator)
    )


#: Languages that are never a page's language: Latin is the placeholder text (lorem ipsum) of
#: examples, and English docs full of it must stay English.
_PLACEHOLDER_LANGUAGES = frozenset({"la"})


# Common characters written one way in traditional Chinese and another in simplified, pairwise.
_TRADITIONAL = frozenset(
    "們這個會說為與來對時從後裡還過開關實現應義點體頭東車長門問間見電話語讀寫聽學機經發認讓進動數據設網頁檔"
)
_SIMPLIFIED = frozenset(
    "们这个会说为与来对时从后里还过开关实现应义点体头东车长门问间见电话语读写听学机经发认让进动数据设网页档"
)


def chinese_locale(prose: str) -> str:
    """``zh-TW`` for Chinese written in traditional characters, else ``zh-CN`` (simplified):
    which of the two ways of writing the commonest characters the text uses more."""
    traditional = sum(char in _TRADITIONAL for char in prose)
    simplified = sum(char in _SIMPLIFIED for char in prose)
    return "zh-TW" if traditional > simplified else "zh-CN"


def foreign_language(prose: str, threshold: float = THRESHOLD) -> str | None:
    """The language (ISO 639 code) ``prose`` is clearly written in when that is not English:
    the identifier is at least ``threshold`` sure it is not English; else None."""
    found = identify(prose)
    if found is None or found[1] < threshold or found[0] in _PLACEHOLDER_LANGUAGES:
        return None
    return found[0]


def with_detected_locale(page: Page) -> Page:
    """``page``, or, when nobody declared its locale and its prose is clearly in another language
    than English, ``page`` with that language in its metadata (``detected_language``, the ISO
    code) and, when Intercom has a locale for it, that ``locale``."""
    if declares_locale(page):
        return page
    language = foreign_language(prose_of(page.html))
    if language is None:
        return page
    metadata = {**page.metadata, "detected_language": language}
    locale = detected_locale(language)
    if locale in ("zh-CN", "zh-TW"):
        locale = chinese_locale(prose_of(page.html))
    if locale is not None:
        metadata["locale"] = locale
    return replace(page, metadata=metadata)


def language_of(page: Page, default_locale: str) -> Language:
    """The page's locale: front matter ``locale``, else a ``.<locale>`` before the file's
    extension, else ``default_locale``. A page in another locale than the default is a
    translation when front matter names ``translation_of`` or its file name has the suffix."""
    declared = page.metadata.get("locale")
    translation_of = page.metadata.get("translation_of")
    if isinstance(declared, str) and (locale := canonical_locale(declared)):
        if locale != default_locale and translation_of is not None:
            return Language(locale, base_external_id=str(translation_of))
        suffixed = _suffix_locale(page.locator)
        if locale != default_locale and suffixed is not None and suffixed[0] == locale:
            return Language(locale, base_locator=suffixed[1])
        return Language(locale)
    suffixed = _suffix_locale(page.locator)
    if suffixed is not None and suffixed[0] != default_locale:
        return Language(suffixed[0], base_locator=suffixed[1])
    return Language(default_locale)


def _suffix_locale(locator: str) -> tuple[str, str] | None:
    path = PurePosixPath(locator)
    stem = PurePosixPath(path.stem)
    locale = canonical_locale(stem.suffix[1:]) if stem.suffix else None
    if locale is None:
        return None
    return locale, str(path.with_name(stem.stem + path.suffix))
