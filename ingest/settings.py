"""The sections of the configuration, as validated models: what each key means and its default.

``ingest.config`` reads the file and the environment into these; the README and
``config.example.toml`` document every field here (a test keeps them in step).
"""

from __future__ import annotations

import ipaddress
import math
import re
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ingest.api_defaults import (
    DEFAULT_API_VERSION,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_RATE_LIMIT_SHARE,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_REGION,
    DEFAULT_REQUEST_TIMEOUT,
    REGION_URLS,
    Region,
)
from ingest.api_versions import SUPPORTED_API_VERSIONS, ApiVersion
from ingest.availability import Availability
from ingest.availability_rules import AvailabilityRule, AvailabilityRules, comparable
from ingest.check_rules import OFF, RULES, Severity
from ingest.connector import ConfigPath
from ingest.document_limits import DEFAULT_MAX_CONVERT_SECONDS, DEFAULT_MAX_DOCUMENT_BYTES, DocumentLimits
from ingest.hrefs import lower_case_scheme
from ingest.secret_scan import catalog as secret_plugins
from ingest.secret_scan.policy import ScanPolicy, policy_of
from ingest.source_url import normalised_source_url, source_url_problem
from ingest.targets.articles.settings import ArticlesSettings
from ingest.targets.external_pages.settings import NAME as EXTERNAL_PAGES
from ingest.targets.registry import TARGETS, target_names

__all__ = [
    "EXTERNAL_PAGES",
    "ArticlesSettings",
    "AvailabilityRuleSettings",
    "IntercomSettings",
    "RunSettings",
    "SourceSettings",
    "StateSettings",
    "TargetName",
    "WatchSettings",
]

#: A name in the target registry (``ingest.targets.registry``), checked when settings are read.
TargetName = str


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IntercomSettings(_Section):
    """``[intercom]``: where and how to reach the API."""

    region: Region = Field(DEFAULT_REGION, description="Intercom data region.")
    base_url: str | None = Field(None, description="Any API root (an emulator, a proxy); wins over region.")
    api_version: ApiVersion = Field(
        DEFAULT_API_VERSION,
        description="The Intercom API version spoken (sent as the Intercom-Version header).",
    )
    max_concurrency: int = Field(
        DEFAULT_MAX_CONCURRENCY, ge=1, le=512, description="Requests in flight at once."
    )
    max_attempts: int = Field(
        DEFAULT_MAX_ATTEMPTS,
        ge=1,
        le=20,
        description="Tries per request on 5xx, time-outs and dropped connections.",
    )
    request_timeout: float = Field(
        DEFAULT_REQUEST_TIMEOUT, gt=0, le=600, description="Seconds one request may take."
    )
    connect_timeout: float = Field(
        DEFAULT_CONNECT_TIMEOUT,
        gt=0,
        le=600,
        description="Seconds to open a connection to the API; past them the attempt is retried.",
    )
    read_timeout: float = Field(
        DEFAULT_READ_TIMEOUT,
        gt=0,
        le=600,
        description="Seconds an answer may stay silent (before its first byte, or between two reads); "
        "past them the attempt is retried.",
    )
    token_file: ConfigPath | None = Field(
        None, description="A file holding the access token (used when INTERCOM_ACCESS_TOKEN is unset)."
    )
    rate_limit_share: float = Field(
        DEFAULT_RATE_LIMIT_SHARE,
        gt=0,
        le=1,
        description="The share of each rate-limit window (X-RateLimit-Limit) fin-ingest takes; the "
        "rest is left to the workspace's other apps.",
    )
    owner_tag_id: int | None = Field(
        None,
        description="The id of an existing tag put on every page, article and internal article fin-ingest "
        "owns, so teammates can filter them in the Knowledge Hub (API 2.16 or Preview).",
    )

    @field_validator("api_version", mode="before")
    @classmethod
    def _a_version_spoken(cls, value: object) -> object:
        # TOML reads `api_version = 2.16` (no quotes) as a number; "preview" means Preview.
        text = str(value) if isinstance(value, float | int) and not isinstance(value, bool) else value
        for version in SUPPORTED_API_VERSIONS:
            if isinstance(text, str) and text.strip().lower() == version.lower():
                return version
        supported = ", ".join(SUPPORTED_API_VERSIONS)
        raise ValueError(
            f"must be one of {supported} (the Intercom versions fin-ingest speaks), not {value!r}"
        )

    @field_validator("owner_tag_id", mode="before")
    @classmethod
    def _a_tag_id(cls, value: object) -> object:
        # A tag is named by its id (as update_tags takes it); a name or 0 is a likely slip.
        if value is None:
            return value
        text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else None
        if text is None or not text.isdigit() or int(text) < 1:
            raise ValueError(
                "must be the id of an existing tag (a positive number, e.g. 123456; not its name), "
                f"not {value!r}"
            )
        return int(text)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        value = lower_case_scheme(value) if value is not None else None
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value

    @model_validator(mode="after")
    def _timeouts_within_the_request(self) -> IntercomSettings:
        for key in ("connect_timeout", "read_timeout"):
            if getattr(self, key) > self.request_timeout:
                raise ValueError(
                    f"{key}: {getattr(self, key):g} s is above request_timeout ({self.request_timeout:g} s), "
                    "which bounds the whole request: lower it, or raise request_timeout"
                )
        return self

    @property
    def api_url(self) -> str:
        return self.base_url or REGION_URLS[self.region]


