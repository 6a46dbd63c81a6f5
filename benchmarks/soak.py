"""Soak: ``ingest watch`` for N minutes against the emulator, under edits, faults and restarts.

Run ``python -m benchmarks.soak [--minutes 30] [--docs 120] [--seed 1]``. The emulator runs in its
own process (answering in 20-80 ms) and the daemon (a real ``ingest watch``, JSON logs) in another,
over one filesystem source synced to all three targets (External Pages, Help Center articles with
``on_delete = "delete"``, internal articles). For the whole run the docs folder is changed at random
(edits, creates, renames, deletes: about one a second), the emulator is given, in turns, 5xx bursts (30%
of requests failing, half the time after the write was carried out) and 429 storms (10 calls per 2-second
window, and 30% of requests answered 429 besides), and the daemon is restarted twice: killed
(SIGKILL) at a fifth of the run, stopped (SIGTERM) at two fifths, started again each time.

At the end the faults stop and the soak waits for quiet (remote == source, with no request for
three seconds), stops the daemon (SIGTERM, exit 0 expected) and checks: remote == source for every
target, no duplicate, no pending work in the state file, the state file sound
(``integrity_check``), and one more ``ingest run`` writes nothing. The daemon's RSS (``/proc``) is
sampled every few seconds; its RSS after the start-up sync of its last life and at the end are
reported, and growing by more than a quarter (and 16 MB) over that life fails the soak.
One line says PASS or FAIL and why, then the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.harness import TOKEN, control, emulator_process
from benchmarks.soak_source import SoakSource, differences
from ingest.state import PendingWork, StateStore

ROOT_COLLECTION = "Soak"
RATE_LIMIT = 1666  # Intercom's, per 10-second window
#: Quiet: no request reached the emulator for this long while remote == source.
QUIET_SECONDS = 3.0
#: RSS growth over the last life that fails the soak: both a share and an absolute floor, so
#: that the allocator's warm-up on a small heap does not count as a leak.
RSS_GROWTH_SHARE = 0.25
RSS_GROWTH_FLOOR_KB = 16 * 1024


def write_config(folder: Path, base_url: str) -> Path:
    config = folder / "ingest.toml"
    config.write_text(
        f'[intercom]\nbase_url = "{base_url}"\napi_version = "2.16"\n\n'
        '[state]\npath = "state.db"\n\n'
        # Retries capped at 10 s (default 60) so that quiet comes soon after the last fault.
        "[watch]\nretry_max_seconds = 10.0\n\n"
        '[sources.docs]\nconnector = "filesystem"\npath = "docs"\n'
        'targets = ["external_pages", "articles", "internal_articles"]\n'
        'url = "https://soak.example.com"\n\n'
        f'[sources.docs.articles]\nauthor_id = 1\ncollection = "{ROOT_COLLECTION}"\non_delete = "delete"\n\n'
        "[sources.docs.internal_articles]\nauthor_id = 1\n",
        encoding="utf-8",
    )
    return config


def rss_kb(pid: int) -> int | None:
    """The process's resident set size (``VmRSS``) in kB; None once it is gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


