"""The read-only radar server: pages, JSON API, error envelope, no write, no warehouse."""

from __future__ import annotations

from fastapi.testclient import TestClient

from healthradar.pipeline import BuildResult
from healthradar.publish.server import create_app


def client(build: BuildResult) -> TestClient:
    return TestClient(create_app(build.out_dir))


def test_api_lists_and_serves_indicators(tiny_build: BuildResult) -> None:
    c = client(tiny_build)
    listing = c.get("/api/indicators").json()
    ids = {i["id"] for i in listing["indicators"]}
    assert {"emploi.totals", "emploi.by_departement", "emploi.size_by_filiere"} <= ids
    one = c.get("/api/indicators/emploi.totals").json()
    assert one["ok"] is True
    total = next(r for r in one["data"] if r["perimetre"] == "total")
    assert total["jobs"] == 136.5
    assert one["chart"]["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert "SELECT" in one["query"]


def test_errors_use_one_envelope(tiny_build: BuildResult) -> None:
    c = client(tiny_build)
    missing = c.get("/api/indicators/emploi.nope")
    assert missing.status_code == 404
    assert missing.json() == {"ok": False, "error": "unknown indicator: emploi.nope", "status": 404}
    traversal = c.get("/api/indicators/..%2Fmanifest")
    assert traversal.status_code == 404


def test_read_only_and_private_files(tiny_build: BuildResult) -> None:
    c = client(tiny_build)
    assert c.post("/api/indicators").status_code == 405
    assert c.get("/warehouse.duckdb").status_code == 404
    assert c.get("/WAREHOUSE.DUCKDB").status_code == 404
    assert c.get("/api/docs").status_code == 404  # Swagger pages would load a CDN script
    page = c.get("/")
    assert page.status_code == 200 and "<html" in page.text
    assert c.get("/emploi.html").status_code == 200
    assert c.get("/indicators/emploi.totals.csv").text.startswith('"perimetre",')
