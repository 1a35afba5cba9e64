"""CSRF on every form: each role's pages (home, every entry of its menu, the sign-in pages) carry
the token in every POST form, and a POST without it is refused."""

from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from gridgov.core.registry import menu_for
from gridgov.orgs.models import Role
from gridgov.orgs.tests.factories import attach_units, make_territory, make_user

User = get_user_model()


class _Forms(HTMLParser):
    """The POST forms of a page: their action and whether they hold a CSRF token."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._open = {"action": attrs.get("action") or "", "csrf": False}
            self.forms.append(self._open)
        elif tag == "input" and self._open is not None and attrs.get("name") == "csrfmiddlewaretoken":
            self._open["csrf"] = bool(attrs.get("value"))

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def post_forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


@pytest.fixture
def people(reference_data):
    """One user of each role on a small territory, and a resident."""
    t = make_territory()
    units = attach_units(t)
    return {
        "resident": User.objects.create_user(username="r13800138000", phone="13800138000"),
        "grid_worker": make_user("mengqian", role=Role.GRID_WORKER, target=t.grid),
        "centre": make_user("taiping", role=Role.CENTRE_OPERATOR, target=units["centres"][t.street.path]),
        "unit": make_user("chengguan", role=Role.UNIT_HANDLER, target=units["office"]),
        "secretary": make_user("zhangjia", role=Role.PARTY_SECRETARY, target=units["branch"]),
        "member": make_user("dangyuan", role=Role.PARTY_MEMBER, target=units["group"]),
        "leader": make_user("lingdao", role=Role.LEADER, target=t.county),
        "admin": User.objects.create_superuser(username="admin", password="Correct-Horse-7"),
    }


ROLES = ("resident", "grid_worker", "centre", "unit", "secretary", "member", "leader", "admin")
ADMIN_PAGES = ("/admin/", "/admin/accounts/user/add/", "/admin/accounts/loginlockout/")


@pytest.mark.parametrize("role", ROLES)
def test_every_post_form_carries_the_csrf_token(people, role):
    # given a user of the role, signed in
    user = people[role]
    client = Client()
    client.force_login(user)
    pages = ["/", "/accounts/inbox/", *(entry.url for entry in menu_for(user))]
    if role == "admin":
        pages += ADMIN_PAGES
    seen = 0
    refusing = Client(enforce_csrf_checks=True)
    refusing.force_login(user)
    for page in dict.fromkeys(pages):
        # when each of its pages is opened
        response = client.get(page, follow=True)
        # (a menu entry may need more than the role, e.g. /party/ a member's profile)
        assert response.status_code == 200 or (
            page not in ("/", "/accounts/inbox/") and response.status_code == 403
        ), page
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in post_forms(response.content.decode()):
            seen += 1
            # then every POST form holds the token
            assert form["csrf"], f"{page}: form to {form['action'] or page} has no CSRF token"
            # and posting it without the token is refused
            target = urljoin(response.request["PATH_INFO"], form["action"]) if form["action"] else page
            assert refusing.post(target, {}).status_code == 403, target
    # and the role's pages had forms to check (sign-out in the header at least)
    assert seen >= 1


def test_sign_in_pages_carry_the_token(client, db):
    for page in ("/accounts/login/", "/accounts/login/?tab=resident"):
        forms = post_forms(client.get(page).content.decode())
        assert len(forms) >= 2 and all(f["csrf"] for f in forms)
    assert (
        Client(enforce_csrf_checks=True).post("/accounts/login/", {"action": "send_code"}).status_code == 403
    )


def test_the_api_needs_csrf_with_a_session_and_not_with_a_bearer_token(db):
    from gridgov.accounts.auth import api_token_create

    user = User.objects.create_user(username="machine", password="Correct-Horse-7")
    _token, raw = api_token_create(user=user, name="script")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    url = "/api/accounts/notifications/read"
    # a session without the token is refused on a write
    assert browser.post(url).status_code == 403
    # with the token from the CSRF cookie it is taken
    browser.get("/accounts/inbox/")
    token = browser.cookies["csrftoken"].value
    assert browser.post(url, headers={"X-CSRFToken": token}).status_code == 200
    # a bearer token needs none, even when a session cookie comes along
    assert (
        Client(enforce_csrf_checks=True).post(url, headers={"Authorization": f"Bearer {raw}"}).status_code
        == 200
    )
    assert browser.post(url, headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    # reads need no token
    assert browser.get("/api/accounts/notifications/unread").status_code == 200
