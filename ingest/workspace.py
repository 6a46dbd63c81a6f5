"""The workspace an access token belongs to, read with ``GET /me``: its app's name, id and region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ingest.config import Settings


@dataclass(frozen=True)
class Workspace:
    """What ``GET /me`` says of the token's workspace (``app``) and admin."""

    name: str
    app_id: str
    region: str | None
    admin_email: str | None


def workspace_from(me: dict[str, Any]) -> Workspace:
    found = me.get("app")
    app: dict[str, Any] = found if isinstance(found, dict) else {}
    region = app.get("region")
    email = me.get("email")
    return Workspace(
        name=str(app.get("name") or "(unnamed)"),
        app_id=str(app.get("id_code") or "(no id)"),
        region=region if isinstance(region, str) and region else None,
        admin_email=email if isinstance(email, str) else None,
    )


async def workspace_of(settings: Settings) -> Workspace:
    """The token's workspace; a refused token raises the client's AuthError (one sentence, exit 2)."""
    from ingest.runner import make_client

    async with make_client(settings) as client:
        return workspace_from(await client.me())


def describe_workspace(workspace: Workspace, settings: Settings) -> str:
    """``token ok: workspace Acme (app id abc123), region US``, and a hint when the region differs."""
    region = workspace.region or "not given"
    line = f"token ok: workspace {workspace.name} (app id {workspace.app_id}), region {region}"
    configured = settings.intercom.region
    if (
        settings.intercom.base_url is None
        and workspace.region is not None
        and workspace.region.lower() != configured
    ):
        line += f'; intercom.region is "{configured}": set region = "{workspace.region.lower()}"'
    return line
