"""The audit log: sign-ins (password and SMS code, and their failures) and sign-outs, every 403
(pages and API), reveals with their reason, changes of administrative roles and changes made
in the admin are written as they happen; entries are never changed or deleted; the admin
searches them and lists them in a constant number of queries."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gridgov.accounts.services import login_code_send
from gridgov.accounts.tests.conftest import code_in_outbox, wrong
from gridgov.catalogue.models import Category
from gridgov.core import audit
from gridgov.core.errors import ValidationFailed
from gridgov.core.models import AppendOnly, AuditAction, AuditEntry
from gridgov.orgs.tests.factories import make_user

User = get_user_model()
LOGIN = "/accounts/login/"
PASSWORD = "Grid-Worker-2024"
PHONE = "13812345678"


@pytest.fixture(autouse=True)
def _sms(settings):
    settings.GRIDGOV_SMS_BACKEND = "log"


def entries(action) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).select_related("actor").order_by("pk"))


# --- Sign-in and sign-out --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_password_sign_in_and_a_wrong_password_are_recorded(client):
    # given a staff account
    user = User.objects.create_user(username="wangli", password=PASSWORD, full_name="王丽")
    # when someone tries a wrong password, then the right one
    client.post(LOGIN, {"action": "password", "username": "wangli", "password": "nope-nope"})
    client.post(LOGIN, {"action": "password", "username": "wangli", "password": PASSWORD})
    # then the failure names the account tried but no one, and no secret is kept
    [failed] = entries(AuditAction.SIGN_IN_FAILED)
    assert (failed.actor, failed.identifier, failed.ip, failed.path) == (None, "wangli", "127.0.0.1", LOGIN)
    assert failed.detail == {"method": "password"}
    assert "nope" not in str(failed.detail)
    # and the sign-in names the user and how they signed in
    [signed_in] = entries(AuditAction.SIGN_IN)
    assert (signed_in.actor, signed_in.identifier, signed_in.detail) == (
        user,
        "wangli",
        {"method": "password"},
    )
    assert (signed_in.ip, signed_in.path) == ("127.0.0.1", LOGIN)


@pytest.mark.django_db
def test_a_locked_account_refused_before_its_password_is_checked_is_a_failure_too(client, settings):
    # given an account locked after one failure
    settings.GRIDGOV_LOGIN_MAX_FAILURES = 1
    User.objects.create_user(username="wangli", password=PASSWORD)
    client.post(LOGIN, {"action": "password", "username": "wangli", "password": "nope-nope"})
    # when the right password is tried during the lock
    client.post(LOGIN, {"action": "password", "username": "wangli", "password": PASSWORD})
    # then both refusals are on record
    assert [e.identifier for e in entries(AuditAction.SIGN_IN_FAILED)] == ["wangli", "wangli"]
    assert not entries(AuditAction.SIGN_IN)


@pytest.mark.django_db
def test_an_sms_code_sign_in_and_a_wrong_code_are_recorded_with_the_phone_masked(
    client, django_capture_on_commit_callbacks
):
    # given a code texted to a resident
    with django_capture_on_commit_callbacks(execute=True):
        login_code_send(phone=PHONE, ip="127.0.0.1")
    code = code_in_outbox(PHONE)
    # when a wrong code is tried, then the right one
    client.post(LOGIN, {"action": "code", "phone": PHONE, "code": wrong(code)})
    assert "_auth_user_id" not in client.session
    client.post(LOGIN, {"action": "code", "phone": PHONE, "code": code})
    assert "_auth_user_id" in client.session
    # then the failure keeps the phone number masked, and the sign-in names the resident
    [failed] = entries(AuditAction.SIGN_IN_FAILED)
    assert (failed.actor, failed.identifier, failed.detail) == (None, "138****5678", {"method": "code"})
    [signed_in] = entries(AuditAction.SIGN_IN)
    assert signed_in.actor == User.objects.get(phone=PHONE)
    assert signed_in.detail == {"method": "code"}
    # and the resident's username (their phone number) is masked too
    assert signed_in.identifier == "r138****5678"
    assert PHONE not in str(list(AuditEntry.objects.values_list("identifier", "detail")))


@pytest.mark.django_db
def test_a_sign_out_is_recorded(client):
    # given a signed-in user
    user = make_user("wangli")
    client.force_login(user)
    # when they sign out
    client.post(reverse("accounts:logout"))
    # then the sign-out is on record
    [signed_out] = entries(AuditAction.SIGN_OUT)
    assert (signed_out.actor, signed_out.path) == (user, reverse("accounts:logout"))


# --- Denials -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_403_page_and_a_403_api_answer_are_recorded(client, world):
    # given a resident, who reads no territory
    client.force_login(world.users.resident)
    # when they open the monthly report and ask the API for the KPIs
    assert client.get("/insights/report/").status_code == 403
    assert client.get("/api/insights/kpis").status_code == 403
    # then both refusals are on record, with the path and the method
    denied = entries(AuditAction.DENIED)
    assert [(e.actor, e.path, e.detail) for e in denied] == [
        (world.users.resident, "/insights/report/", {"method": "GET"}),
        (world.users.resident, "/api/insights/kpis", {"method": "GET"}),
    ]
    # and an answer that is not a 403 writes nothing
    client.force_login(world.users.centre)
    assert client.get("/insights/report/").status_code == 200
    assert len(entries(AuditAction.DENIED)) == 2


# --- Reveals ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reveal_keeps_its_reason_and_refuses_without_one(world):
    resident = world.users.resident
    # when the phone of a user is revealed with a reason (trimmed)
    value = audit.reveal(actor=world.users.centre, obj=resident, field="phone", reason="  回访核实  ")
    # then the value is given and the reveal is on record with its reason
    assert value == "13800138000"
    [entry] = entries(AuditAction.REVEAL)
    assert (entry.actor, entry.subject, entry.field, entry.reason) == (
        world.users.centre,
        f"accounts.user:{resident.pk}",
        "phone",
        "回访核实",
    )
    # and without a reason, or with one too long, nothing is revealed nor written
    for reason in ("", "   ", "长" * 201):
        with pytest.raises(ValidationFailed) as refused:
            audit.reveal(actor=world.users.centre, obj=resident, field="phone", reason=reason)
        assert list(refused.value.fields) == ["reason"]
    assert len(entries(AuditAction.REVEAL)) == 1


# --- Administrative roles and admin changes ---------------------------------------------------


@pytest.mark.django_db
def test_making_a_user_staff_and_adding_a_group_are_role_changes(db):
    # given a user
    user = make_user("wangli")
    # when they are made staff, and put in a group
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.create(name="审核员"))
    # then both are on record; saving without a change of role writes nothing
    user.full_name = "王丽"
    user.save()
    changes = entries(AuditAction.ROLE_CHANGE)
    assert [(e.subject, e.detail) for e in changes] == [
        (f"accounts.user:{user.pk}", {"is_staff": [False, True]}),
        (f"accounts.user:{user.pk}", {"groups": [Group.objects.get().pk], "change": "add"}),
    ]


@pytest.fixture
def admin_client(client, db):
    root = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(root)
    client.root = root
    return client


MANAGEMENT = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}


def category_form(**fields) -> dict:
    return {
        "code": "C0299",
        "name": "测试",
        "kind": "component",
        "parent": Category.objects.get(code="C02").pk,
        "default_urgency": "normal",
        "keywords": "",
        "questions": "[]",
        "is_active": "on",
        "sort_order": 0,
        **{f"{prefix}-{k}": v for prefix in ("sla_policies", "routing_rules") for k, v in MANAGEMENT.items()},
        **fields,
    }


@pytest.mark.django_db
def test_a_category_added_and_changed_in_the_admin_is_a_configuration_change(admin_client):
    # when an administrator adds a category in the admin, then renames it
    assert admin_client.post(reverse("admin:catalogue_category_add"), category_form()).status_code == 302
    category = Category.objects.get(code="C0299")
    change = reverse("admin:catalogue_category_change", args=[category.pk])
    assert admin_client.post(change, category_form(name="测试二")).status_code == 302
    # then both are on record: who, which record, what was done
    added, changed = entries(AuditAction.CONFIG_CHANGE)
    assert (added.actor, added.subject, added.detail["change"]) == (
        admin_client.root,
        f"catalogue.category:{category.pk}",
        "added",
    )
    assert (changed.subject, changed.detail["change"], changed.path) == (
        f"catalogue.category:{category.pk}",
        "changed",
        change,
    )
    assert changed.detail["message"].startswith("已修改")


@pytest.mark.django_db
def test_objects_deleted_together_in_the_admin_are_each_a_configuration_change(admin_client):
    from datetime import date

    from gridgov.core.models import WorkCalendarDay

    # given two days of the work calendar
    days = [
        WorkCalendarDay.objects.create(date=date(2031, 10, d), kind="holiday", name="国庆节") for d in (1, 2)
    ]
    changelist = reverse("admin:core_workcalendarday_changelist")
    chosen = {"action": "delete_selected", "_selected_action": [d.pk for d in days]}
    # when the administrator chooses "delete selected", then nothing is recorded before confirming
    assert admin_client.post(changelist, chosen).status_code == 200
    assert not entries(AuditAction.CONFIG_CHANGE)
    # when they confirm it, then each deleted day is on record, by whom
    assert admin_client.post(changelist, {**chosen, "post": "yes"}).status_code == 302
    assert not WorkCalendarDay.objects.filter(pk__in=[d.pk for d in days]).exists()
    recorded = entries(AuditAction.CONFIG_CHANGE)
    assert sorted(e.subject for e in recorded) == sorted(f"core.workcalendarday:{d.pk}" for d in days)
    assert {(e.actor, e.detail["change"]) for e in recorded} == {(admin_client.root, "deleted")}


# --- Append-only ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_entry_is_never_changed_nor_deleted(db):
    # given an entry
    entry = audit.record(AuditAction.EXPORT, actor=make_user("wangli"), detail={"report": "monthly"})
    # when it is changed or deleted, one row or many, then it is refused
    entry.reason = "改写"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="改写")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    # and it is as written
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.reason, entry.detail) == ("", {"report": "monthly"})


@pytest.mark.django_db
def test_deleting_a_user_keeps_their_entries(db):
    # given a user with an entry
    user = make_user("wangli")
    audit.record(AuditAction.EXPORT, actor=user)
    # when the user is deleted
    user.delete()
    # then the entry stays, naming the account it was
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert (entry.actor, entry.identifier) == (None, "wangli")


# --- The admin -------------------------------------------------------------------------------


def exports_by_new_users(n: int, prefix: str) -> None:
    for i in range(n):
        user = make_user(f"{prefix}{i}", full_name=f"用户{prefix}{i}")
        audit.record(AuditAction.EXPORT, actor=user, subject=f"insights.report:{i}")


@pytest.mark.django_db
def test_the_admin_finds_an_entry_by_actor_name_subject_ip_and_path(admin_client):
    # given a reveal by 孟倩 from an address, on a page
    worker = make_user("mengqian", full_name="孟倩")
    request = RequestFactory().post("/api/party/members/7/reveal", REMOTE_ADDR="10.1.2.3")
    request.user = worker
    entry = audit.record(
        AuditAction.REVEAL, subject="party.partymember:7", field="phone", reason="走访", request=request
    )
    audit.record(AuditAction.EXPORT, actor=admin_client.root, subject="insights.report:1")
    changelist = reverse("admin:core_auditentry_changelist")
    # when the administrator searches the log by each of them
    for q in ("孟倩", "mengqian", "party.partymember:7", "10.1.2.3", "/members/7/"):
        html = admin_client.get(changelist, {"q": q}).content.decode()
        # then the entry is found, and the other is not
        assert "party.partymember:7" in html, q
        assert "insights.report:1" not in html, q
    # and the log is read only, in Chinese
    html = admin_client.get(changelist).content.decode()
    assert "审计日志" in html
    assert admin_client.get(reverse("admin:core_auditentry_add")).status_code == 403
    page = admin_client.get(reverse("admin:core_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert "走访" in page.content.decode() and 'name="_save"' not in page.content.decode()
    delete = reverse("admin:core_auditentry_delete", args=[entry.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_the_admin_lists_entries_in_constant_queries(admin_client):
    changelist = reverse("admin:core_auditentry_changelist")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(changelist, {"action__exact": "export"}).status_code == 200
        return len(captured)

    # given two exports, then twenty more (each by another user)
    exports_by_new_users(2, "few")
    few = queries()
    exports_by_new_users(20, "many")
    # then the changelist takes as many queries for 22 as for 2
    assert queries() == few
