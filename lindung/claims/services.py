"""Claims: the quote (web, API and CLI call ``quote_claim``), submission, transitions, documents, scholarships."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from lindung.accounts import audit
from lindung.accounts.models import user_can
from lindung.participants.models import Kepesertaan

from . import rules
from .choices import DEATH_EVENTS, BeasiswaStatus, Status
from .models import (
    Beasiswa,
    BenefitTable,
    DocumentRequirement,
    Klaim,
    KlaimDokumen,
    KlaimTransition,
    ScholarshipRate,
)

ALLOWED_UPLOADS = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
# Magic bytes: the extension alone is not trusted.
_SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
MAX_DOCUMENT_BYTES = getattr(
    settings, "LINDUNG_MAX_CLAIM_DOCUMENT_BYTES", 5 * 1024 * 1024
)
SEGMENT_BY_KIND = {"perangkat": "pu", "rentan": "bpu"}
# Participant search on the claim form: at most this many people are offered.
SEARCH_LIMIT = 20


# ---------------------------------------------------------------- who may do what


class TwoPersonRefusal(PermissionDenied):
    """The officer who verified a claim tried to approve it too."""


def may(user, step: str, on: Klaim | Kepesertaan | None = None) -> bool:
    """Whether ``user``'s roles allow claim ``step`` (rules.STEP_ACTIONS) on the desa of ``on`` (a claim or a
    membership), or somewhere when ``on`` is None.

    The one question the services and the views ask (templates get its answers); ``user_can`` answers it.
    """
    if on is None:
        region = None
    elif isinstance(on, Klaim):
        region = on.kepesertaan.desa_id
    else:
        region = on.desa_id
    return any(user_can(user, action, region) for action in rules.STEP_ACTIONS[step])


def can_upload(user, klaim: Klaim) -> bool:
    """Whether ``user`` may add a document to ``klaim`` now (the upload control on the claim page)."""
    return klaim.status in rules.OPEN_FOR_DOCUMENTS and may(user, "upload", klaim)


def allowed_transitions(user, klaim: Klaim) -> list[str]:
    """The statuses ``user`` may move ``klaim`` to now (the buttons on the detail page).

    The officer who verified the claim is not offered "approve" (two people decide).
    """
    out = []
    for to in rules.next_statuses(klaim.status):
        step = rules.transition_step(klaim.status, to)
        if may(user, step, klaim) and not rules.two_person_refusal(
            step, getattr(user, "pk", None), klaim.verified_by_id
        ):
            out.append(to)
    return out


def claim_permissions(user, klaim: Klaim) -> dict:
    """What the claim page may offer ``user``: upload, status buttons, scholarship actions."""
    return {
        "upload": can_upload(user, klaim),
        "next": allowed_transitions(user, klaim),
        "scholarship": may(user, "scholarship", klaim),
    }


def membership_ended_on(klaim: Klaim) -> dt.date | None:
    """The day the membership ended when this approved death claim ended it (for the claim page), else None."""
    k = klaim.kepesertaan
    if (
        klaim.event in DEATH_EVENTS
        and klaim.status in (Status.DISETUJUI, Status.DIBAYAR)
        and k.status == "berhenti"
        and k.stop_reason == "meninggal"
    ):
        return k.ended_on
    return None


# ---------------------------------------------------------------- quote


def benefit_tables(day: dt.date) -> rules.Tables:
    """The benefit tables in force on ``day``, read from the database."""
    benefit_rows = list(
        BenefitTable.objects.in_force(day).values(
            "code", "value", "valid_from", "valid_to", "label", "basis", "confirmed"
        )
    )
    level_rows = list(
        ScholarshipRate.objects.in_force(day).values(
            "level",
            "order",
            "amount",
            "max_years",
            "valid_from",
            "valid_to",
            "basis",
            "confirmed",
        )
    )
    return rules.tables_from_rows(benefit_rows, level_rows, day)


def find_kepesertaan(nik: str, *, user=None, action: str = "view") -> Kepesertaan:
    """The active (else the latest) membership of the person with ``nik``, within ``user``'s regions."""
    qs = Kepesertaan.objects.select_related("peserta", "desa")
    if user is not None:
        qs = qs.visible_to(user, action)
    rows = list(
        qs.filter(peserta__nik=str(nik).strip()).order_by("-registered_on", "-id")
    )
    if not rows:
        raise Http404("NIK tidak ditemukan di wilayah Anda.")
    return next((k for k in rows if k.status != "berhenti"), rows[0])


