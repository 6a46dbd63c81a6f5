"""Builds Notion exports (HTML, or Markdown & CSV) for tests and benchmarks, in the shapes Notion writes.

A page file is ``Title <32 hex id>.html`` (``.md``), its subpages in the folder ``Title <id>/``,
its images and files beside them in that folder. The HTML export wraps each page in Notion's
chrome (``<head>`` and ``<style>``, ``article.page`` with a ``header`` holding the icon,
``h1.page-title`` and, for a database row, ``table.properties``) around ``div.page-body``, and
adds an ``index.html`` of its own; blocks are rendered as Notion renders them (:class:`Block`).
The Markdown export writes ``# Title``, a row's properties as ``Name: value`` lines, and each
database as ``Title <id>.csv`` and ``Title <id>_all.csv`` with a byte order mark. A zip is
``Export-<uuid>.zip`` holding ``Export-<uuid>-Part-1.zip``, ``-Part-2.zip``: ``run`` stands for
one export, changing the uuids and the files' timestamps as the real thing does.
"""

from __future__ import annotations

import csv
import io
import posixpath
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Literal
from urllib.parse import quote

Format = Literal["html", "markdown"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
CHROME_STYLE = (
    "<style>/* cspell:disable-file */ html { -webkit-print-color-adjust: exact; } .page-title {}</style>"
)


def page_id(number: int) -> str:
    """A stable 32-hex id for test page ``number``."""
    return uuid.UUID(int=0x5EED_0000_0000_4000_8000_0000_0000_0000 + number).hex


# --- blocks -----------------------------------------------------------------------------------


@dataclass
class Text:
    """Inline text: plain, a link to a page of the export, or an inline equation."""

    text: str
    link: NotionPage | None = None
    tex: str | None = None
    anchor: str | None = None


@dataclass
class Block:
    kind: str
    parts: list[Text] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)


def para(*parts: Text | str) -> Block:
    return Block("p", [Text(part) if isinstance(part, str) else part for part in parts])


def heading(level: int, text: str, block_id: str) -> Block:
    return Block("h", [Text(text)], {"level": level, "id": block_id})


def callout(icon: str, text: str) -> Block:
    return Block("callout", [Text(text)], {"icon": icon})


def toggle(summary: str, inner: str) -> Block:
    return Block("toggle", [Text(summary)], {"inner": inner})


def todo(text: str, checked: bool) -> Block:
    return Block("todo", [Text(text)], {"checked": checked})


def code(language: str, source: str) -> Block:
    return Block("code", [Text(source)], {"language": language})


def table(rows: list[list[str]]) -> Block:
    return Block("table", extra={"rows": rows})


def columns(*texts: str) -> Block:
    return Block("columns", [Text(text) for text in texts])


def equation(tex: str) -> Block:
    return Block("equation", [Text(tex)])


def image(filename: str, caption: str = "") -> Block:
    return Block("image", [Text(caption)], {"file": filename})


def bullets(*items: str) -> Block:
    return Block("bullets", [Text(item) for item in items])


def link_to(page: NotionPage) -> Block:
    return Block("link_to_page", [Text(page.title, link=page)])


@dataclass(frozen=True)
class FileValue:
    """A "Files & media" property's file, by its path within the export. The Markdown export writes
    it as a path from the row's folder (``../photo.png``), its CSV from the export's top
    (``Plan%20<id>/photo.png``), the HTML export as a link named by the file."""

    path: str


@dataclass(frozen=True)
class LinkValue:
    """A property's link with its text (a URL property, a "Ref"): the HTML export shows the text
    linked, the CSV and the Markdown export only the URL."""

    text: str
    url: str


# --- pages ------------------------------------------------------------------------------------


