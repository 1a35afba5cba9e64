"""The enterprise registry over HTTP: list (searchable, paginated), detail, register, change,
set the liaison cadre.

Views parse, fetch through ``access`` (404 when invisible), call one service, render. The
contact person's name and phone are masked for readers who do not need them (``access.
sees_contact``); ``contact_masked`` says which way a row was rendered.
"""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from gridgov.core.errors import ValidationFailed
from gridgov.core.masking import mask_name, mask_phone
from gridgov.orgs.models import OrgUnit

from . import access, selectors, services
from .models import Enterprise

router = Router(tags=["enterprises"])


# --- Schemas -------------------------------------------------------------------------------------


class PlaceOut(Schema):
    path: str
    name: str


class PersonOut(Schema):
    id: int
    name: str


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    industry: str
    industry_display: str
    size: str
    size_display: str
    address: str
    org_unit: PlaceOut
    contact_name: str
    contact_phone: str
    contact_masked: bool
    liaison: PersonOut | None
    is_active: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_industry_display(obj: Enterprise) -> str:
        return str(obj.get_industry_display())

    @staticmethod
    def resolve_size_display(obj: Enterprise) -> str:
        return str(obj.get_size_display())

    @staticmethod
    def resolve_org_unit(obj: Enterprise) -> dict:
        return {"path": obj.org_unit.path, "name": obj.org_unit.name}

    @staticmethod
    def resolve_liaison(obj: Enterprise) -> dict | None:
        person = obj.liaison
        return {"id": person.pk, "name": person.display_name} if person else None

    @staticmethod
    def resolve_contact_masked(obj: Enterprise, context) -> bool:
        return not access.sees_contact(context["request"].user, obj)

    @staticmethod
    def resolve_contact_name(obj: Enterprise, context) -> str:
        full = access.sees_contact(context["request"].user, obj)
        return obj.contact_name if full else mask_name(obj.contact_name)

    @staticmethod
    def resolve_contact_phone(obj: Enterprise, context) -> str:
        full = access.sees_contact(context["request"].user, obj)
        return obj.contact_phone if full else mask_phone(obj.contact_phone)


class EnterpriseIn(Schema):
    """A new enterprise. Every field is checked by the service (translated field errors);
    ``org_unit`` is the division code (path) of the street/town or unit within it."""

    name: str | None = None
    uscc: str | None = None
    industry: str | None = None
    size: str | None = None
    org_unit: str | None = None
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""


class EnterprisePatch(Schema):
    """What to change; a field left out stays as it is."""

    name: str | None = None
    uscc: str | None = None
    industry: str | None = None
    size: str | None = None
    org_unit: str | None = None
    address: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    is_active: bool | None = None


class LiaisonIn(Schema):
    """The user id of the liaison cadre; ``null`` removes the liaison."""

    user_id: int | None = None


# --- Helpers -------------------------------------------------------------------------------------


def _org_unit(path: str | None) -> OrgUnit | None:
    return OrgUnit.objects.filter(path=path.strip()).first() if path and path.strip() else None


def _unknown_unit() -> ValidationFailed:
    return ValidationFailed(fields={"org_unit": [_("Unknown territorial unit.")]})


# --- Endpoints ------------------------------------------------------------------------------------


@router.get("/", response=list[EnterpriseOut], summary="Enterprises I may see (search by name or code)")
@paginate(PageNumberPagination, page_size=20)
def enterprise_list(request, q: str = ""):
    return selectors.enterprises_visible(request.user, q=q)


@router.post("/", response={201: EnterpriseOut}, summary="Register an enterprise")
def enterprise_create(request, payload: EnterpriseIn):
    access.require_registrar(request.user)
    org_unit = _org_unit(payload.org_unit)
    if payload.org_unit and org_unit is None:
        raise _unknown_unit()
    enterprise = services.enterprise_create(
        actor=request.user,
        name=payload.name or "",
        uscc=payload.uscc or "",
        industry=payload.industry or "",
        size=payload.size or "",
        org_unit=org_unit,
        address=payload.address,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
    )
    return access.access_enterprise(request.user, pk=enterprise.pk)  # 201: the only response declared


@router.get("/{enterprise_id}", response=EnterpriseOut, summary="One enterprise")
def enterprise_get(request, enterprise_id: int):
    return access.access_enterprise(request.user, pk=enterprise_id)


@router.patch("/{enterprise_id}", response=EnterpriseOut, summary="Change an enterprise")
def enterprise_update(request, enterprise_id: int, payload: EnterprisePatch):
    enterprise = access.access_enterprise(request.user, pk=enterprise_id)
    org_unit = None
    if payload.org_unit is not None:
        org_unit = _org_unit(payload.org_unit)
        if org_unit is None:
            raise _unknown_unit()
    services.enterprise_update(
        actor=request.user,
        enterprise=enterprise,
        org_unit=org_unit,
        **payload.dict(exclude={"org_unit"}),
    )
    return access.access_enterprise(request.user, pk=enterprise_id)


@router.put("/{enterprise_id}/liaison", response=EnterpriseOut, summary="Set or remove the liaison cadre")
def enterprise_liaison(request, enterprise_id: int, payload: LiaisonIn):
    enterprise = access.access_enterprise(request.user, pk=enterprise_id)
    liaison = None
    if payload.user_id is not None:
        liaison = get_user_model().objects.filter(pk=payload.user_id).first()
        if liaison is None:
            raise ValidationFailed(fields={"liaison": [_("Unknown user.")]})
    services.enterprise_liaison_set(actor=request.user, enterprise=enterprise, liaison=liaison)
    return access.access_enterprise(request.user, pk=enterprise_id)
