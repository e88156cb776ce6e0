"""Registry API: list (filters + pagination), detail, create, update; scoped by visible_to, NIK masked by default.

No ``from __future__ import annotations`` here: django-ninja resolves the ``Query[Filters]`` annotation at import.
"""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from lindung.common.format import mask_nik

from . import services
from .filters import filtered
from .models import Kepesertaan

router = Router(tags=["participants"])


class Filters(Schema):
    q: str | None = None
    region: str | None = None
    kind: str | None = None
    status: str | None = None
    sumber_dana: str | None = None


def _given(obj, name: str):
    """A field of an already built answer (a schema or a dict), when the resolvers meet it again."""
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


class KepesertaanOut(Schema):
    id: int
    nik: str
    name: str
    birth_date: dt.date
    sex: str
    kind: str
    desa: str
    desa_name: str
    jabatan: str
    pekerjaan: str
    wage: int | None
    sumber_dana: str
    jht: bool
    jp: bool
    risk_group: str
    kpj: str
    status: str
    registered_on: dt.date
    ended_on: dt.date | None
    version: int

    # Built from a membership (the paginated list): the person's fields, the NIK masked.
    @staticmethod
    def resolve_nik(obj) -> str:
        return (
            mask_nik(obj.peserta.nik)
            if isinstance(obj, Kepesertaan)
            else _given(obj, "nik")
        )

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.peserta.name if isinstance(obj, Kepesertaan) else _given(obj, "name")

    @staticmethod
    def resolve_birth_date(obj):
        return (
            obj.peserta.birth_date
            if isinstance(obj, Kepesertaan)
            else _given(obj, "birth_date")
        )

    @staticmethod
    def resolve_sex(obj) -> str:
        return obj.peserta.sex if isinstance(obj, Kepesertaan) else _given(obj, "sex")

    @staticmethod
    def resolve_desa(obj) -> str:
        return obj.desa_id if isinstance(obj, Kepesertaan) else _given(obj, "desa")

    @staticmethod
    def resolve_desa_name(obj) -> str:
        return (
            obj.desa.name if isinstance(obj, Kepesertaan) else _given(obj, "desa_name")
        )


class KepesertaanIn(Schema):
    """Raw values, validated exactly like a spreadsheet row (dates dd/mm/yyyy or yyyy-mm-dd, Rupiah as text)."""

    kind: str
    nik: str
    name: str
    birth_date: str
    sex: str | None = None
    desa_code: str
    jabatan: str | None = None
    pekerjaan: str | None = None
    wage: str | int | None = None
    sumber_dana: str | None = None
    start_of_term: str | None = None
    jht: bool = False
    jp: bool = False
    risk_group: str | None = None
    kpj: str | None = None
    phone: str | None = None
    version: int | None = None
    # A change of name, birth date or sex is refused (409, old → new) until sent again with this set.
    confirm_identity: bool = False


class SaveOut(Schema):
    outcome: str
    kepesertaan: KepesertaanOut


def _out(k: Kepesertaan, *, nik: str | None = None) -> KepesertaanOut:
    p = k.peserta
    return KepesertaanOut(
        id=k.pk,
        nik=nik or mask_nik(p.nik),
        name=p.name,
        birth_date=p.birth_date,
        sex=p.sex,
        kind=k.kind,
        desa=k.desa_id,
        desa_name=k.desa.name,
        jabatan=k.jabatan,
        pekerjaan=k.pekerjaan,
        wage=k.wage,
        sumber_dana=k.sumber_dana,
        jht=k.jht,
        jp=k.jp,
        risk_group=k.risk_group,
        kpj=k.kpj,
        status=k.status,
        registered_on=k.registered_on,
        ended_on=k.ended_on,
        version=k.version,
    )


class Pages(PageNumberPagination):
    """Page numbers and sizes bounded: an OFFSET beyond 64 bits was a database error (500 on SQLite); a million
    pages of 500 reach 500 M rows, past any national registry."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=500)


@router.get(
    "",
    response=list[KepesertaanOut],
    summary="Memberships visible to the caller (NIK masked)",
)
@paginate(Pages, page_size=50, max_page_size=500)
def list_peserta(request, filters: Query[Filters]):
    # The queryset itself: the paginator counts and slices it in the database (a list of every visible
    # membership was built before, for page_size=2 too).
    return filtered(request.user, filters.dict(exclude_none=True))


@router.get(
    "/{pk}",
    response=KepesertaanOut,
    summary="One membership; ?unmask=true shows the NIK (audited)",
)
def get_peserta(request, pk: int, unmask: bool = False):
    k = get_object_or_404(
        Kepesertaan.objects.visible_to(request.user).select_related("peserta", "desa"),
        pk=pk,
    )
    nik = services.unmask_nik(actor=request.user, kepesertaan=k) if unmask else None
    return _out(k, nik=nik)


def _save(request, data: dict) -> SaveOut:
    data = {
        k: ("ya" if v else "tidak") if k in ("jht", "jp") else v
        for k, v in data.items()
        if v is not None
    }
    k, outcome = services.register_or_update(actor=request.user, data=data)
    k = Kepesertaan.objects.select_related("peserta", "desa").get(pk=k.pk)
    return SaveOut(outcome=outcome, kepesertaan=_out(k))


@router.post(
    "",
    response={200: SaveOut, 201: SaveOut},
    summary="Register; a NIK that already has a membership is 409 (update it with PUT)",
)
def create_peserta(request, payload: KepesertaanIn):
    result = _save(request, payload.dict())
    return Status(201 if result.outcome == "inserted" else 200, result)


@router.put(
    "/{pk}", response=SaveOut, summary="Update a membership; send the version you read"
)
def update_peserta(request, pk: int, payload: KepesertaanIn):
    k = get_object_or_404(
        Kepesertaan.objects.visible_to(request.user, "change").select_related(
            "peserta"
        ),
        pk=pk,
    )
    data = payload.dict()
    data["nik"], data["kind"], data["kepesertaan_id"] = k.peserta.nik, k.kind, k.pk
    return _save(request, data)
