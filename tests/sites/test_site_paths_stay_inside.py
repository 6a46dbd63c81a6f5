"""No include or embed of any dialect reads outside its source: ``../`` escapes, absolute paths,
``@site/..``, and symlinks leading out of the folder all read nothing (a warning or a failure
names what was not found), through the real ``filesystem`` connector."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from connectors.filesystem import FilesystemConnector, FilesystemOptions
from ingest.document import DocumentRef, Failure, SourceDocument

SECRET = "TOP-SECRET-TOKEN-7f3a"

SITES: dict[str, dict[str, str]] = {
    "hugo": {
        "hugo.toml": "baseURL = 'https://docs.example.com/'\n",
        "content/page.md": "---\ntitle: Page\n---\nText.\n\n"
        '{{< readfile file="../secret.txt" >}}\n\n{{< readfile file="/../secret.txt" >}}\n\n'
        '{{< readfile file="{outside}" >}}\n\n{{< readfile file="content/linked.txt" >}}\n',
        "content/ok.md": '---\ntitle: OK\n---\n{{< readfile file="/inside.md" >}}\n',
        "inside.md": "Inside text.\n",
    },
    "docusaurus": {
        "docusaurus.config.js": "module.exports = {url: 'https://docs.example.com', baseUrl: '/', "
        "presets: [['classic', {docs: {}}]]};\n",
        "docs/page.mdx": "# Page\n\nimport A from '../../secret.md';\nimport B from '@site/../secret.md';\n"
        "import C from '{outside}';\nimport D from './linked.md';\n"
        "import Raw from '!!raw-loader!../../secret.txt';\nimport CodeBlock from '@theme/CodeBlock';\n"
        "import Inside from './_inside.md';\n\nText.\n\n<CodeBlock>{Raw}</CodeBlock>\n\n<Inside />\n",
        "docs/_inside.md": "Inside text.\n",
    },
    "mkdocs": {
        "mkdocs.yml": "site_name: Docs\nmarkdown_extensions:\n  - pymdownx.snippets:\n"
        "      base_path: ['.', '..', '/']\n      restrict_base_path: false\n  - markdown_include.include\n",
        "docs/page.md": '# Page\n\nText.\n\n--8<-- "../secret.txt"\n--8<-- "{outside}"\n'
        '--8<-- "docs/linked.txt"\n\n{!../secret.txt!}\n\n{!{outside}!}\n\n--8<-- "inside.md"\n',
        "inside.md": "Inside text.\n",
    },
    "obsidian": {
        ".obsidian/app.json": "{}",
        "Page.md": "Text.\n\n![[../secret]]\n\n![[{outside}]]\n\n![[linked]]\n\n![[Inside]]\n",
        "Inside.md": "Inside text.\n",
    },
}
LINKS = {
    "hugo": "content/linked.txt",
    "docusaurus": "docs/linked.md",
    "mkdocs": "docs/linked.txt",
    "obsidian": "linked.md",
}


@pytest.mark.parametrize("dialect", sorted(SITES))
async def test_nothing_outside_the_source_is_read(tmp_path: Path, dialect: str) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text(SECRET, encoding="utf-8")
    (tmp_path / "secret.md").write_text(SECRET, encoding="utf-8")
    source = tmp_path / "source"
    for path, text in SITES[dialect].items():
        file = source / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text.replace("{outside}", str(outside)), encoding="utf-8")
    os.symlink(outside, source / LINKS[dialect])
    connector = FilesystemConnector(FilesystemOptions(path=source, site=dialect))  # type: ignore[arg-type]
    refs = [item async for item in connector.scan() if isinstance(item, DocumentRef)]
    texts = {}
    for ref in refs:
        loaded = await connector.load(ref)
        assert isinstance(loaded, SourceDocument | Failure)
        texts[ref.locator] = loaded.body if isinstance(loaded, SourceDocument) else loaded.message
    assert any("Inside text." in text for text in texts.values()), texts  # what is inside is read
    assert all(SECRET not in text for text in texts.values()), texts
