"""Claim services: the quote from the registry, submission, documents, the workflow and its permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from lindung.accounts.models import AuditEvent
from lindung.claims import services
from lindung.claims.models import (
    Beasiswa,
    BenefitTable,
    DocumentRequirement,
    Klaim,
    KlaimTransition,
)
from lindung.participants.models import StatusHistory
from tests.claims.conftest import PDF, PNG, make_member, pdf
from tests.conftest import DESA_Y

pytestmark = pytest.mark.django_db
INCIDENT = dt.date(2026, 3, 10)


def submit(actor, member, **kw) -> Klaim:
    args = {
        "event": "jkm",
        "incident_date": INCIDENT,
        "claim_date": dt.date(2026, 4, 1),
        "claimant_name": "Maria Uji",
        "claimant_relation": "Istri",
        "children": [
            {"level": "sd", "name": "Anak Satu", "birth_date": dt.date(2017, 5, 1)},
            {"level": "sma", "name": "Anak Dua"},
        ],
    }
    return services.submit_klaim(actor=actor, kepesertaan=member, **{**args, **kw})


@pytest.fixture
def approver(db):
    """A second BPJS officer: the one who verified a claim may not approve it."""
    from tests.conftest import make_user

    return make_user("bpjs")


def decide(klaim, *steps, verifier, approver, today=None) -> Klaim:
    """Take ``klaim`` through ``steps`` with two officers: ``verifier`` verifies, ``approver`` approves and pays."""
    today = today or dt.date.today()
    for status in steps:
        actor = verifier if status == "diverifikasi" else approver
        extra = (
            {"payment_reference": f"BPJS-{klaim.pk}-001", "paid_on": today}
            if status == "dibayar"
            else {}
        )
        klaim = services.transition_klaim(
            actor=actor, klaim=klaim, to_status=status, note="ok", **extra
        )
    return klaim


def upload_required(actor, klaim) -> None:
    for req in DocumentRequirement.objects.filter(event=klaim.event, required=True):
        services.upload_document(
            actor=actor,
            klaim=klaim,
            requirement_code=req.code,
            upload=pdf(f"{req.code}.pdf"),
        )


# ---- the data


def test_the_migration_loads_versioned_benefit_tables():
    lump = BenefitTable.objects.filter(code="jkm_santunan_kematian").order_by(
        "valid_from"
    )
    assert [(r.value, str(r.valid_to)) for r in lump] == [
        (16_200_000, "2019-12-01"),
        (20_000_000, "None"),
    ]
    assert not BenefitTable.objects.get(code="stmb_hari_per_bulan").confirmed
    assert (
        BenefitTable.objects.in_force(dt.date(2026, 1, 1))
        .filter(code="beasiswa_maks_anak")
        .get()
        .value
        == 2
    )


def test_an_admin_edit_of_a_table_row_changes_the_quote():
    BenefitTable.objects.create(
        code="jkm_santunan_kematian",
        unit="rupiah",
        value=25_000_000,
        valid_from=dt.date(2027, 1, 1),
        label="Santunan kematian",
        basis="uji",
    )
    BenefitTable.objects.filter(
        code="jkm_santunan_kematian",
        valid_to__isnull=True,
        valid_from__lt=dt.date(2027, 1, 1),
    ).update(valid_to=dt.date(2026, 12, 31))
    old = services.quote_claim(
        {"event": "jkm", "incident_date": "2026-12-31", "claim_date": "2027-01-05"}
    )
    new = services.quote_claim(
        {"event": "jkm", "incident_date": "2027-01-01", "claim_date": "2027-01-05"}
    )
    assert (old["total"], new["total"]) == (42_000_000, 47_000_000)


# ---- quote from the registry


def test_the_nik_route_takes_wage_segment_and_coverage_from_the_registry(
    coverage, operator_desa
):
    member = make_member(kind="rentan", wage=1_000_000)
    coverage.months[member.pk] = 12
    r = services.quote_claim(
        {
            "event": "jkk_death",
            "nik": member.peserta.nik,
            "incident_date": "2026-03-10",
            "claim_date": "2026-04-01",
            "children": [{"level": "sd"}],
        },
        user=operator_desa,
    )
    assert r["total"] == 70_000_000  # figure 16 through the registry
    assert (
        r["registry"]["segment"] == "bpu" and r["registry"]["contribution_months"] == 12
    )
    assert ("coverage_on", member.pk, INCIDENT) in coverage.calls
    assert ("contribution_months", member.pk, INCIDENT) in coverage.calls


def test_explicit_fields_win_over_the_registry(coverage):
    member = make_member(wage=2_000_000)
    coverage.covered[member.pk] = False
    r = services.quote_claim(
        {
            "event": "jkk_total_disability",
            "nik": member.peserta.nik,
            "wage": 3_000_000,
            "covered": True,
            "incident_date": "2026-03-10",
            "claim_date": "2026-04-01",
        }
    )
    assert r["eligible"] is True and r["total"] == 56 * 3_000_000 + 12_000_000


def test_an_uncovered_member_is_refused_through_the_registry(coverage):
    member = make_member(kind="rentan", wage=1_000_000)
    coverage.covered[member.pk] = False
    r = services.quote_claim(
        {
            "event": "jkm",
            "nik": member.peserta.nik,
            "incident_date": "2026-06-10",
            "claim_date": "2026-07-01",
        }
    )
    assert r["eligible"] is False and r["total"] == 0
    assert [c["rule"] for c in r["conditions"] if not c["met"]] == ["terlindungi"]


def test_a_pu_employer_four_months_behind_pays_first(coverage):
    member = make_member(wage=2_000_000)
    coverage.arrears[member.pk] = 4
    r = services.quote_claim(
        {
            "event": "jkk_incapacity",
            "nik": member.peserta.nik,
            "incapacity_months": 2,
            "incident_date": "2026-03-10",
            "claim_date": "2026-04-01",
        }
    )
    assert r["payer"] == "pemberi_kerja" and r["total"] == 4_000_000


def test_the_nik_route_is_scoped_to_the_users_regions(
    coverage, operator_desa_y, operator_desa
):
    member = make_member()
    case = {"event": "jkm", "nik": member.peserta.nik, "incident_date": "2026-03-10"}
    with pytest.raises(Http404):
        services.quote_claim(case, user=operator_desa_y)
    assert services.quote_claim(case, user=operator_desa)["eligible"] is True


def test_the_active_membership_is_preferred_over_an_ended_one(coverage):
    member = make_member(wage=1_500_000)
    member.status = "berhenti"
    member.save()
    from lindung.participants.models import Kepesertaan

    newer = Kepesertaan.objects.create(
        peserta=member.peserta,
        kind="perangkat",
        desa_id=member.desa_id,
        jabatan="kasi_pelayanan",
        wage=2_000_000,
        sumber_dana="add",
        registered_on=dt.date(2018, 1, 1),
        status="aktif",
    )
    assert services.find_kepesertaan(member.peserta.nik) == newer


def test_an_unknown_nik_is_not_found():
    with pytest.raises(Http404):
        services.quote_claim(
            {"event": "jkm", "nik": "5301049999999999", "incident_date": "2026-03-10"}
        )


def test_an_array_of_cases_reports_which_case_is_wrong():
    with pytest.raises(ValidationError) as exc:
        services.quote_claims(
            [{"event": "jkm", "incident_date": "2026-01-01"}, {"event": "jkm"}]
        )
    assert exc.value.messages[0].startswith("Kasus ke-2:")


# ---- submission


def test_a_village_operator_files_a_claim_with_its_quote(coverage, operator_desa):
    member = make_member()
    klaim = submit(operator_desa, member)
    assert klaim.status == "diajukan" and klaim.eligible and klaim.total == 42_000_000
    assert klaim.scholarship_this_year == 4_500_000
    assert klaim.quote["items"][0]["code"] == "santunan_kematian"
    assert list(klaim.transitions.values_list("from_status", "to_status")) == [
        ("", "diajukan")
    ]
    event = AuditEvent.objects.get(model="claims.Klaim", object_id=str(klaim.pk))
    assert (
        event.action == "create"
        and event.region_code == member.desa_id
        and event.actor == operator_desa
    )


@pytest.mark.parametrize(
    "who", ["operator_desa_y", "bpjs_user", "viewer_user", "provinsi_user"]
)
def test_only_submitters_of_the_region_may_file(coverage, who, request):
    with pytest.raises(PermissionDenied):
        submit(request.getfixturevalue(who), make_member())


def test_a_regency_office_may_file_for_its_villages(coverage, kabupaten_user):
    assert submit(kabupaten_user, make_member()).status == "diajukan"


def test_a_second_death_claim_is_refused(coverage, operator_desa):
    member = make_member()
    submit(operator_desa, member)
    with pytest.raises(ValidationError, match="sudah diajukan"):
        submit(operator_desa, member, event="jkk_death")


def test_the_claimant_is_required(coverage, operator_desa):
    with pytest.raises(ValidationError, match="ahli waris"):
        submit(operator_desa, make_member(), claimant_name=" ")


# ---- documents


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("surat.docx", PDF, "PDF, JPG atau PNG"),
        ("surat.pdf", b"MZ not a pdf", "tidak sesuai"),
        ("foto.jpg", PNG, "tidak sesuai"),
        ("kosong.pdf", b"", "kosong"),
    ],
)
def test_it_accepts_only_real_pdf_jpg_png(
    coverage, operator_desa, name, content, message
):
    klaim = submit(operator_desa, make_member())
    with pytest.raises(ValidationError, match=message):
        services.upload_document(
            actor=operator_desa,
            klaim=klaim,
            requirement_code="akta_kematian",
            upload=SimpleUploadedFile(name, content),
        )


def test_it_refuses_a_document_over_the_size_limit(
    coverage, operator_desa, monkeypatch
):
    monkeypatch.setattr(services, "MAX_DOCUMENT_BYTES", 20)
    klaim = submit(operator_desa, make_member())
    with pytest.raises(ValidationError, match="melebihi batas"):
        services.upload_document(
            actor=operator_desa,
            klaim=klaim,
            requirement_code="akta_kematian",
            upload=pdf(),
        )


def test_a_png_upload_is_stored_and_audited(coverage, operator_desa):
    klaim = submit(operator_desa, make_member())
    doc = services.upload_document(
        actor=operator_desa,
        klaim=klaim,
        requirement_code="akta_kematian",
        upload=SimpleUploadedFile("akta.png", PNG),
    )
    assert doc.content_type == "image/png" and doc.file.read() == PNG
    assert AuditEvent.objects.filter(action="upload", object_id=str(doc.pk)).exists()
    checklist = {
        row["requirement"].code: row["done"]
        for row in services.document_checklist(klaim)
    }
    assert checklist["akta_kematian"] is True and checklist["kartu_peserta"] is False


def test_another_village_cannot_upload(coverage, operator_desa, operator_desa_y):
    klaim = submit(operator_desa, make_member())
    with pytest.raises(PermissionDenied):
        services.upload_document(
            actor=operator_desa_y,
            klaim=klaim,
            requirement_code="akta_kematian",
            upload=pdf(),
        )


# ---- workflow


def test_a_death_claim_runs_the_whole_workflow(
    coverage, operator_desa, bpjs_user, approver
):
    member = make_member()
    klaim = submit(operator_desa, member)
    with pytest.raises(ValidationError, match="Dokumen wajib belum lengkap"):
        services.transition_klaim(
            actor=bpjs_user, klaim=klaim, to_status="diverifikasi"
        )
    upload_required(operator_desa, klaim)
    for status in ("diverifikasi", "disetujui", "dibayar"):
        klaim = decide(klaim, status, verifier=bpjs_user, approver=approver)
        assert klaim.status == status
    steps = list(
        KlaimTransition.objects.filter(klaim=klaim).values_list(
            "from_status", "to_status"
        )
    )
    assert steps == [
        ("", "diajukan"),
        ("diajukan", "diverifikasi"),
        ("diverifikasi", "disetujui"),
        ("disetujui", "dibayar"),
    ]
    assert (
        AuditEvent.objects.filter(
            model="claims.Klaim", object_id=str(klaim.pk), action="transition"
        ).count()
        == 3
    )
    member.refresh_from_db()
    assert (member.status, member.stop_reason, member.ended_on) == (
        "berhenti",
        "meninggal",
        INCIDENT,
    )
    assert StatusHistory.objects.filter(kepesertaan=member, status="berhenti").exists()
    rows = list(
        Beasiswa.objects.filter(klaim=klaim).values_list(
            "child_name", "level", "school_year", "amount"
        )
    )
    assert rows == [
        ("Anak Satu", "sd", "2025/2026", 1_500_000),
        ("Anak Dua", "sma", "2025/2026", 3_000_000),
    ]
    assert Beasiswa.objects.get(level="sd").birth_date == dt.date(2017, 5, 1)


def test_approving_a_disability_claim_keeps_the_membership(
    coverage, operator_desa, bpjs_user, approver
):
    member = make_member(wage=2_000_000)
    klaim = submit(
        operator_desa, member, event="jkk_total_disability", children=[{"level": "smp"}]
    )
    upload_required(operator_desa, klaim)
    decide(klaim, "diverifikasi", "disetujui", verifier=bpjs_user, approver=approver)
    member.refresh_from_db()
    assert member.status == "aktif" and klaim.total == 124_000_000
    assert Beasiswa.objects.filter(klaim=klaim, amount=2_000_000).count() == 1


def test_no_scholarship_rows_when_the_scholarship_was_refused(
    coverage, operator_desa, bpjs_user, approver
):
    member = make_member()
    coverage.months[member.pk] = 30  # figure 12
    klaim = submit(operator_desa, member)
    upload_required(operator_desa, klaim)
    decide(klaim, "diverifikasi", "disetujui", verifier=bpjs_user, approver=approver)
    assert (
        klaim.total == 42_000_000 and not Beasiswa.objects.filter(klaim=klaim).exists()
    )


def test_a_village_operator_cannot_decide(coverage, operator_desa):
    klaim = submit(operator_desa, make_member())
    upload_required(operator_desa, klaim)
    with pytest.raises(PermissionDenied):
        services.transition_klaim(
            actor=operator_desa, klaim=klaim, to_status="diverifikasi"
        )


def test_a_branch_officer_decides_only_in_its_regency(coverage, operator_desa):
    from tests.conftest import make_user

    klaim = submit(operator_desa, make_member())
    upload_required(operator_desa, klaim)
    with pytest.raises(PermissionDenied):
        services.transition_klaim(
            actor=make_user("bpjs", ["53.18"]), klaim=klaim, to_status="diverifikasi"
        )
    branch = make_user("bpjs", ["53.01"])
    klaim = services.transition_klaim(
        actor=branch, klaim=klaim, to_status="diverifikasi"
    )
    # Two people decide (issue 19): the verifier may still reject but is not offered "approve".
    assert services.allowed_transitions(branch, klaim) == ["ditolak"]
    colleague = make_user("bpjs", ["53.01"])
    assert services.allowed_transitions(colleague, klaim) == ["disetujui", "ditolak"]


@pytest.mark.parametrize("target", ["disetujui", "dibayar", "diajukan", "xx"])
def test_a_step_cannot_be_skipped(coverage, operator_desa, bpjs_user, target):
    klaim = submit(operator_desa, make_member())
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        services.transition_klaim(actor=bpjs_user, klaim=klaim, to_status=target)


def test_rejection_needs_a_reason_and_is_final(coverage, operator_desa, bpjs_user):
    klaim = submit(operator_desa, make_member())
    with pytest.raises(ValidationError, match="Alasan"):
        services.transition_klaim(
            actor=bpjs_user, klaim=klaim, to_status="ditolak", note="  "
        )
    klaim = services.transition_klaim(
        actor=bpjs_user, klaim=klaim, to_status="ditolak", note="Dokumen palsu"
    )
    assert klaim.reject_reason == "Dokumen palsu"
    assert services.allowed_transitions(bpjs_user, klaim) == []
    with pytest.raises(ValidationError):
        services.transition_klaim(
            actor=bpjs_user, klaim=klaim, to_status="diverifikasi"
        )
    with pytest.raises(ValidationError, match="belum diputuskan"):
        services.upload_document(
            actor=operator_desa,
            klaim=klaim,
            requirement_code="akta_kematian",
            upload=pdf(),
        )


def test_an_ineligible_claim_can_only_be_rejected(
    coverage, operator_desa, bpjs_user, approver
):
    member = make_member(kind="rentan", wage=1_000_000)
    coverage.covered[member.pk] = False
    klaim = submit(operator_desa, member)
    assert not klaim.eligible and klaim.total == 0
    upload_required(operator_desa, klaim)
    klaim = services.transition_klaim(
        actor=bpjs_user, klaim=klaim, to_status="diverifikasi"
    )
    with pytest.raises(ValidationError, match="tidak memenuhi syarat"):
        services.transition_klaim(actor=approver, klaim=klaim, to_status="disetujui")
    member.refresh_from_db()
    assert member.status == "aktif"


def test_claims_are_visible_only_in_their_region(
    coverage, operator_desa, operator_desa_y, kabupaten_user
):
    x = submit(operator_desa, make_member())
    y = submit(operator_desa_y, make_member(desa=DESA_Y))
    assert list(Klaim.objects.visible_to(operator_desa)) == [x]
    assert list(Klaim.objects.visible_to(operator_desa_y)) == [y]
    assert list(Klaim.objects.visible_to(kabupaten_user)) == [x]


def _approved_with_scholarship(operator, officer) -> Klaim:
    from tests.conftest import make_user

    klaim = submit(operator, make_member())
    upload_required(operator, klaim)
    return decide(
        klaim, "diverifikasi", "disetujui", verifier=make_user("bpjs"), approver=officer
    )


def test_a_scholarship_is_paid_then_renewed_for_the_next_school_year(
    coverage, operator_desa, bpjs_user
):
    klaim = _approved_with_scholarship(operator_desa, bpjs_user)
    sd = Beasiswa.objects.get(klaim=klaim, level="sd")
    services.set_beasiswa_status(actor=bpjs_user, beasiswa=sd, status="dibayar")
    nxt = services.renew_beasiswa(
        actor=bpjs_user, beasiswa=sd, level="sd", school_year="2026/2027"
    )
    assert (nxt.child_name, nxt.amount, nxt.status, nxt.birth_date) == (
        "Anak Satu",
        1_500_000,
        "berhak",
        sd.birth_date,
    )
    with pytest.raises(ValidationError, match="sudah ada"):
        services.renew_beasiswa(
            actor=bpjs_user, beasiswa=sd, level="sd", school_year="2026/2027"
        )
    with pytest.raises(ValidationError, match="sesudah"):
        services.renew_beasiswa(
            actor=bpjs_user, beasiswa=sd, level="sd", school_year="2024/2025"
        )
    assert AuditEvent.objects.filter(
        model="claims.Beasiswa", object_id=str(nxt.pk), action="create"
    ).exists()


def test_a_stopped_scholarship_needs_a_reason_and_is_not_renewed(
    coverage, operator_desa, bpjs_user
):
    klaim = _approved_with_scholarship(operator_desa, bpjs_user)
    sma = Beasiswa.objects.get(klaim=klaim, level="sma")
    with pytest.raises(ValidationError, match="Alasan"):
        services.set_beasiswa_status(actor=bpjs_user, beasiswa=sma, status="berhenti")
    services.set_beasiswa_status(
        actor=bpjs_user, beasiswa=sma, status="berhenti", note="Menikah"
    )
    with pytest.raises(ValidationError, match="dihentikan"):
        services.renew_beasiswa(
            actor=bpjs_user, beasiswa=sma, level="pt", school_year="2026/2027"
        )
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        services.set_beasiswa_status(actor=bpjs_user, beasiswa=sma, status="dibayar")


def test_only_bpjs_decides_scholarship_years(coverage, operator_desa, bpjs_user):
    klaim = _approved_with_scholarship(operator_desa, bpjs_user)
    sd = Beasiswa.objects.get(klaim=klaim, level="sd")
    with pytest.raises(PermissionDenied):
        services.set_beasiswa_status(actor=operator_desa, beasiswa=sd, status="dibayar")
    with pytest.raises(PermissionDenied):
        services.renew_beasiswa(
            actor=operator_desa, beasiswa=sd, level="sd", school_year="2026/2027"
        )
