"""What a source's scan uses: whether it scans, its plugins, and its baseline."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import metadata

from ingest.secret_scan import catalog
from ingest.secret_scan.baseline import NO_BASELINE, Baseline

#: The front matter key that allows findings in one document, by fingerprint.
ALLOW_KEY = "secrets_allow"
#: Raised when our own plugins or filters find more (or less) than before: every document of a
#: scanning source is then scanned again, once.
SCAN_VERSION = "1"


@dataclass(frozen=True, slots=True)
class ScanPolicy:
    """A source's secret scanning, as configured (``scan_secrets``, ``secrets_plugins_off``,
    ``secrets_plugins_on``, ``secrets_baseline``), with its baseline once read."""

    enabled: bool = True
    plugins: frozenset[str] = field(default_factory=lambda: catalog.DEFAULT_ON)
    #: Where the baseline is, relative to the source (None: no baseline).
    baseline_path: str | None = None
    baseline: Baseline = NO_BASELINE

    def identity(self) -> str:
        """What decides which secrets a scan finds: off, or our scan's version, detect-secrets'
        release and the plugins on. Part of every document's effective fingerprint, so that a
        document already sent (before scanning was on, or with a plugin since turned on) is read
        and scanned once more; its payload decides whether anything is sent. A baseline is not part
        of it: removing an entry does not re-scan unchanged documents (``ingest scan`` does)."""
        if not self.enabled:
            return "secrets:off"
        return f"secrets:{SCAN_VERSION}:{_detect_secrets_release()}:{','.join(sorted(self.plugins))}"

    def with_baseline(self, baseline: Baseline) -> ScanPolicy:
        """This policy with its baseline read."""
        return ScanPolicy(self.enabled, self.plugins, self.baseline_path, baseline)


def policy_of(
    *, enabled: bool, off: frozenset[str], on: frozenset[str], baseline_path: str | None
) -> ScanPolicy:
    """The policy configured by a source's keys (names already checked against the catalog)."""
    plugins = (catalog.ALL - catalog.OFF_BY_DEFAULT - off) | on
    return ScanPolicy(enabled, frozenset(plugins), baseline_path)


@functools.cache
def _detect_secrets_release() -> str:
    try:
        return metadata.version("detect-secrets")
    except metadata.PackageNotFoundError:
        return "?"
