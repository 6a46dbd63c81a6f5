"""Dialects are found by name, imported on use, and a missing one is refused in one sentence."""

from __future__ import annotations

import json
import subprocess
import sys
from types import MappingProxyType

import pytest

from ingest.errors import ConnectorError
from ingest.sites import registry
from ingest.sites.plain import PlainDialect
from tests.sites.fakesite import FakeDialect


@pytest.fixture
def ghost(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dialect named in the registry whose module is not installed (as the others still being
    written are), and one whose module fails to import."""
    dialects = {
        **registry.DIALECTS,
        "ghost": "ingest.sites.ghost:GhostDialect",
        "crashing": "tests.sites.crashing_dialect:Crash",
        "nameless": "tests.sites.fakesite:NoSuchClass",
    }
    monkeypatch.setattr(registry, "DIALECTS", MappingProxyType(dialects))
    monkeypatch.setattr(registry, "AUTO_ORDER", ("ghost", *registry.AUTO_ORDER))


def test_the_registry_names_every_dialect_by_module_and_class() -> None:
    """The six dialects of the issue, each ``module:Class``, plain among them."""
    assert dict(registry.DIALECTS) == {
        "plain": "ingest.sites.plain:PlainDialect",
        "hugo": "ingest.sites.hugo:HugoDialect",
        "docusaurus": "ingest.sites.docusaurus:DocusaurusDialect",
        "mkdocs": "ingest.sites.mkdocs:MkDocsDialect",
        "obsidian": "ingest.sites.obsidian:ObsidianDialect",
        "confluence": "ingest.sites.confluence:ConfluenceDialect",
    }
    assert registry.AUTO_ORDER[-1] == "plain" and set(registry.AUTO_ORDER) == set(registry.DIALECTS)


def test_plain_is_loaded_by_name() -> None:
    """load_dialect imports the named class."""
    assert registry.load_dialect("plain") is PlainDialect


def test_a_dialect_not_installed_is_refused_by_name_in_one_sentence(ghost: None) -> None:
    """Asked for by name, a dialect whose module is missing is a ConnectorError naming it."""
    assert not registry.installed("ghost")
    reason = registry.unavailable("ghost")
    assert reason == (
        "the 'ghost' site dialect is not available in this installation (ingest.sites.ghost is not installed)"
    )
    with pytest.raises(ConnectorError, match=r"^the 'ghost' site dialect is not available"):
        registry.load_dialect("ghost")
    assert "there is no 'nope' site dialect" in (registry.unavailable("nope") or "")


def test_auto_passes_over_a_dialect_not_installed(ghost: None) -> None:
    """Detection skips what is not installed and falls back to plain."""
    assert registry.detect(["index.md", "ghost.toml"]) is PlainDialect


def test_auto_takes_the_first_dialect_that_recognises_the_source(fake_site: None) -> None:
    """A source holding the fake site's config is a fake site; any other is plain."""
    assert registry.detect(["fakesite.toml", "index.md"]) is FakeDialect
    assert registry.detect(["index.md", "guide/setup.md"]) is PlainDialect


def test_a_dialect_that_fails_to_load_is_named(ghost: None) -> None:
    """An import error or a missing class is one ConnectorError naming the dialect."""
    with pytest.raises(
        ConnectorError, match="the 'crashing' site dialect failed to load: RuntimeError: boom"
    ):
        registry.load_dialect("crashing")
    with pytest.raises(ConnectorError, match=r"tests\.sites\.fakesite has no NoSuchClass"):
        registry.load_dialect("nameless")


@pytest.mark.parametrize("name", sorted(registry.RECOGNISERS))
def test_a_dialect_told_without_importing_it_is_told_by_its_own_recognises(name: str) -> None:
    """The function the registry asks first is the dialect's ``recognises`` itself, so ``site =
    "auto"`` decides exactly as the dialect would."""
    assert registry.load_dialect(name).recognises is registry.RECOGNISERS[name]


@pytest.mark.parametrize(
    ("paths", "loaded"),
    [
        (["index.md", "guide/setup.md"], []),
        (["mkdocs.yml", "docs/index.md"], ["ingest.sites.mkdocs"]),
        (["hugo.toml", "content/_index.md"], ["ingest.sites.hugo"]),
        (
            ["space/index.md", "space/Intro_1001.md", "space/Setup_1002.md", "space/FAQ_1003.md"],
            ["ingest.sites.confluence"],
        ),
    ],
)
def test_auto_imports_only_the_dialect_it_finds(paths: list[str], loaded: list[str]) -> None:
    """Detecting a plain Markdown source imports no dialect (Confluence's included: it is told by
    :mod:`ingest.sites.recognition` too); an MkDocs, Hugo or Confluence source imports that one
    alone. A fresh interpreter, since this test run has imported them all."""
    code = (
        "import json, sys\n"
        "from ingest.sites.registry import detect\n"
        "detect(json.loads(sys.argv[1]))\n"
        "dialects = ('hugo', 'docusaurus', 'mkdocs', 'obsidian', 'confluence')\n"
        "names = [f'ingest.sites.{p}' for p in dialects]\n"
        "print(json.dumps(sorted(name for name in names if name in sys.modules)))\n"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, json.dumps(paths)], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == loaded
