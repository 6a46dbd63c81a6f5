"""libyaml's parser under the project's bounded YAML loaders, where PyYAML was built with it.

Reading YAML in pure Python costs about 0.7 ms for a dozen lines of front matter, most of it in
PyYAML's scanner and parser. A loader's C twin (:func:`c_loader`) has the C parser and keeps the
rest in Python: the composer (where the loaders refuse aliases and bound nesting, node by node as
the events arrive), the constructor and the resolver, so the same events give the same data and
the same refusals, about seven times faster. (libyaml composing too would be faster still, but it
composes recursively in C, out of reach of the loaders' bounds.)

libyaml words its syntax errors its own way: :func:`load` hands a text the C twin refuses to the
pure-Python loader, so a document fails with the same message as always. The two parsers read
a few texts differently, found by comparing them on random edits of front matter: a byte order
mark inside the text, an empty node tagged ``!``, control characters; those texts go to the
pure-Python loader too, so every text both accept reads the same (every front matter and YAML
file of six real docs sites, 9,031 texts, does). libyaml is laxer about some malformed YAML PyYAML
refuses (a tab after ``key:``, ``?`` inside a flow list): such a document now reads, as the
YAML reference parser reads it, where it used to fail.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.reader import Reader
from yaml.resolver import Resolver

if TYPE_CHECKING:
    from builtins import _ClassInfo

_CParser: type | None
try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None

#: Whether this PyYAML has the C parser.
AVAILABLE = _CParser is not None
#: What the two parsers read differently: characters the pure-Python reader refuses (controls,
#: lone surrogates) and libyaml may not, a byte order mark past the start, an empty node tagged ``!``.
_READ_DIFFERENTLY = re.compile(
    rf"{Reader.NON_PRINTABLE.pattern}|\ufeff|(?:^|[\s\[{{,])!(?:[\s,\]}}]|$)", re.MULTILINE
)


class BoundedComposer(Composer):
    """A loader's own composing rules, on whichever parser gives it events."""

    if TYPE_CHECKING:  # given by the parser: PyYAML's own or the C one

        def check_event(self, *choices: _ClassInfo) -> bool: ...
        def peek_event(self) -> Any: ...


def c_loader(bounds: type[BoundedComposer], name: str) -> type | None:
    """A safe loader on the C parser with ``bounds`` (the loader's own composing rules, whose
    ``__init__`` takes no argument) as its composer; None without libyaml."""
    parser = _CParser
    if parser is None:
        return None

    def __init__(self: Any, stream: str) -> None:
        parser.__init__(self, stream)  # type: ignore[misc]  # the C parser's own, by name
        bounds.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)

    # The composer comes before the C parser, which would otherwise compose in C.
    bases = (bounds, parser, SafeConstructor, Resolver)
    return type(name, bases, {"__init__": __init__, "__module__": bounds.__module__})


def load(text: str, loader: type[yaml.SafeLoader], fast: type | None) -> Any:
    """The single YAML document ``text``, read by ``fast`` (``loader``'s C twin) where it can be,
    else by ``loader``: the same data, or the same ``yaml.YAMLError``, either way."""
    if fast is not None and _READ_DIFFERENTLY.search(text) is None:
        reader = fast(text)
        try:
            return reader.get_single_data()
        except yaml.YAMLError:
            pass  # worded by libyaml, or a refusal: the pure-Python loader says it as always
        finally:
            reader.dispose()
    reader = loader(text)
    try:
        return reader.get_single_data()
    finally:
        reader.dispose()
