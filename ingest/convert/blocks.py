"""Markdown extensions beyond CommonMark, and the plain shapes they render to.

Intercom renders little more than paragraphs, lists, tables, code and quotes, so every
extension becomes one of those, with what matters kept as visible text:

- admonitions (``!!! note "Title"``, collapsible ``???``) and GitHub alerts
  (``> [!WARNING]``) become a blockquote that opens with the kind in bold;
- content tabs (``=== "macOS"``, pymdownx.tabbed) become a bold label before their
  content, which would otherwise be taken for an indented code block;
- footnote references become ``[n]`` and the notes a numbered list, without links;
- task-list checkboxes become a ☐ / ☑ text prefix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ingest.checkboxes import checkbox_text
from ingest.convert.html import same_title

_CHECKBOX_MARKUP = '<input class="task-list-item-checkbox"'
_TAB_MARKER = re.compile(r'===[!+]?[ \t]+"(?P<title>[^"\n]*)"[ \t]*')
_TAB_INDENT = 4
_ALERT_MARKER = re.compile(r"\[!(?P<kind>NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\n|$)", re.IGNORECASE)


def _label(kind: str) -> str:
    return escapeHtml(kind[:1].upper() + kind[1:].lower())


def visible_checkboxes(state: StateCore) -> None:
    """Core rule: the task-list plugin's ``<input>`` tokens become a ☐ / ☑ text prefix."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        first = token.children[0]
        if first.type == "html_inline" and first.content.startswith(_CHECKBOX_MARKUP):
            following = token.children[1].content if len(token.children) > 1 else ""
            first.type = "text"
            first.content = checkbox_text('checked="checked"' in first.content, following)


def github_alerts(state: StateCore) -> None:
    """Core rule, before inline parsing: ``> [!NOTE]`` quotes get a kind label token."""
    tokens = state.tokens
    index = 0
    while index + 3 < len(tokens):
        if tokens[index].type != "blockquote_open":
            index += 1
            continue
        paragraph, inline = tokens[index + 1], tokens[index + 2]
        match = _ALERT_MARKER.match(inline.content) if inline.type == "inline" else None
        if paragraph.type == "paragraph_open" and match:
            label = Token("alert_title", "p", 0, block=True, meta={"kind": match["kind"]})
            inline.content = inline.content[match.end() :]
            if inline.content.strip():
                tokens.insert(index + 1, label)
            else:
                tokens[index + 1 : index + 4] = [label]  # the marker was the whole paragraph
        index += 1


def content_tab(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Block rule: ``=== "Title"`` and the lines indented under it."""
    if state.sCount[start_line] - state.blkIndent >= _TAB_INDENT:
        return False  # an indented code block
    start = state.bMarks[start_line] + state.tShift[start_line]
    if not state.src.startswith("===", start):
        return False
    match = _TAB_MARKER.fullmatch(state.src, start, state.eMarks[start_line])
    if match is None:
        return False
    if silent:
        return True
    content_indent = state.sCount[start_line] + _TAB_INDENT
    next_line = start_line + 1
    while next_line < end_line and (state.isEmpty(next_line) or state.sCount[next_line] >= content_indent):
        next_line += 1

    opening = state.push("content_tab_title_open", "p", 1)
    opening.map = [start_line, start_line + 1]
    title = state.push("inline", "", 0)
    title.content = match["title"]
    title.map = [start_line, start_line + 1]
    title.children = []
    state.push("content_tab_title_close", "p", -1)

    old_indent, old_line_max = state.blkIndent, state.lineMax
    state.blkIndent, state.lineMax = content_indent, next_line
    state.level += 1  # a level of nesting, as a quote's content is: the nesting guard counts it
    state.md.block.tokenize(state, start_line + 1, next_line)
    state.level -= 1
    state.blkIndent, state.lineMax = old_indent, old_line_max
    state.line = next_line
    return True


def _admonition_open(self: Any, tokens: Sequence[Token], idx: int, *_context: Any) -> str:
    has_title = idx + 1 < len(tokens) and tokens[idx + 1].type == "admonition_title_open"
    label = "" if has_title else f"<p><strong>{_label(tokens[idx].meta['tag'])}</strong></p>\n"
    return "<blockquote>\n" + label


def _admonition_title_open(self: Any, tokens: Sequence[Token], idx: int, *_context: Any) -> str:
    kind = str(tokens[idx - 1].meta.get("tag", "")) if idx > 0 else ""
    title = tokens[idx + 1].content if idx + 1 < len(tokens) else ""
    if not kind or same_title(title, kind):
        return "<p><strong>"
    return f"<p><strong>{_label(kind)}: "


def _alert_title(self: Any, tokens: Sequence[Token], idx: int, *_context: Any) -> str:
    return f"<p><strong>{_label(tokens[idx].meta['kind'])}</strong></p>\n"


def _footnote_ref(self: Any, tokens: Sequence[Token], idx: int, *_context: Any) -> str:
    # No link: Intercom keeps no ids, so "#fn1" would point nowhere. The number
    # matches the note's place in the numbered list at the end.
    return f"<sup>[{tokens[idx].meta['id'] + 1}]</sup>"


def _constant(html: str) -> Any:
    def render(self: Any, tokens: Sequence[Token], idx: int, *_context: Any) -> str:
        return html

    return render


def use_plain_blocks(md: MarkdownIt) -> None:
    """Add content tabs, GitHub alerts and visible checkboxes to ``md``, and render all
    extension tokens (admonitions, footnotes, tabs, alerts) in the plain shapes above.

    Expects the task-list, footnote and admonition plugins to be in use already.
    """
    md.block.ruler.before(
        "fence", "content_tab", content_tab, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.core.ruler.before("inline", "github_alerts", github_alerts)
    md.core.ruler.after("github-tasklists", "visible_checkboxes", visible_checkboxes)
    rules = {
        # A quote with the kind in bold: Intercom renders blockquotes, and the kind
        # ("Warning") stays visible text for readers and for Fin alike.
        "admonition_open": _admonition_open,
        "admonition_title_open": _admonition_title_open,
        "admonition_title_close": _constant("</strong></p>\n"),
        "admonition_close": _constant("</blockquote>\n"),
        "alert_title": _alert_title,
        "content_tab_title_open": _constant("<p><strong>"),
        "content_tab_title_close": _constant("</strong></p>\n"),
        "footnote_ref": _footnote_ref,
        "footnote_block_open": _constant("<hr>\n<ol>\n"),
        "footnote_block_close": _constant("</ol>\n"),
        "footnote_open": _constant("<li>"),
        "footnote_close": _constant("</li>\n"),
        "footnote_anchor": _constant(""),
    }
    for name, rule in rules.items():
        md.add_render_rule(name, rule)
