"""The conformance kit: a connector keeping the contract passes, and each way of breaking it is caught."""

from __future__ import annotations

import asyncio
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from ingest.testing import RULES, ConformanceError, assert_conforms, check_connector
from ingest.testing.bodyreads import files_opened_under
from tests.testing import toys
from tests.testing.toys import FolderConnector, folder_hooks, write_sample


async def check(factory: Any, root: Path, **overrides: Any) -> Any:
    hooks = {**folder_hooks(root), **overrides}
    return await check_connector(factory, {"path": str(root)}, **hooks)


async def test_a_connector_keeping_the_contract_passes_every_rule(tmp_path: Path) -> None:
    """The well-behaved toy keeps every rule; only resuming is not applicable to it."""
    report = await assert_conforms(
        FolderConnector, {"path": str(tmp_path / "docs")}, **folder_hooks(write_sample(tmp_path / "docs"))
    )
    assert report.ok and report.violations == []
    assert report.passed == [rule for rule in RULES if rule != "resume-hides-nothing"]
    assert report.not_applicable == {"resume-hides-nothing": "the connector is not Resumable"}


@pytest.mark.parametrize(
    ("toy", "broken"),
    [
        (toys.RandomFingerprint, ["fingerprints-stable"]),
        (toys.ConstantFingerprint, ["fingerprints-change"]),
        (toys.SourceWideFingerprint, ["fingerprints-change"]),
        (toys.DuplicateLocators, ["ids-unique"]),
        (toys.AbsoluteLocators, ["ids-unique"]),
        (toys.SharedExternalId, ["ids-unique"]),
        (toys.RandomExternalId, ["ids-stable", "load-consistent"]),
        (toys.ContentHashId, ["ids-stable"]),
        (toys.LoadRaises, ["failure-is-a-value"]),
        (toys.UnreadableIsSkipped, ["failure-is-a-value"]),
        (toys.OneFailsAll, ["failure-is-a-value"]),
        (toys.HashingScan, ["scan-reads-no-body"]),
        (toys.ReadingConstructor, ["scan-reads-no-body"]),
        (toys.ScanRaisesOnOneDocument, ["scan-reads-no-body", "failure-is-a-value"]),
        (toys.MissingSourceIsEmpty, ["source-failure-raises"]),
        (toys.MissingSourceRaisesOSError, ["source-failure-raises"]),
        (toys.StaleCache, ["failure-is-a-value", "load-consistent"]),
        (toys.CountingLoad, ["load-consistent"]),
        (toys.LoadedFingerprintDiffers, ["load-consistent"]),
        (toys.HidingResume, ["resume-hides-nothing"]),
        (toys.StaleResume, ["resume-hides-nothing"]),
        (toys.RememberingResume, ["resume-hides-nothing"]),
        (toys.ResumeNeedsACheckpoint, ["sample"]),
        (toys.CloseRaises, ["sample"]),
        (toys.CollidingOption, ["factory"]),
        (toys.NotAConnector, ["factory"]),
        (toys.ScanAlwaysFails, ["sample"]),
        (toys.ConstructorRaises, ["sample"]),
        (toys.EmptyFingerprint, ["shapes", "fingerprints-change"]),
        (toys.LoadReturnsDict, ["sample", "shapes"]),
        (toys.RandomLocators, ["ids-stable"]),  # not also "vanished": that would only repeat it
        (toys.LocatorIncludesSize, ["ids-stable"]),
        (toys.LoadRaisesOnAHealthyDocument, ["failure-is-a-value"]),
        (toys.ConstructorRaisesOSError, ["source-failure-raises"]),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else None,
)
async def test_each_broken_toy_is_caught_by_its_rule(tmp_path: Path, toy: Any, broken: list[str]) -> None:
    """A connector breaking one rule is reported as breaking exactly that rule."""
    report = await check(toy, write_sample(tmp_path / "docs"))
    assert report.violated == broken, str(report)
    with pytest.raises(ConformanceError) as raised:
        await assert_conforms(
            toy, {"path": str(write_sample(tmp_path / "again"))}, **folder_hooks(tmp_path / "again")
        )
    for rule in broken:
        assert f"BROKEN {rule}: " in str(raised.value)


def reads_are_recorded(folder: Path) -> bool:
    """Whether the filesystem under ``folder`` records that a file was read (no ``noatime`` mount)."""
    probe = folder / "atime-probe"
    probe.write_text("probe")
    before = probe.stat().st_atime_ns
    subprocess.run(["cat", str(probe)], capture_output=True, check=True)  # noqa: S603, S607
    after = probe.stat().st_atime_ns
    probe.unlink()
    return after != before


async def test_a_scan_reading_bodies_in_another_process_is_caught(tmp_path: Path) -> None:
    """A subprocess opening the documents is beyond any audit hook of this process: the files'
    access times still show it (on a filesystem that records reads)."""
    if not reads_are_recorded(tmp_path):
        pytest.skip("this filesystem does not record reads (noatime)")
    report = await check(toys.SubprocessHashingScan, write_sample(tmp_path / "docs"))
    assert report.violated == ["scan-reads-no-body"], str(report)
    assert "opened 3 document file(s)" in str(report)


async def test_a_scan_that_judges_bodies_is_caught_without_an_audit(tmp_path: Path) -> None:
    """Bodies read where no audit sees (a subprocess): the unreadable one shows up as a scan Failure."""
    report = await check(toys.JudgingScan, write_sample(tmp_path / "docs"), documents_at=None)
    assert report.violated == ["scan-reads-no-body"], str(report)
    assert "scan reported gamma.txt's unreadable body" in str(report)


async def test_an_unreadable_document_must_not_vanish_from_the_scan(tmp_path: Path) -> None:
    """Even a scan that reads bodies must report an unreadable one, or its page would be deleted."""
    report = await check(toys.UnreadableVanishes, write_sample(tmp_path / "docs"), scan_reads_bodies=True)
    assert report.violated == ["failure-is-a-value"], str(report)
    assert "gamma.txt vanished from the scan" in str(report)


async def test_a_connector_may_declare_that_its_scan_reads_bodies(tmp_path: Path) -> None:
    """A content-hash fingerprint, declared, is not a violation: the rule is not applicable."""
    report = await check(toys.HashingScan, write_sample(tmp_path / "docs"), scan_reads_bodies=True)
    assert report.ok, str(report)
    assert "scan-reads-no-body" in report.not_applicable
    judging = await check(toys.JudgingScan, write_sample(tmp_path / "more"), scan_reads_bodies=True)
    assert judging.ok, str(judging)


async def test_wrong_shapes_stop_the_check_early(tmp_path: Path) -> None:
    """A scan yielding something other than refs breaks shapes, and the sample then has no document."""
    report = await check(toys.WrongShapes, write_sample(tmp_path / "docs"))
    assert report.violated == ["sample", "shapes"], str(report)
    assert "scan yielded str 'alpha.txt'" in str(report)


async def test_an_options_model_that_is_not_connector_options_is_refused(tmp_path: Path) -> None:
    """The factory rule: options_model must derive from ConnectorOptions; nothing else is checked then."""
    report = await check(toys.NotConnectorOptions, write_sample(tmp_path / "docs"))
    assert report.violated == ["factory"]
    assert set(report.unchecked) == set(RULES) - {"factory"}


async def test_invalid_sample_options_are_a_factory_violation(tmp_path: Path) -> None:
    """Options the model refuses are reported with the key and the reason."""
    report = await check_connector(FolderConnector, {"path": str(tmp_path), "colour": "blue"})
    assert report.violated == ["factory"]
    assert "the sample options do not validate: colour: Extra inputs are not permitted" in str(report)


async def test_a_sample_of_one_document_is_too_small(tmp_path: Path) -> None:
    """Uniqueness and failures cannot be told apart with fewer than two documents."""
    root = tmp_path / "docs"
    root.mkdir()
    (root / "only.txt").write_text("Only\n")
    report = await check(FolderConnector, root)
    assert report.violated == ["sample"]


async def test_rules_without_their_hook_are_not_checked_and_fail_assert_conforms(tmp_path: Path) -> None:
    """Without their hooks, rules are unchecked, never passed; assert_conforms names the hook to add."""
    root = write_sample(tmp_path / "docs")
    report = await check_connector(FolderConnector, {"path": str(root)})
    assert report.violations == []
    assert set(report.unchecked) == {
        "fingerprints-change",
        "failure-is-a-value",
        "scan-reads-no-body",
        "source-failure-raises",
    }
    assert not report.ok
    with pytest.raises(ConformanceError, match=r"NOT CHECKED source-failure-raises: pass break_source="):
        await assert_conforms(FolderConnector, {"path": str(root)})


async def test_async_hooks_and_ready_options_are_accepted(tmp_path: Path) -> None:
    """Hooks may be coroutines, and options may be given already validated."""
    root = write_sample(tmp_path / "docs")
    sync = folder_hooks(root)
    calls: list[str] = []

    async def edit(ref: Any) -> None:
        calls.append(ref.locator)
        sync["edit_document"](ref)

    options = toys.FolderOptions(path=root)
    report = await assert_conforms(FolderConnector, options, **{**sync, "edit_document": edit})
    assert report.ok and calls == ["alpha.txt"]


async def test_relative_paths_in_options_start_at_base_dir(tmp_path: Path) -> None:
    """Options are validated as the config layer does: a relative path starts at base_dir."""
    root = write_sample(tmp_path / "docs")
    report = await check_connector(FolderConnector, {"path": "docs"}, base_dir=tmp_path, **folder_hooks(root))
    assert report.ok, str(report)


def test_the_body_read_recorder_sees_worker_threads_and_only_files_under_its_folder(tmp_path: Path) -> None:
    """Files opened under the folder, from any thread, are recorded once; folders and other files are not."""
    root = write_sample(tmp_path / "docs")
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    with files_opened_under(root) as opened:
        (root / "alpha.txt").read_bytes()
        (root / "alpha.txt").read_text()
        outside.read_text()
        (root / "new.txt").write_text("written, not read")
        worker = threading.Thread(target=(root / "beta.txt").read_bytes)
        worker.start()
        worker.join()
        asyncio.run(asyncio.to_thread((root / "gamma.txt").read_bytes))
    assert sorted(opened) == ["alpha.txt", "beta.txt", "gamma.txt"]
    with files_opened_under(root) as idle:
        pass
    (root / "alpha.txt").read_bytes()
    assert idle == []
