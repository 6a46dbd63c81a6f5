"""What a command loads before it does anything: nothing its work does not need.

Each check runs a fresh interpreter (this test run has loaded everything already) and reads
its ``sys.modules``; the probe is shown not to be blind by a command that does load them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The heavy libraries of the HTTP client, the converters, the dialects and the language model.
HEAVY = ("aiohttp", "bs4", "markdown_it", "markdownify", "lxml", "nh3", "py3langid", "yaml")
#: The layers a command's work loads: none of them is needed to print help.
WORK = ("ingest.engine", "ingest.runner", "ingest.intercom", "ingest.convert", "ingest.state", "ingest.sites")


def loaded_by(code: str, *args: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code`` (``sys.argv[1:]`` = ``args``)."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe, *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def under(names: set[str], roots: tuple[str, ...]) -> list[str]:
    return sorted(
        name for name in names if any(name == root or name.startswith(root + ".") for root in roots)
    )


def test_importing_the_cli_loads_no_heavy_library_nor_the_engine() -> None:
    """``import ingest.cli`` (what the ``ingest`` script does first) loads click, not the work."""
    loaded = loaded_by("import ingest.cli")
    assert under(loaded, HEAVY) == [] and under(loaded, WORK) == []


def test_help_loads_no_heavy_library_nor_the_engine() -> None:
    """``ingest --help`` and a command's ``--help`` print from click alone."""
    for argv in (["--help"], ["run", "--help"], ["watch", "--help"]):
        loaded = loaded_by(f"from ingest.cli import main\nassert main({argv!r}) == 0")
        assert under(loaded, HEAVY) == [], argv
        assert under(loaded, WORK) == [], argv


def test_the_sync_path_loads_no_converter_until_it_converts() -> None:
    """The engine and the client load without a parser: a run whose documents are all unchanged
    never pays for markdown-it, BeautifulSoup or markdownify; the first conversion loads them."""
    engine = loaded_by("import ingest.runner, ingest.watch")
    assert under(engine, ("bs4", "markdown_it", "markdownify", "lxml")) == []
    dialects = tuple(f"ingest.sites.{name}" for name in ("hugo", "docusaurus", "mkdocs", "obsidian"))
    assert under(engine, dialects) == []
    converting = loaded_by(
        "from ingest.convert import LinkBuilder, to_html\n"
        "from ingest.document import BodyFormat\n"
        "to_html('# Hi', BodyFormat.MARKDOWN, path='a.md', title=None, links=LinkBuilder(None))"
    )
    assert "markdown_it" in converting  # the probe sees a parser once one is used


def test_status_loads_neither_the_engine_nor_the_client(tmp_path: Path) -> None:
    """``ingest status`` reads state alone: no HTTP client, engine or converter is loaded."""
    config = tmp_path / "ingest.toml"
    config.write_text(
        '[state]\npath = "state.db"\n\n[sources.docs]\nconnector = "filesystem"\npath = "docs"\n'
        'url = "https://docs.example.com/"\n',
        encoding="utf-8",
    )
    loaded = loaded_by(
        "import sys\nfrom ingest.cli import main\nassert main(['status', '--config', sys.argv[1]]) == 0",
        str(config),
    )
    assert "ingest.source_status" in loaded  # the command ran its work
    assert under(loaded, ("aiohttp", "bs4", "markdown_it", "ingest.engine", "ingest.intercom")) == []


def test_config_check_loads_neither_state_nor_the_client(tmp_path: Path) -> None:
    """``ingest config check`` validates as a run does, but opens no state and no HTTP client; the
    probe sees them when ``--remote`` asks Intercom."""
    (tmp_path / "docs").mkdir()
    config = tmp_path / "ingest.toml"
    config.write_text(
        '[sources.docs]\nconnector = "filesystem"\npath = "docs"\nurl = "https://docs.example.com"\n'
        'url_template = "https://github.com/acme/docs/blob/main/{path}"\n',
        encoding="utf-8",
    )
    argv = ["config", "check", "--config", str(config)]
    check = loaded_by(f"from ingest.cli import main\nassert main({argv!r}) == 0")
    assert (
        under(check, ("aiohttp", "ingest.intercom", "ingest.state", "ingest.engine", "ingest.runner")) == []
    )
    remote = loaded_by(f"from ingest.cli import main\nassert main({[*argv, '--remote']!r}) == 2")
    assert under(remote, ("aiohttp", "ingest.intercom", "ingest.runner")) != []
