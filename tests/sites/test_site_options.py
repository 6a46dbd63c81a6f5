"""The docs-site options every Markdown source takes: one mixin, one set of checks."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import get_args

import pytest
from pydantic import ValidationError

from connectors.filesystem import FilesystemOptions
from connectors.git.options import GitOptions
from ingest.sites import SiteSettings, registry
from ingest.sites.options import SiteName, SiteOptions


def options(tmp_path: Path, **values: object) -> FilesystemOptions:
    return FilesystemOptions.model_validate({"path": str(tmp_path), **values})


def test_both_markdown_connectors_take_the_site_options() -> None:
    """filesystem and git share the mixin, so the keys and checks are the same."""
    assert issubclass(FilesystemOptions, SiteOptions) and issubclass(GitOptions, SiteOptions)


def test_the_site_names_are_auto_and_the_registry(tmp_path: Path) -> None:
    """``site`` accepts auto and exactly the dialects the registry names."""
    assert set(get_args(SiteName)) == {"auto", *registry.DIALECTS}


def test_defaults(tmp_path: Path) -> None:
    """auto, no site URL, the current version, no locale, empty sections listed."""
    chosen = options(tmp_path)
    assert (chosen.site, chosen.site_url, chosen.versions, chosen.locale, chosen.empty_sections) == (
        "auto",
        None,
        ("current",),
        None,
        "list",
    )
    assert chosen.site_settings() == SiteSettings()


def test_settings_reach_the_dialect(tmp_path: Path) -> None:
    """What the user wrote is what the dialect is told; the site URL ends with a slash."""
    chosen = options(
        tmp_path,
        site="plain",
        site_url="https://docs.example.com/en",
        versions=["10.x", "current", "10.x"],
        locale="zh-CN",
        empty_sections="skip",
    )
    assert chosen.site_settings() == SiteSettings(
        site_url="https://docs.example.com/en/",
        versions=("10.x", "current"),
        locale="zh-CN",
        empty_sections="skip",
    )


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("site_url", "docs.example.com", "site_url must be an http(s) URL"),
        ("site_url", "ftp://docs.example.com/", "site_url must be an http(s) URL"),
        ("site_url", "https://docs.example.com/?x=1", "site_url must be an http(s) URL"),
        ("versions", [], "versions must name at least one version"),
        ("versions", [" "], "versions must name at least one version"),
        ("locale", "French", "locale must be a language code"),
        ("empty_sections", "hide", "'list' or 'skip'"),
        ("site", "jekyll", "'auto', 'plain', 'hugo'"),
    ],
)
def test_bad_values_are_refused_naming_the_key(tmp_path: Path, key: str, value: object, message: str) -> None:
    """Each check says what is wrong before anything runs."""
    with pytest.raises(ValidationError, match=key) as raised:
        options(tmp_path, **{key: value})
    assert message in str(raised.value)


def test_a_dialect_not_installed_is_refused_when_the_config_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Naming a dialect whose module is not installed is a config error, in one sentence."""
    monkeypatch.setattr(
        registry,
        "DIALECTS",
        MappingProxyType({**registry.DIALECTS, "hugo": "ingest.sites.ghost:GhostDialect"}),
    )
    with pytest.raises(
        ValidationError, match="the 'hugo' site dialect is not available in this installation"
    ):
        options(tmp_path, site="hugo")
