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

_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)(.+?)(?<!`)\1(?!`)")
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
_INSERT = re.compile(r"(?<![\^\w\\])\^\^(?![\^\s])(?P<text>.+?)(?<![\^\s\\])\^\^(?![\^\w])")
_SUP = re.compile(r"(?<![\^\[\\])\^(?![\^\s])(?P<text>[^\s\^\[\]]+?)(?<!\\)\^(?!\^)")
_SUB = re.compile(r"(?<![~\\])~(?![~\s])(?P<text>[^\s~]+?)(?<!\\)~(?!~)")
_CRITIC = re.compile(
    r"\{\+\+(?P<add>.*?)\+\+\}|\{--(?P<delete>.*?)--\}|\{~~(?P<old>.*?)~>(?P<new>.*?)~~\}"
    r"|\{>>(?P<comment>.*?)<<\}|\{==(?P<highlight>.*?)==\}"
)
_PROGRESS = re.compile(r"\[=(?P<value>\d+(?:\.\d+)?%?)(?:[ \t]+\"(?P<label>[^\"]*)\")?\](?:\{[^}]*\})?")
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

        masked = _CODE_SPAN.sub(lambda m: keep("\x01", m[1] + _without_hilite(m[2], m[1]) + m[1]), text)
        masked = _PROTECTED.sub(lambda m: keep("\x02", m[0]), masked)
        masked = _INLINE_ATTRS.sub("", masked)
        masked = _CRITIC.sub(self._critic, masked)
        masked = _PROGRESS.sub(lambda m: m["label"] if m["label"] is not None else m["value"], masked)
        masked = _KEYS.sub(lambda m: _keys(m["keys"]), masked)
        masked = _SHORTCODE.sub(self._shortcode, masked)
        masked = _INSERT.sub(r"\g<text>", masked)
        masked = _MARK.sub(r"\g<text>", masked)
        masked = _SUP.sub(r"<sup>\g<text></sup>", masked)
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

    def _critic(self, match: re.Match[str]) -> str:
        mode = self.critic_mode
        if match["add"] is not None:
            return "" if mode == "reject" else match["add"]
        if match["delete"] is not None:
            return (
                match["delete"] if mode == "reject" else "" if mode == "accept" else f"~~{match['delete']}~~"
            )
        if match["old"] is not None:
            return {"accept": match["new"], "reject": match["old"]}.get(
                mode, f"~~{match['old']}~~{match['new']}"
            )
        if match["comment"] is not None:
            return "" if mode in ("accept", "reject") else f"({match['comment'].strip()})"
        return str(match["highlight"])


def _may_hold_syntax(text: str) -> bool:
    return any(char in text for char in "{:+=^~[`")


def _without_hilite(code: str, ticks: str) -> str:
    stripped = _INLINEHILITE.sub("", code.lstrip(" ")) if code.lstrip(" ").startswith(("#!", ":::")) else None
    return code if stripped is None or not stripped.strip() else stripped


def _restore(text: str, kept: list[str]) -> str:
    restore: Callable[[re.Match[str]], str] = lambda m: kept[int(m[2])]  # noqa: E731
    pattern = re.compile(r"([\x01\x02])(\d+)\1")
    # Protected spans may nest (a code span inside link text is kept, then the link's
    # destination); restore until no marker is left.
    while pattern.search(text):
        text = pattern.sub(restore, text)
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
