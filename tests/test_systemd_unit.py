"""The README's systemd unit keeps its promise: the daemon is restarted whenever it fails, except
for exit 2 (a token or config to fix), however often it fails."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def unit() -> configparser.ConfigParser:
    (block,) = re.findall(r"```ini\n(\[Unit\].*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    parser = configparser.ConfigParser(strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string(block)
    return parser


def test_the_unit_restarts_on_failure_but_not_for_a_config_or_token_to_fix() -> None:
    """Restart=on-failure with exit 2 excluded, a pause between restarts, and no start limit: systemd
    would otherwise give up after five failures in ten seconds and leave the daemon down."""
    parsed = unit()
    assert parsed["Service"]["Restart"] == "on-failure"
    assert parsed["Service"]["RestartPreventExitStatus"] == "2"
    assert float(parsed["Service"]["RestartSec"]) > 0
    assert parsed["Unit"]["StartLimitIntervalSec"] == "0"
    assert "watch" in parsed["Service"]["ExecStart"].split()
