"""Configuration: a TOML file, overridden by environment variables, validated up front.

Precedence, highest first: ``INGEST_*`` environment variables (nested keys joined by
``__``, e.g. ``INGEST_INTERCOM__BASE_URL``), then the TOML file (``--config PATH``,
else ``./ingest.toml``), then defaults. The access token comes only from
``INTERCOM_ACCESS_TOKEN`` or a secrets file named by ``intercom.token_file``; it is
refused in the TOML file, which tends to end up in version control.

Every mistake becomes one :class:`~ingest.errors.ConfigError` line naming the key.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from ingest.api_defaults import TOKEN_ENV
from ingest.api_versions import features_of
from ingest.config_env import env_parse_error
from ingest.config_messages import plain_message
from ingest.connector import ConnectorOptions
from ingest.errors import ConfigError
from ingest.notify_settings import NotifySettings
from ingest.settings import (
    EXTERNAL_PAGES,
    ArticlesSettings,
    CheckSettings,
    IntercomSettings,
    RunSettings,
    SourceSettings,
    StateSettings,
    WatchSettings,
)
from ingest.targets.registry import TARGETS, target_spec

__all__ = [
    "ArticlesSettings",
    "CheckSettings",
    "IntercomSettings",
    "NotifySettings",
    "RunSettings",
    "Settings",
    "Source",
    "SourceSettings",
    "StateSettings",
    "WatchSettings",
    "load_settings",
    "section_fields",
]

DEFAULT_CONFIG_FILE = "ingest.toml"
TOKEN_FILE_KEY = "intercom.token_file"  # noqa: S105 - a key name, not a token
#: Keys that would put the secret in the file; refused with a pointer to the right place.
_TOKEN_KEYS = ("token", "access_token", "intercom_access_token")
_ENV_PREFIX, _ENV_DELIMITER = "INGEST_", "__"


class _EnvSettings(EnvSettingsSource):
    """The ``INGEST_*`` variables, a target's table read by the table's model.

    A target's table (``[sources.<name>.articles]``) is not a field of :class:`SourceSettings`;
    without this, pydantic-settings would decode every value under it as JSON, so that
    ``INGEST_SOURCES__DOCS__ARTICLES__COLLECTION=2024`` became a number its string key refuses.
    """

    def next_field(
        self, field: FieldInfo | Any | None, key: str, case_sensitive: bool | None = None
    ) -> FieldInfo | None:
        annotation = field.annotation if isinstance(field, FieldInfo) else field
        if annotation is SourceSettings:
            tables = {spec.name: spec.settings_model for spec in TARGETS if spec.settings_model is not None}
            if key in tables:
                table: Any = tables[key] | None  # absent, as the model's own field would be
                return FieldInfo.from_annotation(table)
        return super().next_field(field, key, case_sensitive)


class _FileSettings(BaseSettings):
    """The raw settings: TOML values passed in, environment on top."""

    model_config = SettingsConfigDict(
        env_prefix=_ENV_PREFIX, env_nested_delimiter=_ENV_DELIMITER, extra="forbid", frozen=True
    )

    intercom: IntercomSettings = IntercomSettings()
    state: StateSettings = StateSettings()
    run: RunSettings = RunSettings()
    watch: WatchSettings = WatchSettings()
    check: CheckSettings = CheckSettings()
    notify: NotifySettings = NotifySettings()
    sources: dict[str, SourceSettings] = Field(default_factory=dict)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML file arrives as init values; the environment must win over it.
        return (_EnvSettings(settings_cls), init_settings)


def section_fields() -> dict[str, FieldInfo]:
    """The file's tables other than ``[sources.*]``, as the loader reads them (the schema's source)."""
    return {name: info for name, info in _FileSettings.model_fields.items() if name != "sources"}


@dataclass(frozen=True)
class Source:
    """One configured source, its connector options validated."""

    name: str
    settings: SourceSettings
    options: ConnectorOptions
    #: The validated ``[sources.<name>.<target>]`` table of each listed target that has one.
    target_tables: Mapping[str, BaseModel] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    """The whole validated configuration."""

    intercom: IntercomSettings
    state: StateSettings
    sources: Mapping[str, Source]
    config_file: Path | None
    watch: WatchSettings = field(default_factory=WatchSettings)
    run: RunSettings = field(default_factory=RunSettings)
    check: CheckSettings = field(default_factory=CheckSettings)
    notify: NotifySettings = field(default_factory=NotifySettings)

    def access_token(self) -> SecretStr:
        """The token from the environment, else from ``intercom.token_file``."""
        token = os.environ.get(TOKEN_ENV, "").strip()
        if token:
            return SecretStr(token)
        token_file = self.intercom.token_file
        if token_file is None:
            raise ConfigError(
                f"no access token: set {TOKEN_ENV} or intercom.token_file (a file holding the token)"
            )
        return SecretStr(_read_token_file(token_file))

    def with_jobs(self, jobs: int | None) -> Settings:
        """These settings with ``[run] jobs`` given on the command line (None: as configured)."""
        return self if jobs is None else replace(self, run=self.run.model_copy(update={"jobs": jobs}))

    def select(self, names: list[str] | None) -> list[Source]:
        """The named sources in the given order, or all of them (sorted) when ``names`` is None."""
        if names is None:
            return [self.sources[name] for name in sorted(self.sources)]
        unknown = [name for name in names if name not in self.sources]
        if unknown:
            known = ", ".join(sorted(self.sources)) or "none configured"
            raise ConfigError(f"unknown source {unknown[0]!r} (configured: {known})")
        return [self.sources[name] for name in dict.fromkeys(names)]


def token_origin() -> str:
    """Where :meth:`Settings.access_token` takes the token from: the variable when set, else the file."""
    return TOKEN_ENV if os.environ.get(TOKEN_ENV, "").strip() else TOKEN_FILE_KEY


def token_fix() -> str:
    """How to fix a refused token, where :meth:`Settings.access_token` takes it from."""
    if token_origin() == TOKEN_ENV:
        return f"set {TOKEN_ENV} to a valid token"
    return (
        f"the token was read from the file {TOKEN_FILE_KEY} names: "
        "replace the token in that file with a valid one"
    )


def _read_token_file(path: Path) -> str:
    # The value of token_file is never echoed, nor chained into a traceback (``from None``):
    # a token pasted there by mistake would be printed back otherwise.
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(f"{TOKEN_FILE_KEY}: the file it names cannot be read: {reason}") from None
    except UnicodeDecodeError:
        raise ConfigError(
            f"{TOKEN_FILE_KEY}: the file it names is not UTF-8 text; it must hold only the token"
        ) from None
    if not token:
        raise ConfigError(f"{TOKEN_FILE_KEY}: the file it names is empty")
    return token


def _format_validation_error(exc: ValidationError, prefix: str = "") -> str:
    first = exc.errors()[0]
    parts = [*(prefix.split(".") if prefix else []), *(str(part) for part in first["loc"])]
    location = ".".join(parts)
    # A model that hides its input (a git repo URL may hold a password) still hands it to
    # errors(); only its printed form, which leaves input_value out, tells.
    # So does [notify] when read as part of the whole file (a nested model's config does not
    # reach the outer error): a URL written where a table or a format belongs is the secret.
    hidden = parts[:1] == ["notify"]
    message = plain_message(first, show_input="input_value=" in str(exc) and not hidden)
    # A check across keys names its key first ("url: required for ..."): put it in the location.
    named = re.match(r"(\w+): (.+)", message) if first["type"] == "value_error" else None
    if named:
        parts.append(named.group(1))
        location, message = ".".join(parts), named.group(2)
    if first["type"] == "extra_forbidden":
        message = "unknown key"
    elif first["type"] == "missing":
        message = "required key is missing"
    return f"{location}: {message}" if location else message


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} not found (pass --config PATH)") from exc
    except OSError as exc:
        raise ConfigError(f"config file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def _refuse_token_in_file(raw: Mapping[str, Any], path: Path) -> None:
    intercom = raw.get("intercom")
    if isinstance(intercom, Mapping):
        for key in _TOKEN_KEYS:
            if key in intercom:
                raise ConfigError(
                    f"intercom.{key} in {path}: the token must not be kept in the config file; "
                    f"set {TOKEN_ENV} or point intercom.token_file at a secrets file"
                )


def _validate_source(name: str, settings: SourceSettings, base_dir: Path) -> Source:
    from ingest.registry import load_connector, url_variables  # imported late: plugins load only when used

    try:
        factory = load_connector(settings.connector)
    except ConfigError as exc:
        raise ConfigError(f"sources.{name}.connector: {exc}") from exc
    try:
        options = factory.options_model.model_validate(
            settings.connector_keys(), context={"base_dir": base_dir}
        )
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(exc, f"sources.{name}")) from exc
    tables = {}
    for target, table in settings.target_tables().items():
        model = target_spec(target).settings_model
        assert model is not None, "only targets with a settings model have a table"
        try:
            tables[target] = model.model_validate(table, context={"base_dir": base_dir})
        except ValidationError as exc:
            raise ConfigError(_format_validation_error(exc, f"sources.{name}.{target}")) from exc
    if settings.url_template is not None:
        from ingest.convert import LinkBuilder

        try:
            LinkBuilder.check(settings.url_template, set(url_variables(factory)))
        except ValueError as exc:
            raise ConfigError(f"sources.{name}.url_template: {exc}") from exc
    return Source(name=name, settings=settings, options=options, target_tables=tables)


def _refuse_shared_import_sources(sources: Mapping[str, Source]) -> None:
    """Two sources on one Content Import Source would each delete the other's pages as gone."""
    owner: dict[str, str] = {}
    for name, source in sources.items():
        url = source.settings.url
        if url is None or EXTERNAL_PAGES not in source.settings.targets:
            continue
        if url in owner:
            raise ConfigError(
                f"sources.{name}.url: {url} is already the url of sources.{owner[url]}; each source "
                "needs a Content Import Source of its own"
            )
        owner[url] = name