@dataclass
class NotionPage:
    number: int
    title: str
    blocks: list[Block] = field(default_factory=list)
    children: list[NotionPage] = field(default_factory=list)
    #: A database: its property names (the title column first); its children are its rows.
    columns: list[str] | None = None
    #: A row's properties (a multi-select as a list).
    properties: dict[str, str | list[str] | FileValue | LinkValue] = field(default_factory=dict)
    #: Files beside the page (images, PDFs), by name.
    files: dict[str, bytes] = field(default_factory=dict)
    #: A file name other than the title (Notion shortens long titles).
    file_title: str | None = None
    #: The page's icon (an emoji), shown before its title where Notion links it from a table.
    icon: str | None = None
    #: A database the HTML export writes as its CSV alone, no page (as some workspaces' are).
    csv_only: bool = False

    @property
    def page_id(self) -> str:
        return page_id(self.number)

    def walk(self) -> Iterator[NotionPage]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Workspace:
    pages: list[NotionPage]
    run: int = 1

    def walk(self) -> Iterator[NotionPage]:
        for page in self.pages:
            yield from page.walk()

    def paths(self, fmt: Format) -> dict[int, str]:
        """Each page's file path within the export."""
        found: dict[int, str] = {}

        def visit(page: NotionPage, folder: str) -> None:
            stem = f"{page.file_title or page.title} {page.page_id}"
            suffix = (
                ".csv"
                if page.columns is not None and (fmt == "markdown" or page.csv_only)
                else (".md" if fmt == "markdown" else ".html")
            )
            found[page.number] = f"{folder}{stem}{suffix}"
            for child in page.children:
                visit(child, f"{folder}{stem}/")

        for page in self.pages:
            visit(page, "")
        return found


def _href(source: str, target: str) -> str:
    return quote(posixpath.relpath(target, posixpath.dirname(source) or "."))


# --- HTML ---------------------------------------------------------------------------------------


def _katex(tex: str, display: bool) -> str:
    soup = "".join(f'<span class="mord">{escape(char)}</span>' for char in tex if char.isalnum())
    shown = ' display="block"' if display else ""
    math = (
        '<span class="katex"><span class="katex-mathml"><math xmlns="http://www.w3.org/1998/Math/MathML"'
        f"{shown}><semantics><mrow><mi>x</mi></mrow>"
        f'<annotation encoding="application/x-tex">{escape(tex)}</annotation></semantics></math></span>'
        f'<span class="katex-html" aria-hidden="true"><span class="base">{soup}</span></span></span>'
    )
    return f'<span class="katex-display">{math}</span>' if display else math


def _inline_html(parts: list[Text], source: str, paths: dict[int, str]) -> str:
    out = []
    for part in parts:
        if part.tex is not None:
            out.append(
                '<span data-token-index="0" contenteditable="false" class="notion-text-equation-token" '
                f'style="user-select:all"><span></span><span>{_katex(part.tex, False)}</span>'
                "\ufeff<span></span></span>"
            )
        elif part.link is not None:
            out.append(f'<a href="{_href(source, paths[part.link.number])}">{escape(part.text)}</a>')
        elif part.anchor is not None:
            out.append(f'<a href="#{part.anchor}">{escape(part.text)}</a>')
        else:
            out.append(escape(part.text))
    return "".join(out)


