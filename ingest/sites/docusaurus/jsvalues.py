"""Literal values of a JavaScript or TypeScript module, read with tree-sitter, never run.

A Docusaurus config is a program: most of what matters is written as literals (``url:
'https://x.io'``, ``routeBasePath: '/'``), some is computed when the site builds
(``locales: process.env.CI ? [...] : LOCALES``). :class:`Module` evaluates what is literal
(strings, numbers, booleans, arrays, objects, template strings, ``+`` of strings, constants
declared at the top of the module or of the function that returns the config, spreads of
such objects, ``satisfies``/``as`` casts) and gives :data:`UNKNOWN` for the rest, so the
caller can fall back to the defaults and say so. Reading is bounded: a constant used twice in
itself, or a string doubled sixty times, is :class:`ValuesTooCostly` rather than a hang.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, Final

import tree_sitter_javascript
import tree_sitter_typescript
from tree_sitter import Language, Node, Parser


class _Unknown:
    """A value computed when the site builds, which reading the source cannot know."""

    def __repr__(self) -> str:
        return "UNKNOWN"


#: A value the module computes: not a literal.
UNKNOWN: Final = _Unknown()

_JAVASCRIPT: Final = Language(tree_sitter_javascript.language())
_TYPESCRIPT: Final = Language(tree_sitter_typescript.language_typescript())
_MAX_DEPTH = 64
#: Expressions evaluated for one module, all its values together; real configs take a few thousand.
_MAX_STEPS = 100_000
_MAX_STRING = 1_000_000


class ValuesTooCostly(ValueError):
    """A module whose literal values take too long to read, or make a string too long."""


# Casts and wrappers whose value is their first named child.
_TRANSPARENT = frozenset(
    {
        "parenthesized_expression",
        "satisfies_expression",
        "as_expression",
        "non_null_expression",
        "await_expression",
    }
)
_FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function", "function"})
# Calls whose value is a literal argument: require.resolve('x') is 'x'; path.join(__dirname, 'x') is 'x'.
_PATH_CALLS = frozenset({"require.resolve", "path.resolve", "path.join"})


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


class Module:
    """One module's source, parsed; its top-level constants and its exported value."""

    def __init__(self, source: bytes, *, typescript: bool) -> None:
        parser = Parser(_TYPESCRIPT if typescript else _JAVASCRIPT)
        self._root = parser.parse(source).root_node
        self._scope: dict[str, Node] = dict(_declarations(self._root))
        self._steps = 0

    def syntax_error_line(self) -> int | None:
        """The line (from 1) of the first syntax error, or None when the module parses."""
        if not self._root.has_error:
            return None
        for node in _walk(self._root):
            if node.type == "ERROR" or node.is_missing:
                return node.start_point[0] + 1
        return self._root.start_point[0] + 1

    def exported(self) -> Any:
        """The value the module exports (``export default``, ``module.exports =``): a function
        is called in spirit, its returned value taken; :data:`UNKNOWN` when there is none."""
        node = _export_node(self._root)
        if node is not None and node.type == "identifier":
            node = self._scope.get(_text(node))
        if node is None:
            return UNKNOWN
        if node.type in _FUNCTIONS:
            return self._returned(node, self._scope, 0)
        return self.value(node, self._scope)

    def constant(self, name: str) -> Any:
        """The value of the constant ``name`` declared at the top of the module, or UNKNOWN."""
        node = self._scope.get(name)
        return UNKNOWN if node is None else self.value(node, self._scope)

    def value(self, node: Node, scope: Mapping[str, Node], depth: int = 0) -> Any:
        """The literal value of expression ``node``, or :data:`UNKNOWN`; :class:`ValuesTooCostly`
        past the module's bounds."""
        self._steps += 1
        if self._steps > _MAX_STEPS:
            raise ValuesTooCostly(
                f"reading them takes more than {_MAX_STEPS:,} steps (a constant used in itself?)"
            )
        if depth > _MAX_DEPTH:
            return UNKNOWN
        kind = node.type
        if kind in _TRANSPARENT:
            inner = node.named_children[0] if node.named_children else None
            return UNKNOWN if inner is None else self.value(inner, scope, depth + 1)
        if kind == "string":
            return _string(node)
        if kind == "template_string":
            return self._template(node, scope, depth)
        if kind == "number":
            return _number(_text(node))
        if kind in ("true", "false"):
            return kind == "true"
        if kind in ("null", "undefined"):
            return None
        if kind == "array":
            return [
                self.value(item, scope, depth + 1) for item in node.named_children if item.type != "comment"
            ]
        if kind == "object":
            return self._object(node, scope, depth)
        if kind == "identifier":
            return self._identifier(_text(node), scope, depth)
        if kind == "binary_expression":
            return self._binary(node, scope, depth)
        if kind == "call_expression":
            return self._call(node, scope, depth)
        return UNKNOWN

    def _identifier(self, name: str, scope: Mapping[str, Node], depth: int) -> Any:
        if name == "undefined":
            return None
        bound = scope.get(name)
        return UNKNOWN if bound is None else self.value(bound, scope, depth + 1)

    def _template(self, node: Node, scope: Mapping[str, Node], depth: int) -> Any:
        parts: list[str] = []
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(_text(child))
            elif child.type == "escape_sequence":
                parts.append(_unescape(_text(child)))
            elif child.type == "template_substitution":
                inner = child.named_children[0] if child.named_children else None
                value = UNKNOWN if inner is None else self.value(inner, scope, depth + 1)
                if not isinstance(value, str | int | float) or isinstance(value, bool):
                    return UNKNOWN
                parts.append(str(value))
        return _bounded("".join(parts))

    def _object(self, node: Node, scope: Mapping[str, Node], depth: int) -> Any:
        result: dict[str, Any] = {}
        for member in node.named_children:
            if member.type == "pair":
                key = self._key(member.child_by_field_name("key"), scope, depth)
                value_node = member.child_by_field_name("value")
                if key is not None and value_node is not None:
                    result[key] = self.value(value_node, scope, depth + 1)
            elif member.type == "shorthand_property_identifier":
                result[_text(member)] = self._identifier(_text(member), scope, depth)
            elif member.type == "spread_element" and member.named_children:
                spread = self.value(member.named_children[0], scope, depth + 1)
                if isinstance(spread, dict):
                    result.update(spread)
            elif member.type == "method_definition":
                name = member.child_by_field_name("name")
                if name is not None:
                    result[_text(name)] = UNKNOWN
        return result

    def _key(self, node: Node | None, scope: Mapping[str, Node], depth: int) -> str | None:
        if node is None:
            return None
        if node.type == "string":
            return _string(node)
        if node.type == "computed_property_name":
            inner = node.named_children[0] if node.named_children else None
            key = UNKNOWN if inner is None else self.value(inner, scope, depth + 1)
            return key if isinstance(key, str) else None
        return _text(node)

    def _binary(self, node: Node, scope: Mapping[str, Node], depth: int) -> Any:
        operator = _text(node.child_by_field_name("operator"))
        left_node, right_node = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator != "+" or left_node is None or right_node is None:
            return UNKNOWN
        left, right = self.value(left_node, scope, depth + 1), self.value(right_node, scope, depth + 1)
        if isinstance(left, str) and isinstance(right, str | int | float) and not isinstance(right, bool):
            return _bounded(left + str(right))
        return UNKNOWN

    def _call(self, node: Node, scope: Mapping[str, Node], depth: int) -> Any:
        function = _text(node.child_by_field_name("function"))
        arguments = node.child_by_field_name("arguments")
        if function not in _PATH_CALLS or arguments is None:
            return UNKNOWN
        values = [self.value(argument, scope, depth + 1) for argument in arguments.named_children]
        literal = [value for value in values if isinstance(value, str)]
        # __dirname is UNKNOWN: path.join(__dirname, 'docs') is the site-relative 'docs'.
        if not literal or any(value is not UNKNOWN and not isinstance(value, str) for value in values):
            return UNKNOWN
        return "/".join(part.strip("/") for part in literal if part.strip("/"))

    def _returned(self, node: Node, scope: Mapping[str, Node], depth: int) -> Any:
        body = node.child_by_field_name("body")
        if body is None:
            return UNKNOWN
        if body.type != "statement_block":
            return self.value(body, scope, depth + 1)
        inner = {**scope, **dict(_declarations(body))}
        returns = [child for child in body.named_children if child.type == "return_statement"]
        if not returns or not returns[-1].named_children:
            return UNKNOWN
        return self.value(returns[-1].named_children[0], inner, depth + 1)


