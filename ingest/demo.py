"""``ingest demo``: the bundled example docs synced into a local emulator, start to finish.

The emulator keeps its data in the demo's work folder, so a second ``ingest demo``
finds the pages of the first and reports them unchanged, sending no write.
"""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from pydantic import SecretStr
from rich.console import Console
from rich.table import Table

from ingest.config import load_settings
from ingest.emulator import EmulatorConfig, running_emulator
from ingest.report import BarProgress, print_summary
from ingest.runner import run_sources

#: The emulator's own token: a fixed, public test value, not a secret.
DEMO_TOKEN = "demo-token"  # noqa: S105 - the local emulator's public test token
_WRITES = {"POST", "PUT", "DELETE"}


def run_demo(config_file: Path, console: Console) -> int:
    settings = load_settings(config_file)
    workdir = settings.state.path.parent
    emulator_config = EmulatorConfig(token=DEMO_TOKEN, data_file=workdir / "emulator.json")
    with running_emulator(emulator_config) as emulator:
        intercom = settings.intercom.model_copy(update={"base_url": emulator.base_url})
        settings = dataclasses.replace(settings, intercom=intercom)
        console.print(f"Intercom API emulator on {emulator.base_url}; state in {settings.state.path}")
        progress = BarProgress(console) if console.is_terminal else None
        results = asyncio.run(
            run_sources(settings, settings.select(None), token=SecretStr(DEMO_TOKEN), progress=progress)
        )
        print_summary(console, results)
        requests = emulator.requests()
        pages = emulator.pages()
        articles = emulator.articles()
        collections = emulator.collections()
    writes = sum(1 for request in requests if request.method in _WRITES)
    table = Table(title=f"External Pages in the emulator ({len(pages)})")
    for column in ("external_id", "title", "url"):
        table.add_column(column, overflow="fold")
    for page in sorted(pages, key=lambda page: str(page["external_id"])):
        table.add_row(str(page["external_id"]), str(page["title"]), str(page.get("url") or "-"))
    console.print(table)
    console.print(
        f"Help Center: {len(articles)} articles in {len(collections)} collections "
        f"({', '.join(sorted(str(c['name']) for c in collections))})."
    )
    console.print(
        f"This run sent {len(requests)} requests ({writes} writes). "
        "Run `ingest demo` again: unchanged documents send no write (one read checks the source in "
        "Intercom). Edit a file under examples/docs and rerun to see one update."
    )
    return 0 if all(result.ok for result in results) else 1
