"""MDX (and Docusaurus' Markdown) read into a small tree: text, code, JSX, expressions, ``:::``.

This is not a Markdown parser: Markdown stays text, to be read by the converter. What is
found is what Docusaurus adds on top of it, as MDX 3 reads it: ESM lines (``import``,
``export``) at the start of a block, JSX elements (``<Tabs>``, ``<details>``), expressions
(``{props.name}``, ``{/* comments */}``) and admonition fences (``:::tip Title`` ...
``:::``, nested with more colons). Fenced code and inline code are kept verbatim, so a
``<``, a ``{`` or an ``import`` in code is never read as MDX. With ``mdx=False`` (a ``.md``
file when ``markdown.format`` is ``detect`` or ``md``) only admonition fences are read.
Emoji shortcodes (``:tada:``) in text become the emoji, as Docusaurus' remark-emoji makes them
in both formats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import emoji

from ingest.sites.docusaurus.jsx import VOID, Braces, Expr, only_comments, parse_tag

#: Marks a line of fenced code content, so that re-indenting keeps code as it was.
CODE_LINE = "\x00"

_SPECIAL = re.compile(r"[\\<{`\n]")
_FENCE = re.compile(r"(?P<prefix>(?:[ \t]*>)*[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)")
_DIRECTIVE = re.compile(r"(?P<indent>[ \t]*)(?P<colons>:{3,})[ \t]*(?P<rest>[^\n]*)")
_DIRECTIVE_OPEN = re.compile(
    r"(?P<kind>[A-Za-z][\w-]*)(?:\[(?P<label>[^\]\n]*)\])?(?:\{[^}\n]*\})?[ \t]*(?P<title>[^\n]*?)[ \t]*$"
)
_ESM = re.compile(
    r"import[ \t]*(?:[\w$]+[ \t]*(?:,|from\b)|\{|\*|['\"])|import[ \t]*\n|"
    r"export[ \t]+(?:const|let|var|function|default|class|async|type|interface|\{|\*)"
)
# Docusaurus' codeBlockTitleRegex.
_CODE_TITLE = re.compile(r"title=(?P<q>[\"'])(?P<title>.*?)(?P=q)")
# remark-emoji's pattern: any :name: in text, the emoji when one has that name.
_EMOJI = re.compile(r":\+1:|:-1:|:[\w-]+:")
_IMPORT = re.compile(r"import\s+(?P<clause>[^'\";]*?)\s*from\s*(?P<q>['\"])(?P<source>[^'\"]+)(?P=q)")
_HEADING_LINE = re.compile(r"[ \t]{0,3}#{1,6}[ \t]")
_NOT_BLANK = re.compile(r"\S")
_HEADING_ID = re.compile(r"\{#[^}\s]+\}[ \t]*(?=\n|$)")
_CLOSING_TAG = re.compile(r"</[ \t]*(?P<name>[A-Za-z][\w.:-]*)?[ \t]*>")
_MAGIC_COMMENT = re.compile(
    r"[ \t]*(?:(?://|#|--|;|%)[ \t]*highlight-(?:next-line|start|end)"
    r"|/\*[ \t]*highlight-(?:next-line|start|end)[ \t]*\*/"
    r"|<!--[ \t]*highlight-(?:next-line|start|end)[ \t]*-->"
    r"|\{/\*[ \t]*highlight-(?:next-line|start|end)[ \t]*\*/\})[ \t]*"
)


@dataclass(slots=True)
class Text:
    text: str


@dataclass(slots=True)
class Code:
    """A fenced code block: the fence lines, and its content lines marked :data:`CODE_LINE`;
    the ``title`` its info string gives (shown above it), and the margin its fence stands at."""

    text: str
    title: str = ""
    margin: str = ""


@dataclass(slots=True)
class Element:
    """A JSX element; ``flow`` when it stands on lines of its own (its children are blocks)."""

    name: str
    attrs: dict[str, Any]
    children: list[Node] = field(default_factory=list)
    flow: bool = False
    indent: str = ""


@dataclass(slots=True)
class Directive:
    """A ``:::kind Title`` fence and its content."""

    kind: str
    title: str
    colons: int
    children: list[Node] = field(default_factory=list)
    indent: str = ""


Node = Text | Code | Expr | Element | Directive


@dataclass(slots=True)
class Parsed:
    nodes: list[Node]
    #: Imported name -> module (``Tabs`` -> ``@theme/Tabs``, ``Intro`` -> ``./_intro.mdx``).
    imports: dict[str, str]
    #: The source of each ``export`` block, for the constants it declares.
    exports: list[str]
    #: ``:::`` closing fences with no open fence.
    stray_fences: int = 0


def parse(text: str, *, mdx: bool, text_expressions: bool = True) -> Parsed:
    """The tree of ``text`` (a page's body, front matter already removed). Without
    ``text_expressions`` (MDX 1, Docusaurus 2), braces in text are text, as MDX 1 reads them."""
    return _Parser(text.replace(CODE_LINE, "\ufffd"), mdx, text_expressions).run()


class _Parser:
    def __init__(self, text: str, mdx: bool, text_expressions: bool) -> None:
        self.text = text
        self.braces = Braces(text)
        # Where the line of the last position asked about starts: the parse moves forward, so a
        # line's start is looked for once (from each position, a megabyte's line made it quadratic).
        self._asked = self._asked_line = 0
        self.mdx = mdx
        self.text_expressions = text_expressions
        self.pos = 0
        self.root: list[Node] = []
        self.stack: list[Element | Directive] = []
        self.result = Parsed(self.root, {}, [])

    @property
    def out(self) -> list[Node]:
        return self.stack[-1].children if self.stack else self.root

    def add(self, text: str) -> None:
        if not text:
            return
        out = self.out
        if out and isinstance(out[-1], Text):
            # Taken out of the node first, the text is the string's only reference, which CPython
            # extends in place: ``node.text += text`` copied it whole each time (quadratic).
            node = out[-1]
            joined, node.text = node.text, ""
            joined += text
            node.text = joined
        else:
            out.append(Text(text))

    def run(self) -> Parsed:
        text = self.text
        while self.pos < len(text):
            if (self.pos == 0 or text[self.pos - 1] == "\n") and self._line_start():
                continue
            match = _SPECIAL.search(text, self.pos)
            if match is None:
                self.add(_emojized(text[self.pos :]))
                break
            self.add(_emojized(text[self.pos : match.start()]))
            self.pos = match.start()
            char = text[self.pos]
            if char == "\n":
                self.add("\n")
                self.pos += 1
            elif char == "\\":
                self.add(text[self.pos : self.pos + 2])
                self.pos += 2
            elif char == "`":
                self._inline_code()
            elif not self.mdx or (char == "{" and not self.text_expressions):
                self.add(char)
                self.pos += 1
            elif char == "<":
                self._tag()
            else:
                self._expression()
        return self.result

    # -- line starts: fences, ESM, admonitions

    def _line_start(self) -> bool:
        return self._fence() or (self.mdx and self._esm()) or self._directive()

    def _line_end(self, start: int) -> int:
        end = self.text.find("\n", start)
        return len(self.text) if end < 0 else end

    def _fence(self) -> bool:
        match = _FENCE.match(self.text, self.pos)
        if match is None or (match["fence"][0] == "`" and "`" in match["info"]):
            return False
        fence = match["fence"]
        closing = re.compile(rf"(?:[ \t]*>)*[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        language = match["info"].strip().split(" ", 1)[0] if match["info"].strip() else ""
        if "=" in language or language.startswith("{"):
            language = ""
        lines = [f"{match['prefix']}{fence}{language}"]
        position = self._line_end(self.pos) + 1
        closed = False
        while position < len(self.text):
            end = self._line_end(position)
            line = self.text[position:end]
            position = end + 1
            if closing.match(line):
                lines.append(line)
                closed = True
                break
            if not _MAGIC_COMMENT.fullmatch(line):
                lines.append(CODE_LINE + line)
        if not closed:  # CommonMark closes it where its container ends: say so
            lines.append(f"{match['prefix']}{fence}")
        title = _CODE_TITLE.search(match["info"])
        self.out.append(Code("\n".join(lines) + "\n", title["title"] if title else "", match["prefix"]))
        self.pos = min(position, len(self.text))
        return True

    def _esm(self) -> bool:
        if not _ESM.match(self.text, self.pos) or not self._block_may_start():
            return False
        blank = re.compile(r"\n[ \t]*(?:\n|$)").search(self.text, self.pos)
        end = blank.start() + 1 if blank else len(self.text)
        block = self.text[self.pos : end]
        if block.startswith("import"):
            for found in _IMPORT.finditer(block):
                self._imports(found["clause"], found["source"])
        else:
            self.result.exports.append(block)
        self.pos = end
        return True

    def _block_may_start(self) -> bool:
        """Whether a block may start here: not in the middle of a paragraph."""
        if self.pos == 0:
            return True
        before = self.text[: self.pos - 1]
        previous = before[before.rfind("\n") + 1 :].strip()
        return (
            not previous
            or previous.startswith(("#", ":::", "```", "~~~", "import", "export"))
            or previous.endswith((">", "}"))
        )

    def _imports(self, clause: str, source: str) -> None:
        clause = clause.strip()
        default, _, rest = clause.partition("{") if not clause.startswith("{") else ("", "", clause[1:])
        default = default.strip().rstrip(",").strip()
        if default.startswith("* as "):
            default = default[5:].strip()
        if default:
            self.result.imports[default] = source
        for name in rest.rstrip("} \n").split(","):
            original, _, alias = name.strip().partition(" as ")
            if original.strip():
                self.result.imports[(alias or original).strip()] = f"{source}#{original.strip()}"

    def _directive(self) -> bool:
        match = _DIRECTIVE.match(self.text, self.pos)
        if match is None:
            return False
        self.pos = min(match.end() + 1, len(self.text))
        rest, colons = match["rest"], len(match["colons"])
        if not rest.strip():
            self._close_directive(colons)
            return True
        opening = _DIRECTIVE_OPEN.match(rest)
        if opening is None:
            self.add(match.group(0) + "\n")
            return True
        title = opening["label"] if opening["label"] is not None else opening["title"]
        directive = Directive(opening["kind"], title.strip(), colons, indent=match["indent"])
        self.out.append(directive)
        self.stack.append(directive)
        return True

    def _close_directive(self, colons: int) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            open_one = self.stack[index]
            if isinstance(open_one, Directive):
                if colons >= open_one.colons:
                    del self.stack[index:]
                    return
                break
        self.result.stray_fences += 1

    # -- inline: code spans, tags, expressions

    def _inline_code(self) -> None:
        run = re.compile(r"`+").match(self.text, self.pos)
        assert run is not None
        ticks = run.group(0)
        closing = re.compile(rf"(?<!`){ticks}(?!`)").search(self.text, run.end())
        paragraph_end = re.compile(r"\n[ \t]*\n").search(self.text, run.end())
        if closing is None or (paragraph_end is not None and paragraph_end.start() < closing.start()):
            self.add(ticks)
            self.pos = run.end()
            return
        self.add(self.text[self.pos : closing.end()])
        self.pos = closing.end()

    def _start_of_line(self, position: int) -> int:
        if position < self._asked:
            return self.text.rfind("\n", 0, position) + 1
        newline = self.text.rfind("\n", self._asked, position)
        if newline >= 0:
            self._asked_line = newline + 1
        self._asked = position
        return self._asked_line

    def _blank_before(self, position: int) -> bool:
        """Whether only spaces stand between the start of its line and ``position``."""
        return _NOT_BLANK.search(self.text, self._start_of_line(position), position) is None

    def _rest_of_line_blank(self, position: int) -> bool:
        return not self.text[position : self._line_end(position)].strip()

    def _tag(self) -> None:
        text, start = self.text, self.pos
        if text.startswith("<!--", start):
            end = text.find("-->", start)
            end = len(text) if end < 0 else end + 3
            if text[start + 4 : end - 3].strip() != "truncate":
                self.add(text[start:end])
            self.pos = end
            return
        closing = _CLOSING_TAG.match(text, start)
        if closing is not None:
            self._close_element(closing["name"] or "", closing.end())
            return
        parsed = (
            parse_tag(text, start, self.braces) if start + 1 < len(text) and text[start + 1] != " " else None
        )
        if parsed is None:
            self.add("<")
            self.pos += 1
            return
        name, attrs, self_closing, end = parsed
        flow = self._blank_before(start) and self._rest_of_line_blank(end)
        indent = text[self._start_of_line(start) : start] if flow else ""
        if flow:
            self._trim_indent()
            end = min(self._line_end(end) + 1, len(text))
        element = Element(name, attrs, flow=flow, indent=indent)
        self.out.append(element)
        self.pos = end
        if not self_closing and name not in VOID:  # <Link> is a component, <link> an HTML void element
            self.stack.append(element)

    def _close_element(self, name: str, end: int) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            open_one = self.stack[index]
            if isinstance(open_one, Element) and open_one.name == name:
                if open_one.flow and self._blank_before(self.pos) and self._rest_of_line_blank(end):
                    self._trim_indent()
                    end = min(self._line_end(end) + 1, len(self.text))
                del self.stack[index:]
                self.pos = end
                return
        self.pos = end  # a closing tag with nothing open: MDX refuses it, the reader sees nothing

    def _trim_indent(self) -> None:
        out = self.out
        if out and isinstance(out[-1], Text):
            last = out[-1].text
            cut = last.rfind("\n") + 1
            if not last[cut:].strip():
                out[-1].text = last[:cut]

    def _expression(self) -> None:
        text, start = self.text, self.pos
        if _HEADING_LINE.match(text, self._start_of_line(start), start) and _HEADING_ID.match(text, start):
            end = text.find("}", start) + 1
            self.add(text[start:end])
            self.pos = end
            return
        end = self.braces.end(start)
        if end < 0:
            self.add("{")
            self.pos += 1
            return
        source = text[start + 1 : end - 1]
        self.pos = end
        if only_comments(source):
            if self._blank_before(start) and self._rest_of_line_blank(end):
                self._trim_indent()
                self.pos = min(self._line_end(end) + 1, len(text))
            return
        self.out.append(Expr(source))


def _emojized(text: str) -> str:
    if ":" not in text:
        return text
    return _EMOJI.sub(lambda found: emoji.emojize(found.group(0), language="alias"), text)
