"""Markdown (CommonMark + GFM tables and strikethrough) to clean HTML.

One parser is built at import and reused: markdown-it-py with mdit-py-plugins for task
lists, footnotes, MkDocs admonitions (``!!!`` and the collapsible ``???``) and
definition lists, plus content tabs and GitHub alerts (:mod:`ingest.convert.blocks`).

Links, images and a leading title ``<h1>`` are handled on the token stream, so pure
Markdown is parsed once and only the Rust sanitiser reads the HTML again. A document
with raw HTML in it is rendered as it is and then goes through the full structural
pass of :mod:`ingest.convert.html`, which handles the same things there.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from ingest.convert.blocks import use_plain_blocks
from ingest.convert.depth import CHECK_EVERY
from ingest.convert.headings import assign_markdown_ids, plain_text
from ingest.convert.html import clean_html, same_title
from ingest.convert.links import LinkBuilder
from ingest.convert.sanitize import sanitize, tidy
from ingest.document_limits import Budget
from ingest.markdown_nesting import limit_nesting

_COMMENT_ONLY = re.compile(r"\s*<!--(?:(?!-->).)*-->\s*", re.DOTALL)


_BUDGET = "ingest_budget"
_CHECKS = "ingest_checks"


def _checkpoint(state: StateBlock | StateInline, *_rest: Any) -> bool:
    """A rule that matches nothing: it looks at the document's time budget every so often."""
    env = state.env
    env[_CHECKS] = checks = env.get(_CHECKS, 0) + 1
    if checks % CHECK_EVERY == 0 and isinstance(budget := env.get(_BUDGET), Budget):
        budget.check()
    return False


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(tasklists_plugin).use(footnote_plugin).use(admon_plugin).use(deflist_plugin)
    use_plain_blocks(md)
    limit_nesting(md)
    # Checkpoints where markdown-it loops: once per block and once per inline token tried.
    md.block.ruler.before(md.block.ruler.get_all_rules()[0], "budget_checkpoint", _checkpoint)
    md.inline.ruler.before(md.inline.ruler.get_all_rules()[0], "budget_checkpoint", _checkpoint)
    return md


_PARSER = _build_parser()


def parse_tokens(body: str) -> list[Token]:
    """The token stream of ``body`` as the converter sees it (for tests and diagnostics)."""
    return _PARSER.parse(body, {})


def markdown_to_html(
    body: str,
    *,
    path: str,
    title: str | None,
    links: LinkBuilder,
    warnings: list[str] | None = None,
    budget: Budget | None = None,
) -> str:
    """Clean, sanitised HTML for a Markdown ``body`` found at ``path``; deterministic.

    ``title`` is the document's title: a first ``# Heading`` saying the same is
    dropped, since Intercom shows the title above the page. Every heading gets an id
    (see :mod:`ingest.convert.headings`). Links the site says lead nowhere add their
    warning to ``warnings``. Lists and quotes nested too deeply to parse raise
    :class:`~ingest.markdown_nesting.NestingTooDeep`; ``budget`` is checked as the parser goes.
    """
    env: dict[str, Any] = {_BUDGET: budget}
    tokens = _PARSER.parse(body, env)
    if budget is not None:
        budget.check()
    assign_markdown_ids(tokens, links)
    if _has_raw_html(tokens):
        rendered = _PARSER.renderer.render(tokens, _PARSER.options, env)
        return clean_html(rendered, path=path, title=title, links=links, warnings=warnings, budget=budget)
    if (
        len(tokens) >= 3
        and tokens[0].type == "heading_open"
        and tokens[0].tag == "h1"
        and same_title(plain_text(tokens[1].children or []), title)
    ):
        del tokens[:3]
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _rewrite_inline(token.children, path, links, warnings)
    return tidy(sanitize(_PARSER.renderer.render(tokens, _PARSER.options, env)))


def _has_raw_html(tokens: list[Token]) -> bool:
    """Whether any raw HTML is left once comments (which never reach Intercom) are dropped."""
    if any(_is_comment(token) for token in tokens):
        tokens[:] = [token for token in tokens if not _is_comment(token)]
    found = False
    for token in tokens:
        # Lists are rebuilt only where HTML is: most inline tokens hold none.
        if token.children and any(child.type == "html_inline" for child in token.children):
            token.children = [child for child in token.children if not _is_comment(child)]
            found = found or any(child.type == "html_inline" for child in token.children)
        found = found or token.type == "html_block"
    return found


def _is_comment(token: Token) -> bool:
    return token.type in ("html_block", "html_inline") and _COMMENT_ONLY.fullmatch(token.content) is not None


def _text_token(content: str) -> Token:
    return Token("text", "", 0, content=content)


def _rewrite_inline(
    children: list[Token], path: str, links: LinkBuilder, warnings: list[str] | None
) -> list[Token]:
    """Resolve links and images; unlink or drop (keeping the text) what has nowhere to go."""
    out: list[Token] = []
    unlinked = False
    for child in children:
        if child.type == "link_open":
            target = links.resolve(str(child.attrs.get("href", "")), path, warnings)
            if target is None:
                unlinked = True  # links cannot nest, so the next link_close is this one's
                continue
            child.attrs["href"] = target
        elif child.type == "link_close" and unlinked:
            unlinked = False
            continue
        elif child.type == "image":
            target = links.resolve_src(str(child.attrs.get("src", "")), path, warnings)
            if target is None:
                alt = plain_text(child.children or [])
                if alt:
                    out.append(_text_token(alt))
                continue
            # Alphabetical, as the structural pass serialises them, so both paths agree.
            child.attrs = dict(sorted({**child.attrs, "src": target}.items()))
        out.append(child)
    return out