class StateSettings(_Section):
    """``[state]``: where fin-ingest remembers what it sent."""

    path: ConfigPath = Field(Path("ingest.db"), description="SQLite state file.")

    @field_validator("path")
    @classmethod
    def _a_file(cls, value: Path) -> Path:
        # Until it is resolved against the config folder, a relative path cannot be checked.
        if value.is_absolute():
            _check_state_file(value)
        return value


class RunSettings(_Section):
    """``[run]``: how a run (``run``, ``plan``, ``watch``) uses the machine."""

    jobs: int | None = Field(
        None,
        ge=1,
        le=256,
        description="Processes converting documents at once (default: the CPUs this process may use).",
    )


class CheckSettings(_Section):
    """``[check]``: what ``ingest check`` reports: its thresholds, and each rule's severity."""

    near_empty_chars: int = Field(
        200,
        ge=1,
        le=100_000,
        description="A page with text but fewer characters than this is near-empty (a stub).",
    )
    max_page_bytes: int = Field(
        200_000,
        ge=1_000,
        le=64 * 1024 * 1024,
        description="A page whose HTML (UTF-8) is larger than this is oversize.",
    )
    severity: dict[str, str] = Field(
        default_factory=dict,
        description="Per rule id, the severity its findings get (error, warning, note) or off.",
    )

    @field_validator("severity")
    @classmethod
    def _known_rules(cls, value: dict[str, str]) -> dict[str, str]:
        levels = [*(level.value for level in Severity), OFF]
        for rule, level in value.items():
            if rule not in RULES:
                raise ValueError(f"{rule!r} is no rule of ingest check (rules: {', '.join(RULES)})")
            if level not in levels:
                raise ValueError(f"{rule!r} = {level!r} is not a severity: use {', '.join(levels)}")
        return value


#: A host name as a resolver takes it: dot-separated labels of letters, digits and inner hyphens.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_NAME = re.compile(rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*")


