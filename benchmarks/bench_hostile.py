"""How conversion time grows with hostile input: nesting depth and length, HTML and Markdown.

Run ``python benchmarks/bench_hostile.py [--max-size N] [--budget SECONDS]``. Each shape is
generated at sizes growing tenfold (100, 1,000, 10,000... up to ``--max-size``) and converted
with ``render_page`` under the default limits; each row prints the time, the outcome (converted,
or the limit that refused it) and the growth factor from the size ten times smaller: about 10
is linear, about 100 quadratic. A shape whose conversion exceeds ``--budget`` is not tried larger.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from ingest.convert import LinkBuilder, render_page
from ingest.document import BodyFormat, SourceDocument

Shape = tuple[str, BodyFormat, Callable[[int], str]]

SHAPES: list[Shape] = [
    ("nested divs", BodyFormat.HTML, lambda n: "<div>" * n + "x" + "</div>" * n),
    ("nested divs, a paragraph each", BodyFormat.HTML, lambda n: "<div><p>p</p>" * n + "</div>" * n),
    (
        "div > span alternating",
        BodyFormat.HTML,
        lambda n: "<div><span>" * (n // 2) + "x" + "</span></div>" * (n // 2),
    ),
    ("nested spans", BodyFormat.HTML, lambda n: "<span>" * n + "x" + "</span>" * n),
    ("nested bold, a word each", BodyFormat.HTML, lambda n: "<b>w " * n + "</b>" * n),
    ("sibling paragraphs and text", BodyFormat.HTML, lambda n: "<div>" + "<p>a</p>b" * n + "</div>"),
    ("sibling empty divs", BodyFormat.HTML, lambda n: "<div><p>a</p>" + "<div></div>" * n + "</div>"),
    ("unclosed tags", BodyFormat.HTML, lambda n: "<p><b><i>x" * n),
    ("nested quotes (Markdown)", BodyFormat.MARKDOWN, lambda n: "> " * n + "x\n"),
    ("emphasis runs (Markdown)", BodyFormat.MARKDOWN, lambda n: "*a **b " * n + "\n"),
    ("link brackets (Markdown)", BodyFormat.MARKDOWN, lambda n: "[" * n + "x" + "](y)" * n + "\n"),
    ("raw HTML blocks (Markdown)", BodyFormat.MARKDOWN, lambda n: "<div>\n\ntext\n\n" * n),
]


def convert(body: str, fmt: BodyFormat) -> tuple[float, str]:
    document = SourceDocument(external_id="x", title="X", body=body, format=fmt, path="x", fingerprint="f")
    started = time.perf_counter()
    try:
        render_page(document, LinkBuilder(None))
        outcome = "converted"
    except Exception as exc:  # the outcome, whatever it is, is what the row reports
        outcome = f"{type(exc).__name__}"
    return time.perf_counter() - started, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-size", type=int, default=100_000)
    parser.add_argument("--budget", type=float, default=20.0, help="stop growing a shape past this time")
    args = parser.parse_args()
    print(f"{'shape':34} {'n':>8} {'bytes':>10} {'seconds':>9} {'x per 10x':>9}  outcome")
    for name, fmt, make in SHAPES:
        previous: float | None = None
        size = 100
        while size <= args.max_size:
            body = make(size)
            seconds, outcome = convert(body, fmt)
            growth = f"{seconds / previous:9.1f}" if previous else f"{'':9}"
            print(f"{name:34} {size:8,} {len(body):10,} {seconds:9.3f} {growth}  {outcome}", flush=True)
            if seconds > args.budget:
                break
            previous, size = max(seconds, 1e-4), size * 10


if __name__ == "__main__":
    main()
