"""How sure the language identifier must be before a page is taken to be non-English.

    python -m benchmarks.language_threshold LANG=FOLDER [LANG=FOLDER ...]

Each FOLDER is read as a plain ``filesystem`` source and converted as a run would convert it;
every page's prose (:func:`ingest.language_id.prose_of`) is identified, and its ``LANG`` is the
truth (``en`` for English docs). For each threshold it prints the false positives (English pages
that would be taken for another language) and false negatives (non-English pages that would
still be sent as English), then the English pages that came closest to a false positive.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter, defaultdict

from connectors.filesystem import FilesystemConnector, FilesystemOptions
from ingest.convert import LinkBuilder, render_page
from ingest.document import DocumentRef, SourceDocument
from ingest.language_id import THRESHOLD, identify, prose_of
from ingest.locales import chinese_locale, detected_locale

THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.999)


async def identified(folder: str) -> list[tuple[str, tuple[str, float] | None]]:
    connector = FilesystemConnector(FilesystemOptions.model_validate({"path": folder, "site": "plain"}))
    found: list[tuple[str, tuple[str, float] | None]] = []
    async for ref in connector.scan():
        if isinstance(ref, DocumentRef):
            document = await connector.load(ref)
            if isinstance(document, SourceDocument):
                prose = prose_of(render_page(document, LinkBuilder(None)).html)
                result = identify(prose)
                if result is not None and detected_locale(result[0]) in ("zh-CN", "zh-TW"):
                    result = (chinese_locale(prose), result[1])  # the script decides, as for a run
                found.append((ref.locator, result))
    return found


def taken_as(result: tuple[str, float] | None, threshold: float) -> str:
    """What the safety net makes of a page: its language, or en (sent as English)."""
    if result is None or result[1] < threshold or result[0] == "la":  # as foreign_language() decides
        return "en"
    return detected_locale(result[0]) or result[0]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labelled", nargs="+", metavar="LANG=FOLDER")
    args = parser.parse_args()
    pages: dict[str, list[tuple[str, tuple[str, float] | None]]] = defaultdict(list)
    for item in args.labelled:
        language, _, folder = item.partition("=")
        pages[language] += await identified(folder)
    english = pages.get("en", [])
    others = [(language, page) for language, found in pages.items() if language != "en" for page in found]
    short = sum(result is None for _, (_, result) in others)
    print(f"{len(english)} English pages, {len(others)} others ({', '.join(sorted(set(pages) - {'en'}))}),")
    print(f"{short} of them with less prose than the identifier needs (sent as English at any threshold)")
    print(f"{'threshold':>9} {'false positives':>16} {'false negatives':>16}")
    for threshold in THRESHOLDS:
        fp = sum(taken_as(result, threshold) != "en" for _, result in english)
        fn = sum(taken_as(result, threshold) == "en" for _, (_, result) in others)
        print(f"{threshold:>9} {fp:>7} of {len(english):<6} {fn:>7} of {len(others):<6}")
    closest = sorted(
        ((result[1], locator, result[0]) for locator, result in english if result and result[0] != "en"),
        reverse=True,
    )
    for confidence, locator, language in closest[:8]:
        print(f"  English page read as {language} {confidence:.4f}: {locator}")
    misses = sorted(
        (result[1], locator, language, result[0])
        for language, (locator, result) in others
        if result is not None and result[1] < THRESHOLD
    )
    wrong = Counter(
        (language, taken_as(result, THRESHOLD))
        for language, (_, result) in others
        if result is not None and result[1] >= THRESHOLD and taken_as(result, THRESHOLD) != language
    )
    for (language, found), count in sorted(wrong.items()):
        print(
            f"  {count} {language} pages taken as {found} at {THRESHOLD} (not English: not sent as English)"
        )
    for confidence, locator, language, found in misses[:12]:
        print(f"  {language} page read as {found} {confidence:.4f}: {locator}")


if __name__ == "__main__":
    asyncio.run(main())
