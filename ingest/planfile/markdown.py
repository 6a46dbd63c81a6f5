"""A saved plan as Markdown fit for a pull-request comment: counts, then collapsible lists.

Only titles, paths, short digests and the tool's own reasons are shown, never a document's body.
Everything taken from a document is escaped: a path is a code span, a title is text whose
Markdown punctuation is backslash-escaped, whose HTML is entity-escaped and whose ``@`` and ``#``
cannot mention a person or link an issue. The comment stays under GitHub's limit
(:data:`COMMENT_LIMIT` characters): lists are cut with a count of what was left out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from ingest.planfile.model import PlanFile, PlanItem, SourceEntry

#: GitHub refuses a comment body longer than this many characters.
COMMENT_LIMIT = 65_536
#: Kept free below the limit for the closing lines and the count of what was left out.
_RESERVE = 1_000
#: Items listed per list at most; the rest are counted.
MAX_LISTED = 250

_HEADINGS = (
    ("create", "creates"),
    ("update", "updates"),
    ("delete", "deletes"),
    ("availability", "availability changes"),
    ("tags", "tag changes"),
    ("withdraw", "withdrawals"),
    ("restore", "restores"),
    ("expire", "expiries"),
    ("failure", "failures"),
    ("skip", "skipped"),
)
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_ZERO_WIDTH_SPACE = "\u200b"


def plan_markdown(plan: PlanFile, *, limit: int = COMMENT_LIMIT) -> str:
    """The summary of ``plan`` in at most ``limit`` characters."""
    out = _Bounded(limit - _RESERVE)
    out.add("## fin-ingest plan\n\n")
    guard = "; the mass-delete guard lifted (--allow-mass-delete)" if plan.allow_mass_delete else ""
    out.add(f"Made {code(plan.created_at)} by fin-ingest {code(plan.fin_ingest)}{guard}.\n\n")
    columns = (
        "source",
        "target",
        "create",
        "update",
        "delete",
        "withdraw",
        "restore",
        "expire",
        "availability",
        "tags",
        "unchanged",
    )
    out.add("| " + " | ".join((*columns, "skipped", "failed")) + " |\n")
    out.add("|---|---|" + "--:|" * len(columns) + "\n")
    for source in plan.sources:
        if source.error is not None:
            out.add(f"| {cell(source.source)} | (not read) |" + " |" * len(columns) + "\n")
        for target in source.targets:
            c = target.counts
            # The plan counts a restore as an update and an expiry as a delete: shown apart here.
            numbers = (
                c.create,
                c.update - c.restore,
                c.delete - c.expire,
                c.withdraw,
                c.restore,
                c.expire,
                c.availability,
                c.tags,
                c.unchanged,
                c.skip,
                c.failure,
            )
            out.add(
                f"| {cell(source.source)} | {cell(target.target)} | " + " | ".join(map(str, numbers)) + " |\n"
            )
    out.add("\n")
    for source in plan.sources:
        for line in _notes(source):
            out.add(line)
    left_lists = left_items = 0
    for source in plan.sources:
        for target in source.targets:
            for kind, heading in _HEADINGS:
                items = [item for item in target.items if item.kind == kind]
                if not items:
                    continue
                if not out.fits(200):
                    left_lists, left_items = left_lists + 1, left_items + len(items)
                    continue
                _details(out, f"{source.source} ({target.target}): {len(items)} {heading}", items)
    if left_lists:
        out.force(f"\n{left_items} more items in {left_lists} lists are not shown: see the plan file.\n")
    return out.text()


def _notes(source: SourceEntry) -> Iterator[str]:
    if source.error is not None:
        yield f"> **{text(source.source)} could not be read**: {text(source.error)}\n\n"
    for target in source.targets:
        if target.refusal is not None:
            refused = f"{text(source.source)} ({text(target.target)}) is refused"
            yield f"> **{refused}**: {text(target.refusal)}\n\n"


def _details(out: _Bounded, summary: str, items: list[PlanItem]) -> None:
    out.force(f"<details><summary>{html.escape(summary)}</summary>\n\n")
    shown = 0
    for item in items[:MAX_LISTED]:
        if not out.add(_line(item)):
            break
        shown += 1
    if shown < len(items):
        out.force(f"- … and {len(items) - shown} more (see the plan file)\n")
    out.force("\n</details>\n\n")


def _line(item: PlanItem) -> str:
    parts = [f"- {code(item.locator)}"]
    if item.title:
        parts.append(f" {text(item.title)}")
    if item.kind == "update":
        parts.append(f" (sent {_short(item.previous_digest)}, now {_short(item.digest)})")
    elif item.detail:
        parts.append(f": {text(_first_line(item.detail))}")
    return "".join(parts) + "\n"


def _short(digest: str | None) -> str:
    return code(digest[:12]) if digest else "unknown"


def _first_line(detail: str, width: int = 200) -> str:
    line = detail.splitlines()[0] if detail else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def code(value: str) -> str:
    """``value`` as a Markdown code span, whatever backticks it holds (one line)."""
    flat = " ".join(value.splitlines())
    longest = max((len(run) for run in re.findall("`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith(("`", " ")) or flat.endswith(("`", " ")) or not flat else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def text(value: str) -> str:
    """``value`` as inline Markdown text that shows as it is: no markup, no HTML, no mention."""
    flat = " ".join(value.splitlines())
    escaped = html.escape(flat, quote=False)  # before the backslashes: & < > as entities
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", escaped)
    # Entities just written must stay entities: their & and ; are not Markdown punctuation.
    return escaped.replace("@", "@" + _ZERO_WIDTH_SPACE).replace("\\#", "\\#" + _ZERO_WIDTH_SPACE)


def cell(value: str) -> str:
    """``value`` as text in a table cell."""
    return text(value)


class _Bounded:
    """Text built piece by piece that stays under a budget; :meth:`force` writes past it (the
    closing lines, within the reserve)."""

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._pieces: list[str] = []
        self._length = 0

    def fits(self, size: int) -> bool:
        return self._length + size <= self._budget

    def add(self, piece: str) -> bool:
        if not self.fits(len(piece)):
            return False
        self.force(piece)
        return True

    def force(self, piece: str) -> None:
        self._pieces.append(piece)
        self._length += len(piece)

    def text(self) -> str:
        return "".join(self._pieces)
