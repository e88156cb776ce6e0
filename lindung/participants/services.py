"""State changes of the participant registry: register/update, status, end of membership, KPJ, NIK unmasking.

Every function takes ``actor`` first (None = the system, e.g. a CLI run), owns its transaction and writes its own
audit rows. The import (lindung.imports.services) uses the same rules (``rules.clean_row`` and ``rules.decide``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from lindung.accounts import audit
from lindung.accounts.models import actor_may, user_can
from lindung.common.format import indonesian
from lindung.regions.models import Region, code_prefix_q

from . import rules
from .choices import SINGLE_HOLDER_JABATAN, AlasanBerhenti, Kind, Status
from .models import Kepesertaan, Peserta, StatusHistory

STALE = (
    "Data ini sudah diubah oleh pengguna lain sejak Anda membukanya; muat ulang halaman lalu ulangi "
    "perubahan Anda."
)

ELSEWHERE = "NIK ini sudah terdaftar aktif di wilayah lain; hubungi BPJS."
IDENTITY_FIELDS = ("name", "birth_date", "sex")


class AlreadyRegistered(ValidationError):
    """A new registration of a NIK that already has an active membership: never an update in disguise. Carries
    the membership when the actor may see it (to offer "ubah data"), else None and a message naming nothing."""

    def __init__(self, message: str, kepesertaan: Kepesertaan | None = None) -> None:
        super().__init__(message, code="already_registered")
        self.kepesertaan = kepesertaan


class IdentityChange(ValidationError):
    """A change of a person's name, birth date or sex, shown old → new and saved only once confirmed."""

    def __init__(self, changes: list[tuple[str, str, str, str]]) -> None:
        super().__init__(
            "Perubahan data pribadi perlu dikonfirmasi: {}".format(
                "; ".join(
                    "{}: {} → {}".format(label, old, new)
                    for _f, label, old, new in changes
                )
            ),
            code="confirm_identity",
        )
        self.changes = changes


def _shown(value) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return str(value or "–")


def identity_changes(
    person: Mapping[str, object], changes: Mapping[str, object]
) -> list:
    """(field, label, old, new) for each identity field ``changes`` alters."""
    return [
        (f, rules.LABELS[f], _shown(person.get(f)), _shown(changes[f]))
        for f in IDENTITY_FIELDS
        if f in changes
    ]


# Allowed status transitions; berhenti is final (a new registration makes a new membership).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.TERDAFTAR: frozenset({Status.AKTIF, Status.NONAKTIF, Status.BERHENTI}),
    Status.AKTIF: frozenset({Status.NONAKTIF, Status.BERHENTI}),
    Status.NONAKTIF: frozenset({Status.AKTIF, Status.BERHENTI}),
    Status.BERHENTI: frozenset(),
}


def _require(actor, action: str, region_code: str) -> None:
    """``actor`` None is the system (CLI without a user, background jobs)."""
    if not actor_may(actor, action, region_code):
        raise PermissionDenied(
            "Anda tidak berwenang untuk wilayah {}.".format(region_code)
        )


def village_index(
    *, within: str | None = None, codes: Iterable[str] = (), names: Iterable[str] = ()
) -> rules.VillageIndex:
    """Build the plain village index the rules resolve against: one query for the villages, one for their parents.

    ``within`` limits to a region (e.g. --region); ``codes``/``names`` limit to what a small input mentions.
    """
    qs = Region.objects.filter(level=4)
    if within:
        qs = qs.filter(code_prefix_q("code", within))
    codes = [c for c in codes if c]
    names = [n for n in names if n]
    if codes or names:
        q = Q(code__in=codes)
        for name in names:
            core = rules.strip_desa_prefix(name)
            q |= Q(name__iexact=core) | Q(name__iexact=name.strip())
        qs = qs.filter(q)
    rows = list(qs.values_list("code", "name", "type"))
    parents = {c[:8] for c, _n, _t in rows} | {c[:5] for c, _n, _t in rows}
    parent_names = dict(
        Region.objects.filter(code__in=parents).values_list("code", "name")
    )
    return rules.VillageIndex(
        rules.Village(
            code=c,
            name=n,
            type=t,
            kecamatan=parent_names.get(c[:8], ""),
            kabupaten=parent_names.get(c[:5], ""),
        )
        for c, n, t in rows
    )


