"""Inline pymdownx and Material syntax, rewritten as the plain text a reader of the site sees.

Code spans, link destinations, autolinks, bare URLs and HTML tags are set aside first and
never touched (a ``~`` in a URL is no subscript). What is rewritten:

- attribute lists after an inline element (``[Go](x){ .md-button }``, ``![i](x){ width=300 }``):
  dropped, they only style;
- icons (``:material-check:``, ``:octicons-mark-github-16:``, ``:fontawesome-brands-x:``):
  dropped; emoji (``:smile:``) become the emoji;
- keys (``++ctrl+alt+del++``) read "Ctrl+Alt+Del";
- ``==mark==`` and ``^^insert^^`` keep their text; ``~sub~`` and ``^sup^`` become
  ``<sub>``/``<sup>`` (``H~2~O``);
- critic markup as pymdownx.critic's ``view`` mode shows it (``accept``/``reject`` modes
  keep only the accepted or the original text);
- inlinehilite's language prefix (`` `#!python print()` ``) is dropped from code spans;
- progress bars (``[=75% "75%"]``) read as their label.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import emoji

_TICKS = re.compile(r"`+")
_PROTECTED = re.compile(
    r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\)"  # a link's destination
    r"|<(?:https?://|mailto:)[^>\s]+>"  # an autolink
    r"|</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>"  # an HTML tag
    r"|https?://[^\s<>()\[\]`]+"  # a bare URL
)
_ATTRS = r"\{:?[ \t]*(?:(?:[#.][\w:.+-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s}]+)|[\w-]+)[ \t]*)+\}"
#: An attribute list right after an inline element: a link, image, code span, emphasis, icon.
_INLINE_ATTRS = re.compile(r"(?<=[)\]*_:>\x01\x02])" + _ATTRS)
_SHORTCODE = re.compile(
    r"(?<![A-Za-z0-9:\\]):(?=[a-z0-9_+-]*[a-z])(?P<name>[a-z0-9_+-]+):(?![A-Za-z0-9:])(?P<space>[ \t]?)"
)
_ICON_SETS = frozenset({"material", "fontawesome", "octicons", "simple"})
_KEYS = re.compile(r"(?<!\\)\+\+(?P<keys>(?:\"[^\"]*\"|[\w-]+)(?:\+(?:\"[^\"]*\"|[\w-]+))*)\+\+")
_MARK = re.compile(r"(?<![=\w\\])==(?![=\s])(?P<text>.+?)(?<![=\s\\])==(?![=\w])")
_MARK_END = re.compile(r"(?<![=\s\\])==(?![=\w])")
_INSERT = re.compile(r"(?<![\^\w\\])\^\^(?![\^\s])(?P<text>.+?)(?<![\^\s\\])\^\^(?![\^\w])")
_INSERT_END = re.compile(r"(?<![\^\s\\])\^\^(?![\^\w])")
_SUP = re.compile(r"(?<![\^\[\\])\^(?![\^\s])(?P<text>[^\s\^\[\]]+?)(?<!\\)\^(?!\^)")
_SUB = re.compile(r"(?<![~\\])~(?![~\s])(?P<text>[^\s~]+?)(?<!\\)~(?!~)")
_CRITIC_OPEN = re.compile(r"\{(\+\+|--|~~|>>|==)")
_CRITIC_CLOSE = {"++": "++}", "--": "--}", "~~": "~~}", ">>": "<<}", "==": "==}"}
_PROGRESS = re.compile(r"\[=(?P<value>\d+(?:\.\d+)?%?)(?:[ \t]+\"(?P<label>[^\"]*)\")?\](?:\{[^}]*\})?")
_MARKER = re.compile(r"([\x01\x02])(\d+)\1")  # a span set aside while the others are rewritten
_INLINEHILITE = re.compile(r"^(?:#!|:::)[\w+#.-]+[ \t]+")
#: How pymdownx.keys names keys that are not a word capitalised.
_KEY_NAMES = {
    "ctrl": "Ctrl", "control": "Ctrl", "alt": "Alt", "shift": "Shift", "cmd": "Cmd", "command": "Cmd",
    "meta": "Meta", "win": "Win", "windows": "Win", "super": "Super", "option": "Option", "opt": "Option",
    "del": "Del", "delete": "Del", "ins": "Ins", "insert": "Ins", "esc": "Esc", "escape": "Esc",
    "enter": "Enter", "return": "Return", "tab": "Tab", "space": "Space", "backspace": "Backspace",
    "bksp": "Backspace", "pgup": "Page Up", "page-up": "Page Up", "pgdn": "Page Down",
    "page-down": "Page Down", "home": "Home", "end": "End", "up": "Up", "down": "Down", "left": "Left",
    "right": "Right", "arrow-up": "Up", "arrow-down": "Down", "arrow-left": "Left", "arrow-right": "Right",
    "caps-lock": "Caps Lock", "num-lock": "Num Lock", "print-screen": "Print Screen", "fn": "Fn",
    "context-menu": "Menu", "menu": "Menu", "pause": "Pause", "break": "Break",
}  # fmt: skip


class InlineRewriter:
    """Rewrites one line's inline syntax; counts what it dropped without knowing it."""

    def __init__(self, unknown: Counter[str], *, critic_mode: str = "view") -> None:
        self.unknown = unknown
        self.critic_mode = critic_mode

    def line(self, text: str) -> str:
        if not _may_hold_syntax(text):
            return text
        kept: list[str] = []

        def keep(marker: str, value: str) -> str:
            kept.append(value)
            return f"{marker}{len(kept) - 1}{marker}"

        # Each pattern is tried only when the text holds a character it needs: most lines hold none.
        masked = text
        if "`" in masked:
            masked = _code_spans(
                masked, lambda ticks, code: keep("\x01", ticks + _without_hilite(code, ticks) + ticks)
            )
        if "](" in masked or "<" in masked or "http" in masked:
            masked = _PROTECTED.sub(lambda m: keep("\x02", m[0]), masked)
        if "{" in masked:
            masked = self._critic_marks(_INLINE_ATTRS.sub("", masked))
        if "[=" in masked:
            masked = _PROGRESS.sub(lambda m: m["label"] if m["label"] is not None else m["value"], masked)
        if "++" in masked:
            masked = _KEYS.sub(lambda m: _keys(m["keys"]), masked)
        if ":" in masked:
            masked = _SHORTCODE.sub(self._shortcode, masked)
        if "^" in masked:
            masked = _sub_closed(_INSERT, _INSERT_END, masked)
        if "==" in masked:
            masked = _sub_closed(_MARK, _MARK_END, masked)
        if "^" in masked:
            masked = _SUP.sub(r"<sup>\g<text></sup>", masked)
        if "~" in masked:
            masked = _SUB.sub(r"<sub>\g<text></sub>", masked)
        return _restore(masked, kept)

    def _shortcode(self, match: re.Match[str]) -> str:
        name = match["name"]
        found = emoji.emojize(f":{name}:", language="alias")
        if found != f":{name}:":
            return found + match["space"]
        if "-" not in name:
            return match[0]  # not an emoji, not an icon: prose such as ":param:"
        # An icon goes with the space after it: "-   :icon: Title" must stay a list item whose
        # text starts where the lines indented under it do.
        icon_set = name.split("-", 1)[0]
        if icon_set not in _ICON_SETS:
            self.unknown[f"icon:{icon_set}"] += 1
        return ""

    def _critic_marks(self, text: str) -> str:
        """CriticMarkup as ``critic_mode`` shows it. Each opener's closer is looked for once, and a
        kind that no closer ends is remembered as such (a line of openers that never close was
        quadratic as a regular expression)."""
        parts: list[str] = []
        position = 0
        unclosed: set[str] = set()
        for opening in _CRITIC_OPEN.finditer(text):
            kind, start = opening[1], opening.start()
            if start < position or kind in unclosed:
                continue
            body = opening.end()
            middle = text.find("~>", body) if kind == "~~" else body
            end = text.find(_CRITIC_CLOSE[kind], middle + 2 if kind == "~~" else body) if middle >= 0 else -1
            if end < 0:
                unclosed.add(kind)
                continue
            parts += [
                text[position:start],
                self._critic(kind, text[body:end], middle - body if kind == "~~" else -1),
            ]
            position = end + 3
        parts.append(text[position:])
        return "".join(parts)

    def _critic(self, kind: str, inner: str, split: int) -> str:
        mode = self.critic_mode
        if kind == "++":
            return "" if mode == "reject" else inner
        if kind == "--":
            return inner if mode == "reject" else "" if mode == "accept" else f"~~{inner}~~"
        if kind == "~~":
            old, new = inner[:split], inner[split + 2 :]
            return {"accept": new, "reject": old}.get(mode, f"~~{old}~~{new}")
        if kind == ">>":
            return "" if mode in ("accept", "reject") else f"({inner.strip()})"
        return inner