def search_kepesertaan(text: str, *, user, action: str = "submit") -> list[Kepesertaan]:
    """Memberships of people whose name or NIK matches ``text``, within ``user``'s regions for ``action``.

    A 16-digit text is a NIK (exact); other digits (6 or more) match part of a NIK; anything else matches every
    word of the name. One membership per person: the active one, else the latest.
    """
    text = " ".join(str(text or "").split())
    qs = Kepesertaan.objects.visible_to(user, action).select_related("peserta", "desa")
    digits = text.replace(" ", "")
    if digits.isdigit():
        if len(digits) == 16:
            qs = qs.filter(peserta__nik=digits)
        elif len(digits) >= 6:
            qs = qs.filter(peserta__nik__contains=digits)
        else:
            return []
    elif len(text) >= 2:
        for word in text.split():
            qs = qs.filter(peserta__name__icontains=word)
    else:
        return []
    chosen: dict[int, Kepesertaan] = {}
    rows = qs.order_by("peserta__name", "peserta_id", "-registered_on", "-id")
    for k in rows[: SEARCH_LIMIT * 4]:
        best = chosen.get(k.peserta_id)
        if best is None or (best.status == "berhenti" and k.status != "berhenti"):
            chosen[k.peserta_id] = k
    return list(chosen.values())[:SEARCH_LIMIT]


def registry_facts(kepesertaan: Kepesertaan, incident_date: dt.date) -> dict:
    """Segment, wage, contribution months, coverage and arrears on ``incident_date`` from the registry.

    Coverage comes from the contributions app (paid months make cover); a fact it cannot give is left out.
    """
    facts = {"segment": SEGMENT_BY_KIND.get(kepesertaan.kind), "wage": kepesertaan.wage}
    try:
        # Lazy: the contributions app is built alongside this one and imports the participants app.
        from lindung.contributions import services as iuran
    except ImportError:
        return facts
    for key, name in (
        ("covered", "coverage_on"),
        ("contribution_months", "contribution_months"),
        ("arrears_months", "arrears_months"),
    ):
        function = getattr(iuran, name, None)
        if function is not None:
            facts[key] = function(kepesertaan, incident_date)
    return facts


def _merge_registry(case: dict, *, user) -> tuple[dict, Kepesertaan | None]:
    if not isinstance(case, dict) or not case.get("nik"):
        return case, None
    incident = rules.parse_date(case, "incident_date", required=True)
    kepesertaan = find_kepesertaan(case["nik"], user=user)
    facts = registry_facts(kepesertaan, incident)
    # docs/interfaces.md: fields given explicitly win over the registry.
    merged = {**facts, **{k: v for k, v in case.items() if v is not None}}
    if "covered" not in merged:
        raise ValidationError(
            "Status perlindungan pada tanggal kejadian tidak dapat ditentukan dari data iuran; "
            "isi kolom 'covered'."
        )
    return merged, kepesertaan


def quote_claim(case: dict, *, user=None, today: dt.date | None = None) -> dict:
    """Quote one claim case (docs/interfaces.md "Claim quote"); bad input raises ValidationError in Indonesian.

    With ``nik`` the wage, segment, contribution months, coverage and arrears come from the registry (within
    ``user``'s regions when a user is given; Http404 when the NIK is not there).
    """
    today = today or timezone.localdate()
    merged, kepesertaan = _merge_registry(case, user=user)
    parsed = rules.parse_case(merged, today=today)
    result = rules.quote(parsed, benefit_tables(parsed.incident_date))
    if kepesertaan is not None:
        result["registry"] = {
            "kepesertaan": kepesertaan.pk,
            "kind": kepesertaan.kind,
            "desa": kepesertaan.desa_id,
            "status": kepesertaan.status,
            "segment": parsed.segment,
            "wage": parsed.wage,
            "contribution_months": parsed.contribution_months,
            "covered": parsed.covered,
        }
    return result


