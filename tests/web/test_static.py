"""The dashboard's page and assets: all local, the map data hash-checked, plotly.js from the installed package."""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

STATIC = Path(str(resources.files("alliance.web") / "static"))


def test_the_page_loads_only_local_scripts_and_styles(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    refs = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert refs and all(r.startswith(("/", "#", "data:")) for r in refs), refs
    for ref in (r for r in refs if r.startswith("/static/")):
        assert client.get(ref).status_code == 200, ref


def test_no_asset_points_outside_the_machine() -> None:
    for path in STATIC.glob("*.*"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://(?!127\.0\.0\.1)", text), path.name


def test_plotly_is_the_installed_package_bundle(client: TestClient) -> None:
    r = client.get("/static/plotly.min.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    bundled = resources.files("plotly") / "package_data" / "plotly.min.js"
    assert r.content == bundled.read_bytes()


def test_the_topojson_matches_its_metadata(client: TestClient) -> None:
    meta = yaml.safe_load((STATIC / "topojson" / "world_110m.meta.yaml").read_text(encoding="utf-8"))
    data = (STATIC / "topojson" / "world_110m.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == meta["sha256"]
    assert {"origin", "version", "licence", "url"} <= set(meta)
    served = client.get("/static/topojson/world_110m.json")
    assert served.status_code == 200 and served.content == data


def test_every_ally_is_on_the_map() -> None:
    import json

    from alliance.data import load_allies

    topo = json.loads((STATIC / "topojson" / "world_110m.json").read_text(encoding="utf-8"))
    ids = {g.get("id") for g in topo["objects"]["countries"]["geometries"]}
    assert set(load_allies()["iso3"]) <= ids


def test_the_page_sets_plotly_to_the_local_topojson() -> None:
    js = (STATIC / "app.js").read_text(encoding="utf-8")
    assert 'topojsonURL: "/static/topojson/"' in js