@dataclass
class Daemon:
    """``ingest watch`` in a child process, restarted by hand; its JSON log appended to one file."""

    config: Path
    log_file: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    lives: list[list[int]] = field(default_factory=list)  # RSS samples (kB) of each life
    exits: list[int] = field(default_factory=list)

    def batches(self) -> int:
        text = self.log_file.read_text(encoding="utf-8") if self.log_file.exists() else ""
        return sum(1 for line in text.splitlines() if line.startswith("{") and '"batch"' in line)

    def start(self) -> None:
        before = self.batches()
        command = [
            sys.executable,
            "-m",
            "ingest.cli",
            "--log-format",
            "json",
            "watch",
            "--config",
            str(self.config),
        ]
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(command, env=self.env, stdout=subprocess.DEVNULL, stderr=log)  # noqa: S603
        deadline = time.monotonic() + 600
        while self.batches() == before:  # the start-up sync logs the life's first batch
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"the daemon did not start (exit {self.process.poll()}); see {self.log_file}"
                )
            time.sleep(0.1)
        self.lives.append([])
        self.sample()

    def sample(self) -> None:
        if self.process is not None and (rss := rss_kb(self.process.pid)) is not None:
            self.lives[-1].append(rss)

    def stop(self, how: signal.Signals) -> int:
        assert self.process is not None
        self.sample()
        self.process.send_signal(how)
        code = self.process.wait(timeout=60)
        self.exits.append(code)
        self.process = None
        return code

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Faults:
    """The emulator's fault injection: a fault of 5-15 s every 15-45 s, 5xx bursts and 429 storms
    taking turns (so a short soak sees both)."""

    base_url: str
    rng: random.Random
    until: float = 0.0
    next_at: float = 10.0
    counts: Counter[str] = field(default_factory=Counter)

    def maybe_start(self, now: float) -> None:
        if self.until or now < self.next_at:
            return
        self.until = now + self.rng.uniform(5.0, 15.0)
        if sum(self.counts.values()) % 2 == 0:
            self.counts["5xx burst"] += 1
            # Half the bursts carry the write out before failing: a create the client cannot tell
            # from a lost one.
            body: dict[str, Any] = {
                "fail_rate": 0.3,
                "fail_status": 503,
                "fail_after": self.rng.random() < 0.5,
            }
        else:
            self.counts["429 storm"] += 1
            # A limit far under the client's share, and 429s its headers did not announce.
            body = {"rate_limit": 10, "rate_window_seconds": 2.0, "fail_rate": 0.3, "fail_status": 429}
        control(self.base_url, "POST", "faults", body)

    def maybe_stop(self, now: float) -> None:
        if self.until and now >= self.until:
            self.stop()
            self.next_at = now + self.rng.uniform(15.0, 45.0)

    def stop(self) -> None:
        self.until = 0.0
        body = {
            "fail_rate": 0.0,
            "fail_status": 503,
            "fail_after": False,
            "rate_limit": RATE_LIMIT,
            "rate_window_seconds": 10.0,
        }
        control(self.base_url, "POST", "faults", body)


def wait_for_quiet(base_url: str, source: SoakSource, within: float) -> list[str]:
    """Wait until remote == source and no request arrived for ``QUIET_SECONDS``; the differences
    left when ``within`` seconds pass first (empty once quiet)."""
    deadline = time.monotonic() + within
    problems: list[str] = ["not checked yet"]
    while time.monotonic() < deadline:
        seen = requests_so_far(base_url)
        time.sleep(QUIET_SECONDS)
        problems = differences(
            source.titles(), source.folders(), control(base_url, "GET", "state"), ROOT_COLLECTION
        )
        if not problems and requests_so_far(base_url) == seen:
            return []
    return problems


def requests_so_far(base_url: str) -> int:
    # A prefix no request has: the counters without the log.
    return sum(control(base_url, "GET", "requests?path_prefix=/_none")["counters"].values())


def leftovers(state_file: Path) -> tuple[bool, str]:
    """Whether the state file holds pending work, and SQLite's ``integrity_check`` of it."""
    with StateStore(state_file) as state:
        pending = not PendingWork(state).load("docs").empty
    with contextlib.closing(sqlite3.connect(state_file)) as connection:
        (verdict,) = connection.execute("PRAGMA integrity_check").fetchone()
    return pending, str(verdict)


def statuses(base_url: str) -> Counter[int]:
    return Counter(entry["status"] for entry in control(base_url, "GET", "requests")["requests"])


