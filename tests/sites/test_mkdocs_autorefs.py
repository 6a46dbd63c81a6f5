"""mkdocs-autorefs: ``[text][identifier]`` links to where the site documents that identifier."""

from __future__ import annotations

from tests.sites.mkdocs_support import MemoryFiles, open_site, page

CONFIG = "site_name: X\nsite_url: https://x.test/\nplugins:\n  - autorefs\n  - mkdocstrings\n"
API = (
    "# API\n\n::: acme.files.File\n    options:\n      show_root_heading: true\n\n## Events { #events }\n\n"
    "> #### ::: acme.errors.Failure\n"
)
GUIDE = (
    "# Guide\n\n"
    "See [`File.name`][acme.files.File.name], [`acme.files.File`][], the [events][events], the\n"
    "[install steps][installing-acme] and [nothing][unknown.id]; [kept][defined] and `[code][x]`.\n"
    "Raise [`Failure`][acme.errors.Failure].\n\n"
    "[defined]: https://elsewhere.test/\n"
)
INSTALL = "# Install\n\n## Installing Acme\n\nText.\n"


async def test_references_to_identifiers_and_headings_link_where_the_site_documents_them() -> None:
    """An object mkdocstrings documents (``::: acme.files.File``) and its members link to that
    page's anchor; a heading's id anywhere on the site links to it; a reference the page defines
    itself is its own; one nobody documents stays as written, as the site shows it."""
    files = MemoryFiles(
        {
            "mkdocs.yml": CONFIG,
            "docs/ref/api.md": API,
            "docs/guide.md": GUIDE,
            "docs/setup/install.md": INSTALL,
        }
    )
    guide = await page(await open_site(files), files, "docs/guide.md")
    assert guide.body.split("\n")[2:5] == [
        "See [`File.name`](<ref/api.md#acme.files.File.name>), "
        "[`acme.files.File`](<ref/api.md#acme.files.File>), the [events](<ref/api.md#events>), the",
        "[install steps](<setup/install.md#installing-acme>) and [nothing][unknown.id]; "
        "[kept][defined] and `[code][x]`.",
        "Raise [`Failure`](<ref/api.md#acme.errors.Failure>).",
    ]


async def test_without_autorefs_references_are_left_to_markdown() -> None:
    files = MemoryFiles({"mkdocs.yml": "site_name: X\n", "docs/ref/api.md": API, "docs/guide.md": GUIDE})
    guide = await page(await open_site(files), files, "docs/guide.md")
    assert "[`acme.files.File`][]" in guide.body
