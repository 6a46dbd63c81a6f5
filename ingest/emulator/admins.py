"""Admins: ``GET /me``, so a client can check its token before a run."""

from __future__ import annotations

from aiohttp import web

from ingest.emulator.context import state_of

routes = web.RouteTableDef()

ADMIN_ID = "1"
APP_ID_CODE = "emulator"


@routes.get("/me")
async def me(request: web.Request) -> web.Response:
    """``admin_with_app``: the admin the token belongs to, with its workspace."""
    created_at = state_of(request).started_at
    return web.json_response(
        {
            "type": "admin",
            "id": ADMIN_ID,
            "email": "emulator@example.com",
            "name": "Emulator Admin",
            "email_verified": True,
            "away_mode_enabled": False,
            "away_mode_reassign": False,
            "has_inbox_seat": True,
            "team_ids": [],
            "app": {
                "type": "app",
                "id_code": APP_ID_CODE,
                "name": "fin-ingest emulator",
                "created_at": created_at,
                "secure": False,
                "identity_verification": False,
                "timezone": "UTC",
                "region": "US",
            },
            "avatar": {"type": "avatar", "image_url": None},
        }
    )
