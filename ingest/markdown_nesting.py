"""A nesting limit for Markdown that refuses a document instead of cutting it short.

markdown-it stops parsing blocks nested deeper than its ``maxNesting`` option and drops
the rest of the document, the text after the deep part included, without a word.
:func:`limit_nesting` raises :class:`NestingTooDeep` one level before that can happen.
The converter's parser and the reader's title search (:mod:`ingest.textdoc`) both use it,
so a document the converter would refuse is refused already when it is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # only the parser a caller built is touched: importing this loads no parser
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock

#: Levels of lists, list items, block quotes, admonitions and content tabs (a list level is two:
#: the list and its item).
MAX_NESTING: Final = 100
# A block rule opens a few levels before its content is parsed (a list opens the list and
# its item); markdown-it's own limit stays above anything the guard lets through.
_HEADROOM: Final = 8


class NestingTooDeep(ValueError):
    """Markdown with blocks nested more than :data:`MAX_NESTING` levels deep."""


def limit_nesting(md: MarkdownIt) -> MarkdownIt:
    """Make ``md`` raise :class:`NestingTooDeep` where it would drop deeply nested content.

    Call it once every block rule is in place: the guard must run before all of them.
    """
    md.options["maxNesting"] = MAX_NESTING + _HEADROOM
    md.block.ruler.before(md.block.ruler.get_all_rules()[0], "nesting_guard", _guard)
    return md


def _guard(state: StateBlock, _start_line: int, _end_line: int, _silent: bool) -> bool:
    if state.level > MAX_NESTING:
        raise NestingTooDeep(
            f"Markdown nested too deeply: more than {MAX_NESTING} levels of lists, list items, "
            "block quotes, admonitions and content tabs"
        )
    return False
