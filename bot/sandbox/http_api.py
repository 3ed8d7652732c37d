"""The bot-facing front of the emulator: the Bot API over HTTP, as api.telegram.org serves it.

aiogram connects with `AiohttpSession(api=TelegramAPIServer.from_base(base_url))`: methods at
`/bot<token>/<method>` (form-encoded, multipart or JSON parameters), files at
`/file/bot<token>/<file_path>`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from aiohttp import BodyPartReader, web

from bot.sandbox.emulator import ApiError, DroppedConnection, Emulator, Upload

# Headroom over the 50 MB upload limit so that the emulator, not aiohttp, refuses big files.
_BODY_HEADROOM = 1024 * 1024


def create_app(emulator: Emulator) -> web.Application:
    app = web.Application(client_max_size=emulator.limits.max_upload_bytes + _BODY_HEADROOM)

    async def api_method(request: web.Request) -> web.StreamResponse:
        if not emulator.authorize(request.match_info["token"]):
            return _error(ApiError(HTTPStatus.UNAUTHORIZED, "Unauthorized"))
        try:
            params, uploads = await _read_parameters(request)
        except web.HTTPRequestEntityTooLarge:
            return _error(ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large"))
        except ValueError:
            return _error(ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: can't parse request parameters"))
        try:
            result = await emulator.call(request.match_info["method"], params, uploads)
        except ApiError as error:
            return _error(error)
        except DroppedConnection:
            _drop(request)
            raise web.HTTPInternalServerError() from None  # never written: the socket is gone
        return web.json_response({"ok": True, "result": result})

    async def file_download(request: web.Request) -> web.StreamResponse:
        if not emulator.authorize(request.match_info["token"]):
            return _error(ApiError(HTTPStatus.UNAUTHORIZED, "Unauthorized"))
        try:
            stored = await emulator.download(request.match_info["file_path"])
        except ApiError as error:
            return _error(error)
        except DroppedConnection:
            _drop(request)
            raise web.HTTPInternalServerError() from None
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")

    app.router.add_route("*", "/bot{token}/{method}", api_method)
    app.router.add_get("/file/bot{token}/{file_path:.+}", file_download)
    return app


class EmulatorServer:
    """Serves an emulator on a local port for the bot to poll."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self._runner: web.AppRunner | None = None
        self.base_url: str | None = None

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start listening (port 0: any free port); returns the base URL, e.g. http://127.0.0.1:PORT."""
        runner = web.AppRunner(create_app(self.emulator), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_host, bound_port = runner.addresses[0][:2]
        self.base_url = f"http://{bound_host}:{bound_port}"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is None:
            return
        self.emulator.release_pollers()  # a waiting long poll would hold the shutdown
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> str:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()


async def _read_parameters(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    params: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method != "POST" or not request.body_exists:
        return params, uploads
    if request.content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                data = bytes(await part.read(decode=True))
                uploads[part.name] = Upload(part.filename, data, part.headers.get("Content-Type"))
            else:
                params[part.name] = await part.text()
    elif request.content_type == "application/json":
        body = await request.json()
        if not isinstance(body, Mapping):
            raise ValueError("a JSON body must be an object")
        params.update(body)
    else:
        form = await request.post()
        params.update({key: value for key, value in form.items() if isinstance(value, str)})
    return params, uploads


def _error(error: ApiError) -> web.Response:
    return web.json_response(error.body(), status=error.status, dumps=json.dumps)


def _drop(request: web.Request) -> None:
    """Close the socket without an answer: the client sees a disconnection (an injected fault)."""
    if request.transport is not None:
        request.transport.abort()