def quote_claims(payload, *, user=None, today: dt.date | None = None):
    """One case → one result; a list of cases → a list of results in the same order."""
    if isinstance(payload, list):
        out = []
        for i, case in enumerate(payload, start=1):
            try:
                out.append(quote_claim(case, user=user, today=today))
            except ValidationError as exc:
                raise ValidationError(
                    f"Kasus ke-{i}: {'; '.join(exc.messages)}"
                ) from exc
        return out
    return quote_claim(payload, user=user, today=today)


# ---------------------------------------------------------------- submission


def _case_for(kepesertaan: Kepesertaan, fields: dict) -> dict:
    case = {
        "nik": kepesertaan.peserta.nik,
        **{k: v for k, v in fields.items() if v not in (None, "", [], {})},
    }
    for key in ("incident_date", "claim_date"):
        if isinstance(case.get(key), dt.date):
            case[key] = case[key].isoformat()
    case["children"] = [
        {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in child.items()}
        for child in case.get("children", [])
    ]
    return case


def preview_klaim(*, actor, kepesertaan: Kepesertaan, **details) -> dict:
    """The quote a claim on ``kepesertaan`` would get (the live quote on the new-claim form)."""
    return quote_claim(_case_for(kepesertaan, details), user=actor)


def submit_klaim(
    *,
    actor,
    kepesertaan: Kepesertaan,
    event: str,
    incident_date: dt.date,
    claimant_name: str,
    claimant_relation: str,
    cause: str = "",
    claim_date: dt.date | None = None,
    disability: dict | None = None,
    incapacity_months=None,
    incapacity_days: int | None = None,
    children: list[dict] | None = None,
) -> Klaim:
    """File a claim on ``kepesertaan`` (needs "submit" on its desa); the quote is computed and stored with it."""
    if not may(actor, "submit", kepesertaan):
        raise PermissionDenied(
            "Anda tidak berwenang mengajukan klaim untuk peserta di wilayah ini."
        )
    if not (claimant_name or "").strip() or not (claimant_relation or "").strip():
        raise ValidationError(
            "Nama dan hubungan pengaju klaim (ahli waris) wajib diisi."
        )
    claim_date = claim_date or timezone.localdate()
    case = _case_for(
        kepesertaan,
        {
            "event": event,
            "incident_date": incident_date,
            "claim_date": claim_date,
            "disability": disability,
            "incapacity_months": incapacity_months,
            "incapacity_days": incapacity_days,
            "children": children or [],
        },
    )
    result = quote_claim(case, user=actor)
    if result.get("registry", {}).get("kepesertaan") != kepesertaan.pk:
        raise ValidationError(
            "Peserta ini memiliki kepesertaan lain yang aktif; ajukan klaim pada kepesertaan itu."
        )
    with transaction.atomic():
        if (
            event in DEATH_EVENTS
            and Klaim.objects.filter(kepesertaan=kepesertaan, event__in=DEATH_EVENTS)
            .exclude(status=Status.DITOLAK)
            .exists()
        ):
            raise ValidationError("Klaim kematian untuk peserta ini sudah diajukan.")
        klaim = Klaim.objects.create(
            kepesertaan=kepesertaan,
            event=event,
            incident_date=rules.parse_date(case, "incident_date", required=True),
            claim_date=claim_date,
            cause=cause.strip(),
            claimant_name=claimant_name.strip()[:150],
            claimant_relation=claimant_relation.strip()[:60],
            case=case,
            quote=result,
            eligible=result["eligible"],
            total=result["total"],
            scholarship_this_year=result["scholarship"]["this_year"],
            submitted_by=actor,
        )
        KlaimTransition.objects.create(
            klaim=klaim, from_status="", to_status=Status.DIAJUKAN, actor=actor
        )
        audit.record(
            actor=actor,
            action="create",
            obj=klaim,
            region_code=kepesertaan.desa_id,
            changes={
                "status": [None, Status.DIAJUKAN],
                "event": [None, event],
                "total": [None, klaim.total],
            },
        )
    return klaim


