"""Hugo shortcodes read as a tree: ``{{< name args >}}inner{{< /name >}}``, ``{{% name %}}``,
self-closing ``{{< name />}}``, and the comment form ``{{</* name */>}}`` (literal text).

Code is read as written: fenced code blocks and inline code spans are text, where only the
comment form is unescaped (``{{</* x */>}}`` shows as ``{{< x >}}``), as Hugo's docs write
shortcode examples. Tags pair up the way Hugo nests them: a closing tag closes the nearest
open tag of its name; a tag never closed has no inner content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_OPEN = re.compile(r"\{\{([<%])")
_COMMENT_OPEN = re.compile(r"\{\{[<%]/\*")
_FENCE = re.compile(r"(?m)^([ \t>]*)(`{3,}|~{3,})[^\n]*$")
_NAME = re.compile(r"\s*(/?)\s*([A-Za-z0-9_][A-Za-z0-9_./-]*)")
_BARE = re.compile(r"[^\s\"`=]+")
_KEY = re.compile(r"([A-Za-z0-9_-]+)=")
_TICKS = re.compile(r"`+")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"', re.DOTALL)
#: The longest tag read, its arguments included; real tags are a line or a few.
_MAX_TAG = 4_000
#: Where the tokenizer has something to look at: a backtick, a brace, a ``<`` or a line's start (a
#: fence); every other character is plain text, skipped in one search instead of one at a time.
_NEXT_STOP = re.compile(r"[`{<]|(?<=\n)")
_TEMPLATE_COMMENT = re.compile(r"\{\{-?\s*/\*.*?\*/\s*-?\}\}", re.DOTALL)
#: Shortcodes inside shortcodes: real pages nest a few; what reads the tree recurses.
MAX_NESTING = 64


class NestedTooDeeply(ValueError):
    """Shortcodes nested more than :data:`MAX_NESTING` deep."""


@dataclass(frozen=True, slots=True)
class Code:
    """Code (a fence or an inline span) exactly as it reads on the site."""

    text: str


@dataclass(frozen=True, slots=True)
class Tag:
    """One shortcode tag as written."""

    name: str
    positional: tuple[str, ...]
    named: dict[str, str]
    markdown: bool
    closing: bool
    self_closing: bool
    source: str
    #: Where the tag starts in the text (for the indentation of what replaces it).
    start: int = 0


@dataclass(slots=True)
class Shortcode:
    """A shortcode call: its tag and, for a paired one, what it encloses."""

    tag: Tag
    inner: list[Node] | None = None
    closing_source: str = ""

    def arg(self, *names: str | int, default: str | None = None) -> str | None:
        """The first of the named (``src``) or positional (``0``) arguments given."""
        for name in names:
            if isinstance(name, int):
                if name < len(self.tag.positional):
                    return self.tag.positional[name]
            elif name.lower() in self.tag.named:
                return self.tag.named[name.lower()]
        return default


Node = str | Code | Shortcode


@dataclass(slots=True)
class _Frame:
    tag: Tag | None
    children: list[Node] = field(default_factory=list)


def static_output(template: str) -> str | None:
    """What a shortcode template writes when it holds no template action but comments: its text,
    one line when it is one paragraph; None when it computes something (or writes nothing)."""
    written = _TEMPLATE_COMMENT.sub("", template).strip()
    if not written or "{{" in written:
        return None
    return written if "\n\n" in written else " ".join(written.split())


def unescape_comments(text: str) -> str:
    """``{{</* name */>}}`` as the literal ``{{< name >}}`` it shows on the site."""
    if "/*" not in text:
        return text
    parts: list[str] = []
    position = 0
    while (opening := _COMMENT_OPEN.search(text, position)) is not None:
        end = _comment_end(text, opening.start(), len(text))
        if end is None:
            break  # no later comment can close either
        start = opening.start()
        parts += [text[position:start], "{{", text[start + 2], text[start + 5 : end - 5], text[end - 3], "}}"]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _comment_end(text: str, start: int, limit: int) -> int | None:
    """The end of the comment form opening at ``start`` (``{{</*`` ... ``*/>}}``, either
    delimiter on either side), closed before ``limit``; None when it is not closed."""
    ends = [
        end
        for end in (text.find("*/>}}", start + 5, limit), text.find("*/%}}", start + 5, limit))
        if end >= 0
    ]
    return min(ends) + 5 if ends else None


def parse(text: str) -> list[Node]:
    """The text as a tree of text, code and shortcode calls; :class:`NestedTooDeeply` when tags
    open inside each other more than :data:`MAX_NESTING` deep."""
    stack = [_Frame(None)]
    for token in _tokens(text):
        if isinstance(token, Tag) and token.closing:
            _close(stack, token)
        elif isinstance(token, Tag) and not token.self_closing:
            if len(stack) > MAX_NESTING:
                raise NestedTooDeeply(f"shortcodes are nested more than {MAX_NESTING} deep")
            stack.append(_Frame(token))
        elif isinstance(token, Tag):
            stack[-1].children.append(Shortcode(token))
        else:
            stack[-1].children.append(token)
    while len(stack) > 1:
        _unclosed(stack)
    return stack[0].children


def source_of(nodes: list[Node]) -> str:
    """The nodes as they were written (comments unescaped): the inner text of a code-like shortcode."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(unescape_comments(node))
        elif isinstance(node, Code):
            parts.append(node.text)
        else:
            parts.append(node.tag.source)
            if node.inner is not None:
                parts.append(source_of(node.inner))
                parts.append(node.closing_source)
    return "".join(parts)


