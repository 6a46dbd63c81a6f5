"""URL templates: ``str.format``-style text whose placeholders are plain names, like ``{path}``.

The one parser for every template a user writes (a source's ``url_template``, a
Confluence export's ``page_url_template``...). Only plain names are placeholders: no
attribute access, indexing, format spec or conversion, so a template can never reach
into Python objects. It imports nothing of fin-ingest, so a connector can use it without
loading the converter.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from string import Formatter

#: One literal run of a template and the placeholder after it (None at the end).
Piece = tuple[str, str | None]


@dataclass(frozen=True, slots=True)
class UrlTemplate:
    """A parsed template: fill it with :meth:`render`, vet its names with :meth:`check`."""

    text: str
    pieces: tuple[Piece, ...]

    @classmethod
    def parse(cls, text: str, *, example: str) -> UrlTemplate:
        """Parse ``text``; ValueError when it is malformed (an unclosed brace) or a
        placeholder is not a plain name (the message suggests ``{example}`` instead)."""
        try:
            parsed = list(Formatter().parse(text))
        except ValueError as exc:
            raise ValueError(f"{text!r} is malformed: {exc}") from exc
        pieces: list[Piece] = []
        for literal, name, spec, conversion in parsed:
            if name is not None and (not name.isidentifier() or spec or conversion):
                raise ValueError(f"placeholder {{{name}}} must be a plain name like {{{example}}}")
            pieces.append((literal, name))
        return cls(text, tuple(pieces))

    @property
    def placeholders(self) -> frozenset[str]:
        """The names the template uses."""
        return frozenset(name for _, name in self.pieces if name is not None)

    def check(self, allowed: Collection[str]) -> None:
        """ValueError naming the first placeholder, as written, that is not in ``allowed``."""
        for _literal, name in self.pieces:
            if name is not None and name not in allowed:
                names = ", ".join(f"{{{known}}}" for known in sorted(allowed))
                raise ValueError(f"unknown placeholder {{{name}}} (allowed: {names})")

    def render(self, values: Mapping[str, str]) -> str:
        """The template with each placeholder replaced by its value, inserted as given;
        ValueError naming a placeholder that has none."""
        parts: list[str] = []
        for literal, name in self.pieces:
            parts.append(literal)
            if name is not None:
                if name not in values:
                    raise ValueError(f"placeholder {{{name}}} has no value")
                parts.append(values[name])
        return "".join(parts)
