"""What a run checks of Intercom before it syncs a source: the truth, at most one read per source.

A run with nothing to send would otherwise send nothing at all, and a revoked token or a
Content Import Source deleted in Intercom (its pages with it) would go unnoticed until some
document changed. So each target that keeps a container checks it (:class:`ChecksRemote`, one
read each), and when none does and nothing is to be written either, the first target proves the
token with one cheap read. A refused token ends the run (AuthError); a container gone is
forgotten, so the run sends everything again; drift from the configuration is reported.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.errors import ApiError, AuthError, ConfigError
from ingest.targets.base import ChecksRemote, RemoteFinding, Target

log = logging.getLogger("ingest.engine")


@dataclass
class SourceCheck:
    """What checking the remote truth of one source's targets did and found."""

    #: Per target, what its check found.
    findings: dict[str, list[RemoteFinding]] = field(default_factory=dict)
    #: Per target, why it could not be checked (the API did not answer): it is not synced this run.
    errors: dict[str, str] = field(default_factory=dict)
    #: Whether a target forgot what state recorded (a container gone): the whole source is synced.
    forgot: bool = False
    #: How many requests the checks sent.
    reads: int = 0


async def check_targets(targets: Sequence[Target], *, writes_follow: bool = False) -> SourceCheck:
    """Check each target's remote truth, one read at most each. When none had anything of its own
    to read, the first proves the token with one cheap read, unless ``writes_follow`` (a target is
    about to write, whose requests prove it anyway). An AuthError or ConfigError is raised; another
    API error is that target's entry in :attr:`SourceCheck.errors`."""
    checked = SourceCheck()
    checkers = [(target.name, target) for target in targets if isinstance(target, ChecksRemote)]
    for name, target in checkers:
        await _check_one(name, target, checked, must_read=False)
    if checkers and not checked.reads and not checked.errors and not writes_follow:
        await _check_one(*checkers[0], checked, must_read=True)
    return checked


async def _check_one(name: str, target: ChecksRemote, checked: SourceCheck, *, must_read: bool) -> None:
    try:
        found = await target.check(must_read=must_read)
    except (AuthError, ConfigError):
        raise
    except ApiError as exc:
        checked.errors[name] = f"could not check what Intercom holds: {exc}"
        return
    checked.reads += found.read
    checked.forgot = checked.forgot or found.forgot
    checked.findings.setdefault(name, []).extend(found.findings)
    for finding in found.findings:
        if finding.drift:
            log.warning("%s: %s", name, finding.message)
