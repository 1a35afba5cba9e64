"""Vendored static assets: Leaflet is pinned (sha256 in its README), licensed, and wired in."""

import hashlib
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static

ROOT = Path(__file__).resolve().parents[3]
LEAFLET = ROOT / "gridgov" / "static" / "vendor" / "leaflet"
LEAFLET_FILES = [
    "leaflet.js",
    "leaflet.css",
    "LICENSE",
    "README.md",
    "images/layers.png",
    "images/layers-2x.png",
    "images/marker-icon.png",
    "images/marker-icon-2x.png",
    "images/marker-shadow.png",
]
MAP_ASSETS = [
    "vendor/leaflet/leaflet.css",
    "gridgov/map.css",
    "vendor/leaflet/leaflet.js",
    "gridgov/map.js",
]


@pytest.mark.parametrize("name", LEAFLET_FILES)
def test_leaflet_file_is_vendored(name):
    path = LEAFLET / name
    assert path.is_file() and path.stat().st_size > 0


def test_nothing_else_from_the_package_is_vendored():
    present = {p.relative_to(LEAFLET).as_posix() for p in LEAFLET.rglob("*") if p.is_file()}
    assert present == set(LEAFLET_FILES)


def test_leaflet_js_matches_the_pinned_sha256():
    readme = (LEAFLET / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^- Version: 1\.9\.4$", readme, re.MULTILINE)
    pinned = re.search(r"sha256 of leaflet\.js: ([0-9a-f]{64})", readme)
    assert pinned, "README.md must state the sha256 of leaflet.js"
    actual = hashlib.sha256((LEAFLET / "leaflet.js").read_bytes()).hexdigest()
    assert actual == pinned.group(1)
    assert 't.version="1.9.4"' in (LEAFLET / "leaflet.js").read_text(encoding="utf-8")


def test_leaflet_licence_is_bsd_2_clause():
    licence = (LEAFLET / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("BSD 2-Clause License")
    assert "Volodymyr Agafonkin" in licence
    assert "BSD-2-Clause" in (LEAFLET / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("asset", MAP_ASSETS)
def test_map_asset_is_found_by_staticfiles(asset):
    assert finders.find(asset), asset


def test_map_assets_include_loads_all_four_in_order():
    html = render_to_string("_map_assets.html")
    urls = [static(asset) for asset in MAP_ASSETS]
    for url in urls:
        assert f'"{url}"' in html, url
    assert [html.index(url) for url in urls] == sorted(html.index(url) for url in urls)
    assert re.search(rf'<link rel="stylesheet" href="{re.escape(urls[0])}">', html)
    assert re.search(rf'<script src="{re.escape(urls[2])}" defer></script>', html)
    assert re.search(rf'<script src="{re.escape(urls[3])}" defer></script>', html)


ECHARTS = ROOT / "gridgov" / "static" / "vendor" / "echarts"


def test_echarts_is_vendored_whole_pinned_and_licensed():
    # only the minified build, its licence and notice, and the README saying where they came from
    present = {p.relative_to(ECHARTS).as_posix() for p in ECHARTS.rglob("*") if p.is_file()}
    assert present == {"echarts.min.js", "LICENSE", "NOTICE", "README.md"}
    readme = (ECHARTS / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^- Version: 5\.6\.0$", readme, re.MULTILINE)
    pinned = re.search(r"sha256 of echarts\.min\.js: ([0-9a-f]{64})", readme)
    assert pinned, "README.md must state the sha256 of echarts.min.js"
    assert hashlib.sha256((ECHARTS / "echarts.min.js").read_bytes()).hexdigest() == pinned.group(1)
    assert "Apache License" in (ECHARTS / "LICENSE").read_text(encoding="utf-8")
    assert finders.find("vendor/echarts/echarts.min.js")
