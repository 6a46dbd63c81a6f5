"""Material's blog plugin: where a post is published, and whether it is a draft.

A post (a Markdown file under ``post_dir``, ``blog/posts`` by default) is published at
``<blog_dir>/<post_url_format>`` with ``{date}`` its front matter date as
``post_url_date_format`` says (``yyyy/MM/dd``), ``{slug}`` its ``slug`` or its title
slugified, ``{categories}`` its first categories slugified and ``{file}`` its file name.
A post whose front matter says ``draft: true`` is not published (unless the plugin's
``draft`` setting publishes drafts).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ingest.sites.mkdocs.config import MkDocsConfig, normalise

_DATE_TOKENS = re.compile(r"yyyy|yy|MM|M|dd|d")
_TAGS = re.compile(r"</?[^>]*>")
_INVALID = re.compile(r"[^\w\- ]")


@dataclass(frozen=True, slots=True)
class Blog:
    """The blog plugin's settings that place posts (paths relative to ``docs_dir``)."""

    blog_dir: str
    post_dir: str
    url_format: str = "{date}/{slug}"
    date_format: str = "yyyy/MM/dd"
    separator: str = "-"
    max_categories: int = 1
    publish_drafts: bool = False
    excerpt_separator: str = "<!-- more -->"
    #: Posts on the index (its first page); None: all of them (pagination off).
    per_page: int | None = 10

    @classmethod
    def of(cls, config: MkDocsConfig) -> Blog | None:
        options = config.plugin("blog", "material/blog")
        if options is None or options.get("enabled", True) is False:
            return None
        blog_dir = normalise(str(options.get("blog_dir", "blog")))
        post_dir = normalise(str(options.get("post_dir", "{blog}/posts")).format(blog=blog_dir))
        return cls(
            blog_dir=blog_dir,
            post_dir=post_dir,
            url_format=str(options.get("post_url_format", "{date}/{slug}")),
            date_format=str(options.get("post_url_date_format", "yyyy/MM/dd")),
            separator=str(options.get("post_slugify_separator", "-")),
            max_categories=_count(options.get("post_url_max_categories"), 1),
            publish_drafts=options.get("draft", False) is True,
            excerpt_separator=str(options.get("post_excerpt_separator", "<!-- more -->")),
            per_page=(
                _count(options.get("pagination_per_page"), 10) or None
                if options.get("pagination", True) is not False
                else None
            ),
        )

    def is_index(self, rel: str) -> bool:
        return rel == posixpath.join(self.blog_dir, "index.md")

    def is_post(self, rel: str) -> bool:
        return rel.startswith(self.post_dir + "/") if self.post_dir else True

    def is_unpublished_draft(self, front: Mapping[str, Any]) -> bool:
        return front.get("draft") is True and not self.publish_drafts

    def published_as(self, rel: str, front: Mapping[str, Any], title: str) -> str | None:
        """The docs-relative ``.md`` path whose URL the post gets, or None without a date."""
        created = post_date(front.get("date"))
        if created is None:
            return None
        categories = front.get("categories")
        names = [str(name) for name in categories] if isinstance(categories, list) else []
        slug = front.get("slug")
        path = self.url_format.format(
            date=_format_date(created, self.date_format),
            slug=str(slug) if slug else slugify(title, self.separator),
            categories="/".join(slugify(name, self.separator) for name in names[: self.max_categories]),
            file=posixpath.splitext(posixpath.basename(rel))[0],
        )
        return posixpath.join(self.blog_dir, normalise(path.strip("/")) + ".md")


def _count(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else default


def post_date(value: Any) -> date | None:
    """A post's creation date: ``date: 2024-01-31``, a datetime, or ``date: {created: ...}``."""
    if isinstance(value, Mapping):
        value = value.get("created")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip()).date()
        except ValueError:
            return None
    return None


def slugify(text: str, separator: str = "-") -> str:
    """pymdownx.slugs.slugify(case="lower"), the blog's default: word characters, ``-`` and
    spaces kept, lower case, each space the separator."""
    text = _INVALID.sub("", _TAGS.sub("", unicodedata.normalize("NFC", text))).strip().lower()
    return text.replace(" ", separator)


def _format_date(value: date, pattern: str) -> str:
    numbers = {"yyyy": f"{value.year:04d}", "yy": f"{value.year % 100:02d}", "MM": f"{value.month:02d}"}
    numbers |= {"M": str(value.month), "dd": f"{value.day:02d}", "d": str(value.day)}
    return _DATE_TOKENS.sub(lambda match: numbers[match[0]], pattern)
