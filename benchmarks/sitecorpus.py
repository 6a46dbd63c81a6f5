"""A generated docs site of each dialect, for the benchmarks: sections of pages that link to each other.

Every section has an index page with no text of its own (its site lists the section's pages,
with their descriptions), every page a title and a description, one page in ten a ``slug``
(Hugo, Docusaurus) or ``permalink`` (Obsidian), and links to a page of another section.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

SITES = ("hugo", "docusaurus", "mkdocs", "obsidian")
_SECTIONS = 20


def write_site_corpus(root: Path, count: int, dialect: str) -> None:
    """``count`` pages (section index pages included) of a ``dialect`` site under ``root``."""
    writer = _WRITERS[dialect]
    for index in range(count):
        section = index % _SECTIONS
        number = index // _SECTIONS
        path, text = writer(section, number)
        file = root / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
    for path, text in _CONFIG[dialect].items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")


def edit_description(root: Path, dialect: str) -> None:
    """A new description for the first page of the first section (the section page lists it)."""
    path, _ = _WRITERS[dialect](0, 1)
    file = root / path
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("What article", "What, since today, article", 1), encoding="utf-8")


def _body(number: int, link: str) -> str:
    return (
        f"How to do thing {number}. See [the overview]({link}).\n\n"
        "| Setting | Default |\n|---|---|\n| retries | 3 |\n\n```python\nprint('hello')\n```\n"
    )


def _front(title: str, number: int, slug_key: str | None) -> str:
    lines = [f"title: Article {title}", f"description: What article {title} is about."]
    if slug_key and number % 10 == 3:
        lines.append(f"{slug_key}: custom-{title}")
    return "---\n" + "\n".join(lines) + "\n---\n"


def _hugo(section: int, number: int) -> tuple[str, str]:
    if number == 0:
        return f"content/area-{section:02d}/_index.md", f"---\ntitle: Area {section}\n---\n"
    link = f"../area-{(section + 1) % _SECTIONS:02d}/article-00001.md"
    name = f"{section}-{number}"
    return (
        f"content/area-{section:02d}/article-{number:05d}.md",
        _front(name, number, "slug") + _body(number, link),
    )


def _docusaurus(section: int, number: int) -> tuple[str, str]:
    if number == 0:
        return f"docs/area-{section:02d}/index.md", f"---\ntitle: Area {section}\n---\n"
    link = f"../area-{(section + 1) % _SECTIONS:02d}/article-00001.md"
    name = f"{section}-{number}"
    return (
        f"docs/area-{section:02d}/article-{number:05d}.md",
        _front(name, number, "slug") + _body(number, link),
    )


def _mkdocs(section: int, number: int) -> tuple[str, str]:
    if number == 0:
        return f"docs/area-{section:02d}/index.md", f"---\ntitle: Area {section}\n---\n"
    link = f"../area-{(section + 1) % _SECTIONS:02d}/article-00001.md"
    name = f"{section}-{number}"
    path = f"docs/area-{section:02d}/article-{number:05d}.md"
    return path, _front(name, number, None) + _body(number, link)


def _obsidian(section: int, number: int) -> tuple[str, str]:
    name = f"{section}-{number}"
    link = f"Article {(section + 1) % _SECTIONS}-1"
    return (
        f"Area {section:02d}/Article {name}.md",
        _front(name, number, "permalink") + f"How to do thing {number}. See [[{link}]].\n",
    )


_WRITERS: dict[str, Callable[[int, int], tuple[str, str]]] = {
    "hugo": _hugo,
    "docusaurus": _docusaurus,
    "mkdocs": _mkdocs,
    "obsidian": _obsidian,
}
_CONFIG: dict[str, dict[str, str]] = {
    "hugo": {"hugo.toml": "baseURL = 'https://docs.example.com/'\ntitle = 'Bench'\n"},
    "docusaurus": {
        "docusaurus.config.js": (
            "module.exports = {title: 'Bench', url: 'https://docs.example.com', baseUrl: '/',\n"
            "  presets: [['classic', {docs: {routeBasePath: '/'}}]]};\n"
        )
    },
    "mkdocs": {"mkdocs.yml": "site_name: Bench\nsite_url: https://docs.example.com/\n"},
    "obsidian": {".obsidian/app.json": "{}\n"},
}
