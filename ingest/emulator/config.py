"""The emulator's settings, fixed when an app is created (faults can change at run time)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ingest.api_defaults import DEFAULT_API_VERSION
from ingest.api_versions import features_of
from ingest.emulator.limits import RESET_ROUNDINGS, ResetRounding

#: The largest ``per_page`` a list endpoint honours; larger values are clamped to it.
MAX_PER_PAGE = 150
#: How far the External Page list reaches: a page whose ``page x per_page`` lies past it is a 400.
MAX_LISTED_EXTERNAL_PAGES = 10_000


@dataclass(frozen=True, slots=True)
class EmulatorAdmin:
    """A teammate of the emulated workspace: listed by ``GET /admins``, a valid article ``author_id``.

    The first admin of :attr:`EmulatorConfig.admins` is the one ``GET /me`` answers.
    """

    id: int
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class EmulatorHelpCenter:
    """A Help Center of the emulated workspace; ``url`` is the root of its article and collection URLs."""

    id: int
    identifier: str
    display_name: str
    url: str


@dataclass(frozen=True, slots=True)
class EmulatorTag:
    """A tag of the emulated workspace (bulk ``update_tags`` takes existing, non-archived tags only)."""

    id: int
    name: str
    archived: bool = False


DEFAULT_ADMINS = (EmulatorAdmin(1, "Emulator Admin", "emulator@example.com"),)
DEFAULT_HELP_CENTERS = (
    EmulatorHelpCenter(1, "emulator", "Emulator Help Center", "https://help.example.com"),
)


@dataclass(frozen=True, slots=True)
class EmulatorConfig:
    """How an emulator instance behaves.

    ``token`` is the only bearer token accepted (a fake, not a secret). ``rate_limit``
    calls are allowed per ``rate_window_seconds`` window and per token, like Intercom's
    10,000 calls a minute enforced in 10-second windows. Windows start ``rate_window_phase``
    seconds after a multiple of the window (0 <= phase < window; ``"random"``: a phase drawn
    once per app from ``seed``), and ``X-RateLimit-Reset`` reports the refill rounded
    ``rate_reset_rounding`` to the whole second (``"down"``, ``"up"``) or ``"exact"``
    (milliseconds): Intercom does not document where its windows start, so a client must not
    depend on it (phase 0 with 10-second windows: every reset is exact). ``latency_ms`` is a uniform
    ``(min, max)`` range added to every API request (``(100, 100)`` for a fixed value);
    ``fail_rate`` is the share of API requests answered 503 at random; ``seed`` makes
    both reproducible. ``per_page`` is the default page size of list endpoints.
    With ``data_file`` set, sources, pages, collections and articles survive restarts
    (JSON, rewritten after every write: meant for demos, not for benchmarks of thousands
    of pages). ``admins`` and ``help_centers`` are fixed workspace facts, not data: at
    least one of each, ids unique; the first help center is the default one. ``api_version``
    is the emulated app's default version (2.15, 2.16 or Preview): a request without an
    ``Intercom-Version`` header is answered in it, as Intercom answers in the app's own. ``tags`` are
    the workspace's tags when it starts (or is reset); the control API adds more.
    A bulk action is carried out ``bulk_action_delay_seconds`` after it was accepted; ``None``
    keeps it queued until the control API flushes the queue (deterministic tests).
    A Content Import Source's ``url`` must be http(s) on a public domain name, as Intercom
    requires (a 400 naming ``url`` otherwise); ``allow_private_source_urls`` lifts that rule
    for test setups that point sources at loopback or internal hosts.
    ``request_log_limit`` keeps only that many of the latest requests in the request log (its
    counters still count every request): a benchmark of 200,000 pages must not measure the log.
    """

    token: str = "demo-token"  # noqa: S105 - a fake token for a local emulator, printed on purpose
    rate_limit: int = 1666
    rate_window_seconds: float = 10.0
    rate_window_phase: float | Literal["random"] = 0.0
    rate_reset_rounding: ResetRounding = "up"
    latency_ms: tuple[float, float] = (0.0, 0.0)
    fail_rate: float = 0.0
    seed: int = 0
    per_page: int = 50
    data_file: Path | None = None
    admins: tuple[EmulatorAdmin, ...] = DEFAULT_ADMINS
    help_centers: tuple[EmulatorHelpCenter, ...] = DEFAULT_HELP_CENTERS
    api_version: str = DEFAULT_API_VERSION
    allow_private_source_urls: bool = False
    tags: tuple[EmulatorTag, ...] = ()
    bulk_action_delay_seconds: float | None = 1.0
    request_log_limit: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "admins", tuple(self.admins))
        object.__setattr__(self, "help_centers", tuple(self.help_centers))
        object.__setattr__(self, "tags", tuple(self.tags))
        if self.bulk_action_delay_seconds is not None and self.bulk_action_delay_seconds < 0:
            raise ValueError("bulk_action_delay_seconds must be None or at least 0")
        if self.request_log_limit is not None and self.request_log_limit < 0:
            raise ValueError("request_log_limit must be None or at least 0")
        if len({tag.id for tag in self.tags}) != len(self.tags) or any(tag.id < 1 for tag in self.tags):
            raise ValueError("tags must have unique positive ids")
        low, high = self.latency_ms
        object.__setattr__(self, "latency_ms", (float(low), float(high)))
        if self.data_file is not None:
            object.__setattr__(self, "data_file", Path(self.data_file))
        if not self.token:
            raise ValueError("token must not be empty")
        if self.rate_limit < 1:
            raise ValueError("rate_limit must be at least 1")
        if self.rate_window_seconds <= 0:
            raise ValueError("rate_window_seconds must be positive")
        phase = self.rate_window_phase
        if phase != "random" and not (
            isinstance(phase, int | float) and 0 <= phase < self.rate_window_seconds
        ):
            raise ValueError("rate_window_phase must be 'random' or at least 0 and below rate_window_seconds")
        if self.rate_reset_rounding not in RESET_ROUNDINGS:
            raise ValueError(f"rate_reset_rounding must be one of {', '.join(RESET_ROUNDINGS)}")
        if not 0 <= low <= high:
            raise ValueError("latency_ms must be (min, max) with 0 <= min <= max")
        if not 0.0 <= self.fail_rate <= 1.0:
            raise ValueError("fail_rate must be between 0 and 1")
        features_of(self.api_version)  # a ValueError naming the versions for any other
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        for name, items in (("admins", self.admins), ("help_centers", self.help_centers)):
            ids = [item.id for item in items]
            if not ids or len(set(ids)) != len(ids) or min(ids) < 1:
                raise ValueError(f"{name} must hold at least one entry, with unique positive ids")
