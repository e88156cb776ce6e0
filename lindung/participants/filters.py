"""The registry's list filters, shared by the web list, its downloads and the API (one query path)."""

from __future__ import annotations

from lindung.regions.models import code_prefix_q

from .models import Kepesertaan


def filtered(user, params):
    """The visible memberships filtered by q (NIK or name), region, kind, status and sumber_dana."""
    qs = (
        Kepesertaan.objects.visible_to(user)
        .select_related("peserta", "desa")
        .order_by("desa_id", "peserta__name")
    )
    q = (params.get("q") or "").strip()
    if q:
        digits = q.replace(" ", "")
        if digits.isdigit() and len(digits) == 16:
            qs = qs.filter(peserta__nik=digits)  # the unique index, on both databases
        elif digits.isdigit():
            qs = qs.filter(peserta__nik__startswith=digits)
        else:
            qs = qs.filter(peserta__name__icontains=q)
    if params.get("region"):
        qs = qs.filter(code_prefix_q("desa__code", params["region"].strip()))
    for name in ("kind", "status", "sumber_dana"):
        if params.get(name):
            qs = qs.filter(**{name: params[name]})
    return qs
