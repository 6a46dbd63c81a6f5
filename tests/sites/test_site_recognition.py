"""``site = "auto"`` looks for each dialect's markers in the paths joined into one text before it
looks at any path: that search only passes a source on to the path-by-path test, it never decides."""

from __future__ import annotations

from collections.abc import Callable, Collection

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.sites import recognition, registry

#: Path segments that make up every dialect's markers, and near misses of them.
_SEGMENTS = st.sampled_from(
    [
        "content", "config", "_default", "hugo.toml", "config.toml", "layouts", "templates",
        "docusaurus.config.ts", "docusaurus.config.js", "mkdocs.yml", "mkdocs.yaml", "en", "docs",
        "publish.css", ".obsidian", "app.json", "index.md", "index.html.md", "Intro_1001.md",
        "Setup_1002.md", "FAQ_10003.md", "page.md", "content.md", "mkdocs.yml.bak",
    ]
)  # fmt: skip
_PATHS = st.lists(st.lists(_SEGMENTS, min_size=1, max_size=4).map("/".join), max_size=14)


@settings(max_examples=400, deadline=None)
@given(paths=_PATHS, name=st.sampled_from(sorted(registry.RECOGNISERS)))
def test_the_marker_search_never_decides(paths: list[str], name: str) -> None:
    """Every recogniser answers as its path-by-path test alone does (the marker search made to
    pass everything), over paths built of every dialect's markers and near misses of them,
    given as a list or as the registry's :class:`~ingest.sites.recognition.Listing`."""
    recognises = registry.RECOGNISERS[name]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(recognition, "marked", lambda paths, *markers: True)
        path_by_path = recognises(paths)
    assert recognises(paths) == path_by_path
    assert recognises(recognition.Listing(paths)) == path_by_path


@pytest.mark.parametrize(
    ("paths", "recognised"),
    [
        (["hugo.toml", "content/_index.md"], recognition.is_hugo_site),
        (["docusaurus.config.ts", "docs/intro.md"], recognition.is_docusaurus_site),
        (["site/en/mkdocs.yml", "site/en/docs/index.md"], recognition.is_mkdocs_site),
        (["vault/.obsidian/app.json", "vault/Note.md"], recognition.is_obsidian_vault),
        (["s/index.md", "s/A_1001.md", "s/B_1002.md", "s/C_1003.md"], recognition.is_confluence_export),
    ],
)
def test_each_dialect_is_still_told_by_its_markers(
    paths: list[str], recognised: Callable[[Collection[str]], bool]
) -> None:
    assert recognised(paths) and recognised(recognition.Listing(paths))
    assert not recognised(["index.md", "guide/setup.md"])
