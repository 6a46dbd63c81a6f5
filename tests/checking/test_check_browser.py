"""The HTML report in a real browser: Debian's Chromium, headless, JavaScript off. It opens from
the file alone, shows the findings and every page's preview, shows hostile strings as text, and
asks for nothing but its own file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.cli import main
from tests.checking.check_project import HOSTILE, write_hostile, write_project

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    """The project, a hostile document among its pages, checked with --html (before any browser
    starts: Playwright's synchronous API holds an event loop of its own)."""
    config = write_project(tmp_path)
    write_hostile(tmp_path / "repo" / "docs")
    html = tmp_path / "report.html"
    assert main(["check", "--all", "--config", str(config), "--html", str(html)]) == 1
    return html


@pytest.fixture
def browser(report: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


def test_the_report_reads_in_chromium_without_script_or_network(
    tmp_path: Path, report: Path, browser: Any
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1400, "height": 1000})
    requested: list[str] = []
    dialogs: list[str] = []

    def only_the_file(route: Any) -> None:
        requested.append(route.request.url)
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_the_file)
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(report.as_uri())

    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=False)
    image = shot.read_bytes()
    assert image.startswith(PNG_SIGNATURE) and len(image) > 20_000
    width, height = int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")
    assert (width, height) == (1400, 1000)

    findings = page.locator("#ingest-check-findings").inner_text()
    assert "docs:empty.md: the page has no text" in findings
    assert "docs:links.md:5: links to missing.md, but the source holds no missing.md" in findings
    assert "handbook:intro.md: the page has no URL" in findings
    totals = page.locator("#ingest-check-totals").inner_text()
    assert totals.startswith("11 findings: 2 errors, 9 warnings, 0 notes")

    # Each page's preview is rendered: the frame's body is the page as Fin is sent it.
    articles = page.locator("article.page")
    assert articles.count() == 11
    previews = page.locator("div.preview")
    assert previews.count() == 11
    rendered = previews.all_inner_texts()
    assert sum("This guide explains how to set up your workspace" in text for text in rendered) == 8
    assert any(text.startswith("Démarrage") or "Ce guide explique" in text for text in rendered)

    # The hostile page: its title and path shown as text, its body's markup as text, nothing ran.
    hostile = articles.filter(has_text='x"><img src=x onerror=alert(3)>.md')
    assert hostile.locator("h3").inner_text() == HOSTILE
    assert "<script>alert(5)</script>" in hostile.locator("pre.source").inner_text()
    hostile.screenshot(path=str(tmp_path / "hostile.png"))
    assert (tmp_path / "hostile.png").read_bytes().startswith(PNG_SIGNATURE)
    assert dialogs == []
    assert page.locator("script").count() == 0 and page.locator("iframe").count() == 0
    # The hostile page's image is in its preview, as Fin is sent it, and never fetched (the CSP).
    assert page.locator("img").count() == 1

    assert requested and all(url.startswith("file:") for url in requested), requested
    context.close()
