"""The systemd units under ``deploy/systemd/`` keep their promises: systemd itself accepts them, the
daemon is restarted whenever it fails except for exit 2 (a token or config to fix), the nightly run
is a oneshot its timer starts even after a night the machine was off, and both run hardened with
the token handed over as a credential."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SYSTEMD = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
UNITS = ("fin-ingest.service", "fin-ingest.timer", "fin-ingest-watch.service")
SERVICES = ("fin-ingest.service", "fin-ingest-watch.service")
INSTALLED_INGEST = "/opt/fin-ingest/.venv/bin/ingest"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
needs_systemd_analyze = pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")


def unit(name: str) -> configparser.ConfigParser:
    # interpolation off: systemd's %d and %C are specifiers, not configparser's
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string((SYSTEMD / name).read_text(encoding="utf-8"))
    return parser


def settings(name: str, key: str) -> list[str]:
    """Every value of a key systemd lets a unit repeat (Environment=), which configparser would merge."""
    lines = (SYSTEMD / name).read_text(encoding="utf-8").splitlines()
    return [line.split("=", 1)[1] for line in lines if line.startswith(f"{key}=")]


def environment(name: str) -> dict[str, str]:
    return dict(value.split("=", 1) for value in settings(name, "Environment"))


@needs_systemd_analyze
def test_systemd_accepts_the_units_without_a_warning(tmp_path: Path) -> None:
    """``systemd-analyze verify`` on the units as shipped, ExecStart pointed at this checkout's
    ``ingest`` (verify insists the program exists). It warns on stderr, exit status 0, about an
    unknown key or a value it cannot parse: any output fails."""
    ingest = Path(sys.executable).parent / "ingest"
    for name in UNITS:
        text = (SYSTEMD / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace(INSTALLED_INGEST, str(ingest)), encoding="utf-8")
    verified = subprocess.run(  # noqa: S603 (our own unit files, no shell)
        [str(SYSTEMD_ANALYZE), "verify", *(str(tmp_path / name) for name in UNITS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (verified.returncode, verified.stdout, verified.stderr) == (0, "", "")


@needs_systemd_analyze
@pytest.mark.parametrize("name", SERVICES)
def test_systemd_rates_the_services_exposure_low(name: str) -> None:
    """``systemd-analyze security``'s exposure (0 to 10, 10 wide open) is at most 2.5 (1.9 today;
    8.3 without the hardening options)."""
    rated = subprocess.run(  # noqa: S603 (our own unit files, no shell)
        [str(SYSTEMD_ANALYZE), "security", "--offline=yes", "--threshold=25", str(SYSTEMD / name)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert rated.returncode == 0, rated.stdout[-2000:]


def test_the_daemon_restarts_on_failure_but_not_for_a_config_or_token_to_fix() -> None:
    """Restart=on-failure with exit 2 excluded, a pause between restarts, and no start limit: systemd
    would otherwise give up after five failures in ten seconds and leave the daemon down."""
    parsed = unit("fin-ingest-watch.service")
    assert parsed["Service"]["Restart"] == "on-failure"
    assert parsed["Service"]["RestartPreventExitStatus"] == "2"
    assert float(parsed["Service"]["RestartSec"]) > 0
    assert parsed["Unit"]["StartLimitIntervalSec"] == "0"
    assert "watch" in parsed["Service"]["ExecStart"].split()


def test_the_nightly_run_is_a_oneshot_its_timer_catches_up_and_spreads() -> None:
    service = unit("fin-ingest.service")["Service"]
    assert service["Type"] == "oneshot"
    command = service["ExecStart"].split()
    assert command[command.index("run") :][:2] == ["run", "--all"]
    assert command[command.index("--report") + 1].startswith("/var/lib/fin-ingest/")
    timer = unit("fin-ingest.timer")
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["RandomizedDelaySec"]
    assert timer["Timer"]["OnCalendar"]
    assert timer["Install"]["WantedBy"] == "timers.target"


@pytest.mark.parametrize("name", SERVICES)
def test_the_services_are_hardened_and_get_the_token_as_a_credential(name: str) -> None:
    """No new privileges, the filesystem read-only but the state directory, a user of its own; the
    token is a credential file named to fin-ingest by intercom.token_file, never an environment
    value holding it."""
    service = unit(name)["Service"]
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"] == "/var/lib/fin-ingest"
    assert service["StateDirectory"] == "fin-ingest"
    assert service["DynamicUser"] == "yes"
    assert service["User"] == "fin-ingest"
    credential, source = service["LoadCredential"].split(":", 1)
    assert source.startswith("/etc/")
    env = environment(name)
    assert env["INGEST_INTERCOM__TOKEN_FILE"] == f"%d/{credential}"
    assert "INTERCOM_ACCESS_TOKEN" not in env
    assert env["XDG_CACHE_HOME"] == "%C"
    assert service["CacheDirectory"] == "fin-ingest"
    assert "--config" in service["ExecStart"].split()
