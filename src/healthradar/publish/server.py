"""`healthradar serve`: the built outputs and a read-only JSON API, on 127.0.0.1 by default.

The app only reads files that the build wrote (`out/`): pages, exports and the JSON twins of the
indicators. It accepts GET and HEAD only, serves only the file types publish writes for readers
(never the warehouse, which holds row-level register data), and answers API errors with one
envelope: {"ok": false, "error": ..., "status": ...}.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
# Only what publish writes for readers; never the warehouse (row-level register data).
_PUBLIC_SUFFIXES = (".html", ".csv", ".parquet", ".json", ".svg", ".png", ".pdf", ".xlsx")


class _PublicFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Any:
        name = path.rstrip("/").lower()
        if name not in ("", ".") and not name.endswith(_PUBLIC_SUFFIXES):
            raise StarletteHTTPException(status_code=404)
        return await super().get_response(path, scope)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message, "status": status}, status_code=status)


def create_app(out_dir: Path) -> FastAPI:
    out_dir = out_dir.resolve()
    # No Swagger/ReDoc pages: they load their scripts from a CDN. /openapi.json stays.
    app = FastAPI(title="healthradar", docs_url=None, redoc_url=None)

    def load(path: Path) -> Any:
        return json.loads(path.read_text(encoding="utf-8"))

    @app.middleware("http")
    async def read_only(request: Request, call_next: Any) -> Any:
        if request.method not in ("GET", "HEAD"):
            return _error(405, "read-only: only GET and HEAD are allowed")
        return await call_next(request)

    @app.get("/api/indicators")
    def list_indicators() -> Any:
        return load(out_dir / "api" / "indicators.json")

    @app.get("/api/indicators/{indicator_id}")
    def get_indicator(indicator_id: str) -> Any:
        path = out_dir / "api" / "indicators" / f"{indicator_id}.json"
        if not _ID.match(indicator_id) or not path.is_file():
            return _error(404, f"unknown indicator: {indicator_id}")
        return {"ok": True, **load(path)}

    @app.get("/api/manifest")
    def manifest() -> Any:
        return load(out_dir / "manifest.json")

    app.mount("/", _PublicFiles(directory=out_dir, html=True), name="out")
    return app


def serve(out_dir: Path, host: str = "127.0.0.1", port: int = 8765) -> None:
    import uvicorn

    uvicorn.run(create_app(out_dir), host=host, port=port, log_level="warning")
