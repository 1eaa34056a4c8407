"""The read-only radar server: pages, JSON API, error envelope, no write, no warehouse.

The unit tests serve a hand-written output folder (the server only reads files); the last tests
serve what `publish_bundle` writes for a toy chapter and follow every link it contains.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from fastapi.testclient import TestClient

from healthradar.publish import publish_bundle
from healthradar.publish.server import create_app
from tests.test_publish import toy_bundle


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A minimal output folder, as publish writes it (one indicator 'toy.counts')."""
    api = tmp_path / "api" / "indicators"
    api.mkdir(parents=True)
    (tmp_path / "api" / "indicators.json").write_text(
        json.dumps(
            {"ok": True, "indicators": [{"id": "toy.counts", "href": "indicators/toy.counts.json"}]}
        ),
        encoding="utf-8",
    )
    (api / "toy.counts.json").write_text(
        json.dumps({"id": "toy.counts", "data": [{"kind": "a", "n": 3}]}), encoding="utf-8"
    )
    (tmp_path / "manifest.json").write_text('{"indicators": []}', encoding="utf-8")
    (tmp_path / "index.html").write_text("<html><body>index</body></html>", encoding="utf-8")
    (tmp_path / "toy.html").write_text("<html><body>toy</body></html>", encoding="utf-8")
    (tmp_path / "warehouse.duckdb").write_bytes(b"secret rows")
    (tmp_path / "indicators").mkdir()
    (tmp_path / "indicators" / "toy.counts.csv").write_text('"kind","n"\n"a",3\n', encoding="utf-8")
    return tmp_path


def test_api_lists_and_serves_indicators(out: Path) -> None:
    c = TestClient(create_app(out))
    listing = c.get("/api/indicators").json()
    assert [i["id"] for i in listing["indicators"]] == ["toy.counts"]
    one = c.get("/api/indicators/toy.counts").json()
    assert one == {"ok": True, "id": "toy.counts", "data": [{"kind": "a", "n": 3}]}


def test_json_links_of_the_pages_resolve(out: Path) -> None:
    # Item 8a: the route /api/indicators/{id} shadowed the static file <id>.json (404).
    c = TestClient(create_app(out))
    linked = c.get("/api/indicators/toy.counts.json")
    assert linked.status_code == 200
    assert linked.json()["id"] == "toy.counts"
    assert c.get("/api/indicators.json").status_code == 200


def test_api_hrefs_resolve_from_both_listing_urls(out: Path) -> None:
    c = TestClient(create_app(out))
    for listing_url in (
        "http://testserver/api/indicators",
        "http://testserver/api/indicators.json",
    ):
        for item in c.get(listing_url).json()["indicators"]:
            target = urljoin(listing_url, item["href"])
            assert c.get(target).status_code == 200, (listing_url, target)


def test_head_answers_like_get(out: Path) -> None:
    # Item 8b: HEAD on the API answered 404.
    c = TestClient(create_app(out))
    for path in ("/api/indicators", "/api/indicators/toy.counts", "/api/manifest", "/toy.html"):
        assert c.head(path).status_code == 200, path
    assert c.head("/api/indicators/toy.nope").status_code == 404


def test_writes_are_refused_with_an_allow_header(out: Path) -> None:
    c = TestClient(create_app(out))
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        answer = c.request(method, "/api/indicators")
        assert answer.status_code == 405
        assert answer.headers["allow"] == "GET, HEAD"
        assert answer.json()["ok"] is False


def test_errors_use_one_envelope(out: Path) -> None:
    c = TestClient(create_app(out))
    missing = c.get("/api/indicators/toy.nope")
    assert missing.status_code == 404
    assert missing.json() == {"ok": False, "error": "unknown indicator: toy.nope", "status": 404}
    assert c.get("/api/indicators/..%2Fmanifest").status_code == 404
    # Item 8c: a mistyped path answered FastAPI's {"detail": "Not Found"}.
    typo = c.get("/api/indicator")
    assert typo.status_code == 404
    assert typo.json() == {"ok": False, "error": "not found: /api/indicator", "status": 404}
    page = c.get("/chapitre.html")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "detail" not in page.text


def test_read_only_and_private_files(out: Path) -> None:
    c = TestClient(create_app(out))
    assert c.get("/warehouse.duckdb").status_code == 404
    assert c.get("/WAREHOUSE.DUCKDB").status_code == 404
    assert c.get("/api/docs").status_code == 404  # Swagger pages would load a CDN script
    assert c.get("/docs").status_code == 404
    page = c.get("/")
    assert page.status_code == 200 and "<html" in page.text
    assert c.get("/toy.html").status_code == 200
    assert c.get("/indicators/toy.counts.csv").text.startswith('"kind",')


def test_the_review_files_are_not_served(out: Path) -> None:
    """They list register candidates for each uncertain partner row: the analyst's work."""
    (out / "review").mkdir()
    (out / "review" / "matches_to_review.csv").write_text("input,name\nc,X\n", encoding="utf-8")
    (out / "review" / "matches_to_review.xlsx").write_bytes(b"PK")
    c = TestClient(create_app(out))
    assert c.get("/review/matches_to_review.csv").status_code == 404
    assert c.get("/Review/matches_to_review.xlsx").status_code == 404


def test_every_link_of_a_published_build_resolves(tmp_path: Path) -> None:
    publish_bundle(toy_bundle(), tmp_path)
    c = TestClient(create_app(tmp_path))
    pages = sorted(p.name for p in tmp_path.glob("*.html"))
    assert {"index.html", "toy.html", "quality.html"} <= set(pages)
    seen = 0
    for name in pages:
        html = c.get(f"/{name}").text
        for href in re.findall(r'href="([^"#]+)"', html):
            target = urljoin(f"http://testserver/{name}", href)
            assert c.get(target).status_code == 200, (name, href)
            seen += 1
    assert seen >= 10
    listing_url = "http://testserver/api/indicators"
    listing = c.get(listing_url).json()
    for item in listing["indicators"]:
        if "href" in item:
            doc = c.get(urljoin(listing_url, item["href"])).json()
            for href in doc.get("exports", {}).values():
                target = urljoin(urljoin(listing_url, item["href"]), href)
                assert c.get(target).status_code == 200, target