# ---------------------------------------------------------------- documents


def document_checklist(klaim: Klaim) -> list[dict]:
    """The required and optional documents for this claim's event, each with its uploads.

    ``waived``: required, but not asked of this participant yet (the KPJ card before BPJS has issued a KPJ).
    """
    uploads: dict[int, list[KlaimDokumen]] = {}
    for doc in klaim.documents.all():
        uploads.setdefault(doc.requirement_id, []).append(doc)
    waived = rules.waived_documents(klaim.kepesertaan.kpj)
    return [
        {
            "requirement": r,
            "documents": uploads.get(r.pk, []),
            "done": bool(uploads.get(r.pk)),
            "waived": r.required and r.code in waived,
        }
        for r in DocumentRequirement.objects.filter(event=klaim.event, active=True)
    ]


def missing_documents(klaim: Klaim) -> list[str]:
    required = list(
        DocumentRequirement.objects.filter(
            event=klaim.event, active=True, required=True
        ).values_list("code", flat=True)
    )
    uploaded = set(klaim.documents.values_list("requirement__code", flat=True))
    return rules.missing_documents(
        required, uploaded, rules.waived_documents(klaim.kepesertaan.kpj)
    )


def _check_upload(upload) -> str:
    suffix = Path(upload.name or "").suffix.lower()
    content_type = ALLOWED_UPLOADS.get(suffix)
    if content_type is None:
        raise ValidationError("Dokumen harus berupa PDF, JPG atau PNG.")
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            f"Ukuran dokumen melebihi batas {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB."
        )
    if upload.size == 0:
        raise ValidationError("Dokumen kosong.")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(_SIGNATURES[content_type]):
        raise ValidationError(
            "Isi berkas tidak sesuai dengan jenisnya (PDF, JPG atau PNG)."
        )
    return content_type


def upload_document(
    *, actor, klaim: Klaim, requirement_code: str, upload
) -> KlaimDokumen:
    """Attach a PDF/JPG/PNG to one checklist item; allowed to the submitting side and BPJS until a decision."""
    region = klaim.kepesertaan.desa_id
    if not may(actor, "upload", klaim):
        raise PermissionDenied("Anda tidak berwenang mengunggah dokumen klaim ini.")
    if klaim.status not in rules.OPEN_FOR_DOCUMENTS:
        raise ValidationError(
            "Dokumen hanya dapat diunggah selama klaim belum diputuskan."
        )
    requirement = DocumentRequirement.objects.filter(
        event=klaim.event, code=requirement_code, active=True
    ).first()
    if requirement is None:
        raise ValidationError(
            f"Jenis dokumen tidak dikenal untuk klaim ini: {requirement_code}."
        )
    content_type = _check_upload(upload)
    with transaction.atomic():
        doc = KlaimDokumen(
            klaim=klaim,
            requirement=requirement,
            original_name=Path(upload.name).name[:255],
            content_type=content_type,
            size=upload.size,
            uploaded_by=actor,
        )
        doc.file.save(Path(upload.name).name, upload, save=False)
        doc.save()
        audit.record(
            actor=actor,
            action="upload",
            obj=doc,
            region_code=region,
            changes={
                "klaim": klaim.pk,
                "requirement": requirement.code,
                "name": doc.original_name,
                "size": doc.size,
            },
        )
    return doc


# ---------------------------------------------------------------- transitions


