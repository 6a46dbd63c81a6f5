"""The workspace a token belongs to, as `GET /me` answers it, said in one line."""

from __future__ import annotations

from ingest.config import IntercomSettings, Settings, StateSettings
from ingest.workspace import describe_workspace, workspace_from


def settings(**intercom: str) -> Settings:
    return Settings(
        intercom=IntercomSettings(**intercom), state=StateSettings(), sources={}, config_file=None
    )


ME = {
    "type": "admin",
    "email": "ops@acme.example",
    "app": {"type": "app", "id_code": "abc123", "name": "Acme"},
}


def test_the_workspace_name_id_and_region_are_said() -> None:
    """The app's name, id code and region, as answered."""
    answer = {**ME, "app": {**ME["app"], "region": "US"}}
    assert describe_workspace(workspace_from(answer), settings()) == (
        "token ok: workspace Acme (app id abc123), region US"
    )


def test_a_region_other_than_the_configured_one_is_pointed_out() -> None:
    """An EU workspace answering while region is "us" names the key to set; with base_url nothing is said."""
    answer = {**ME, "app": {**ME["app"], "region": "EU"}}
    assert describe_workspace(workspace_from(answer), settings()).endswith(
        '; intercom.region is "us": set region = "eu"'
    )
    assert describe_workspace(workspace_from(answer), settings(base_url="http://127.0.0.1:1")).endswith(
        "region EU"
    )


def test_an_answer_without_app_or_region_still_reads() -> None:
    """A /me answer lacking the app (or its region) says so rather than failing."""
    assert describe_workspace(workspace_from({"type": "admin"}), settings()) == (
        "token ok: workspace (unnamed) (app id (no id)), region not given"
    )
