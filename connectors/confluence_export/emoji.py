"""Emoticons and emoji as the characters readers see, whatever form the export gives them in.

Server exports name an emoticon (``data-emoticon-name="tick"``). Cloud exports describe an
emoji three ways at once, none of them the character itself::

    <img class="emoticon emoticon-blue-star" data-emoji-id="1f5d3" data-emoji-shortname=":calendar_spiral:"
         data-emoji-fallback="\\uD83D\\uDDD3" data-emoticon-name="blue-star" alt="(blue star)">

The fallback is the character as JavaScript escapes (UTF-16 surrogate pairs written out as
text), the id its code points in hex (``1f44d-1f3fb`` with a skin tone), the shortname
Atlassian's (EmojiOne's) name for it; Atlassian's own emoji have an id such as
``atlassian-check_mark`` and their shortname as fallback. ``data-emoticon-name`` is then a
placeholder (``blue-star`` for every emoji), so it is read only for Server's emoticons.

The first that gives a character wins: the fallback decoded, the id, the alt text decoded, the
shortname (Atlassian's own, then EmojiOne's, then the GitHub and CLDR names rich knows, also with
the words turned round), the emoticon name; else nothing, never the escapes or a placeholder.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from connectors.confluence_export.tree import Element

_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]{1,6})\}|\\U([0-9a-fA-F]{8})|\\u([0-9a-fA-F]{4})")
_SHORTNAME = re.compile(r"^:([\w+-]+):$")
_HEX_ID = re.compile(r"^[0-9a-fA-F]{2,6}(?:-[0-9a-fA-F]{2,6})*$")
_MAX_CODE_POINT = 0x10FFFF

#: Server's emoticon names and Atlassian's own emoji (their shortnames, ``atlassian-`` ids).
_NAMED = {
    "smile": "🙂", "sad": "🙁", "cheeky": "😛", "tongue": "😛", "laugh": "😀", "laughing": "😆",
    "wink": "😉", "thumbs-up": "👍", "thumbs_up": "👍", "thumbs-down": "👎", "thumbs_down": "👎",
    "information": "\u2139\ufe0f", "info": "\u2139\ufe0f", "tick": "✅", "check_mark": "✅",
    "cross": "❌", "cross_mark": "❌", "error": "❌", "warning": "⚠️", "plus": "\u2795",
    "minus": "\u2796", "question": "❓", "question_mark": "❓", "light-on": "💡", "light_bulb_on": "💡",
    "light-off": "💡", "light_bulb_off": "💡", "yellow-star": "⭐", "yellow_star": "⭐",
    "red-star": "⭐", "red_star": "⭐", "green-star": "⭐", "green_star": "⭐", "blue-star": "⭐",
    "blue_star": "⭐", "star": "⭐", "heart": "❤️", "broken-heart": "💔", "broken_heart": "💔",
    "flag_on": "🚩", "flag_off": "🏳️",
}  # fmt: skip
#: EmojiOne shortnames Atlassian uses that neither the table above, the common (GitHub, CLDR)
#: names nor their words turned round (``calendar_spiral`` is ``spiral_calendar``) reach.
_EMOJIONE = {
    "slight_smile": "🙂", "slight_frown": "🙁", "upside_down": "🙃", "thinking": "🤔", "hugging": "🤗",
    "nerd": "🤓", "rolling_eyes": "🙄", "robot": "🤖", "zipper_mouth": "🤐", "money_mouth": "🤑",
    "head_bandage": "🤕", "thermometer_face": "🤒", "frowning2": "☹️", "tools": "🛠️",
    "desktop": "🖥️", "dividers": "🗂️", "card_box": "🗃️", "hammer_pick": "⚒️", "key2": "🗝️",
    "pen_ballpoint": "🖊️", "pen_fountain": "🖋️", "paperclips": "🖇️", "map": "🗺️",
    "speaking_head": "🗣️", "spy": "🕵️", "levitate": "🕴️", "hand_splayed": "🖐️", "vulcan": "🖖",
    "metal": "🤘", "call_me": "🤙", "fingers_crossed": "🤞", "writing_hand": "✍️",
    "skull_crossbones": "☠️", "cowboy": "🤠", "clown": "🤡", "lying_face": "🤥",
}  # fmt: skip


def emoji_text(image: Element) -> str:
    """The text an emoticon ``<img>`` becomes (see the module docstring); ``""`` for none."""
    fallback = decode_escapes(image.get("data-emoji-fallback", "").strip())
    if fallback and not _SHORTNAME.match(fallback):
        return fallback
    if (from_id := _from_hex_id(image.get("data-emoji-id", ""))) is not None:
        return from_id
    alt = decode_escapes(image.get("alt", "").strip())
    if alt and all(unicodedata.category(char)[0] in "SMC" for char in alt):
        return alt  # the character itself (or its escapes), not "(blue star)" or ":smile:"
    for candidate in (image.get("data-emoji-shortname", ""), fallback, alt, image.get("data-emoji-id", "")):
        name = _shortname_of(candidate)
        if name and (found := shortname_emoji(name)):
            return found
    if any(image.get(f"data-emoji-{part}") for part in ("id", "shortname", "fallback")):
        return ""  # an emoji: its emoticon name is Cloud's placeholder ("blue-star"), not its name
    name = image.get("data-emoticon-name") or next(
        (
            word.removeprefix("emoticon-")
            for word in (image.get("class") or "").split()
            if word.startswith("emoticon-")
        ),
        "",
    )
    return _NAMED.get((name or alt.strip("()").replace(" ", "-")).lower(), "")


def decode_escapes(text: str) -> str:
    """``text`` with ``\\uXXXX`` (surrogate pairs joined), ``\\UXXXXXXXX`` and ``\\u{X}`` escapes
    decoded; a lone surrogate is dropped."""
    if "\\" not in text:
        return text

    def unit(match: re.Match[str]) -> str:
        value = int(next(group for group in match.groups() if group), 16)
        return chr(value) if value <= _MAX_CODE_POINT else ""

    units = _ESCAPE.sub(unit, text)
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")


@lru_cache(maxsize=1024)
def shortname_emoji(name: str) -> str | None:
    """The emoji a shortname (without colons) names, or None."""
    key = name.lower()
    if found := _NAMED.get(key) or _EMOJIONE.get(key):
        return found
    # Imported here: rich's table of GitHub and CLDR names is only loaded by exports with emoji.
    from rich.emoji import Emoji, NoEmoji

    words = key.split("_")
    for candidate in (key, "_".join([*words[1:], words[0]]), "_".join([words[-1], *words[:-1]])):
        try:
            return str(Emoji(candidate))
        except NoEmoji:
            continue
    return None


def _shortname_of(text: str) -> str | None:
    text = text.strip().removeprefix("atlassian-")
    if match := _SHORTNAME.match(text):
        return match.group(1)
    return text if text and re.fullmatch(r"[a-z0-9_+-]+", text) and not _HEX_ID.match(text) else None


def _from_hex_id(value: str) -> str | None:
    if not _HEX_ID.match(value):
        return None
    points = [int(part, 16) for part in value.split("-")]
    if any(point > _MAX_CODE_POINT or 0xD800 <= point <= 0xDFFF or point < 0x20 for point in points):
        return None
    return "".join(chr(point) for point in points)
