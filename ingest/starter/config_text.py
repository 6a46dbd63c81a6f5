"""The commented ``ingest.toml`` that ``ingest init`` writes: one source, what was found said in comments.

The access token is never part of it: the file tends to end up in version control.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import tomli_w

from ingest.api_defaults import TOKEN_ENV

_SITE_NAMES = {
    "hugo": "a Hugo site",
    "docusaurus": "a Docusaurus site",
    "mkdocs": "an MkDocs site",
    "obsidian": "an Obsidian vault",
    "plain": "Markdown files (no docs site recognised)",
}


@dataclass(frozen=True)
class Starter:
    """What the config says of its one source."""

    source_name: str
    connector: str  # filesystem or git
    site: str
    location: str  # filesystem: path; git: repo
    url: str | None
    url_template: str | None
    git_ref: str | None = None
    git_paths: tuple[str, ...] = ()
    region: str = "us"


def _value(value: Any) -> str:
    """``value`` as TOML writes it (a quoted, escaped string; an array on one line)."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def include_for(site: str) -> list[str]:
    # A dialect lists a site's pages itself (drafts, partials, other versions left out); plain
    # Markdown is every Markdown file.
    return ["**"] if site != "plain" else ["**/*.md", "**/*.markdown"]


def config_text(starter: Starter) -> str:
    """The whole file."""
    name = starter.source_name
    lines = [
        "# fin-ingest configuration, written by `ingest init`.",
        "# Every key is described in config.example.toml and the README.",
        "# Check it with `ingest config check` (add --remote to check the token), then `ingest plan`",
        "# (nothing sent) and `ingest run --all`.",
        "# Editor completion: `ingest config schema > ingest.schema.json`, then make",
        "# `#:schema ./ingest.schema.json` the first line of this file.",
        "#",
        f"# The access token is never written here: set {TOKEN_ENV}, or point",
        "# intercom.token_file at a secrets file.",
        "",
        "[intercom]",
        '# The workspace\'s data region: "us", "eu" or "au".',
        f"region = {_value(starter.region)}",
        "",
        "[state]",
        "# What fin-ingest remembers it sent (relative to this file's folder). Keep it between runs;",
        "# in a repository, list ingest.db* in .gitignore (the file, its journal and lock files).",
        'path = "ingest.db"',
        "",
        f"[sources.{name}]",  # a name of letters, digits, - and _ (checked): a bare key
        f"# Found: {_SITE_NAMES.get(starter.site, starter.site)}.",
        f"connector = {_value(starter.connector)}",
    ]
    if starter.connector == "git":
        lines += [
            "# The repository to clone and sync (a local folder or a remote URL).",
            f"repo = {_value(starter.location)}",
        ]
        if starter.git_ref:
            lines += ["# The branch to sync.", f"ref = {_value(starter.git_ref)}"]
        if starter.git_paths:
            lines += [
                "# The folder of the docs site inside the repository.",
                f"paths = {_value(list(starter.git_paths))}",
            ]
    else:
        lines += [
            "# The folder to sync, relative to this file's folder.",
            f"path = {_value(starter.location)}",
        ]
    lines += [
        '# How the Markdown is read: "hugo", "docusaurus", "mkdocs", "obsidian", "plain" or "auto".',
        f"site = {_value(starter.site)}",
        "# Globs of document paths to take (a docs site lists its own pages within them).",
        f"include = {_value(include_for(starter.site))}",
        '# What the documents become: External Pages (Fin content); also "articles", "internal_articles".',
        'targets = ["external_pages"]',
        "# The root URL of the Content Import Source the pages live under: where the docs are published.",
    ]
    if starter.url is not None:
        lines.append(f"url = {_value(starter.url)}")
    else:
        lines += [
            "# Not given (ingest init --url URL): a placeholder on the reserved example.com domain, to",
            "# replace with your docs' address before the first run.",
            'url = "https://docs.example.com"',
        ]
    lines.append("# Each document's public link, which Fin cites; {path} is its path in the source.")
    if starter.url_template is not None:
        lines.append(f"url_template = {_value(starter.url_template)}")
    elif starter.connector == "git":
        lines.append(
            "# Left out: on GitHub, GitLab and Bitbucket the git connector links each file's blob view."
        )
    else:
        lines.append('# url_template = "https://github.com/owner/repo/blob/main/docs/{path}"')
    return "\n".join(lines) + "\n"
