"""Memberships in the audit log: granted, changed and ended, through the services or the admin,
each names the user, the role and what it is held on, and who did it."""

import pytest
from django.urls import reverse

from gridgov.core.models import AuditAction, AuditEntry
from gridgov.orgs.models import Membership, Role
from gridgov.orgs.services import membership_grant, membership_revoke

from .factories import make_user


def membership_entries() -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(action=AuditAction.MEMBERSHIP_CHANGE).select_related("actor").order_by("pk")
    )


@pytest.mark.django_db
def test_a_membership_granted_and_ended_by_the_services_is_recorded(territory):
    # given a user
    user = make_user("mengqian")
    # when they are made the grid worker of a grid, then the membership ends
    membership = membership_grant(user=user, role=Role.GRID_WORKER, target=territory.grid)
    membership_revoke(membership=Membership.objects.get(pk=membership.pk))
    # then both are on record: whose, what role, on what
    granted, ended = membership_entries()
    assert granted.subject == ended.subject == f"accounts.user:{user.pk}"
    assert granted.detail == {
        "change": "granted",
        "membership": membership.pk,
        "role": "grid_worker",
        "target": f"orgs.orgunit:{territory.grid.pk}",
        "path": territory.grid.path,
        "name": "张家村第一网格",
    }
    assert (ended.detail["change"], ended.detail["target"]) == ("ended", f"orgs.orgunit:{territory.grid.pk}")
    # and granting it again changes nothing, nor writes anything
    membership_grant(user=user, role=Role.GRID_WORKER, target=territory.grid)
    membership_grant(user=user, role=Role.GRID_WORKER, target=territory.grid)
    assert len(membership_entries()) == 3


@pytest.mark.django_db
def test_a_membership_added_changed_and_deleted_in_the_admin_names_the_administrator(client, territory):
    # given an administrator and a user
    root = make_user("root", is_superuser=True, is_staff=True)
    user = make_user("mengqian")
    client.force_login(root)
    # when the administrator makes the user a grid worker of one grid, moves them to the other
    # and ends the membership
    fields = {"user": user.pk, "role": Role.GRID_WORKER, "org_unit": territory.grid.pk}
    assert client.post(reverse("admin:orgs_membership_add"), fields).status_code == 302
    membership = Membership.objects.get(user=user)
    change = reverse("admin:orgs_membership_change", args=[membership.pk])
    assert client.post(change, {**fields, "org_unit": territory.sibling_grid.pk}).status_code == 302
    delete = reverse("admin:orgs_membership_delete", args=[membership.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    # then each step is on record, by the administrator, with the grid before and after
    granted, changed, ended = membership_entries()
    assert {granted.actor, changed.actor, ended.actor} == {root}
    assert granted.detail["target"] == f"orgs.orgunit:{territory.grid.pk}"
    assert changed.detail["change"] == "changed"
    assert changed.detail["target"] == f"orgs.orgunit:{territory.sibling_grid.pk}"
    assert changed.detail["before"]["target"] == f"orgs.orgunit:{territory.grid.pk}"
    assert (ended.detail["change"], ended.path) == ("ended", delete)
    # and the admin's own log of the three is on record as configuration changes
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.CONFIG_CHANGE, subject=f"orgs.membership:{membership.pk}"
        ).count()
        == 3
    )


@pytest.mark.django_db
def test_saving_a_membership_unchanged_writes_nothing(territory):
    # given a membership
    membership = membership_grant(user=make_user("mengqian"), role=Role.GRID_WORKER, target=territory.grid)
    # when it is saved again as it is
    Membership.objects.get(pk=membership.pk).save()
    # then only its granting is on record
    assert [e.detail["change"] for e in membership_entries()] == ["granted"]
