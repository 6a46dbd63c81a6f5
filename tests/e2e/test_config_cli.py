"""``ingest config check`` against an emulator on loopback: valid, invalid, and --remote with GET /me."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from tests.e2e.conftest import TOKEN, write_config, write_docs


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:  # type: ignore[override]
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator) -> Path:
    write_docs(tmp_path / "docs", 2)
    config = write_config(tmp_path, emulator.base_url)
    with config.open("a", encoding="utf-8") as handle:
        handle.write(
            '\n[sources.handbook]\nconnector = "git"\nrepo = "https://github.com/acme/handbook.git"\n'
        )
        handle.write('url = "https://handbook.example.com"\ntargets = ["internal_articles"]\n')
        handle.write("[sources.handbook.internal_articles]\nauthor_id = 1\n")
    return config


def test_a_valid_config_prints_one_line_per_source_and_touches_nothing(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 0, a line per source (connector, targets, API version); no request, no state file."""
    assert main(["config", "check", "--config", str(project)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{project}: valid, 2 source(s)",
        "sources.docs: connector filesystem, targets external_pages, Intercom API 2.16",
        "sources.handbook: connector git, targets internal_articles, Intercom API 2.16",
    ]
    assert emulator.requests() == []
    assert not (project.parent / "ingest.db").exists()
    assert sorted(path.name for path in project.parent.iterdir()) == ["docs", "ingest.toml"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("folow_symlinks = true", "sources.docs.folow_symlinks: unknown key"),
        ('site = "jekyll"', "sources.docs.site:"),
        ("owner_tag_id = 5", None),  # a section key in the source table: unknown there
    ],
)
def test_a_mistake_is_one_sentence_naming_the_key_and_exit_2(
    project: Path, line: str, message: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    """A connector option misspelt or out of range: exit 2, one line on stderr naming the key."""
    text = project.read_text(encoding="utf-8").replace(
        "[sources.handbook]", f"{line}\n\n[sources.handbook]", 1
    )
    project.write_text(text, encoding="utf-8")
    assert main(["config", "check", "--config", str(project)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    error = captured.err.strip()
    assert error.startswith("error: sources.docs.") and "\n" not in error
    if message is not None:
        assert message in error


def test_an_api_version_that_cannot_do_what_a_source_asks_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The version checks a run makes: Fin for sales under 2.15 is refused, naming the key."""
    text = project.read_text(encoding="utf-8").replace("[intercom]", '[intercom]\napi_version = "2.15"', 1)
    text = text.replace("[sources.handbook]", "ai_sales_agent = true\n\n[sources.handbook]", 1)
    project.write_text(text, encoding="utf-8")
    assert main(["config", "check", "--config", str(project)]) == 2
    assert capsys.readouterr().err.startswith("error: sources.docs.ai_sales_agent: Intercom API 2.15")


def test_no_config_file_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without ./ingest.toml: exit 2 and the path it looked for."""
    monkeypatch.chdir(tmp_path)
    assert main(["config", "check"]) == 2
    assert f"no config file: {tmp_path / 'ingest.toml'} does not exist" in capsys.readouterr().err


def test_remote_reads_me_and_prints_the_workspace(
    project: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--remote: one GET /me, and the workspace's name, app id and region printed."""
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    assert main(["config", "check", "--remote", "--config", str(project)]) == 0
    out = capsys.readouterr().out
    assert "token ok: workspace fin-ingest emulator (app id " in out and "region US" in out
    assert [request.endpoint for request in emulator.requests()] == ["GET /me"]
    assert TOKEN not in out


def test_remote_with_a_refused_token_is_exit_2_in_one_sentence(
    project: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A 401 from GET /me: exit 2, one line saying how to fix it, the token never printed."""
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", "not-the-right-token-42")
    assert main(["config", "check", "--remote", "--config", str(project)]) == 2
    captured = capsys.readouterr()
    error = captured.err.strip()
    assert error.startswith("error: ") and "\n" not in error and "INTERCOM_ACCESS_TOKEN" in error
    assert "not-the-right-token-42" not in captured.err + captured.out
    assert [request.endpoint for request in emulator.requests()] == ["GET /me"]


def test_remote_without_a_token_says_how_to_set_it(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """--remote with no token anywhere: exit 2, naming INTERCOM_ACCESS_TOKEN and token_file; no request."""
    assert main(["config", "check", "--remote", "--config", str(project)]) == 2
    assert "no access token: set INTERCOM_ACCESS_TOKEN or intercom.token_file" in capsys.readouterr().err
    assert emulator.requests() == []