def _refuse_what_the_version_cannot(intercom: IntercomSettings, sources: Mapping[str, Source]) -> None:
    """Keys that ask what the configured API version cannot do: refused before anything runs."""
    features = features_of(intercom.api_version)  # one the settings took (else refused there)
    if intercom.owner_tag_id is not None and not features.content_tags:
        raise ConfigError(
            f"intercom.owner_tag_id: Intercom API {features.version} cannot tag content (tags are put on "
            "pages and articles with bulk actions, from 2.16); set intercom.api_version to 2.16 or "
            "Preview, or remove the key"
        )
    for name, source in sources.items():
        if source.settings.ai_sales_agent and not features.fin_for_sales:
            raise ConfigError(
                f"sources.{name}.ai_sales_agent: Intercom API {features.version} cannot make content "
                "available to Fin for sales; set intercom.api_version to 2.16 or Preview"
            )
        if source.settings.on_delete == "withdraw" and not features.bulk_actions:
            raise ConfigError(
                f'sources.{name}.on_delete: "withdraw" needs a bulk action to make a page unavailable, '
                f"which Intercom API {features.version} lacks (and a page can be changed there only by "
                "sending its whole html again, which a document gone no longer has); set "
                'intercom.api_version to 2.16 or Preview, or on_delete = "delete"'
            )
        if source.settings.audiences is not None and not features.audiences:
            raise ConfigError(
                f"sources.{name}.audiences: Intercom API {features.version} cannot look audiences up by "
                "name (it has no /audiences); set intercom.api_version to Preview, or name them by id "
                "with audience_ids"
            )
        for position, rule in enumerate(source.settings.availability):
            if rule.ai_sales_agent and not features.fin_for_sales:
                raise ConfigError(
                    f"sources.{name}.availability.{position}.ai_sales_agent: Intercom API "
                    f"{features.version} cannot make content available to Fin for sales; set "
                    "intercom.api_version to 2.16 or Preview"
                )
        for target, table in source.target_tables.items():
            problem = target_spec(target).check_version(source.settings, table, features)
            if problem:
                raise ConfigError(f"sources.{name}.{target}.{problem}")