def _bounded(text: str) -> str:
    if len(text) > _MAX_STRING:
        raise ValuesTooCostly(f"a string grows longer than {_MAX_STRING:,} characters")
    return text


def expression_value(source: str) -> Any:
    """The literal value of one JavaScript expression (a JSX attribute's ``{...}``), or UNKNOWN."""
    module = Module(f"({source});".encode(), typescript=False)
    if module.syntax_error_line() is not None:
        return UNKNOWN
    statement = module._root.named_children[0] if module._root.named_children else None
    if statement is None or statement.type != "expression_statement" or not statement.named_children:
        return UNKNOWN
    try:
        return module.value(statement.named_children[0], {})
    except ValuesTooCostly:
        return UNKNOWN


def _walk(node: Node) -> Iterator[Node]:
    yield node
    for child in node.children:
        yield from _walk(child)


def _declarations(block: Node) -> Iterator[tuple[str, Node]]:
    """``const NAME = value`` (and let/var) declared directly in ``block``, exported or not."""
    for statement in block.named_children:
        declaration = statement
        if statement.type == "export_statement":
            found = statement.child_by_field_name("declaration")
            if found is None:
                continue
            declaration = found
        if declaration.type in ("lexical_declaration", "variable_declaration"):
            for declarator in declaration.named_children:
                name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
                # name.type: an identifier, not a destructuring pattern
                if name is not None and value is not None and name.type == "identifier":
                    yield _text(name), value
        elif declaration.type == "function_declaration":
            name = declaration.child_by_field_name("name")
            if name is not None:
                yield _text(name), declaration