class WatchSettings(_Section):
    """``[watch]``: how ``ingest watch`` batches changes, polls and retries."""

    debounce_ms: int = Field(
        150, ge=0, le=60_000, description="Quiet time after a source's last change before its batch starts."
    )
    max_batch_wait_ms: int = Field(
        2_000,
        ge=0,
        le=600_000,
        description="A batch starts at most this long after its first change, even while changes go on.",
    )
    poll_seconds: float = Field(
        30.0,
        gt=0,
        le=86_400,
        description="How often sources without file events are checked: a git ref fetched and compared; "
        "another connector's source synced incrementally. Also how often a batch reads its Content "
        "Import Source before writing (and after any failure).",
    )
    retry_min_seconds: float = Field(
        1.0, gt=0, le=3_600, description="First wait before retrying a batch that failed (doubles each time)."
    )
    retry_max_seconds: float = Field(
        60.0, gt=0, le=86_400, description="Longest wait between retries of a failed batch."
    )
    lock_wait_seconds: float = Field(
        5.0, ge=0, le=3_600, description="How long a batch waits for a source another ingest process syncs."
    )
    shutdown_grace_seconds: float = Field(
        3.0, ge=0, le=600, description="On SIGINT/SIGTERM, how long a running batch may take to finish."
    )
    check_seconds: float = Field(
        300.0,
        gt=0,
        le=86_400,
        description="How often each source's check of what Intercom holds (the one read of a run) is "
        "made after the start-up sync, changes or not; batches in between do not pay for it.",
    )
    metrics_port: int | None = Field(
        None,
        ge=0,
        le=65_535,
        description="Serve Prometheus metrics, /healthz and /readyz on this port (0: any free port); "
        "unset: not served. `ingest watch --metrics-port` overrides it.",
    )
    metrics_address: str = Field(
        "127.0.0.1",
        description="The address the metrics port is bound to: 0.0.0.0 (or ::) in a container or pod, "
        "so that probes and Prometheus reach it.",
    )
    stuck_seconds: float = Field(
        300.0,
        gt=0,
        le=604_800,
        description="/readyz answers 503 once a source's batches have failed (and been retried) for longer.",
    )

    @field_validator("metrics_address")
    @classmethod
    def _address(cls, value: str) -> str:
        value = value.strip()
        try:
            ipaddress.ip_address(value)
        except ValueError:
            if not _HOST_NAME.fullmatch(value):
                raise ValueError(
                    f"must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name, not {value!r}"
                ) from None
        return value

    @model_validator(mode="after")
    def _ordered(self) -> WatchSettings:
        if self.retry_max_seconds < self.retry_min_seconds:
            raise ValueError("retry_max_seconds: must not be below retry_min_seconds")
        return self


#: What a rule may compare a front matter key with: a value, or a list of values (any of them).
FrontMatterValue = str | int | float | bool | list[str | int | float | bool]


class AvailabilityRuleSettings(_Section):
    """One ``[[sources.<name>.availability]]`` table: which documents, and which Fin surfaces may use them."""

    paths: tuple[str, ...] = Field(
        (), description="Globs of document paths the rule matches (any of them); none: every path."
    )
    front_matter: dict[str, FrontMatterValue] = Field(
        {}, description="Front matter keys and the value each must have (a list: any of them)."
    )
    ai_agent: bool | None = Field(None, description="Whether Fin (AI Agent) may use the documents matched.")
    ai_copilot: bool | None = Field(None, description="Whether Copilot may use the documents matched.")
    ai_sales_agent: bool | None = Field(
        None, description="Whether Fin for sales may use the documents matched (API 2.16 or Preview)."
    )

    @field_validator("paths")
    @classmethod
    def _relative_globs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            if pattern.startswith("!"):
                raise ValueError(f'"{pattern}" cannot be negated here; write a later rule for the exception')
            _check_glob(pattern)
        return value

    @field_validator("front_matter", mode="before")
    @classmethod
    def _plain_values(cls, value: object) -> object:
        if isinstance(value, dict):
            for key, wanted in value.items():
                items = wanted if isinstance(wanted, list) else [wanted]
                if not items or not all(isinstance(item, str | int | float | bool) for item in items):
                    raise ValueError(
                        f"{key}: must be a value (text, a number, true or false) or a list of them, "
                        f"not {wanted!r}"
                    )
        return value

    @model_validator(mode="after")
    def _says_something(self) -> AvailabilityRuleSettings:
        if not self.paths and not self.front_matter:
            raise ValueError("a rule needs paths, front_matter or both, to say which documents it matches")
        if self.ai_agent is None and self.ai_copilot is None and self.ai_sales_agent is None:
            raise ValueError("a rule needs at least one of ai_agent, ai_copilot and ai_sales_agent")
        return self

    def rule(self) -> AvailabilityRule:
        return AvailabilityRule(
            paths=self.paths,
            front_matter=tuple((key, comparable(value)) for key, value in self.front_matter.items()),
            sets=Availability(self.ai_agent, self.ai_copilot, self.ai_sales_agent),
        )


