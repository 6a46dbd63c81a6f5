"""HTML parsed into BeautifulSoup, with the document's limits checked while the parser works.

BeautifulSoup links each new element to the last one parsed, which costs the depth of the tree
at each element the parser reopens or moves: the parse of a deep, tangled page costs its size
times its depth, before any pass of ours could look at it. The builder here counts the depth
as elements open and close, refusing a page nested deeper than
:data:`~ingest.document_limits.MAX_HTML_DEPTH` at once, and looks at the time budget as
elements open, so the parse itself is within the budget.
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from bs4.builder._lxml import LXMLTreeBuilder  # the class "lxml" names; typed only where it is defined

from ingest.convert.depth import CHECK_EVERY, too_deep
from ingest.convert.sanitize import ALLOWED_ATTRIBUTES
from ingest.document_limits import MAX_HTML_DEPTH, Budget

_NO_NAMESPACES: dict[str, str] = {}  # never changed: the default the base class gives
#: More attributes than this on one element and only those some pass reads are kept: the
#: sanitiser's parser compares each attribute with those before it (an element of 150,000 took
#: a minute), and drops all but these anyway.
MANY_ATTRIBUTES = 64
_READ_ATTRIBUTES = frozenset().union(*ALLOWED_ATTRIBUTES.values(), {"type", "checked"})


class _BoundedBuilder(LXMLTreeBuilder):
    def __init__(self, budget: Budget) -> None:
        super().__init__()
        self._budget = budget
        self._depth = 0
        self._opened = 0

    def start(
        self, tag: str | bytes, attrib: dict[str | bytes, str | bytes], nsmap: dict[str, str] = _NO_NAMESPACES
    ) -> None:
        self._opened += 1
        if self._opened % CHECK_EVERY == 0:
            self._budget.check()
        self._depth += 1
        if self._depth > MAX_HTML_DEPTH:
            raise too_deep()
        if len(attrib) > MANY_ATTRIBUTES:
            attrib = {name: value for name, value in attrib.items() if name in _READ_ATTRIBUTES}
        super().start(tag, attrib, nsmap)

    def end(self, tag: str | bytes) -> None:
        self._depth -= 1
        super().end(tag)


def parse_html(html: str, budget: Budget) -> BeautifulSoup:
    """``html`` as BeautifulSoup parses it with lxml; :class:`NestedTooDeeply` or
    :class:`ConversionTooSlow` while it parses when the page is past either limit."""
    return BeautifulSoup(html, builder=_BoundedBuilder(budget))
