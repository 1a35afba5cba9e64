"""The installable app: a valid web app manifest (name, icons of the declared sizes, standalone,
start page), the service worker served from the root with the shell to cache, an offline
page that carries nothing of any user, and the marks that let the worker keep a user's field
pages for that sign-in only."""

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
    assert f'var CACHE = "gridgov-shell-{pwa.shell_version()}";' in text
    assert "/static/gridgov/app.css" in text and '"/offline/"' in text
    assert "/static/vendor/leaflet/leaflet.js" in text  # 随手拍's map works without a signal


@pytest.mark.django_db
def test_the_offline_page_is_the_same_for_everyone(client, django_user_model):
    anonymous = client.get("/offline/").content.decode()
    user = django_user_model.objects.create_user(username="wanghaitao", password="x", full_name="王海涛")
    client.force_login(user)
    signed_in = client.get("/offline/").content.decode()
    assert signed_in == anonymous and "网络不可用" in anonymous and "王海涛" not in signed_in


@pytest.mark.django_db
def test_pages_say_whose_they_are_and_which_may_be_kept(client, django_user_model):
    # given a visitor: the sign-in page belongs to no one and is not kept
    visitor = client.get("/")
    assert visitor[pwa.SESSION_HEADER] == "" and pwa.KEEP_HEADER not in visitor
    # when a user signs in, their field pages carry a mark of the session and may be kept
    user = django_user_model.objects.create_user(username="wanghaitao", password="x", full_name="王海涛")
    client.force_login(user)
    home, mine = client.get("/"), client.get("/cases/mine/")
    mark = home[pwa.SESSION_HEADER]
    assert len(mark) == 16 and mine[pwa.SESSION_HEADER] == mark
    assert home[pwa.KEEP_HEADER] == mine[pwa.KEEP_HEADER] == "1"
    assert user.username not in mark and client.session.session_key not in mark
    # and a page that is not for the field (the inbox) says whose it is but is not kept
    inbox = client.get("/accounts/inbox/")
    assert inbox[pwa.SESSION_HEADER] == mark and pwa.KEEP_HEADER not in inbox
    # when they sign out and in again, the mark changes, so the phone drops what it kept
    client.logout()
    assert client.get("/")[pwa.SESSION_HEADER] == ""
    client.force_login(user)
    assert client.get("/")[pwa.SESSION_HEADER] not in ("", mark)
    # and API answers are never marked
    assert pwa.SESSION_HEADER not in client.get("/api/accounts/notifications/unread")