def transition_klaim(
    *,
    actor,
    klaim: Klaim,
    to_status: str,
    note: str = "",
    payment_reference: str = "",
    paid_on: dt.date | str | None = None,
    today: dt.date | None = None,
) -> Klaim:
    """Move a claim along diajukan → diverifikasi → disetujui/ditolak → dibayar, audited and recorded.

    Verification needs every required document; approval needs an eligible quote and an officer other than the
    one who verified (``TwoPersonRefusal``); rejection needs a reason; marking paid needs the payment reference and
    the payment date (not after today, not before the approval). Approving a death claim ends the membership and
    creates this school year's scholarship entitlements.
    """
    today = today or timezone.localdate()
    # NUL cannot be stored in a PostgreSQL text column; it is never meant.
    note = str(note or "").replace("\x00", "")
    payment_reference = str(payment_reference or "").replace("\x00", "")
    with transaction.atomic():
        klaim = (
            Klaim.objects.select_for_update()
            .select_related("kepesertaan", "kepesertaan__peserta")
            .get(pk=klaim.pk)
        )
        step = rules.transition_step(klaim.status, to_status)
        if not may(actor, step, klaim):
            raise PermissionDenied("Anda tidak berwenang mengubah status klaim ini.")
        refusal = rules.two_person_refusal(
            step, getattr(actor, "pk", None), klaim.verified_by_id
        )
        if refusal:
            raise TwoPersonRefusal(refusal)
        _check_transition(klaim, to_status, note)
        before = audit.snapshot(klaim)
        old_status = klaim.status
        now = timezone.now()
        klaim.status = to_status
        if step == "verify":
            klaim.verified_by, klaim.verified_at = actor, now
        elif step == "approve":
            klaim.approved_by, klaim.approved_at = actor, now
        elif step == "reject":
            klaim.reject_reason = note.strip()
        elif step == "pay":
            klaim.payment_reference, klaim.paid_on = rules.check_payment(
                payment_reference,
                paid_on,
                approved_on=_approved_on(klaim),
                today=today,
            )
            klaim.paid_by = actor
        klaim.save()
        KlaimTransition.objects.create(
            klaim=klaim,
            from_status=old_status,
            to_status=to_status,
            actor=actor,
            note=note.strip(),
        )
        audit.record(
            actor=actor,
            action="transition",
            obj=klaim,
            region_code=klaim.kepesertaan.desa_id,
            changes=audit.diff(before, audit.snapshot(klaim)),
            note=note.strip() or step,
        )
        if to_status == Status.DISETUJUI:
            _on_approval(actor=actor, klaim=klaim)
    return klaim


