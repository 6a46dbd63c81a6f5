"""Which language a document is in, and which document it translates.

Two conventions, as writers use them: a file named ``guide.fr.md`` beside ``guide.md``
is the French version of it; or front matter says ``locale: fr`` and names the document
it translates with ``translation_of: <its external_id>``. Locales are those Intercom's
Help Center knows (``article_translated_content`` in the 2.15 API).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from ingest.document import Page
from ingest.intercom.article_models import ARTICLE_LOCALES

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
