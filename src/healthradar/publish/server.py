"""`healthradar serve`: the built outputs and a read-only JSON API, on 127.0.0.1 by default.

The app only reads files that the build wrote (`out/`): pages, exports and the JSON twins of the
indicators, never `review/` (the analyst's work files). It accepts GET and HEAD only
(anything else: 405 with `Allow: GET, HEAD`), serves
only the file types publish writes for readers (never the warehouse, which holds row-level
register data), and answers every API error, a mistyped path included, with one envelope:
{"ok": false, "error": ..., "status": ...}; a missing page gets a small HTML 404.

`/api/indicators/<id>` and `/api/indicators/<id>.json` are the same document, so the pages'
JSON links and the listing's relative hrefs work both through the API and as plain files.
"""

from __future__ import annotations

import errno
import json
import re
import socket
from html import escape
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from healthradar.errors import FatalInputError

_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
# Only what publish writes for readers; never the warehouse (row-level register data).
_PUBLIC_SUFFIXES = (".html", ".csv", ".parquet", ".json", ".svg", ".png", ".pdf", ".xlsx")
_METHODS = ["GET", "HEAD"]
_ALLOW = {"Allow": ", ".join(_METHODS)}


# The analyst's work files: candidates from the register for each uncertain partner row.
_PRIVATE_FOLDERS = ("review/",)


class _PublicFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Any:
        name = path.rstrip("/").lower()
        if name not in ("", ".") and not name.endswith(_PUBLIC_SUFFIXES):
            raise StarletteHTTPException(status_code=404)
        if name.startswith(_PRIVATE_FOLDERS):
            raise StarletteHTTPException(status_code=404)
        return await super().get_response(path, scope)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        {"ok": False, "error": message, "status": status}, status_code=status, headers=headers
    )


def _is_api(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


def create_app(out_dir: Path) -> FastAPI:
    out_dir = out_dir.resolve()
    # No Swagger/ReDoc pages: they load their scripts from a CDN. /openapi.json stays.
    app = FastAPI(title="healthradar", docs_url=None, redoc_url=None)

    def load(path: Path) -> Any:
        return json.loads(path.read_text(encoding="utf-8"))

    @app.middleware("http")
    async def read_only(request: Request, call_next: Any) -> Any:
        if request.method not in _METHODS:
            return _error(405, "read-only: only GET and HEAD are allowed", _ALLOW)
        return await call_next(request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = _ALLOW if exc.status_code == 405 else None
        if _is_api(request) or exc.status_code != 404:
            message = "not found" if exc.status_code == 404 else str(exc.detail).lower()
            return _error(exc.status_code, f"{message}: {request.url.path}", headers)
        page = (
            '<!doctype html><html><head><meta charset="utf-8"><title>404</title></head>'
            f"<body><h1>404</h1><p>{escape(request.url.path)}</p>"
            '<p><a href="/">index</a></p></body></html>'
        )
        return HTMLResponse(page, status_code=404)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return _error(422, f"invalid request: {request.url.path}")

    @app.api_route("/api/indicators", methods=_METHODS)
    def list_indicators() -> Any:
        return load(out_dir / "api" / "indicators.json")

    @app.api_route("/api/indicators/{indicator_id}", methods=_METHODS)
    def get_indicator(indicator_id: str) -> Any:
        name = indicator_id.removesuffix(".json")
        path = out_dir / "api" / "indicators" / f"{name}.json"
        if not _ID.match(name) or not path.is_file():
            return _error(404, f"unknown indicator: {name}")
        return {"ok": True, **load(path)}

    @app.api_route("/api/manifest", methods=_METHODS)
    def manifest() -> Any:
        return load(out_dir / "manifest.json")

    app.mount("/", _PublicFiles(directory=out_dir, html=True), name="out")
    return app


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, opened before anything says "serving": a busy port is one clear
    message suggesting `--port`, not a line claiming success followed by uvicorn's Errno 98."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, _, _, _, address = infos[0]
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as exc:
        raise FatalInputError(
            "port_unavailable",
            message_args={"host": host, "port": str(port), "detail": exc.strerror or str(exc)},
        ) from exc
    try:
        # as uvicorn does: a port left in TIME_WAIT by a stopped server can be reused at once
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise FatalInputError(
                "port_busy",
                message_args={"host": host, "port": str(port), "other": str(port + 1)},
            ) from exc
        raise FatalInputError(
            "port_unavailable",
            message_args={"host": host, "port": str(port), "detail": exc.strerror or str(exc)},
        ) from exc
    return sock


def serve(
    out_dir: Path, host: str = "127.0.0.1", port: int = 8765, sock: socket.socket | None = None
) -> None:
    """Serve until interrupted, on `sock` when given (see `listen`)."""
    import uvicorn

    sock = sock or listen(host, port)
    config = uvicorn.Config(create_app(out_dir), host=host, port=port, log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])