def _person_state(peserta: Peserta) -> dict[str, object]:
    return {f: getattr(peserta, f) for f in rules.PESERTA_FIELDS}


def _membership_state(k: Kepesertaan) -> dict[str, object]:
    state = {f: getattr(k, f) for f in rules.MEMBERSHIP_FIELDS}
    state.update(desa=k.desa_id, kind=k.kind, status=k.status, version=k.version)
    return state


def _raise_row_errors(result: rules.RowResult) -> None:
    if result.errors:
        raise ValidationError(
            ["{}: {}".format(column, message) for column, message in result.errors]
        )


def register_or_update(
    *, actor, data: Mapping[str, object], today: dt.date | None = None
) -> tuple[Kepesertaan, str]:
    """Register a person's membership, or update it in place; the same validation as the import.

    ``data`` holds raw values keyed like ``rules.LABELS`` (``nik``, ``name``, ``birth_date``, ``desa_code`` …) plus
    ``kind`` and, for an edit, ``kepesertaan_id`` (the membership being edited) and ``version`` (the version the
    editor loaded: a stale edit is refused).
    Returns the membership and the outcome: "inserted", "updated" or "unchanged". Raises ValidationError (with
    Indonesian messages) or PermissionDenied.
    """
    kind = str(data.get("kind") or "")
    if kind not in Kind.values:
        raise ValidationError("Jenis peserta harus perangkat atau rentan.")
    values = {k: v for k, v in data.items() if k in rules.LABELS}
    index = village_index(
        codes=[rules.normalize_region_code(values.get("desa_code")) or ""],
        names=[str(values.get("desa") or "")],
    )
    result = rules.clean_row(values, kind=kind, villages=index, blank_clears=True)
    _raise_row_errors(result)
    record = result.record
    _require(actor, "change", record.desa)
    with transaction.atomic():
        peserta = Peserta.objects.select_for_update().filter(nik=record.nik).first()
        current = None
        if peserta is not None:
            current = (
                Kepesertaan.objects.select_for_update()
                .active()
                .filter(peserta=peserta)
                .first()
            )
        existing = (
            None
            if peserta is None
            else rules.Existing(
                peserta.pk,
                _person_state(peserta),
                _membership_state(current) if current else None,
            )
        )
        decision = rules.decide(record, existing)
        target = data.get("kepesertaan_id")
        if target in (None, "") and current is not None:
            # Registering a NIK that already has a membership shows that person; it never updates silently.
            _already_registered(actor, current)
        if decision.outcome == "conflict":
            raise ValidationError(decision.message)
        if target not in (None, "") and (current is None or current.pk != int(target)):
            # An edit of a membership that has ended (or belongs to someone else) must not re-register.
            raise ValidationError(
                "Kepesertaan ini sudah berhenti atau tidak cocok dengan NIK; daftarkan sebagai kepesertaan baru."
            )
        expected = data.get("version")
        if (
            current is not None
            and expected not in (None, "")
            and int(expected) != current.version
        ):
            raise ValidationError(STALE)
        _check_single_holder(record)
        shown = identity_changes(
            existing.person if existing else {}, decision.peserta_changes
        )
        if shown and not _truthy(data.get("confirm_identity")):
            raise IdentityChange(shown)
        if decision.outcome == "insert":
            return _insert(
                actor, record, peserta, decision, today or timezone.localdate()
            ), "inserted"
        if decision.outcome == "unchanged":
            return current, "unchanged"
        _update(actor, peserta, current, decision)
        current.refresh_from_db()
        return current, "updated"


def _truthy(value) -> bool:
    return value is True or str(value).strip().lower() in (
        "1",
        "true",
        "ya",
        "on",
        "yes",
    )


