"""What one page may pull in from other files: every dialect's includes and embeds, bounded.

Each dialect stops an include cycle; nothing else would stop a page that includes a file ten
times, which includes another ten times, and so on nine files deep (a billion copies, no cycle),
or a page including a 300 MB log. A dialect charges each file it inlines (each time it inlines it)
to its page's :class:`IncludeBudget`; past :data:`MAX_INCLUDES` inclusions or
:data:`MAX_INCLUDED_CHARACTERS` characters in all, :class:`IncludesTooLarge` says which file
went over, and the dialect fails the page with it. Real pages include a few files, rarely a
hundred.
"""

from __future__ import annotations

#: Inclusions of one page, counting a file each time it is included (and what it includes).
MAX_INCLUDES = 1_000
#: Characters of everything one page includes, all inclusions together.
MAX_INCLUDED_CHARACTERS = 5_000_000


class IncludesTooLarge(Exception):
    """What a page includes or embeds goes past its :class:`IncludeBudget`."""


class IncludeBudget:
    """What one page has included so far, against the limits."""

    def __init__(self, includes: int = MAX_INCLUDES, characters: int = MAX_INCLUDED_CHARACTERS) -> None:
        self.includes = includes
        self.characters = characters
        self.included = 0
        self.included_characters = 0

    def charge(self, path: str, text: str | bytes) -> None:
        """Count ``text``, the content of ``path``, as included once more; :class:`IncludesTooLarge`
        when that goes past a limit."""
        self.included += 1
        self.included_characters += len(text)
        if self.included > self.includes:
            raise IncludesTooLarge(
                f"it includes or embeds more than {self.includes:,} files, counting each time one is "
                f"included (the last: {path}); the page is not sent"
            )
        if self.included_characters > self.characters:
            raise IncludesTooLarge(
                f"what it includes or embeds adds up to more than {self.characters:,} characters "
                f"(the last: {path}, {len(text):,}); the page is not sent"
            )
