"""Browse the territory within the caller's scope."""

from ninja import Router, Schema

from . import selectors
from .access import access_org_unit
from .models import OrgUnit

router = Router(tags=["orgs"])


class OrgUnitOut(Schema):
    path: str
    name: str
    level: str
    level_display: str
    parent_path: str | None

    @staticmethod
    def from_unit(unit: OrgUnit) -> "OrgUnitOut":
        return OrgUnitOut(
            path=unit.path,
            name=unit.name,
            level=unit.level,
            level_display=str(unit.get_level_display()),
            parent_path=unit.parent_path,
        )


class NamedOut(Schema):
    id: int
    name: str
    kind: str
    kind_display: str


class OrgUnitDetailOut(Schema):
    unit: OrgUnitOut
    ancestors: list[OrgUnitOut]
    children: list[OrgUnitOut]
    command_centre: NamedOut | None
    handling_units: list[NamedOut]
    party_organisations: list[NamedOut]


class MembershipOut(Schema):
    role: str
    role_display: str
    target: str
    path: str


class MeOut(Schema):
    username: str
    name: str
    masked_phone: str
    is_superuser: bool
    roles: list[str]
    memberships: list[MembershipOut]
    scope: list[str]


def _named(obj, kind: str, kind_display: str) -> NamedOut:
    return NamedOut(id=obj.pk, name=obj.name, kind=kind, kind_display=kind_display)


@router.get("/me", response=MeOut, summary="The caller, their roles and data scope")
def me(request):
    user = request.user
    memberships = selectors.memberships_of(user)
    return MeOut(
        username=user.username,
        name=str(user),
        masked_phone=user.masked_phone,
        is_superuser=user.is_superuser,
        roles=sorted(selectors.user_roles(user)),
        memberships=[
            MembershipOut(
                role=m.role, role_display=str(m.get_role_display()), target=str(m.target), path=m.path
            )
            for m in memberships
        ],
        scope=selectors.user_scope(user),
    )


@router.get("/units", response=list[OrgUnitOut], summary="The top units of the caller's scope")
def units_roots(request):
    return [OrgUnitOut.from_unit(u) for u in selectors.org_units_roots(request.user)]


@router.get(
    "/units/{path}", response=OrgUnitDetailOut, summary="One unit with its children and attached units"
)
def unit_detail(request, path: str):
    unit = access_org_unit(request.user, path=path)
    return _detail(request.user, unit)


@router.get("/units/{path}/children", response=list[OrgUnitOut], summary="The children of a unit")
def unit_children(request, path: str):
    unit = access_org_unit(request.user, path=path)
    return [OrgUnitOut.from_unit(u) for u in selectors.org_unit_children(request.user, unit)]


def _detail(user, unit: OrgUnit) -> OrgUnitDetailOut:
    attached = selectors.org_unit_attachments(unit)
    centre = attached.command_centre
    return OrgUnitDetailOut(
        unit=OrgUnitOut.from_unit(unit),
        ancestors=[OrgUnitOut.from_unit(u) for u in selectors.org_unit_ancestors(unit)],
        children=[OrgUnitOut.from_unit(u) for u in selectors.org_unit_children(user, unit)],
        command_centre=_named(centre, "command_centre", str(centre._meta.verbose_name)) if centre else None,
        handling_units=[_named(h, h.kind, str(h.get_kind_display())) for h in attached.handling_units],
        party_organisations=[
            _named(p, p.kind, str(p.get_kind_display())) for p in attached.party_organisations
        ],
    )
