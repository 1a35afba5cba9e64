"""The installable app: a valid web app manifest (name, icons of the declared sizes, standalone,
start page), the service worker served from the root with the shell to cache, and an offline
page that carries nothing of any user."""

import json

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from gridgov.core import pwa


@pytest.mark.django_db
def test_the_manifest_makes_the_site_installable(client):
    response = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and response["Content-Type"] == "application/manifest+json"
    body = json.loads(response.content)
    assert (body["name"], body["display"], body["scope"]) == ("智慧网格", "standalone", "/")
    assert body["start_url"].startswith("/") and body["theme_color"] == pwa.THEME_COLOR
    # every icon exists, is a PNG of the size it declares, and one is maskable
    for icon in body["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with Image.open(path) as image:
            assert (image.format, f"{image.width}x{image.height}") == ("PNG", icon["sizes"])
    assert {"192x192", "512x512"} <= {i["sizes"] for i in body["icons"]}
    assert any(i["purpose"] == "maskable" for i in body["icons"])


@pytest.mark.django_db
def test_every_page_links_the_manifest_and_the_apple_icon(client):
    text = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in text
    assert "apple-touch-icon" in text


@pytest.mark.django_db
def test_the_service_worker_is_served_from_the_root_with_its_shell(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/" and "no-cache" in response["Cache-Control"]
    text = response.content.decode()
    assert f'var CACHE = "gridgov-{pwa.shell_version()}";' in text
    assert "/static/gridgov/app.css" in text and '"/offline/"' in text


@pytest.mark.django_db
def test_the_offline_page_is_the_same_for_everyone(client, django_user_model):
    anonymous = client.get("/offline/").content.decode()
    user = django_user_model.objects.create_user(username="wanghaitao", password="x", full_name="王海涛")
    client.force_login(user)
    signed_in = client.get("/offline/").content.decode()
    assert signed_in == anonymous and "网络不可用" in anonymous and "王海涛" not in signed_in
