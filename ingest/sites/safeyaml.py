"""YAML a docs site holds (its config, data files, front matter read for links and lists), read
with bounds.

PyYAML's safe loader runs no code, but a few nested aliases (the "billion laughs": nine levels
of nine ``*a`` each) are a small file that expands to 9**9 values once anything copies it out as
plain data, as lowering a config's keys or printing a variable does, and ``&a [*a]`` holds
itself. :class:`BoundedLoader` allows aliases (configs use them for shared settings) as long as
what they expand to stays under :data:`MAX_VALUES` values, refuses an alias inside the value it
names, nesting deeper than :data:`MAX_DEPTH`, and documents longer than :data:`MAX_CHARACTERS`
(read at a few megabytes a second, a huge one would hold the scan for minutes); each refusal is
a :class:`yaml.YAMLError`, so whoever reads the file reports it as YAML it cannot read.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import Composer

from ingest.sites import yamlparser

#: Values a document may hold once its aliases are expanded.
MAX_VALUES = 1_000_000
#: Collections inside each other.
MAX_DEPTH = 100
#: Characters of one document: PyYAML reads a few megabytes a second.
MAX_CHARACTERS = 10_000_000


class YAMLTooLarge(yaml.YAMLError):
    """YAML whose aliases expand too far, refer to themselves, or that nests too deep."""


class _Bounds(yamlparser.BoundedComposer):
    """Composing whose documents stay small once their aliases are expanded."""

    def __init__(self) -> None:
        Composer.__init__(self)  # by name: in the pure-Python loader, super() is the whole SafeLoader
        self._depth = 0
        self._aliased = False

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self._aliased = True
        if self._depth >= MAX_DEPTH:
            raise YAMLTooLarge(f"it is nested more than {MAX_DEPTH} levels deep")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self) -> yaml.Node | None:
        node: yaml.Node | None = super().get_single_node()
        if node is not None and self._aliased:
            _check_expansion(node)
        return node


class BoundedLoader(_Bounds, yaml.SafeLoader):
    """``yaml.SafeLoader`` whose documents stay small once their aliases are expanded."""

    def __init__(self, stream: str | bytes) -> None:
        _check_length(stream)
        yaml.SafeLoader.__init__(self, stream)
        _Bounds.__init__(self)


#: The same loader on libyaml's parser, where PyYAML has it.
_CBoundedLoader = yamlparser.c_loader(_Bounds, "_CBoundedLoader")


def _check_length(stream: str | bytes) -> None:
    if len(stream) > MAX_CHARACTERS:
        raise YAMLTooLarge(
            f"it is {len(stream):,} characters long, more than the {MAX_CHARACTERS:,} a site's YAML may be"
        )


def load(text: str | bytes) -> Any:
    """The YAML document ``text`` as data (:class:`YAMLTooLarge`, a ``yaml.YAMLError``, when it
    is too large once expanded)."""
    if isinstance(text, bytes):
        return yaml.load(text, Loader=BoundedLoader)  # noqa: S506  # a SafeLoader subclass
    _check_length(text)
    return yamlparser.load(text, BoundedLoader, _CBoundedLoader)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_expansion(root: yaml.Node) -> None:
    """The number of values ``root`` expands to, each alias counted as a copy of what it names,
    found without recursion (each node sized once)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if children_done:
            open_nodes.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[id(node)] > MAX_VALUES:
                raise YAMLTooLarge(
                    f'its aliases expand to more than {MAX_VALUES:,} values (a "billion laughs"?)'
                )
            continue
        if id(node) in open_nodes:
            raise YAMLTooLarge("an alias is used inside the value it names")
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
