"""The path Hugo publishes a page at: pretty or ugly, ``slug``, ``url``, ``permalinks``, language prefix.

Everything here is computed from the page's place in the content tree, its front matter and
the site's configuration, the way Hugo computes ``.RelPermalink`` (minus the base URL's path,
which :func:`absolute` adds).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin

from ingest.sites.hugo.config import HugoConfig
from ingest.sites.hugo.content import ContentFile, path_matches

_TOKEN = re.compile(r":([A-Za-z0-9]+)(\[[^\]]*\])?")
_PATH_KEPT = frozenset("./\\_#+~-@")
_HEX = frozenset("0123456789abcdefABCDEF")
# Go reference-time components a permalink may use (``/:06/:1/:2/:title/``).
_GO_TIME = {
    "2006": "%Y",
    "06": "%y",
    "01": "%m",
    "January": "%B",
    "Jan": "%b",
    "02": "%d",
    "Monday": "%A",
    "Mon": "%a",
}


@dataclass(frozen=True, slots=True)
class PermalinkRule:
    """One ``permalinks`` pattern and the pages it applies to."""

    pattern: str
    kinds: frozenset[str]
    section: str | None = None
    path: str | None = None
    languages: frozenset[str] | None = None

    def applies(self, item: ContentFile) -> bool:
        kind = "page" if item.kind == "page" else item.kind
        if kind not in self.kinds:
            return False
        if self.languages is not None and item.language not in self.languages:
            return False
        if self.section is not None and self.section != item.section.lower():
            return False
        return self.path is None or path_matches(item.key, self.path)


def permalink_rules(config: HugoConfig) -> tuple[PermalinkRule, ...]:
    """The site's permalink rules, a language's own first."""
    rules: list[PermalinkRule] = []
    languages = config.values.get("languages")
    if isinstance(languages, dict):
        for key, settings in languages.items():
            if isinstance(settings, dict) and "permalinks" in settings:
                rules.extend(_rules(settings["permalinks"], frozenset({key})))
    rules.extend(_rules(config.values.get("permalinks"), None))
    return tuple(rules)


def _rules(value: object, languages: frozenset[str] | None) -> list[PermalinkRule]:
    if isinstance(value, list):
        return [rule for entry in value if (rule := _array_rule(entry, languages)) is not None]
    if not isinstance(value, dict):
        return []
    rules: list[PermalinkRule] = []
    for key, item in value.items():
        if isinstance(item, dict) and key in ("page", "section"):
            rules.extend(
                PermalinkRule(str(pattern), frozenset({key}), section=str(section), languages=languages)
                for section, pattern in item.items()
                if isinstance(pattern, str)
            )
        elif isinstance(item, str):
            rules.append(PermalinkRule(item, frozenset({"page"}), section=str(key), languages=languages))
    return rules


def _array_rule(entry: object, languages: frozenset[str] | None) -> PermalinkRule | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("pattern"), str):
        return None
    target = _table(entry.get("target"))
    kinds = target.get("kind")
    matrix_languages = _table(_table(target.get("sites")).get("matrix")).get("languages")
    return PermalinkRule(
        entry["pattern"],
        frozenset(str(kinds).strip("{}").split(",")) if kinds else frozenset({"page", "section"}),
        path=str(target["path"]) if target.get("path") else None,
        languages=frozenset(map(str, matrix_languages)) if matrix_languages else languages,
    )


def _table(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def make_path(text: str, *, lower: bool = True) -> str:
    """Hugo's ``MakePath``/``urlize``: letters, marks, digits and ``./\\_#+~-@`` kept (and ``%XX``),
    spaces made one ``-``, the rest dropped; lower-cased unless the site disables it."""
    kept: list[str] = []
    was_hyphen = False
    for index, char in enumerate(text):
        escape = char == "%" and index + 2 < len(text) and text[index + 1] in _HEX and text[index + 2] in _HEX
        if char in _PATH_KEPT or unicodedata.category(char)[0] in "LMN" or escape:
            was_hyphen = char == "-"
            kept.append(char)
        elif not was_hyphen and char.isspace():
            kept.append("-")
            was_hyphen = True
    path = "".join(kept)
    return path.lower() if lower else path


def language_prefix(language: str, config: HugoConfig) -> str:
    """``/fr`` for a page in another language than the default (or every one, in subdirs)."""
    if language == config.default_language and not config.default_language_in_subdir:
        return ""
    if not config.multilingual and not config.default_language_in_subdir:
        return ""
    return f"/{language}"


def page_path(
    item: ContentFile, front: Mapping[str, Any], config: HugoConfig, rules: tuple[PermalinkRule, ...]
) -> str:
    """The page's path on the site (``/fr/a/b/``, ``/a/b.html``), or an absolute URL when its
    ``url`` front matter is one."""
    prefix = language_prefix(item.language, config)
    url = front.get("url")
    if isinstance(url, str) and url.strip():
        return _front_url(url.strip(), prefix, config)
    rule = next((rule for rule in rules if rule.applies(item)), None)
    if rule is not None and item.kind != "home":
        expanded = _expand(rule.pattern, item, front, config)
        return prefix + _finish(expanded, ugly=config.ugly(item.section) and item.kind == "page")
    if item.kind == "home":
        return prefix + "/"
    key = make_path(item.key, lower=config.lower_paths)
    if item.kind == "section":
        return f"{prefix}/{key}/"
    folder, _, name = key.rpartition("/")
    slug = front.get("slug")
    if isinstance(slug, (str, int, float)) and str(slug).strip():
        name = make_path(str(slug).strip(), lower=config.lower_paths)
    path = "/".join(part for part in (folder, name) if part)
    if config.ugly(item.section):
        return f"{prefix}/{path}.html"
    return f"{prefix}/{path}/"


def absolute(path: str, root: str) -> str:
    """``path`` (a site path or an absolute URL) on the site whose root URL is ``root``."""
    if "://" in path:
        return path
    return urljoin(root if root.endswith("/") else root + "/", path.lstrip("/"))


def _front_url(url: str, prefix: str, config: HugoConfig) -> str:
    if "://" in url:
        return url
    if config.multilingual and not url.startswith("/"):
        url = f"{prefix}/{url}"
    url = "/" + url.lstrip("/")
    last = url.rstrip("/").rpartition("/")[2]
    if not url.endswith("/") and "." not in last:
        url += "/"
    return url


def _finish(path: str, *, ugly: bool) -> str:
    path = "/" + re.sub(r"/{2,}", "/", path).lstrip("/")
    if ugly and path.endswith("/") and path != "/":
        return path.rstrip("/") + ".html"
    last = path.rpartition("/")[2]
    if not path.endswith("/") and "." not in last:
        path += "/"
    return path


def _expand(pattern: str, item: ContentFile, front: Mapping[str, Any], config: HugoConfig) -> str:
    moment = _date(front.get("date"))
    lower = config.lower_paths

    def value(match: re.Match[str]) -> str:
        token, selection = match.group(1), match.group(2)
        title = str(front.get("title") or item.base_name)
        slug = str(front.get("slug") or "")
        sections = (item.key if item.kind != "page" else item.directory).split("/")
        sections = [part for part in sections if part]
        simple = {
            "year": f"{moment.year:04d}",
            "month": f"{moment.month:02d}",
            "monthname": moment.strftime("%B").lower() if lower else moment.strftime("%B"),
            "day": f"{moment.day:02d}",
            "weekday": str((moment.weekday() + 1) % 7),
            "weekdayname": moment.strftime("%A").lower() if lower else moment.strftime("%A"),
            "yearday": str(moment.timetuple().tm_yday),
            "section": make_path(item.section, lower=lower),
            "sectionslug": make_path(item.section, lower=lower),
            "title": make_path(title, lower=lower),
            "slug": make_path(slug or title, lower=lower),
            "filename": make_path(item.base_name, lower=lower),
            "contentbasename": make_path(item.base_name, lower=lower),
            "slugorfilename": make_path(slug or item.base_name, lower=lower),
            "slugorcontentbasename": make_path(slug or item.base_name, lower=lower),
            "contentbasenameorslug": make_path(item.base_name or slug, lower=lower),
        }
        if token in ("sections", "sectionslugs"):
            return make_path("/".join(_select(sections, selection)), lower=lower)
        if token in simple:
            return simple[token]
        if token in _GO_TIME or token.isdigit():
            return _go_time(token, moment)
        return match.group(0)

    return _TOKEN.sub(value, pattern)


def _select(parts: list[str], selection: str | None) -> list[str]:
    if not selection:
        return parts
    inner = selection.strip("[]").replace("last", str(len(parts) - 1))
    if ":" not in inner:
        index = int(inner) if inner.lstrip("-").isdigit() else 0
        return parts[index : index + 1]
    start, _, stop = inner.partition(":")
    return parts[int(start) if start else None : int(stop) if stop else None]


def _go_time(token: str, moment: datetime) -> str:
    numeric = {"1": str(moment.month), "2": str(moment.day), "002": f"{moment.timetuple().tm_yday:03d}"}
    if token in numeric:
        return numeric[token]
    return moment.strftime(_GO_TIME.get(token, token))


def _date(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            pass
    # A page without a date has Hugo's zero time.
    return datetime(1, 1, 1)