def _approved_on(klaim: Klaim) -> dt.date | None:
    """The approval day (local); claims approved before ``approved_at`` existed use their transition."""
    at = klaim.approved_at
    if at is None:
        at = (
            klaim.transitions.filter(to_status=Status.DISETUJUI)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
    return timezone.localdate(at) if at is not None else None


def _check_transition(klaim: Klaim, to_status: str, note: str) -> None:
    if to_status == Status.DIVERIFIKASI:
        missing = missing_documents(klaim)
        if missing:
            labels = dict(
                DocumentRequirement.objects.filter(event=klaim.event).values_list(
                    "code", "label"
                )
            )
            raise ValidationError(
                "Dokumen wajib belum lengkap: "
                + ", ".join(labels.get(c, c) for c in missing)
                + "."
            )
    if to_status == Status.DISETUJUI and not klaim.eligible:
        raise ValidationError(
            "Klaim tidak memenuhi syarat (lihat kondisi yang tidak terpenuhi); hanya dapat ditolak."
        )
    if to_status == Status.DITOLAK and not note.strip():
        raise ValidationError("Alasan penolakan wajib diisi.")


def _on_approval(*, actor, klaim: Klaim) -> None:
    if klaim.event in DEATH_EVENTS:
        _end_membership(
            actor=actor, kepesertaan=klaim.kepesertaan, ended_on=klaim.incident_date
        )
    create_beasiswa(actor=actor, klaim=klaim)


def _end_membership(*, actor, kepesertaan: Kepesertaan, ended_on: dt.date) -> None:
    if kepesertaan.status == "berhenti":
        return
    # Lazy: the participants app owns membership status (history and audit rows).
    from lindung.participants.services import end_membership

    end_membership(
        actor=actor, kepesertaan=kepesertaan, reason="meninggal", ended_on=ended_on
    )


def create_beasiswa(*, actor, klaim: Klaim) -> list[Beasiswa]:
    """This school year's entitlement for each child the approved quote found eligible (idempotent)."""
    schol = klaim.quote.get("scholarship") or {}
    if not schol.get("eligible") or klaim.beasiswa.exists():
        return []
    year = schol.get("school_year") or rules.school_year(klaim.claim_date)
    children = klaim.case.get("children", [])
    rows = []
    for i, child in enumerate(schol.get("children", [])):
        if not child.get("eligible"):
            continue
        source = children[i] if i < len(children) else {}
        birth = source.get("birth_date")
        rows.append(
            Beasiswa.objects.create(
                klaim=klaim,
                child_name=child.get("name") or source.get("name", ""),
                level=child["level"],
                birth_date=dt.date.fromisoformat(birth) if birth else None,
                school_year=year,
                amount=child["amount"],
                status=BeasiswaStatus.BERHAK,
            )
        )
    if rows:
        audit.record(
            actor=actor,
            action="create",
            model="claims.Beasiswa",
            object_id=str(klaim.pk),
            region_code=klaim.kepesertaan.desa_id,
            changes={
                "klaim": klaim.pk,
                "beasiswa": [[b.level, b.amount] for b in rows],
            },
        )
    return rows


# ---------------------------------------------------------------- scholarship years


def _require_decide(actor, klaim: Klaim) -> None:
    if not may(actor, "scholarship", klaim):
        raise PermissionDenied("Anda tidak berwenang memutuskan beasiswa klaim ini.")


def renew_beasiswa(
    *, actor, beasiswa: Beasiswa, level: str, school_year: str
) -> Beasiswa:
    """The same child's entitlement for another school year at ``level`` (the scholarship is claimed yearly)."""
    klaim = beasiswa.klaim
    _require_decide(actor, klaim)
    start = rules.parse_school_year(school_year)
    with transaction.atomic():
        rows = Beasiswa.objects.select_for_update().filter(
            klaim=klaim, child_name=beasiswa.child_name, birth_date=beasiswa.birth_date
        )
        if any(r.status == BeasiswaStatus.BERHENTI for r in rows):
            raise ValidationError("Beasiswa anak ini sudah dihentikan.")
        if any(r.school_year == school_year for r in rows):
            raise ValidationError(
                f"Beasiswa tahun ajaran {school_year} untuk anak ini sudah ada."
            )
        if start <= max(rules.parse_school_year(r.school_year) for r in rows):
            raise ValidationError(
                "Tahun ajaran harus sesudah tahun ajaran terakhir anak ini."
            )
        amount = rules.beasiswa_renewal(
            benefit_tables(klaim.incident_date),
            level=level,
            school_year_start=start,
            birth_date=beasiswa.birth_date,
            years_at_level=sum(1 for r in rows if r.level == level),
        )
        row = Beasiswa.objects.create(
            klaim=klaim,
            child_name=beasiswa.child_name,
            birth_date=beasiswa.birth_date,
            level=level,
            school_year=school_year,
            amount=amount,
        )
        audit.record(
            actor=actor,
            action="create",
            obj=row,
            region_code=klaim.kepesertaan.desa_id,
            changes={"level": level, "school_year": school_year, "amount": amount},
        )
    return row


def set_beasiswa_status(
    *, actor, beasiswa: Beasiswa, status: str, note: str = ""
) -> Beasiswa:
    """berhak → dibayar (paid this year) or berhak → berhenti (married, working, stopped school; reason needed)."""
    _require_decide(actor, beasiswa.klaim)
    if beasiswa.status != BeasiswaStatus.BERHAK or status not in (
        BeasiswaStatus.DIBAYAR,
        BeasiswaStatus.BERHENTI,
    ):
        raise ValidationError(
            f"Status beasiswa tidak dapat diubah dari '{beasiswa.status}' ke '{status}'."
        )
    if status == BeasiswaStatus.BERHENTI and not note.strip():
        raise ValidationError("Alasan penghentian beasiswa wajib diisi.")
    with transaction.atomic():
        before = audit.snapshot(beasiswa)
        beasiswa.status, beasiswa.note = status, note.strip()[:200]
        beasiswa.save()
        audit.record(
            actor=actor,
            action="transition",
            obj=beasiswa,
            region_code=beasiswa.klaim.kepesertaan.desa_id,
            changes=audit.diff(before, audit.snapshot(beasiswa)),
            note=note,
        )
    return beasiswa