def _already_registered(actor, current: Kepesertaan) -> None:
    visible = (
        actor is None
        or Kepesertaan.objects.visible_to(actor).filter(pk=current.pk).exists()
    )
    if not visible:
        raise AlreadyRegistered(ELSEWHERE)
    raise AlreadyRegistered(
        "NIK ini sudah terdaftar sebagai {} di {} ({}): buka Ubah data untuk mengubahnya, atau batalkan.".format(
            Kind(current.kind).label,
            current.desa.name if current.desa_id else "-",
            current.peserta.display_name,
        ),
        current,
    )


def _check_single_holder(record: rules.Record) -> None:
    if record.kind != Kind.PERANGKAT or record.jabatan not in SINGLE_HOLDER_JABATAN:
        return
    holder = (
        Kepesertaan.objects.active()
        .filter(desa_id=record.desa, jabatan=record.jabatan, kind=record.kind)
        .exclude(peserta__nik=record.nik)
        .values_list("peserta__nik", flat=True)
        .first()
    )
    problem = rules.single_holder_conflict(
        record, {(record.desa, record.jabatan): holder} if holder else {}
    )
    if problem:
        raise ValidationError(problem)


def _insert(
    actor,
    record: rules.Record,
    peserta: Peserta | None,
    decision: rules.Decision,
    today: dt.date,
) -> Kepesertaan:
    if peserta is None:
        peserta = Peserta.objects.create(
            nik=record.nik,
            name=record.name,
            birth_date=record.birth_date,
            sex=record.sex,
            phone=record.phone,
        )
        audit.record(
            actor=actor,
            action="create",
            obj=peserta,
            region_code=record.desa,
            changes=audit.diff({}, audit.snapshot(peserta)),
        )
    elif decision.peserta_changes:
        _save_person(actor, peserta, decision.peserta_changes, record.desa)
    k = Kepesertaan.objects.create(
        peserta=peserta,
        kind=record.kind,
        desa_id=record.desa,
        registered_on=record.registered_on or today,
        **rules.membership_values(record),
    )
    StatusHistory.objects.create(
        kepesertaan=k, status=k.status, reason="Pendaftaran", actor=_user(actor)
    )
    audit.record(
        actor=actor,
        action="create",
        obj=k,
        region_code=k.desa_id,
        changes=audit.diff({}, audit.snapshot(k)),
    )
    return k


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _save_person(actor, peserta: Peserta, changes: dict, region_code: str) -> None:
    before = audit.snapshot(peserta)
    updated = Peserta.objects.filter(pk=peserta.pk, version=peserta.version).update(
        **changes, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(STALE)
    peserta.refresh_from_db()
    audit.record(
        actor=actor,
        action="update",
        obj=peserta,
        region_code=region_code,
        changes=audit.diff(before, audit.snapshot(peserta)),
    )


def _save_membership(
    actor, k: Kepesertaan, changes: dict, *, action: str = "update", note: str = ""
) -> None:
    """Write ``changes`` only if nobody changed the membership since ``k`` was read (optimistic lock)."""
    before = audit.snapshot(k)
    updated = Kepesertaan.objects.filter(pk=k.pk, version=k.version).update(
        **changes, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(STALE)
    k.refresh_from_db()
    audit.record(
        actor=actor,
        action=action,
        obj=k,
        region_code=k.desa_id,
        changes=audit.diff(before, audit.snapshot(k)),
        note=note,
    )


def _update(actor, peserta: Peserta, k: Kepesertaan, decision: rules.Decision) -> None:
    if decision.peserta_changes:
        _save_person(actor, peserta, decision.peserta_changes, k.desa_id)
    if decision.membership_changes:
        _save_membership(actor, k, decision.membership_changes)


def change_status(
    *, actor, kepesertaan: Kepesertaan, status: str, reason: str = ""
) -> Kepesertaan:
    """Move a membership to ``status`` (terdaftar → aktif ↔ nonaktif → berhenti); writes history and audit."""
    if status not in Status.values:
        raise ValidationError("Status tidak dikenal: {}".format(status))
    if status == Status.BERHENTI:
        return end_membership(
            actor=actor,
            kepesertaan=kepesertaan,
            reason=reason or AlasanBerhenti.LAINNYA,
            ended_on=timezone.localdate(),
        )
    _require(actor, "change", kepesertaan.desa_id)
    if status == kepesertaan.status:
        return kepesertaan
    if status not in TRANSITIONS[kepesertaan.status]:
        raise ValidationError(
            "Status {} tidak dapat diubah menjadi {}.".format(
                indonesian(Status(kepesertaan.status).label),
                indonesian(Status(status).label),
            )
        )
    with transaction.atomic():
        _save_membership(
            actor, kepesertaan, {"status": status}, action="transition", note=reason
        )
        StatusHistory.objects.create(
            kepesertaan=kepesertaan,
            status=status,
            reason=reason[:200],
            actor=_user(actor),
        )
    return kepesertaan


def end_membership(
    *, actor, kepesertaan: Kepesertaan, reason: str, ended_on: dt.date
) -> Kepesertaan:
    """End a membership (status berhenti) for ``reason`` on ``ended_on``: history row and audit row.

    ``reason`` is an AlasanBerhenti code ("meninggal", "purna_tugas", "pindah", "lainnya"); other text is kept in
    the history with the code "lainnya". The claims app calls this when a death claim is decided.
    """
    _require(actor, "change", kepesertaan.desa_id)
    if kepesertaan.status == Status.BERHENTI:
        raise ValidationError(
            "Kepesertaan ini sudah berhenti sejak {}.".format(
                kepesertaan.ended_on or "-"
            )
        )
    code = reason if reason in AlasanBerhenti.values else AlasanBerhenti.LAINNYA
    text = (
        indonesian(AlasanBerhenti(code).label)
        if reason in AlasanBerhenti.values
        else str(reason)
    )
    with transaction.atomic():
        _save_membership(
            actor,
            kepesertaan,
            {"status": Status.BERHENTI, "stop_reason": code, "ended_on": ended_on},
            action="transition",
            note=text,
        )
        StatusHistory.objects.create(
            kepesertaan=kepesertaan,
            status=Status.BERHENTI,
            reason=text[:200],
            actor=_user(actor),
        )
    return kepesertaan


def set_kpj(
    *, actor, kepesertaan: Kepesertaan, kpj: str
) -> tuple[Kepesertaan, str | None]:
    """Record the BPJS card number (KPJ) after BPJS validation: digits only; returns a warning if not 11 digits."""
    if actor is not None and not (
        user_can(actor, "validate", kepesertaan.desa_id)
        or user_can(actor, "change", kepesertaan.desa_id)
    ):
        raise PermissionDenied(
            "Anda tidak berwenang untuk wilayah {}.".format(kepesertaan.desa_id)
        )
    try:
        number, warning = rules.parse_kpj(kpj)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if (
        number
        and Kepesertaan.objects.active()
        .filter(kpj=number)
        .exclude(peserta_id=kepesertaan.peserta_id)
        .exists()
    ):
        raise ValidationError("KPJ {} sudah dipakai peserta lain.".format(number))
    if number != kepesertaan.kpj:
        with transaction.atomic():
            _save_membership(actor, kepesertaan, {"kpj": number}, note="KPJ")
    return kepesertaan, warning


def can_unmask(user, kepesertaan: Kepesertaan) -> bool:
    return user_can(user, "unmask", kepesertaan.desa_id)


def unmask_nik(*, actor, kepesertaan: Kepesertaan) -> str:
    """Show a full NIK: allowed for "unmask" holders, and every view is written to the audit log (UU PDP)."""
    if not can_unmask(actor, kepesertaan):
        raise PermissionDenied("Anda tidak berwenang melihat NIK lengkap.")
    audit.record(
        actor=actor,
        action="unmask",
        obj=kepesertaan.peserta,
        region_code=kepesertaan.desa_id,
        note="NIK dibuka di halaman rincian",
    )
    return kepesertaan.peserta.nik