def _block_html(block: Block, number: int, source: str, paths: dict[int, str]) -> str:
    block_id = str(uuid.UUID(int=number * 1000 + hash(block.kind) % 997))
    text = _inline_html(block.parts, source, paths)
    kind = block.kind
    if kind == "p":
        return f'<p id="{block_id}" class="">{text}</p>'
    if kind == "h":
        level = block.extra["level"]
        return f'<h{level} id="{block.extra["id"]}" class="">{text}</h{level}>'
    if kind == "callout":
        return (
            f'<figure class="block-color-gray_background callout" style="white-space:pre-wrap;display:flex" '
            f'id="{block_id}"><div style="font-size:1.5em">'
            f'<span class="icon">{block.extra["icon"]}</span></div>'
            f'<div style="width:100%">{text}</div></figure>'
        )
    if kind == "toggle":
        return (
            f'<ul id="{block_id}" class="toggle"><li><details open=""><summary>{text}</summary>'
            f'<p id="{block_id}x" class="">{escape(str(block.extra["inner"]))}</p></details></li></ul>'
        )
    if kind == "todo":
        state = "on" if block.extra["checked"] else "off"
        checked = "checked" if block.extra["checked"] else "unchecked"
        return (
            f'<ul id="{block_id}" class="to-do-list"><li><div class="checkbox checkbox-{state}"></div> '
            f'<span class="to-do-children-{checked}">{text}</span><div class="indented"></div></li></ul>'
        )
    if kind == "code":
        language = str(block.extra["language"]).title().replace("Javascript", "JavaScript")
        return f'<pre id="{block_id}" class="code"><code class="language-{language}">{text}</code></pre>'
    if kind == "table":
        rows = block.extra["rows"]
        assert isinstance(rows, list)
        head = "".join(
            f'<th id="c{index}" class="">{escape(cell)}</th>' for index, cell in enumerate(rows[0])
        )
        body = "".join(
            '<tr id="r">' + "".join(f'<td id="c" class="">{escape(cell)}</td>' for cell in row) + "</tr>"
            for row in rows[1:]
        )
        return (
            f'<table id="{block_id}" class="simple-table"><thead class="simple-table-header">'
            f'<tr id="h">{head}</tr></thead><tbody>{body}</tbody></table>'
        )
    if kind == "columns":
        cells = "".join(
            f'<div id="col{index}" style="width:50%" class="column"><p id="cp{index}" class="">'
            f"{escape(part.text)}</p></div>"
            for index, part in enumerate(block.parts)
        )
        return f'<div id="{block_id}" class="column-list">{cells}</div>'
    if kind == "equation":
        return (
            f'<figure id="{block_id}" class="equation"><style>@import url(katex.css)</style>'
            f'<div class="equation-container">{_katex(block.parts[0].text, True)}</div></figure>'
        )
    if kind == "image":
        href = _href(source, posixpath.join(source[: -len(".html")], str(block.extra["file"])))
        caption = f"<figcaption>{escape(block.parts[0].text)}</figcaption>" if block.parts[0].text else ""
        return (
            f'<figure id="{block_id}" class="image"><a href="{href}"><img style="width:240px" src="{href}"/>'
            f"</a>{caption}</figure>"
        )
    if kind == "bullets":
        return "".join(
            f'<ul id="{block_id}{index}" class="bulleted-list"><li style="list-style-type:disc">'
            f"{escape(part.text)}</li></ul>"
            for index, part in enumerate(block.parts)
        )
    if kind == "link_to_page":
        return (
            f'<figure id="{block_id}" class="link-to-page">'
            f'<a href="{_href(source, paths[block.parts[0].link.number])}">'  # type: ignore[union-attr]
            f'<span class="icon">\U0001f4c4</span>{escape(block.parts[0].text)}</a></figure>'
        )
    raise ValueError(kind)


def _value_html(value: str | list[str] | FileValue | LinkValue, source: str = "") -> str:
    if isinstance(value, LinkValue):
        return f'<a href="{escape(value.url)}">{escape(value.text)}</a>'
    if isinstance(value, FileValue):
        name = posixpath.basename(value.path)
        return (
            f'<span style="margin-right:6px"><a href="{_href(source, value.path)}">{escape(name)}</a></span>'
        )
    if isinstance(value, list):
        return "".join(
            f'<span class="selected-value select-value-color-gray">{escape(item)}</span>' for item in value
        )
    return escape(value)


def _value_text(value: str | list[str] | FileValue | LinkValue, source: str | None = None) -> str:
    if isinstance(value, LinkValue):
        return value.url
    if isinstance(value, FileValue):  # from the row's file, or from the export's top (the CSV)
        return _href(source, value.path) if source is not None else quote(value.path)
    return ", ".join(value) if isinstance(value, list) else value


