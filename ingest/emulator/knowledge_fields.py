"""What 2.16 added to articles and internal articles: availability flags and Markdown bodies.

A 2.16 (or Preview) write may set ``ai_chatbot_availability``, ``ai_copilot_availability`` and
``ai_sales_agent_availability``, and give the body as ``body_markdown`` instead of ``body``
(HTML); the two are mutually exclusive, as the descriptions say. 2.15 ignores all four, as
the API ignores fields it does not know. Every answer of 2.16 and later carries the flags and
``body_markdown``: the Markdown the body was written in, else the HTML body as Markdown.
"""

from __future__ import annotations

import functools
from typing import Any

from markdown_it import MarkdownIt
from markdownify import markdownify

from ingest.api_versions import ApiFeatures
from ingest.emulator.errors import invalid
from ingest.emulator.wire import optional

AVAILABILITY_FLAGS = ("ai_chatbot_availability", "ai_copilot_availability", "ai_sales_agent_availability")

_MARKDOWN = MarkdownIt("commonmark")


def written_fields(body: dict[str, Any], features: ApiFeatures, *, html_given: bool) -> dict[str, Any]:
    """The stored fields a write sets beyond 2.15's: availability flags, and the body from
    ``body_markdown`` (with the Markdown kept as written). ``html_given`` says the write sets
    an HTML body, which replaces the Markdown an earlier one was written in (in any version)."""
    fields: dict[str, Any] = {"body_markdown": None} if html_given else {}
    if not features.article_availability:
        return fields
    for name in AVAILABILITY_FLAGS:
        value = optional(body, name, bool)
        if value is not None:
            fields[name] = value
    markdown = optional(body, "body_markdown", str)
    if markdown is not None:
        if html_given:
            raise invalid("body_markdown", "body and body_markdown are mutually exclusive: send one of them")
        fields["body"] = _MARKDOWN.render(markdown)
        fields["body_markdown"] = markdown
    return fields


def markdown_of(html: str, written: str | None) -> str:
    """``body_markdown`` as answered: the Markdown the body was written in, else the HTML as Markdown."""
    if written is not None:
        return written
    return _as_markdown(html) if html else ""


@functools.lru_cache(maxsize=4096)
def _as_markdown(html: str) -> str:
    # Every answer shows it, lists too: each body is converted once, not at every read.
    return str(markdownify(html, heading_style="ATX")).strip()