def load_settings(config_file: Path | None = None) -> Settings:
    """Read, merge and validate the configuration; raise ConfigError with one clear line."""
    explicit = config_file is not None
    path = config_file if explicit else Path(DEFAULT_CONFIG_FILE)
    assert path is not None
    raw: dict[str, Any] = {}
    if explicit or path.exists():
        raw = _read_toml(path)
        _refuse_token_in_file(raw, path)
    base_dir = (path.parent if path.exists() else Path.cwd()).resolve()
    context = {"base_dir": base_dir}
    try:
        merged = _FileSettings(**raw)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(exc)) from exc
    except SettingsError as exc:
        raise env_parse_error(exc, _FileSettings, prefix=_ENV_PREFIX, delimiter=_ENV_DELIMITER) from exc
    # Re-validate with the config folder as context so relative paths resolve against it.
    try:
        intercom = IntercomSettings.model_validate(merged.intercom.model_dump(), context=context)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(exc, "intercom")) from exc
    try:
        state = StateSettings.model_validate(merged.state.model_dump(), context=context)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(exc, "state")) from exc
    try:
        notify = NotifySettings.model_validate(merged.notify.model_dump(), context=context)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(exc, "notify")) from exc
    sources = {name: _validate_source(name, settings, base_dir) for name, settings in merged.sources.items()}
    _refuse_shared_import_sources(sources)
    _refuse_what_the_version_cannot(intercom, sources)
    return Settings(
        intercom=intercom,
        state=state,
        sources=sources,
        config_file=path.resolve() if path.exists() else None,
        watch=merged.watch,
        run=merged.run,
        check=merged.check,
        notify=notify,
    )