def _html_page(page: NotionPage, parent: NotionPage | None, paths: dict[int, str]) -> str:
    source = paths[page.number]
    properties = ""
    if parent is not None and parent.columns is not None:
        rows = "".join(
            f'<tr class="property-row property-row-{"multi_select" if isinstance(value, list) else "text"}">'
            '<th><span class="icon property-icon"><svg role="graphics-symbol"></svg></span>'
            f"{escape(name)}</th>"
            f"<td>{_value_html(value, source)}</td></tr>"
            for name, value in page.properties.items()
        )
        properties = f'<table class="properties"><tbody>{rows}</tbody></table>'
    header = (
        f'<header><div class="page-header-icon undefined"><span class="icon">\U0001f4d8</span></div>'
        f'<h1 class="page-title">{escape(page.title)}</h1><p class="page-description"></p>'
        f"{properties}</header>"
    )
    if page.columns is not None:
        content = _collection_html(page, paths)
    else:
        blocks = "".join(_block_html(block, page.number, source, paths) for block in page.blocks)
        subpages = "".join(
            _block_html(link_to(child), page.number, source, paths)
            for child in page.children
            if not any(block.kind == "link_to_page" and block.parts[0].link is child for block in page.blocks)
        )
        content = f'<div class="page-body">{blocks}{subpages}</div>'
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>'
        f"<title>{escape(page.title)}</title>{CHROME_STYLE}</head><body>"
        f'<article id="{page.page_id}" class="page sans">{header}{content}</article>'
        '<span class="sans" style="font-size:14px;padding-top:2em"></span></body></html>'
    )


def _collection_html(database: NotionPage, paths: dict[int, str]) -> str:
    assert database.columns is not None
    source = paths[database.number]
    head = "".join(
        f'<th><span class="icon property-icon"><svg role="graphics-symbol"></svg></span>{escape(name)}</th>'
        for name in database.columns
    )
    rows = []
    for row in database.children:
        icon = f'<span class="icon">{row.icon}</span>' if row.icon else ""
        cells = [
            '<td class="cell-title">'
            f'<a href="{_href(source, paths[row.number])}">{icon}{escape(row.title)}</a></td>'
        ]
        cells += [
            f'<td class="cell-x">{_value_html(row.properties.get(name, ""), source)}</td>'
            for name in database.columns[1:]
        ]
        rows.append(f'<tr id="{row.page_id}">{"".join(cells)}</tr>')
    return (
        f'<table class="collection-content"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        "<br/><br/>"
    )


# --- Markdown -----------------------------------------------------------------------------------


def _inline_md(parts: list[Text], source: str, paths: dict[int, str]) -> str:
    out = []
    for part in parts:
        if part.tex is not None:
            out.append(f"${part.tex}$")
        elif part.link is not None:
            out.append(f"[{part.text}]({_href(source, paths[part.link.number])})")
        elif part.anchor is not None:
            out.append(part.text)  # the Markdown export keeps no block anchors
        else:
            out.append(part.text)
    return "".join(out)


def _block_md(block: Block, source: str, paths: dict[int, str]) -> str:
    text = _inline_md(block.parts, source, paths)
    kind = block.kind
    if kind == "p":
        return text
    if kind == "h":
        return f"{'#' * int(str(block.extra['level']))} {text}"
    if kind == "callout":
        return f"<aside>\n{block.extra['icon']} {text}\n\n</aside>"
    if kind == "toggle":
        return f"- {text}\n    \n    {block.extra['inner']}"
    if kind == "todo":
        return f"- [{'x' if block.extra['checked'] else ' '}] {text}"
    if kind == "code":
        return f"```{str(block.extra['language']).lower()}\n{block.parts[0].text}\n```"
    if kind == "table":
        rows = block.extra["rows"]
        assert isinstance(rows, list)
        lines = [f"| {' | '.join(rows[0])} |", f"| {' | '.join('---' for _ in rows[0])} |"]
        lines += [f"| {' | '.join(row)} |" for row in rows[1:]]
        return "\n".join(lines)
    if kind == "columns":
        return "\n\n".join(part.text for part in block.parts)
    if kind == "equation":
        return f"$$\n{block.parts[0].text}\n$$"
    if kind == "image":
        href = _href(source, posixpath.join(source[: -len(".md")], str(block.extra["file"])))
        caption = block.parts[0].text
        return f"![{caption or block.extra['file']}]({href})" + (f"\n\n{caption}" if caption else "")
    if kind == "bullets":
        return "\n".join(f"- {part.text}" for part in block.parts)
    if kind == "link_to_page":
        return f"[{block.parts[0].text}]({_href(source, paths[block.parts[0].link.number])})"  # type: ignore[union-attr]
    raise ValueError(kind)


