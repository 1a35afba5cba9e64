import pytest
from django.urls import reverse

from gridgov.orgs.models import CommandCentre, HandlingUnit, Membership, OrgUnit, PartyOrganisation, Role

from .factories import make_user

MODELS = [OrgUnit, HandlingUnit, CommandCentre, PartyOrganisation, Membership]


@pytest.fixture
def admin_client(client, territory, attached):
    make_user("gw", role=Role.GRID_WORKER, target=territory.grid)
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_lists_search_and_forms_render_in_chinese(admin_client, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = admin_client.get(changelist, {"q": "张家"})
    assert response.status_code == 200
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
    obj = model.objects.first()
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert admin_client.get(change).status_code == 200


def test_admin_refuses_a_membership_on_the_wrong_kind_of_target(admin_client, territory):
    # Given a grid worker membership put on a street (not a grid)
    user = make_user("x")
    response = admin_client.post(
        reverse("admin:orgs_membership_add"),
        {"user": user.pk, "role": Role.GRID_WORKER, "org_unit": territory.street.pk},
    )
    # Then the form is shown again with the reason, and nothing is saved
    assert response.status_code == 200
    assert "该角色不能在此层级任职" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()
