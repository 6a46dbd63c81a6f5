"""The date in a page's "last modified on ..." line, in the shapes Confluence writes it.

Confluence formats dates with a site-wide pattern (``MMM dd, yyyy`` by default, often
``dd.MM.yyyy``) and month names in the exporting user's language. This reads the default
pattern in English and in Chinese/Japanese/Korean month names, day-first numeric dates and
ISO dates; anything else gives ``None`` (the raw text is kept beside it). A full
multilingual date parser would cost more to load than all the rest of the connector.
"""

from __future__ import annotations

import re
from datetime import date

_ENGLISH = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_CJK_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_CJK_FULL = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})")
_DOTTED = re.compile(r"(?<!\d)(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)")
_MONTH_FIRST = re.compile(
    r"([^\W\d_]{3,10}|[一二三四五六七八九十]{1,3}\s*月|\d{1,2}\s*[月월])\.?\s+(\d{1,2}),?\s+(\d{4})"
)
_DAY_FIRST = re.compile(r"(?<!\d)(\d{1,2})\.?\s+([^\W\d_]{3,10})\.?,?\s+(\d{4})")


def _month(word: str) -> int | None:
    word = word.strip().lower().rstrip("月월").strip()
    if word.isdigit():
        return int(word)
    if word and all(char in _CJK_DIGITS for char in word):
        # 十一 = 10 + 1, 十二 = 10 + 2; a lone 十 is 10.
        return sum(_CJK_DIGITS[char] for char in word)
    prefix = word[:3]
    return _ENGLISH.index(prefix) + 1 if prefix in _ENGLISH else None


def _date(year: str, month: int | None, day: str) -> date | None:
    if month is None:
        return None
    try:
        return date(int(year), month, int(day))
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """The first date found in ``text``, or None."""
    for pattern in (_ISO, _CJK_FULL):
        if match := pattern.search(text):
            return _date(match.group(1), int(match.group(2)), match.group(3))
    if match := _DOTTED.search(text):
        return _date(match.group(3), int(match.group(2)), match.group(1))
    if match := _MONTH_FIRST.search(text):
        return _date(match.group(3), _month(match.group(1)), match.group(2))
    if match := _DAY_FIRST.search(text):
        return _date(match.group(3), _month(match.group(2)), match.group(1))
    return None
