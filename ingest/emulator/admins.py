"""Admins: ``GET /me`` (the first configured admin, with its workspace) and ``GET /admins``."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ingest.emulator.config import EmulatorAdmin
from ingest.emulator.context import state_of
from ingest.emulator.help_center_shapes import WORKSPACE_ID

routes = web.RouteTableDef()

APP_ID_CODE = WORKSPACE_ID


def admin_api(admin: EmulatorAdmin) -> dict[str, Any]:
    """The ``admin`` JSON object."""
    return {
        "type": "admin",
        "id": str(admin.id),
        "email": admin.email,
        "name": admin.name,
        "away_mode_enabled": False,
        "away_mode_reassign": False,
        "has_inbox_seat": True,
        "team_ids": [],
    }


@routes.get("/me")
async def me(request: web.Request) -> web.Response:
    """``admin_with_app``: the admin the token belongs to, with its workspace."""
    state = state_of(request)
    return web.json_response(
        {
            **admin_api(state.config.admins[0]),
            "email_verified": True,
            "app": {
                "type": "app",
                "id_code": APP_ID_CODE,
                "name": "fin-ingest emulator",
                "created_at": state.started_at,
                "secure": False,
                "identity_verification": False,
                "timezone": "UTC",
                "region": "US",
            },
            "avatar": {"type": "avatar", "image_url": None},
        }
    )


@routes.get("/admins")
async def list_admins(request: web.Request) -> web.Response:
    """``admin_list``: every configured admin (the ids articles may name as ``author_id``)."""
    admins = [admin_api(admin) for admin in state_of(request).config.admins]
    return web.json_response({"type": "admin.list", "admins": admins})