def _code_spans(text: str, kept: Callable[[str, str], str]) -> str:
    """``text`` with each code span replaced by ``kept(ticks, code)``: a run of backticks (not
    after a backslash) closed by the next run as long. Found in one pass: a regular expression
    tried each run against the rest of the line, quadratic for runs that never close."""
    runs = [(found.start(), found.end()) for found in _TICKS.finditer(text)]
    if len(runs) < 2:
        return text
    following: list[int | None] = [None] * len(runs)
    last_of_length: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        following[index] = last_of_length.get(length)
        last_of_length[length] = index
    parts: list[str] = []
    position = index = 0
    while index < len(runs):
        start, end = runs[index]
        closer = following[index]
        if closer is None or (start > 0 and text[start - 1] == "\\"):
            index += 1
            continue
        close_start, close_end = runs[closer]
        parts += [text[position:start], kept(text[start:end], text[end:close_start])]
        position = close_end
        index = closer + 1
    parts.append(text[position:])
    return "".join(parts)


def _sub_closed(pattern: re.Pattern[str], closer: re.Pattern[str], text: str) -> str:
    """``pattern`` (a span keeping its ``text`` group) replaced in ``text``, tried only up to where
    its last possible ``closer`` ends (and one character more, for the closer's lookahead): past
    it no span can close, and each start there looked to the line's end (quadratic)."""
    ends = [found.end() for found in closer.finditer(text)]
    if not ends:
        return text
    cut = ends[-1] + 1
    return pattern.sub(r"\g<text>", text[:cut]) + text[cut:]


def _may_hold_syntax(text: str) -> bool:
    return any(char in text for char in "{:+=^~[`")


def _without_hilite(code: str, ticks: str) -> str:
    stripped = _INLINEHILITE.sub("", code.lstrip(" ")) if code.lstrip(" ").startswith(("#!", ":::")) else None
    return code if stripped is None or not stripped.strip() else stripped


def _restore(text: str, kept: list[str]) -> str:
    restore: Callable[[re.Match[str]], str] = lambda m: kept[int(m[2])]  # noqa: E731
    # Protected spans may nest (a code span inside link text is kept, then the link's
    # destination); restore until no marker is left.
    while _MARKER.search(text):
        text = _MARKER.sub(restore, text)
    return text


def _keys(spec: str) -> str:
    names: list[str] = []
    for key in re.findall(r"\"[^\"]*\"|[\w-]+", spec):
        if key.startswith('"'):
            names.append(key[1:-1])
        else:
            lowered = key.lower()
            names.append(
                _KEY_NAMES.get(lowered) or " ".join(part.capitalize() for part in lowered.split("-"))
            )
    return "+".join(names)
