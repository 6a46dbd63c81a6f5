"""``ingest run --metrics-file``: a nightly run's figures in node_exporter's textfile format, against the
emulator over loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from ingest import __version__
from ingest.cli import main
from ingest.emulator import EmulatorConfig, running_emulator
from ingest.monitoring.run_metrics import OWN_LABELS
from tests.watch.conftest import TOKEN, write_config

PAGES = {"source": "docs", "target": "external_pages"}


def samples(path: Path) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = path.read_text(encoding="utf-8")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return found[(name, tuple(sorted(labels.items())))]


def test_a_run_writes_its_figures_and_a_failing_run_keeps_the_last_success(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run writes two creates, a success time, exit code 0 and a latency count equal to the
    requests the emulator answered; a later run the API refuses writes exit code 1, no document synced,
    and the same last success as before (carried over, not lost)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n\nFirst.\n", encoding="utf-8")
    (docs / "b.md").write_text("# B\n\nSecond.\n", encoding="utf-8")
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    metrics = tmp_path / "fin_ingest.prom"
    with running_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        config = write_config(tmp_path, emulator.base_url)
        assert main(["run", "--all", "--config", str(config), "--metrics-file", str(metrics)]) == 0
        first = samples(metrics)
        assert value(first, "fin_ingest_documents_synced_total", **PAGES, action="created") == 2
        assert value(first, "fin_ingest_documents_failed_total", **PAGES) == 0
        assert value(first, "fin_ingest_run_exit_code") == 0
        assert value(first, "fin_ingest_build_info", version=__version__) == 1
        requests = len(emulator.requests())
        count = sum(
            v for (name, _), v in first.items() if name == "fin_ingest_request_duration_seconds_count"
        )
        assert count == requests
        succeeded = value(first, "fin_ingest_last_success_timestamp_seconds", source="docs")
        assert succeeded == value(first, "fin_ingest_run_timestamp_seconds") > 0

        (docs / "a.md").write_text("# A\n\nEdited.\n", encoding="utf-8")
        emulator.set_faults(fail_rate=1.0, fail_status=503)
        assert main(["run", "--all", "--config", str(config), "--metrics-file", str(metrics)]) == 1
        second = samples(metrics)
    assert value(second, "fin_ingest_run_exit_code") == 1
    assert value(second, "fin_ingest_documents_synced_total", **PAGES, action="updated") == 0
    assert value(second, "fin_ingest_last_success_timestamp_seconds", source="docs") == succeeded
    assert value(second, "fin_ingest_request_retries_total", reason="server_error") >= 1
    assert value(second, "fin_ingest_run_timestamp_seconds") >= succeeded
    assert list(tmp_path.glob("*.prom.*")) == []  # written through a temporary file, then replaced


def test_a_metrics_file_that_cannot_be_written_fails_the_run_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A metrics file in a folder that does not exist: the run syncs, then exits 1 saying which file."""
    (tmp_path / "docs").mkdir()
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    missing = tmp_path / "no-such-folder" / "fin_ingest.prom"
    with running_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        config = write_config(tmp_path, emulator.base_url)
        assert main(["run", "--all", "--config", str(config), "--metrics-file", str(missing)]) == 1
    err = capsys.readouterr().err
    assert f"--metrics-file {missing}: cannot be written" in err and "Traceback" not in err


