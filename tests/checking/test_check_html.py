"""``ingest check --html``: one self-contained page, nothing in it that runs or loads, hostile
titles, paths and bodies shown as text; read statically here, in a real browser below."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from ingest.checking.html_report import CSP
from ingest.cli import main
from tests.checking.check_project import HOSTILE, write_hostile, write_project


@pytest.fixture
def report(tmp_path: Path) -> tuple[Path, str]:
    """The project (with a hostile document) checked with --html; the report's path and the
    hostile document's path."""
    config = write_project(tmp_path)
    hostile_path, _ = write_hostile(tmp_path / "repo" / "docs")
    html = tmp_path / "out" / "report.html"
    assert main(["check", "--all", "--config", str(config), "--html", str(html)]) == 1
    return html, hostile_path


def test_the_report_holds_nothing_that_runs_or_loads(report: tuple[Path, str]) -> None:
    """No script element, no event handler, no frame, no stylesheet or image fetched, a CSP
    allowing no script and no fetch; one preview section per page."""
    html, _ = report
    tree = lxml.html.fromstring(html.read_bytes())
    assert tree.xpath("//script") == []
    assert [name for element in tree.iter() for name in element.attrib if name.lower().startswith("on")] == []
    assert tree.xpath("//link | //object | //embed | //base | //form | //iframe | //style[@src]") == []
    (csp,) = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp == CSP and "default-src 'none'" in csp and "script-src" not in csp
    assert len(tree.xpath("//div[@class='preview']")) == 11
    # The previews' images are kept as sent (Fin shows them); the CSP keeps the report from fetching them.
    assert [img.get("src") for img in tree.xpath("//img")] == ["https://tracker.example.com/pixel.png"]


def test_hostile_strings_are_text(report: tuple[Path, str]) -> None:
    """The hostile title and path are the text of the report's elements; the hostile body is the
    source pane's text; the preview got the page as the sanitiser left it (no script)."""
    html, hostile_path = report
    tree = lxml.html.fromstring(html.read_bytes())
    (article,) = [a for a in tree.xpath("//article") if a.xpath("string(.//h3)") == HOSTILE]
    assert hostile_path in article.xpath("string(.//p[@class='meta'])")
    source = article.xpath("string(.//pre[@class='source'])")
    assert "<script>alert(5)</script>" in source and f"title: '{HOSTILE}'" in source
    (preview,) = article.xpath(".//div[@class='preview']")
    assert "alert(5)" not in preview.text_content()
    assert preview.xpath(".//a[@href]") == [] and "a link" in preview.text_content()  # javascript: dropped
    assert f"Shown as text: {HOSTILE}" in preview.text_content()


def test_a_report_written_into_a_source_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An HTML report in a filesystem source's folder is a document of its next scan: the next
    run would sync the report to Fin. One sentence naming --html, exit 2, nothing written."""
    config = write_project(tmp_path)
    html = tmp_path / "repo" / "docs" / "report.html"
    capsys.readouterr()
    assert main(["check", "--all", "--config", str(config), "--html", str(html)]) == 2
    err = capsys.readouterr().err
    assert "--html" in err and "inside the folder of source" in err and len(err.strip().splitlines()) == 1
    assert not html.exists()