def soak(minutes: float, docs: int, seed: int) -> tuple[list[str], dict[str, Any]]:
    """Run the soak; the reasons it failed (empty when it passed) and its figures."""
    rng = random.Random(seed)
    duration = minutes * 60
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as temp, emulator_process(latency_ms=(20.0, 80.0)) as base_url:
        folder = Path(temp)
        source = SoakSource(folder / "docs", rng)
        source.populate(docs)
        config = write_config(folder, base_url)
        env = {**os.environ, "INTERCOM_ACCESS_TOKEN": TOKEN}
        daemon = Daemon(config, folder / "watch.log", env)
        faults = Faults(base_url, rng)
        daemon.start()
        restarts = [(duration / 5, signal.SIGKILL), (2 * duration / 5, signal.SIGTERM)]
        started = time.monotonic()
        last_sample = started
        failures: list[str] = []
        while (now := time.monotonic() - started) < duration:
            time.sleep(rng.expovariate(1.0))
            source.change()
            faults.maybe_stop(now)
            faults.maybe_start(now)
            if restarts and now >= restarts[0][0]:
                _, how = restarts.pop(0)
                code = daemon.stop(how)
                if how == signal.SIGTERM and code != 0:
                    failures.append(f"SIGTERM stopped the daemon with exit {code}")
                daemon.start()
            elif not daemon.alive():
                failures.append(
                    f"the daemon died on its own (exit {daemon.process and daemon.process.poll()})"
                )
                daemon.start()
            if time.monotonic() - last_sample >= 5:
                daemon.sample()
                last_sample = time.monotonic()
        faults.stop()
        quiet_started = time.monotonic()
        problems = wait_for_quiet(base_url, source, within=300)
        figures["quiet after s"] = round(time.monotonic() - quiet_started, 1)
        failures += [f"remote != source: {'; '.join(problems[:5])}"] if problems else []
        if (code := daemon.stop(signal.SIGTERM)) != 0:
            failures.append(f"SIGTERM stopped the daemon with exit {code}")
        pending, integrity = leftovers(folder / "state.db")
        failures += ["pending work left in the state file"] if pending else []
        failures += [f"integrity_check: {integrity}"] if integrity != "ok" else []
        answered = statuses(base_url)
        control(base_url, "DELETE", "requests")
        last = subprocess.run(  # noqa: S603 - our own command line
            [sys.executable, "-m", "ingest.cli", "run", "--all", "--config", str(config)],
            env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        writes = [e for e in control(base_url, "GET", "requests")["requests"] if e["method"] != "GET"]
        failures += [f"a run after the soak exited {last.returncode}"] if last.returncode else []
        failures += [f"a run after the soak still wrote {len(writes)} times"] if writes else []
        life = daemon.lives[-1]
        growth = life[-1] - life[0]
        if growth > max(RSS_GROWTH_FLOOR_KB, RSS_GROWTH_SHARE * life[0]):
            failures.append(f"RSS grew {growth // 1024} MB over the daemon's last life")
        figures |= {
            "minutes": minutes,
            "documents at end": len(source.titles()),
            "changes": dict(source.operations),
            "faults": dict(faults.counts),
            "daemon lives": len(daemon.lives),
            "exits": daemon.exits,
            "batches": daemon.batches(),
            "RSS first life start/end MB": [
                round(daemon.lives[0][0] / 1024, 1),
                round(daemon.lives[0][-1] / 1024, 1),
            ],
            "RSS last life start/end MB": [round(life[0] / 1024, 1), round(life[-1] / 1024, 1)],
            "RSS last life max MB": round(max(life) / 1024, 1),
            "answers": {str(status): count for status, count in sorted(answered.items(), key=str)},
        }
        return failures, figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="how long the daemon is soaked")
    parser.add_argument("--docs", type=int, default=120, help="documents in the folder at start")
    parser.add_argument("--seed", type=int, default=1, help="seed of the changes and faults")
    args = parser.parse_args()
    failures, figures = soak(args.minutes, args.docs, args.seed)
    verdict = (
        "PASS: remote == source, no duplicate, no pending work, RSS flat"
        if not failures
        else "FAIL: " + "; ".join(failures)
    )
    print(verdict)
    print(json.dumps(figures))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
