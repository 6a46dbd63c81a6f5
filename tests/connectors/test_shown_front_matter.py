"""``shown_front_matter`` through the filesystem connector and the converter: the HTML Fin gets
holds what the site's theme shows from front matter, for every dialect."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from connectors.filesystem import FilesystemConnector, FilesystemOptions
from ingest.collect import Collected, PathFilter, TargetRecords, collect
from ingest.config import load_settings
from ingest.document import DocumentRef
from ingest.errors import ConfigError

FUNCTION_FIELDS = [
    {"field": "description"},
    {"field": "params.functions_and_methods.signatures", "label": "Syntax", "style": "code"},
    {"field": "params.functions_and_methods.returnType", "label": "Returns", "style": "code"},
]
HUGO = {
    "hugo.toml": 'baseURL = "https://docs.example.com/"\ntitle = "Docs"\n',
    "content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
    "content/functions/_index.md": "---\ntitle: Functions\ndescription: Use these functions.\n---\n",
    "content/functions/contains.md": (
        "---\ntitle: strings.Contains\n"
        "description: Reports whether the string contains the [substring](../replace.md).\n"
        "params:\n  functions_and_methods:\n    returnType: bool\n"
        "    signatures: ['strings.Contains STRING SUBSTRING']\n---\n"
        '```go-html-template\n{{ strings.Contains "Hugo" "go" }} → true\n```\n'
    ),
    "content/functions/now.md": (
        "+++\ntitle = 'time.Now'\ndescription = 'Returns the current local time.'\n"
        "[params.functions_and_methods]\nreturnType = 'time.Time'\nsignatures = ['time.Now']\n+++\n"
    ),
    "content/replace.md": "---\ntitle: Replace\n---\nReplaces text.\n",
    "content/about.html": (
        "---\ntitle: About\ndescription: An *HTML* page.\n---\n<h1>About</h1><p>Text.</p>\n"
    ),
}


def write(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def connector(root: Path, **options: Any) -> FilesystemConnector:
    values = {"path": str(root), "site_url": "https://docs.example.com/", **options}
    return FilesystemConnector(FilesystemOptions.model_validate(values))


async def converted(source: FilesystemConnector) -> Collected:
    return await collect(
        source,
        targets={"pages": TargetRecords(records={})},
        settings_digest="test",
        path_filter=PathFilter(["**"], []),
        url_template=None,
    )


async def html_by_path(source: FilesystemConnector) -> dict[str, str]:
    collected = await converted(source)
    assert collected.failures == []
    return {page.locator: page.html for page in collected.pages}


async def test_a_hugo_function_page_shows_its_description_signature_and_return_type(tmp_path: Path) -> None:
    pages = await html_by_path(
        connector(write(tmp_path, HUGO), site="hugo", shown_front_matter=FUNCTION_FIELDS)
    )
    assert pages["content/functions/contains.md"].startswith(
        "<p>Reports whether the string contains the "
        '<a href="https://docs.example.com/replace/">substring</a>.</p>\n'
        "<p><strong>Syntax</strong></p>\n<pre><code>strings.Contains STRING SUBSTRING\n</code></pre>\n"
        "<p><strong>Returns</strong></p>\n<pre><code>bool\n</code></pre>\n"
        '<pre><code class="language-go-html-template">'
    )
    # A page with no body of its own: what the theme shows from its front matter is its text.
    assert pages["content/functions/now.md"] == (
        "<p>Returns the current local time.</p>\n"
        "<p><strong>Syntax</strong></p>\n<pre><code>time.Now\n</code></pre>\n"
        "<p><strong>Returns</strong></p>\n<pre><code>time.Time\n</code></pre>"
    )
    assert pages["content/replace.md"] == "<p>Replaces text.</p>"
    assert pages["content/about.html"] == "<p>An <em>HTML</em> page.</p>\n<p>Text.</p>"


async def test_without_the_option_pages_are_as_before(tmp_path: Path) -> None:
    source = connector(write(tmp_path, HUGO), site="hugo")
    collected = await converted(source)
    pages = {page.locator: page.html for page in collected.pages}
    assert "content/functions/now.md" not in pages
    assert "Reports whether" not in pages["content/functions/contains.md"]
    assert [skipped.locator for skipped in collected.skipped] == ["content/functions/now.md"]


async def test_every_dialect_shows_the_fields_plain_included(tmp_path: Path) -> None:
    files = {
        "guide.md": "---\ndescription: How to set it up.\nsummary: [One, Two]\n---\n# Guide\n\nSteps.\n",
        "notes.txt": "Plain text.\n",
    }
    source = connector(write(tmp_path, files), site="plain", shown_front_matter=["description", "summary"])
    pages = await html_by_path(source)
    assert pages["guide.md"] == "<p>How to set it up.</p>\n<p>One</p>\n<p>Two</p>\n<p>Steps.</p>"
    assert pages["notes.txt"] == "<p>Plain text.</p>"


async def fingerprints(root: Path, **options: Any) -> dict[str, str]:
    return {
        ref.locator: ref.fingerprint
        async for ref in connector(root, **options).scan()
        if isinstance(ref, DocumentRef)
    }


@pytest.mark.parametrize("site", ["hugo", "plain"])
async def test_changing_the_option_rereads_the_pages(tmp_path: Path, site: str) -> None:
    """The option is part of every page's fingerprint: set, changed or removed, every page is read
    again (the payload hash then sends only those whose text changed); unset, fingerprints are as
    they always were."""
    root = write(tmp_path, HUGO)
    before = await fingerprints(root, site=site)
    shown = await fingerprints(root, site=site, shown_front_matter=["description"])
    changed = await fingerprints(
        root, site=site, shown_front_matter=[{"field": "description", "label": "About"}]
    )
    assert set(before) == set(shown) == set(changed)
    assert all(before[path] != shown[path] != changed[path] != before[path] for path in before)
    assert await fingerprints(root, site=site, shown_front_matter=[]) == before
    if site == "plain":
        assert before["content/replace.md"] == before["content/replace.md"].partition("+")[0]


def test_a_bad_entry_is_one_sentence_naming_the_key(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    config = tmp_path / "ingest.toml"
    config.write_text(
        '[sources.docs]\nconnector = "filesystem"\npath = "docs"\nurl = "https://docs.example.com"\n'
        'shown_front_matter = [{ field = "description" }, { field = "params..signatures" }]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_settings(config)
    assert str(raised.value) == (
        "sources.docs.shown_front_matter.1.field: must name a front matter key, or a dotted path to a "
        "nested one such as params.signatures, got 'params..signatures'"
    )
