"""Killed between creating an article and saving its id: the rerun adopts it, no second copy."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from ingest.emulator import EmulatorConfig, running_emulator
from ingest.state import StateStore
from tests.e2e.conftest import TOKEN
from tests.e2e.killing import ingest_command
from tests.waiting import wait_for


def test_kill_after_the_post_before_the_id_is_saved(tmp_path: Path) -> None:
    """The emulator carries out the first article POST and withholds its answer; the process is
    killed right then. The rerun adopts that article: three documents, three articles."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("alpha", "beta", "gamma"):
        (docs / f"{name}.md").write_text(f"# {name.title()}\n\nAbout {name}.\n", encoding="utf-8")
    env = {**os.environ, "INTERCOM_ACCESS_TOKEN": TOKEN}
    with running_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        config = tmp_path / "ingest.toml"
        config.write_text(
            f'[intercom]\nbase_url = "{emulator.base_url}"\nmax_concurrency = 1\n\n'
            '[sources.docs]\nconnector = "filesystem"\npath = "docs"\ntargets = ["articles"]\n\n'
            '[sources.docs.articles]\nauthor_id = 1\ncollection = "Handbook"\n',
            encoding="utf-8",
        )
        emulator.set_faults(stall_next=1, stall_path="POST /articles", stall_seconds=60)
        process = subprocess.Popen(  # noqa: S603 - our own command line
            ingest_command(config), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            wait_for(lambda: emulator.articles() or process.poll() is not None, what="the stalled create")
            assert process.poll() is None, "the run ended before the stalled create"
        finally:
            process.send_signal(signal.SIGKILL)
            process.communicate()
        (created,) = emulator.articles()

        with StateStore(tmp_path / "ingest.db") as state:
            store = state.target("docs", "articles")
            assert store.records() == {}, "the id was saved before the kill"
            intents = [(intent.kind, intent.title) for intent in store.book.intents()]
        # The others had written their intent too and were waiting for a free connection.
        assert ("article", created["title"]) in intents

        emulator.clear_requests()
        rerun = subprocess.run(  # noqa: S603 - our own command line
            ingest_command(config), env=env, capture_output=True, text=True, timeout=120
        )
        assert rerun.returncode == 0, rerun.stderr
        articles = emulator.articles()
        assert sorted(a["title"] for a in articles) == ["Alpha", "Beta", "Gamma"]
        assert created["id"] in {a["id"] for a in articles}
        posts = [r for r in emulator.requests() if r.method == "POST" and r.path == "/articles"]
        assert len(posts) == 2, "the killed create was created again"
        with StateStore(tmp_path / "ingest.db") as state:
            assert state.target("docs", "articles").book.intents() == []