class SourceSettings(BaseModel):
    """``[sources.<name>]``: the keys every source has; the rest belong to its connector."""

    model_config = ConfigDict(extra="allow", frozen=True)

    connector: str = Field(description="Connector name, e.g. filesystem.")
    targets: tuple[TargetName, ...] = Field(
        (EXTERNAL_PAGES,),
        min_length=1,
        description=f"What the documents become: {', '.join(target_names())}.",
    )
    url: str | None = Field(
        None,
        description="Root URL of the Content Import Source the External Pages live under: http(s), "
        "on a public domain name.",
    )
    include: tuple[str, ...] = Field(("**",), description="Globs of document paths to take.")
    exclude: tuple[str, ...] = Field((), description="Globs of document paths to leave out.")
    url_template: str | None = Field(
        None, description="Public link of a document, e.g. https://host/blob/main/{path}."
    )
    ai_agent: bool = Field(True, description="Fin (AI Agent) may answer from these pages.")
    ai_copilot: bool = Field(True, description="Copilot may answer from these pages.")
    ai_sales_agent: bool = Field(
        False, description="Fin for sales may answer from these pages (API 2.16 or Preview)."
    )
    availability: tuple[AvailabilityRuleSettings, ...] = Field(
        (),
        description="Rules by path glob or front matter over ai_agent, ai_copilot and ai_sales_agent; "
        "later rules win, and rules win over a document's own front matter.",
    )
    audiences: tuple[str, ...] | None = Field(
        None,
        description="Names of the audiences the Content Import Source's pages are shown to (API Preview); "
        "absent: left as they are in Intercom, empty: none.",
    )
    audience_ids: tuple[int, ...] | None = Field(
        None, description="The same by id, in any API version; absent: left as they are in Intercom."
    )
    create_audiences: bool = Field(
        False, description="Create an audience named in audiences that is missing."
    )
    max_delete_share: float = Field(
        0.5, ge=0.0, le=1.0, description="Largest share of a source's pages one run may delete."
    )
    on_delete: Literal["delete", "withdraw"] = Field(
        "delete",
        description='What becomes of the page of a document gone from the source: "delete" it, or '
        '"withdraw" it (unavailable to every Fin surface, deleted after withdraw_days, the same page '
        "back if the document returns; External Pages, API 2.16 or Preview).",
    )
    withdraw_days: float = Field(
        30.0,
        description='Days a withdrawn page stays in Intercom before it is deleted (on_delete = "withdraw").',
    )
    max_document_bytes: int = Field(
        DEFAULT_MAX_DOCUMENT_BYTES,
        ge=1024,
        le=64 * 1024 * 1024,
        description="Largest document, and largest HTML it may convert to, in bytes (UTF-8); a larger "
        "one fails alone.",
    )
    max_convert_seconds: float = Field(
        DEFAULT_MAX_CONVERT_SECONDS,
        gt=0,
        le=3_600,
        description="Seconds one document may take to convert; a slower one fails alone.",
    )

    scan_secrets: bool = Field(
        True, description="Scan every converted document for secrets; one with a finding is not sent."
    )
    secrets_plugins_off: tuple[str, ...] = Field(
        (), description="detect-secrets plugins (class names) this source's scan leaves out."
    )
    secrets_plugins_on: tuple[str, ...] = Field(
        (), description="Plugins off by default (the generic ones) this source's scan uses."
    )
    secrets_baseline: str | None = Field(
        None,
        description="A detect-secrets baseline in the source (relative path) whose secrets are accepted.",
    )

    @property
    def document_limits(self) -> DocumentLimits:
        """What one document of this source may cost to convert."""
        return DocumentLimits(self.max_document_bytes, self.max_convert_seconds)

    @property
    def scan_policy(self) -> ScanPolicy:
        """How this source's documents are scanned for secrets (its baseline not read yet)."""
        return policy_of(
            enabled=self.scan_secrets,
            off=frozenset(self.secrets_plugins_off),
            on=frozenset(self.secrets_plugins_on),
            baseline_path=self.secrets_baseline,
        )

    @field_validator("secrets_plugins_off", "secrets_plugins_on")
    @classmethod
    def _known_plugins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if name not in secret_plugins.ALL]
        if unknown:
            raise ValueError(
                f"{unknown[0]!r} is no secret scanning plugin; `ingest scan --plugins` lists them"
            )
        return value

    @field_validator("secrets_baseline")
    @classmethod
    def _baseline_inside(cls, value: str | None) -> str | None:
        if value is None:
            return None
        path = PurePosixPath(value.replace("\\", "/"))
        if not value.strip() or path.is_absolute() or ".." in path.parts:
            raise ValueError(
                "must be a path relative to the source's root that stays inside it, e.g. .secrets.baseline"
            )
        return str(path)

    def availability_rules(self) -> AvailabilityRules:
        """The ``availability`` rules, in order."""
        return AvailabilityRules([rule.rule() for rule in self.availability])

    @field_validator("url")
    @classmethod
    def _source_url(cls, value: str | None) -> str | None:
        problem = None if value is None else source_url_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return None if value is None else normalised_source_url(value)

    @field_validator("url_template")
    @classmethod
    def _public_link(cls, value: str | None) -> str | None:
        value = lower_case_scheme(value) if value is not None else None
        if value is not None and not _is_http_url(value):
            raise ValueError(
                "must be an http(s) URL, e.g. https://host/blob/main/{path} (it is each page's public link)"
            )
        return value

    @field_validator("include", "exclude")
    @classmethod
    def _relative_globs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            _check_glob(pattern)
        return value

    @field_validator("on_delete", mode="before")
    @classmethod
    def _a_way_to_delete(cls, value: object) -> object:
        if value not in ("delete", "withdraw"):
            raise ValueError(f'must be "delete" or "withdraw", not {value!r}')
        return value

    @field_validator("withdraw_days", mode="before")
    @classmethod
    def _a_positive_number_of_days(cls, value: object) -> object:
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        if number is None or not math.isfinite(number) or number <= 0:
            raise ValueError(
                f"must be a positive number of days (e.g. 30, or 0.5 for twelve hours), not {value!r}"
            )
        return value

    @model_validator(mode="after")
    def _withdraw_where_it_can(self) -> SourceSettings:
        if self.on_delete == "withdraw":
            others = [name for name in self.targets if name != EXTERNAL_PAGES]
            if others:
                raise ValueError(
                    f'on_delete: "withdraw" keeps the pages of the {EXTERNAL_PAGES} target only, and targets '
                    f'also lists "{others[0]}"; set on_delete = "delete", or sync that target from a source '
                    "of its own"
                )
        elif "withdraw_days" in self.model_fields_set:
            raise ValueError('withdraw_days: set, but on_delete is "delete" (set on_delete = "withdraw")')
        return self

    @field_validator("audiences")
    @classmethod
    def _audience_names(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and any(not name.strip() for name in value):
            raise ValueError("an audience name cannot be empty")
        return None if value is None else tuple(dict.fromkeys(value))

    @model_validator(mode="after")
    def _audiences_of_pages(self) -> SourceSettings:
        if self.audiences is not None and self.audience_ids is not None:
            raise ValueError("audience_ids: set, as is audiences; name the audiences one way")
        for key in ("audiences", "audience_ids"):
            if getattr(self, key) is not None and EXTERNAL_PAGES not in self.targets:
                raise ValueError(
                    f"{key}: audiences are those of the Content Import Source of External Pages, "
                    f'and targets does not include "{EXTERNAL_PAGES}"'
                )
        if self.create_audiences and self.audiences is None:
            raise ValueError("create_audiences: set, but audiences names none")
        return self

    @field_validator("targets")
    @classmethod
    def _known_and_distinct(cls, value: tuple[TargetName, ...]) -> tuple[TargetName, ...]:
        known = target_names()
        for name in value:
            if name not in known:
                raise ValueError(f'unknown target "{name}"; the targets are {", ".join(known)}')
        return tuple(dict.fromkeys(value))

    @model_validator(mode="after")
    def _targets_configured(self) -> SourceSettings:
        extra = self.model_extra or {}
        for spec in TARGETS:
            listed = spec.name in self.targets
            problem = spec.check(self) if listed else None
            if problem:
                raise ValueError(problem)
            if spec.settings_model is None:
                continue
            if listed and spec.name not in extra:
                table = f"[sources.<name>.{spec.name}]"
                raise ValueError(f'{spec.name}: a {table} table is required for the "{spec.name}" target')
            if not listed and spec.name in extra:
                raise ValueError(f'{spec.name}: set, but targets does not include "{spec.name}"')
        return self

    def target_tables(self) -> dict[str, Any]:
        """The ``[sources.<name>.<target>]`` tables of the listed targets, as read (not validated)."""
        extra = self.model_extra or {}
        return {
            spec.name: extra[spec.name]
            for spec in TARGETS
            if spec.settings_model is not None and spec.name in self.targets and spec.name in extra
        }

    def connector_keys(self) -> dict[str, Any]:
        """The keys this model does not know that are not target tables: the connector's options."""
        tables = target_table_keys()
        return {key: value for key, value in (self.model_extra or {}).items() if key not in tables}


def target_table_keys() -> frozenset[str]:
    """The keys of ``[sources.<name>]`` that are a target's own table (``[sources.<name>.articles]``)."""
    return frozenset(spec.name for spec in TARGETS if spec.settings_model is not None)


def _is_http_url(value: str) -> bool:
    """http:// or https:// and a host; placeholders such as ``{ref}`` may stand in for any part."""
    scheme, separator, rest = value.partition("://")
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    return bool(separator) and scheme in ("http", "https") and bool(host)


def _check_state_file(path: Path) -> None:
    """Refuse a state path that is a folder, or lies below a file; the rest shows when it is opened."""
    try:
        if path.is_dir():
            raise ValueError(f"{path} is a folder; name a file in it, e.g. {path / 'ingest.db'}")
        existing = next(parent for parent in path.parents if parent.exists())
    except OSError:
        return  # e.g. a folder we may not look into: opening the state file says why
    if not existing.is_dir():
        raise ValueError(f"{existing} is a file, so {path} cannot be created")


def _check_glob(pattern: str) -> None:
    """Refuse a glob that can never match: document paths are relative, like ``guides/setup.md``."""
    negation = "!" if pattern.startswith("!") else ""  # "!" negates a pattern (wcmatch NEGATE)
    body = pattern.removeprefix(negation)
    lead = next((lead for lead in ("../", "./", "/") if body.startswith(lead)), None)
    if lead is None:
        return
    hint = ""
    if lead != "../":
        rest = body
        while rest.startswith(("/", "./")):
            rest = rest.removeprefix("./").lstrip("/")
        hint = f' (write "{negation}{rest}")'
    raise ValueError(
        f'"{pattern}" never matches: document paths are relative to the source, '
        f'with no leading "{lead}"{hint}'
    )
