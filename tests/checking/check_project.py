"""A project to check: a repository holding a docs folder written to trip each rule once, a
second source without a citation URL, and a fake docs site; its config."""

from __future__ import annotations

from pathlib import Path

FRENCH = (
    "Ce guide explique comment configurer votre espace de travail, inviter vos collègues et "
    "choisir les réglages qui conviennent à votre équipe. Chaque étape est décrite en détail, "
    "avec les écrans que vous verrez et les erreurs les plus fréquentes à éviter au départ."
)
ENGLISH = (
    "This guide explains how to set up your workspace, invite your colleagues and choose the "
    "settings that suit your team. Every step is described in detail, with the screens you will "
    "see and the most common mistakes to avoid when you start out with the product."
)
#: What a hostile writer puts in a title, a path and a body, to break out of the report's HTML.
HOSTILE = '<script>alert(1)</script></textarea>"><img src=x onerror=alert(2)>'


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_docs(docs: Path) -> None:
    """One document per rule of a plain Markdown folder, each trip on a known line."""
    write(docs, "good.md", f"---\ntitle: A good page\n---\n\n{ENGLISH}\n\nSee [the stub](stub.md).\n")
    write(docs, "empty.md", "---\ntitle: Nothing here\n---\n\n")
    write(docs, "stub.md", "# Stub\n\nTo be written.\n")
    table = "\n".join(f"| row {index} | value {index} |" for index in range(60))
    write(docs, "big.md", f"# Big table\n\n{ENGLISH}\n\n| name | value |\n|---|---|\n{table}\n")
    write(docs, "links.md", f"# Links\n\n{ENGLISH}\n\nRead [the missing page](missing.md) first.\n")
    write(docs, "shortcode.md", f"# Video\n\n{ENGLISH}\n\n{{{{< youtube abc123 >}}}}\n")
    write(docs, "guide/french.md", f"# Démarrage\n\n{FRENCH}\n")
    write(docs, "a/intro.md", f"---\ntitle: Introduction\n---\n\n{ENGLISH}\n")
    write(docs, "b/intro.md", f"---\ntitle: introduction\n---\n\n{ENGLISH} Twice.\n")
    write(docs, "huge.md", "# Huge\n\n" + "word " * 1000 + "\n")


def write_project(tmp_path: Path, *, check_table: str = "") -> Path:
    """The repository (``repo/``, with ``.git``), its ``docs`` folder, a ``handbook`` folder with no
    url_template; the config beside them. Returns the config's path."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write_docs(repo / "docs")
    write(repo / "handbook", "intro.md", f"---\ntitle: Introduction\n---\n\n{ENGLISH} Handbook.\n")
    config = tmp_path / "ingest.toml"
    config.write_text(
        "[sources.docs]\n"
        'connector = "filesystem"\n'
        f'path = "{repo / "docs"}"\n'
        'url = "https://docs.example.com"\n'
        'url_template = "https://docs.example.com/{path}"\n'
        "max_document_bytes = 4096\n"
        "\n[sources.handbook]\n"
        'connector = "filesystem"\n'
        f'path = "{repo / "handbook"}"\n'
        'url = "https://handbook.example.com"\n'
        "\n[check]\n"
        "max_page_bytes = 2000\n" + check_table,
        encoding="utf-8",
    )
    return config


def write_hostile(docs: Path) -> tuple[str, str]:
    """A document whose path, title and body try to break out of a report's HTML; returns its
    path and title."""
    path = 'x"><img src=x onerror=alert(3)>.md'
    write(
        docs,
        path,
        f"---\ntitle: '{HOSTILE}'\n---\n\n{ENGLISH}\n\n<script>alert(5)</script>\n\n"
        f"Shown as text: {HOSTILE.replace('<', '&lt;')}\n\n"
        '<a href="javascript:alert(6)">a link</a> <img src="https://tracker.example.com/pixel.png">\n',
    )
    return path, HOSTILE
