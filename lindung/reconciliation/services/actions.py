"""Actions on a run's result (write back KPJ, mark to send, close ended) and the registrations to send per
payer; each checks the actor's scope again and writes audit rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lindung.accounts.models import actor_may
from lindung.common.bulk import chunks
from lindung.common.spreadsheet import write_xlsx
from lindung.contributions import rules as contribution_rules
from lindung.contributions.models import Payer
from lindung.participants import services as participant_services
from lindung.participants.choices import AlasanBerhenti
from lindung.participants.models import Kepesertaan
from lindung.regions.models import Region

from .. import rules
from ..models import PendingRegistration, ReconciliationRun
from .runs import KPJ_CHUNK, _audit_bulk
from .stored import result_rows

# --------------------------------------------------------------------------------------------------------------
# Actions on a run's result; each checks the actor's scope again and is audited.
# --------------------------------------------------------------------------------------------------------------


def _changeable(actor, ids: list[int]):
    qs = Kepesertaan.objects.filter(id__in=ids)
    return qs.visible_to(actor, "change") if actor is not None else qs


def write_back_kpj(*, actor, run: ReconciliationRun) -> dict:
    """Write every kpj_baru of the run into the registry, one transaction (and one audit row per membership) per
    chunk. A membership that got a KPJ meanwhile is left alone; a KPJ another person holds is refused."""
    _require_reconcile(actor, run)
    pairs = list(
        result_rows(run, cls=rules.KPJ_BARU)
        .exclude(kepesertaan_id=None)
        .values_list("kepesertaan_id", "kpj")
    )
    written = conflicts = skipped = 0
    note = "KPJ dari daftar BPJS (rekonsiliasi #{})".format(run.pk)
    for part in chunks(pairs, KPJ_CHUNK):
        wanted = dict(part)
        with transaction.atomic():
            members = list(
                _changeable(actor, list(wanted))
                .filter(kpj="")
                .select_for_update()
                .only("id", "peserta_id", "desa_id", "kpj", "version")
            )
            taken = dict(
                Kepesertaan.objects.active()
                .filter(kpj__in=[wanted[m.id] for m in members])
                .values_list("kpj", "peserta_id")
            )
            now, changed, events = timezone.now(), [], []
            for m in members:
                kpj = wanted[m.id]
                if taken.get(kpj, m.peserta_id) != m.peserta_id:
                    conflicts += 1
                    continue
                taken[kpj] = m.peserta_id
                m.kpj, m.version, m.updated_at = kpj, F("version") + 1, now
                changed.append(m)
                events.append((m.id, m.desa_id, {"kpj": ["", kpj]}))
            Kepesertaan.objects.bulk_update(changed, ["kpj", "version", "updated_at"])
            _audit_bulk(actor, "update", events, note)
            written += len(changed)
            skipped += len(part) - len(members)
    return {"written": written, "conflicts": conflicts, "skipped": skipped}


def mark_to_send(*, actor, run: ReconciliationRun) -> dict:
    """Mark the run's hanya-di-Lindung memberships as to be sent to BPJS (one mark per membership, audited)."""

    _require_reconcile(actor, run)
    ids = list(
        result_rows(run, cls=rules.HANYA_DI_LINDUNG).values_list(
            "kepesertaan_id", flat=True
        )
    )
    marked = 0
    for part in chunks([i for i in ids if i], KPJ_CHUNK):
        with transaction.atomic():
            already = set(
                PendingRegistration.objects.filter(kepesertaan_id__in=part).values_list(
                    "kepesertaan_id", flat=True
                )
            )
            members = list(
                _changeable(actor, part)
                .active()
                .exclude(id__in=already)
                .values_list("id", "desa_id", "sumber_dana", "peserta_id")
            )
            user = actor if getattr(actor, "pk", None) else None
            regions = {kid: desa for kid, desa, _f, _p in members}
            objs = [
                PendingRegistration(
                    kepesertaan_id=kid,
                    run=run,
                    marked_by=user,
                    payer_code=contribution_rules.payer_code(
                        *contribution_rules.payer_key(funding, desa, peserta_id)
                    )[:40],
                )
                for kid, desa, funding, peserta_id in members
            ]
            PendingRegistration.objects.bulk_create(objs, batch_size=2000)
            _audit_bulk(
                actor,
                "mark",
                [(o.kepesertaan_id, regions[o.kepesertaan_id], {}) for o in objs],
                "ditandai untuk dikirim ke BPJS (rekonsiliasi #{})".format(run.pk),
            )
            marked += len(objs)
    return {"marked": marked}


def ended_candidates(run: ReconciliationRun, actor):
    """Open memberships of the run that BPJS reports ended (status berhenti): what "close" would end."""
    ids = (
        result_rows(run, cls=rules.STATUS_BERBEDA)
        .filter(bpjs_status=rules.BERHENTI)
        .exclude(kepesertaan_id=None)
        .values_list("kepesertaan_id", flat=True)
    )
    return (
        _changeable(actor, list(ids))
        .active()
        .select_related("peserta", "desa")
        .order_by("desa_id", "id")
    )


def close_ended(
    *, actor, run: ReconciliationRun, reason: str, ended_on: dt.date | None = None
) -> dict:
    """End (confirmed by the user) the open memberships BPJS reports ended, through
    ``participants.services.end_membership`` (status history and audit row for each). ``reason`` is an
    AlasanBerhenti code; "lainnya" is recorded with the run named."""
    _require_reconcile(actor, run)
    if reason not in AlasanBerhenti.values or reason == AlasanBerhenti.LAINNYA:
        reason = "berhenti menurut daftar BPJS (rekonsiliasi #{}, {})".format(
            run.pk, run.filename
        )
    closed = 0
    for k in ended_candidates(run, actor):
        try:
            participant_services.end_membership(
                actor=actor,
                kepesertaan=k,
                reason=reason,
                ended_on=ended_on or run.as_of or timezone.localdate(),
            )
        except ValidationError:
            continue
        closed += 1
    return {"closed": closed}