def _close(stack: list[_Frame], tag: Tag) -> None:
    depth = next(
        (index for index in range(len(stack) - 1, 0, -1) if stack[index].tag.name == tag.name),  # type: ignore[union-attr]
        None,
    )
    if depth is None:
        # A closing tag with nothing to close: Hugo fails the build; the reader sees nothing.
        stack[-1].children.append(
            Shortcode(Tag(tag.name, (), {}, tag.markdown, True, True, tag.source, tag.start))
        )
        return
    while len(stack) - 1 > depth:
        _unclosed(stack)
    frame = stack.pop()
    assert frame.tag is not None
    stack[-1].children.append(Shortcode(frame.tag, frame.children, tag.source))


def _unclosed(stack: list[_Frame]) -> None:
    frame = stack.pop()
    assert frame.tag is not None
    stack[-1].children.append(Shortcode(frame.tag))
    stack[-1].children.extend(frame.children)


def _tokens(text: str) -> list[str | Code | Tag]:
    tokens: list[str | Code | Tag] = []
    plain_start = position = 0
    length = len(text)
    spans = _CodeSpans(text)

    def flush(until: int) -> None:
        if until > plain_start:
            tokens.append(text[plain_start:until])

    while position < length:
        char = text[position]
        at_line_start = position == 0 or text[position - 1] == "\n"
        if at_line_start and (fence := _FENCE.match(text, position)):
            end = _fence_end(text, fence)
            flush(position)
            tokens.append(Code(unescape_comments(text[position:end])))
            position = plain_start = end
        elif char == "`":
            run = _end_of_ticks(text, position) - position
            span_end = spans.end(position, run)
            if span_end is None:
                position += run
                continue
            flush(position)
            tokens.append(Code(unescape_comments(text[position:span_end])))
            position = plain_start = span_end
        elif char == "{" and (opening := _OPEN.match(text, position)):
            tag_end, tag = _tag(text, position, opening.group(1))
            if tag_end is None:
                position += 2
                continue
            flush(position)
            tokens.append(tag if tag is not None else text[position:tag_end])
            position = plain_start = tag_end
        elif char == "<" and text.startswith("<!--", position):
            end = text.find("-->", position + 4)
            end = length if end < 0 else end + 3
            # A comment is not read: the reader never sees it, and shortcodes in it stay inert.
            flush(position)
            tokens.append(Code(""))
            position = plain_start = end
        else:
            stop = _NEXT_STOP.search(text, position + 1)
            position = length if stop is None else stop.start()
    flush(length)
    return tokens