def test_a_dry_run_writes_no_metrics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--dry-run sends nothing, so it leaves the metrics file as it was."""
    (tmp_path / "docs").mkdir()
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    metrics = tmp_path / "fin_ingest.prom"
    with running_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        config = write_config(tmp_path, emulator.base_url)
        assert (
            main(["run", "--all", "--dry-run", "--config", str(config), "--metrics-file", str(metrics)]) == 0
        )
    assert not metrics.exists()


def test_the_metrics_file_is_readable_by_node_exporter_under_a_strict_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """node_exporter reads the file as another user: under the systemd units' UMask=0077 a new file is
    still 0644 (it holds no secret), and a mode the admin gave the file (0640, for a group) is kept
    when a later run replaces it."""
    import os
    import stat

    (tmp_path / "docs").mkdir()
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    metrics = tmp_path / "fin_ingest.prom"
    previous = os.umask(0o077)
    try:
        with running_emulator(EmulatorConfig(token=TOKEN)) as emulator:
            config = write_config(tmp_path, emulator.base_url)
            run = ["run", "--all", "--config", str(config), "--metrics-file", str(metrics)]
            assert main(run) == 0
            assert stat.S_IMODE(metrics.stat().st_mode) == 0o644
            metrics.chmod(0o640)
            assert main(run) == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(metrics.stat().st_mode) == 0o640
    assert sorted(path.name for path in tmp_path.iterdir() if "prom" in path.name) == ["fin_ingest.prom"]


def test_a_run_of_one_source_keeps_the_other_sources_last_success(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ingest run --source docs` writing the file a nightly `--all` writes keeps the last success of
    the configured sources it did not run (their series would vanish and their alert never fire); a
    source no longer configured is dropped."""
    for folder in ("docs", "more"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.md").write_text(f"# {folder}\n\nBody.\n", encoding="utf-8")
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    metrics = tmp_path / "fin_ingest.prom"
    with running_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        config = write_config(tmp_path, emulator.base_url)
        with config.open("a", encoding="utf-8") as handle:
            handle.write(
                '\n[sources.more]\nconnector = "filesystem"\npath = "more"\nurl = "https://more.example.com"\n'
            )
        assert main(["run", "--all", "--config", str(config), "--metrics-file", str(metrics)]) == 0
        first = samples(metrics)
        more = value(first, "fin_ingest_last_success_timestamp_seconds", source="more")
        text = metrics.read_text(encoding="utf-8")
        metrics.write_text(
            text + 'fin_ingest_last_success_timestamp_seconds{source="gone"} 1.0\n', encoding="utf-8"
        )
        assert main(["run", "--source", "docs", "--config", str(config), "--metrics-file", str(metrics)]) == 0
        second = samples(metrics)
    assert value(second, "fin_ingest_last_success_timestamp_seconds", source="more") == more
    assert value(second, "fin_ingest_last_success_timestamp_seconds", source="docs") >= more
    assert not any(dict(labels).get("source") == "gone" for _, labels in second)


def test_two_workspaces_labelled_write_no_series_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workspaces on one host, each its nightly run writing into node_exporter's folder:
    node_exporter refuses a series that two files hold, so ``--metrics-label workspace=NAME`` puts
    the label on every series of the file (the last success carried over keeps it too)."""
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    written: dict[str, set[tuple[str, tuple[tuple[str, str], ...]]]] = {}
    with running_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        for workspace in ("acme", "globex"):
            folder = tmp_path / workspace
            (folder / "docs").mkdir(parents=True)
            (folder / "docs" / "a.md").write_text("# A\n\nFirst.\n", encoding="utf-8")
            config = write_config(folder, emulator.base_url)
            metrics = tmp_path / f"fin_ingest_{workspace}.prom"
            label = f"workspace={workspace}"
            arguments = ["run", "--all", "--config", str(config), "--metrics-file", str(metrics)]
            assert main([*arguments, "--metrics-label", label]) == 0
            (folder / "docs" / "a.md").write_text("# A\n\nEdited.\n", encoding="utf-8")
            emulator.set_faults(fail_rate=1.0, fail_status=503)
            assert main([*arguments, "--metrics-label", label]) == 1
            emulator.set_faults(fail_rate=0.0)
            found = samples(metrics)
            assert found and all(dict(labels).get("workspace") == workspace for _, labels in found)
            assert (
                value(found, "fin_ingest_last_success_timestamp_seconds", source="docs", workspace=workspace)
                > 0
            )
            written[workspace] = set(found)
    assert not written["acme"] & written["globex"]


@pytest.mark.parametrize(
    ("label", "complaint"),
    [
        ("workspace", "--metrics-label workspace: give NAME=VALUE"),
        ("9lives=x", "--metrics-label 9lives=x: NAME must be"),
        ("__name__=x", "--metrics-label __name__=x: NAME must be"),
        ("source=x", "--metrics-label source=x: fin-ingest sets source itself"),
    ],
)
def test_a_wrong_metrics_label_is_one_sentence_before_anything_is_synced(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    label: str,
    complaint: str,
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n\nFirst.\n", encoding="utf-8")
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    metrics = tmp_path / "fin_ingest.prom"
    with running_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        config = write_config(tmp_path, emulator.base_url)
        arguments = ["run", "--all", "--config", str(config), "--metrics-file", str(metrics)]
        assert main([*arguments, "--metrics-label", label]) == 2
        assert emulator.requests() == []
    assert complaint in capsys.readouterr().err and not metrics.exists()


def test_every_label_fin_ingest_writes_is_one_a_metrics_label_may_not_take(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OWN_LABELS, which --metrics-label may not take, holds every label name a file carries (a run
    with retries, so that every family has samples)."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n\nFirst.\n", encoding="utf-8")
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    metrics = tmp_path / "fin_ingest.prom"
    with running_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        config = write_config(tmp_path, emulator.base_url)
        emulator.set_faults(fail_rate=1.0, fail_status=503)
        main(["run", "--all", "--config", str(config), "--metrics-file", str(metrics)])
    names = {name for _, labels in samples(metrics) for name, _ in labels}
    assert {"source", "target", "action", "method", "status_class", "reason", "version", "le"} <= names
    assert names <= OWN_LABELS