def _export_node(root: Node) -> Node | None:
    """The expression a module exports: ``export default X`` or ``module.exports = X``."""
    found: Node | None = None
    for statement in root.named_children:
        if statement.type == "export_statement" and any(
            child.type == "default" for child in statement.children
        ):
            found = statement.child_by_field_name("declaration") or statement.child_by_field_name("value")
            if found is None:
                named = [child for child in statement.named_children if child.type != "comment"]
                found = named[-1] if named else None
        elif statement.type == "expression_statement" and statement.named_children:
            expression = statement.named_children[0]
            left = (
                expression.child_by_field_name("left") if expression.type == "assignment_expression" else None
            )
            if left is not None and _text(left) == "module.exports":
                found = expression.child_by_field_name("right")
    return found


def _string(node: Node) -> str:
    parts: list[str] = []
    for child in node.named_children:
        if child.type == "string_fragment":
            parts.append(_text(child))
        elif child.type == "escape_sequence":
            parts.append(_unescape(_text(child)))
    return "".join(parts)


def _unescape(sequence: str) -> str:
    try:
        decoded = json.loads(f'"{sequence}"')
    except ValueError:
        return sequence[1:]
    return decoded if isinstance(decoded, str) else sequence[1:]


def _number(text: str) -> Any:
    cleaned = text.replace("_", "")
    try:
        return int(cleaned, 0)
    except ValueError:
        try:
            return float(cleaned)
        except ValueError:
            return UNKNOWN