def _fence_end(text: str, fence: re.Match[str]) -> int:
    marker = fence.group(2)
    closing = re.compile(r"(?m)^[ \t>]*" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}[ \t]*$")
    found = closing.search(text, fence.end() + 1)
    return len(text) if found is None else found.end()


class _CodeSpans:
    """Where inline code spans end, found in time linear in the text: a paragraph's end is looked
    for once, and a run of backticks that nothing closes before it is remembered as such (each
    backtick looking to the paragraph's end made a long paragraph's parse quadratic)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._paragraph_end = -1
        self._unclosed: set[int] = set()

    def end(self, start: int, run: int) -> int | None:
        """The end of the code span that ``run`` backticks at ``start`` open, or None when no run
        of as many closes it before the paragraph ends."""
        text = self._text
        position = start + run
        if self._paragraph_end < position:
            found = text.find("\n\n", position)
            self._paragraph_end = len(text) if found < 0 else found
            self._unclosed.clear()
        if run in self._unclosed:
            return None
        while position < self._paragraph_end:
            found = text.find("`" * run, position, self._paragraph_end)
            if found < 0:
                break
            after = found + run
            if (after >= len(text) or text[after] != "`") and text[found - 1] != "`":
                return after
            position = _end_of_ticks(text, after)
        self._unclosed.add(run)
        return None


def _end_of_ticks(text: str, position: int) -> int:
    """The end of the run of backticks at ``position``."""
    found = _TICKS.match(text, position)
    return found.end() if found else position


def _tag(text: str, start: int, delimiter: str) -> tuple[int | None, Tag | None]:
    """``(end, tag)`` of the tag at ``start``; ``(end, None)`` for a comment (literal text),
    ``(None, None)`` when this is no tag (nor one that closes within :data:`_MAX_TAG` characters,
    or whose bare argument opens another tag: looking to the text's end for each ``{{<`` that
    never closes made a page of them quadratic)."""
    closer = ">}}" if delimiter == "<" else "%}}"
    position = start + 3
    limit = min(len(text), start + _MAX_TAG)
    if text.startswith("/*", position):
        return _comment_end(text, start, limit), None
    name = _NAME.match(text, position, limit)
    if name is None:
        return None, None
    position = name.end()
    positional: list[str] = []
    named: dict[str, str] = {}
    while True:
        while position < limit and text[position].isspace():
            position += 1
        if text.startswith(closer, position, limit):
            self_closing = False
            break
        if text.startswith("/" + closer, position, limit):
            self_closing = True
            position += 1
            break
        if position >= limit:
            return None, None
        key = None
        if keyed := _KEY.match(text, position, limit):
            key = keyed.group(1).lower()
            position = keyed.end()
        value, position_after = _value(text, position, limit)
        if value is None:
            return None, None
        position = position_after
        if key is None:
            positional.append(value)
        else:
            named[key] = value
    end = position + len(closer)
    return end, Tag(
        name=name.group(2).rstrip("/"),
        positional=tuple(positional),
        named=named,
        markdown=delimiter == "%",
        closing=bool(name.group(1)),
        self_closing=self_closing or name.group(2).endswith("/"),
        source=text[start:end],
        start=start,
    )


def _value(text: str, position: int, limit: int) -> tuple[str | None, int]:
    if text.startswith('"', position):
        found = _QUOTED.match(text, position, limit)
        if found is None:
            return None, position
        return re.sub(r"\\(.)", r"\1", found.group(1)), found.end()
    if text.startswith("`", position):
        end = text.find("`", position + 1, limit)
        return (None, position) if end < 0 else (text[position + 1 : end], end + 1)
    found = _BARE.match(text, position, limit)
    if found is None or found.group(0).startswith(("{{<", "{{%")):
        return None, position
    value = found.group(0)
    # ``/>}}`` closes a self-closing tag even without a space before it.
    for closer in ("/>}}", "/%}}", ">}}", "%}}"):
        if closer in value:
            value = value[: value.index(closer)]
    # Nothing read (a closer of the other delimiter, ``{{% a >}}``): this is no tag.
    return (value, position + len(value)) if value else (None, position)