def _markdown_page(page: NotionPage, parent: NotionPage | None, paths: dict[int, str]) -> str:
    source = paths[page.number]
    lines = [f"# {page.title}", ""]
    if parent is not None and parent.columns is not None:
        lines += [f"{name}: {_value_text(value, source)}" for name, value in page.properties.items()]
        lines.append("")
    blocks = [_block_md(block, source, paths) for block in page.blocks]
    blocks += [
        _block_md(link_to(child), source, paths)
        for child in page.children
        if not any(block.kind == "link_to_page" and block.parts[0].link is child for block in page.blocks)
    ]
    return "\n".join(lines) + "\n\n".join(blocks) + "\n"


def _csv(database: NotionPage) -> bytes:
    assert database.columns is not None
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(database.columns)
    for row in database.children:
        writer.writerow(
            [row.title, *(_value_text(row.properties.get(name, "")) for name in database.columns[1:])]
        )
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


# --- the export -----------------------------------------------------------------------------------


def export_files(workspace: Workspace, fmt: Format) -> dict[str, bytes]:
    """Every file of the export, by its path within it."""
    paths = workspace.paths(fmt)
    files: dict[str, bytes] = {}

    def visit(page: NotionPage, parent: NotionPage | None) -> None:
        path = paths[page.number]
        folder = path.rsplit(".", 1)[0]
        if fmt == "html" and page.csv_only and page.columns is not None:
            files[path] = _csv(page)
        elif fmt == "html":
            files[path] = _html_page(page, parent, paths).encode("utf-8")
        elif page.columns is not None:
            files[path] = _csv(page)
            files[path[: -len(".csv")] + "_all.csv"] = _csv(page)
        else:
            files[path] = _markdown_page(page, parent, paths).encode("utf-8")
        for name, data in page.files.items():
            files[f"{folder}/{name}"] = data
        for child in page.children:
            visit(child, page)

    for page in workspace.pages:
        visit(page, None)
    if fmt == "html":
        listed = "".join(
            f'<li><a href="{quote(paths[p.number])}">{escape(p.title)}</a></li>' for p in workspace.pages
        )
        files["index.html"] = (
            f"<html><head><title>Export-{_export_uuid(workspace)}</title>{CHROME_STYLE}</head><body>"
            '<article class="page"><header>'
            f'<h1 class="page-title">Export-{_export_uuid(workspace)}</h1></header>'
            f'<div class="page-body"><ul>{listed}</ul></div></article></body></html>'
        ).encode()
    return files


def _export_uuid(workspace: Workspace) -> str:
    return str(uuid.UUID(int=0xE0 + workspace.run * 7919))


def _zip_bytes(files: dict[str, bytes], run: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, (2024, 1, min(run, 28), 10, run % 60, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def write_zip(
    workspace: Workspace, path: Path, fmt: Format, *, parts: int = 2, extra: dict[str, bytes] | None = None
) -> Path:
    """The export as Notion delivers it: a zip of ``parts`` zips (1: one plain zip of the files,
    under an ``Export-<uuid>/`` folder)."""
    files = {**export_files(workspace, fmt), **(extra or {})}
    name = f"Export-{_export_uuid(workspace)}"
    path.parent.mkdir(parents=True, exist_ok=True)
    if parts <= 1:
        path.write_bytes(_zip_bytes({f"{name}/{key}": value for key, value in files.items()}, workspace.run))
        return path
    names = sorted(files)
    chunks = {f"{name}-Part-{index + 1}.zip": names[index::parts] for index in range(parts)}
    outer = {
        part: _zip_bytes({key: files[key] for key in keys}, workspace.run) for part, keys in chunks.items()
    }
    path.write_bytes(_zip_bytes(outer, workspace.run))
    return path


def write_folder(
    workspace: Workspace, path: Path, fmt: Format, extra: dict[str, bytes] | None = None
) -> Path:
    """The export unpacked (the parts' files together, as unzipping them all gives)."""
    for name, data in {**export_files(workspace, fmt), **(extra or {})}.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return path