def _require_reconcile(actor, run: ReconciliationRun) -> None:
    if run.state != ReconciliationRun.State.DONE:
        raise ValidationError("Rekonsiliasi ini belum selesai.")
    if not actor_may(actor, "reconcile", run.region_id):
        raise PermissionDenied("Anda tidak berwenang merekonsiliasi data BPJS.")


# --------------------------------------------------------------------------------------------------------------
# Registrations to send (docs/reconciliation.md, "Registrations to send").
# --------------------------------------------------------------------------------------------------------------


def pending_for(actor):
    visible = (
        Kepesertaan.objects.visible_to(actor)
        if actor is not None
        else Kepesertaan.objects.all()
    )
    return PendingRegistration.objects.filter(kepesertaan__in=visible.values("id"))


def pending_by_payer(actor) -> list[dict]:
    """Payers with people marked to be sent: counts, how many already exported, and the payer's name."""

    counts: dict[str, Counter] = defaultdict(Counter)
    for code, sent in pending_for(actor).values_list("payer_code", "sent_on"):
        counts[code]["total"] += 1
        counts[code]["sent"] += sent is not None
    names = dict(
        Payer.objects.filter(code__in=list(counts)).values_list("code", "name")
    )
    return [
        {
            "code": code,
            "name": names.get(code, code),
            "total": c["total"],
            "sent": c["sent"],
        }
        for code, c in sorted(counts.items())
    ]


REGISTRATION_HEADER = [
    "No",
    "NIK",
    "Nama Lengkap",
    "Tempat Lahir",
    "Tanggal Lahir",
    "Jenis Kelamin",
    "Alamat",
    "Desa/Kelurahan",
    "Kecamatan",
    "Kabupaten/Kota",
    "Kode Desa",
    "No HP",
    "Tanggal Mulai Kepesertaan",
    "Upah/Penghasilan (Rp)",
    "Program",
    "Segmen",
    "Jenis Peserta",
    "Jabatan/Pekerjaan",
    "Kode Pembayar",
    "Nama Pembayar",
    "Dikirim Sebelumnya",
]


def export_registrations(
    *, actor, payer_code: str, target: Path, today: dt.date | None = None
) -> int:
    """The people of one payer marked to be sent, in the registration layout (all cells text); marks them
    "dikirim ke BPJS" with today's date (audited). Returns how many were exported."""

    if not actor_may(actor, "reconcile"):
        raise PermissionDenied("Anda tidak berwenang merekonsiliasi data BPJS.")
    today = today or timezone.localdate()
    marks = list(
        pending_for(actor)
        .filter(payer_code=payer_code)
        .select_related("kepesertaan__peserta", "kepesertaan__desa")
        .order_by("kepesertaan__desa_id", "kepesertaan__peserta__name", "pk")
    )
    parents = _parent_names({m.kepesertaan.desa_id for m in marks})
    payer = Payer.objects.filter(code=payer_code).values_list("name", flat=True).first()
    lines = [
        _registration_line(i, m, parents, payer or payer_code)
        for i, m in enumerate(marks, start=1)
    ]

    write_xlsx(
        target,
        REGISTRATION_HEADER,
        lines,
        text_columns=range(len(REGISTRATION_HEADER)),
        sheet_name="Pendaftaran",
    )
    user = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        PendingRegistration.objects.filter(pk__in=[m.pk for m in marks]).update(
            sent_on=today, sent_by=user
        )
        _audit_bulk(
            actor,
            "export",
            [
                (
                    m.kepesertaan_id,
                    m.kepesertaan.desa_id,
                    {"sent_on": [_iso(m.sent_on), today.isoformat()]},
                )
                for m in marks
            ],
            "dikirim ke BPJS: daftar pendaftaran pembayar {}".format(payer_code),
        )
    return len(marks)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _parent_names(desa_codes: set[str]) -> dict[str, str]:
    codes = set(desa_codes) | {c[:8] for c in desa_codes} | {c[:5] for c in desa_codes}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def _registration_line(i: int, mark, names: dict[str, str], payer_name: str) -> list:
    k = mark.kepesertaan
    p = k.peserta
    programmes = ["JKK", "JKM"] + (["JHT"] if k.jht else []) + (["JP"] if k.jp else [])
    return [
        str(i),
        p.nik,
        p.name,
        "",  # Lindung keeps no place of birth: the village fills it in
        p.birth_date.strftime("%d-%m-%Y") if p.birth_date else "",
        "LAKI-LAKI" if p.sex == "L" else "PEREMPUAN",
        "Desa/Kel. {}, Kec. {}, {}".format(
            names.get(k.desa_id, ""),
            names.get(k.desa_id[:8], ""),
            names.get(k.desa_id[:5], ""),
        ),
        names.get(k.desa_id, ""),
        names.get(k.desa_id[:8], ""),
        names.get(k.desa_id[:5], ""),
        k.desa_id,
        p.phone,
        k.registered_on.strftime("%d-%m-%Y") if k.registered_on else "",
        "" if k.wage is None else str(k.wage),
        ", ".join(programmes),
        "PU" if k.kind == "perangkat" else "BPU",
        k.get_kind_display(),
        k.role_label,
        mark.payer_code,
        payer_name,
        mark.sent_on.strftime("%d-%m-%Y") if mark.sent_on else "",
    ]
