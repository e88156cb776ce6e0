"""Issue 19, claims decided by two people: verifier ≠ approver, paid needs reference and date, audit per step,
the participant search on the claim form, no KPJ demanded, refused quotes never say BPJS pays, the death message,
and which buttons each role sees (docs/claims.md)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from lindung.accounts.models import AuditEvent
from lindung.claims import rules, services
from lindung.claims.models import Klaim
from tests.claims.conftest import make_member, pdf
from tests.claims.test_services import INCIDENT, submit, upload_required
from tests.conftest import DESA_Y, make_user

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 4)


@pytest.fixture
def verifier(db):
    return make_user("bpjs")


@pytest.fixture
def approver(db):
    return make_user("bpjs")


def verified(operator, verifier, member=None) -> Klaim:
    klaim = submit(operator, member or make_member())
    upload_required(operator, klaim)
    return services.transition_klaim(
        actor=verifier, klaim=klaim, to_status="diverifikasi"
    )


def approved(operator, verifier, approver, member=None) -> Klaim:
    klaim = verified(operator, verifier, member)
    return services.transition_klaim(actor=approver, klaim=klaim, to_status="disetujui")


def pay(klaim, actor, **kw) -> Klaim:
    return services.transition_klaim(
        actor=actor, klaim=klaim, to_status="dibayar", **kw
    )


# ---- two people


def test_the_verifier_cannot_approve_and_another_officer_can(
    coverage, operator_desa, verifier, approver
):
    klaim = verified(operator_desa, verifier)
    with pytest.raises(PermissionDenied, match="tidak boleh juga menyetujuinya"):
        services.transition_klaim(actor=verifier, klaim=klaim, to_status="disetujui")
    klaim.refresh_from_db()
    assert klaim.status == "diverifikasi" and klaim.approved_by is None
    klaim = services.transition_klaim(
        actor=approver, klaim=klaim, to_status="disetujui"
    )
    assert (klaim.status, klaim.verified_by, klaim.approved_by) == (
        "disetujui",
        verifier,
        approver,
    )
    assert klaim.verified_at and klaim.approved_at


def test_the_two_person_rule_binds_a_superuser_too(coverage, operator_desa):
    admin = make_user("bpjs")
    admin.is_superuser = True
    admin.save()
    klaim = verified(operator_desa, admin)
    with pytest.raises(services.TwoPersonRefusal):
        services.transition_klaim(actor=admin, klaim=klaim, to_status="disetujui")


def test_the_verifier_may_still_reject(coverage, operator_desa, verifier):
    klaim = verified(operator_desa, verifier)
    klaim = services.transition_klaim(
        actor=verifier, klaim=klaim, to_status="ditolak", note="Dokumen tidak sah"
    )
    assert klaim.status == "ditolak"


def test_a_regional_office_cannot_approve(
    coverage, operator_desa, verifier, kabupaten_user, provinsi_user
):
    klaim = verified(operator_desa, verifier)
    for user in (kabupaten_user, provinsi_user, operator_desa):
        with pytest.raises(PermissionDenied):
            services.transition_klaim(actor=user, klaim=klaim, to_status="disetujui")


# ---- marking paid


@pytest.mark.parametrize(
    ("reference", "paid_on", "message"),
    [
        ("", TODAY, "referensi pembayaran"),
        ("   ", TODAY, "referensi pembayaran"),
        ("X" * 61, TODAY, "paling panjang 60"),
        ("BPJS-001", None, "Tanggal pembayaran wajib"),
        ("BPJS-001", "04-05-2026", "bukan tanggal yang sah"),
        ("BPJS-001", TODAY + dt.timedelta(days=1), "sesudah hari ini"),
        ("BPJS-001", dt.date(2026, 5, 1), "sebelum tanggal persetujuan"),
    ],
)
def test_marking_paid_needs_a_reference_and_a_sensible_date(
    coverage, operator_desa, verifier, approver, reference, paid_on, message
):
    klaim = approved(operator_desa, verifier, approver)
    Klaim.objects.filter(pk=klaim.pk).update(
        approved_at=timezone.make_aware(dt.datetime(2026, 5, 2, 9, 0))
    )
    with pytest.raises(ValidationError, match=message):
        pay(klaim, approver, payment_reference=reference, paid_on=paid_on, today=TODAY)
    klaim.refresh_from_db()
    assert klaim.status == "disetujui" and not klaim.payment_reference


def test_a_paid_claim_keeps_its_reference_date_and_officer(
    coverage, operator_desa, verifier, approver
):
    klaim = approved(operator_desa, verifier, approver)
    today = timezone.localdate()
    klaim = pay(
        klaim, approver, payment_reference=" TRF-2026-0042 ", paid_on=today.isoformat()
    )
    assert (klaim.status, klaim.payment_reference, klaim.paid_on, klaim.paid_by) == (
        "dibayar",
        "TRF-2026-0042",
        today,
        approver,
    )


def test_a_claim_approved_before_the_fields_existed_dates_from_its_transition(
    coverage, operator_desa, verifier, approver
):
    klaim = approved(operator_desa, verifier, approver)
    Klaim.objects.filter(pk=klaim.pk).update(approved_at=None)
    klaim.refresh_from_db()
    with pytest.raises(ValidationError, match="sebelum tanggal persetujuan"):
        pay(
            klaim,
            approver,
            payment_reference="A-1",
            paid_on=timezone.localdate() - dt.timedelta(days=1),
        )


# ---- audit


def test_every_step_is_audited_with_its_actor(
    coverage, operator_desa, verifier, approver
):
    klaim = approved(operator_desa, verifier, approver)
    pay(klaim, approver, payment_reference="TRF-9", paid_on=timezone.localdate())
    rows = list(
        AuditEvent.objects.filter(model="claims.Klaim", object_id=str(klaim.pk))
        .order_by("at", "id")
        .values_list("action", "actor_id", "changes")
    )
    assert [(a, actor) for a, actor, _c in rows] == [
        ("create", operator_desa.pk),
        ("transition", verifier.pk),
        ("transition", approver.pk),
        ("transition", approver.pk),
    ]
    verify, approve, paid = (c for _a, _actor, c in rows[1:])
    assert verify["status"] == ["diajukan", "diverifikasi"]
    assert verify["verified_by_id"] == [None, verifier.pk]
    assert approve["approved_by_id"] == [None, approver.pk]
    assert paid["payment_reference"] == ["", "TRF-9"]
    assert paid["paid_on"] == [None, timezone.localdate().isoformat()]
    uploads = AuditEvent.objects.filter(model="claims.KlaimDokumen", action="upload")
    assert uploads.count() == klaim.documents.count() > 0


def test_a_refused_approval_leaves_no_audit_row(coverage, operator_desa, verifier):
    klaim = verified(operator_desa, verifier)
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.transition_klaim(actor=verifier, klaim=klaim, to_status="disetujui")
    assert AuditEvent.objects.count() == before


# ---- the claim form's participant search


def test_the_search_finds_a_participant_by_name_or_nik_in_scope(
    coverage, operator_desa, operator_desa_y
):
    member = make_member(name="Yosefina Kewa Lein")
    make_member(name="Petrus Bria")
    nik = member.peserta.nik
    for text in ("yosefina", "KEWA lein", nik, nik[-8:]):
        assert services.search_kepesertaan(text, user=operator_desa) == [member], text
    for text in ("yosefina", nik):
        assert services.search_kepesertaan(text, user=operator_desa_y) == []
    assert services.search_kepesertaan("y", user=operator_desa) == []
    assert services.search_kepesertaan("1234", user=operator_desa) == []


def test_the_search_page_masks_the_nik_and_is_scoped(
    client, coverage, operator_desa, operator_desa_y
):
    member = make_member(name="Yosefina Kewa Lein")
    url = reverse("claims:search")
    client.force_login(operator_desa)
    html = client.get(url, {"peserta": "Yosefina"}).content.decode()
    assert (
        "Yosefina Kewa Lein" in html
        and f'name="kepesertaan" value="{member.pk}"' in html
    )
    assert member.peserta.nik not in html and member.peserta.nik[:6] in html
    client.force_login(operator_desa_y)
    html = client.get(url, {"peserta": member.peserta.nik}).content.decode()
    assert (
        "Yosefina" not in html and f'name="kepesertaan" value="{member.pk}"' not in html
    )


def test_viewers_and_bpjs_cannot_search_for_claimants(client, viewer_user, bpjs_user):
    for user in (viewer_user, bpjs_user):
        client.force_login(user)
        assert client.get(reverse("claims:search"), {"peserta": "x"}).status_code == 403


def _form(member_text: str, **kw) -> dict:
    return {
        "peserta": member_text,
        "event": "jkm",
        "incident_date": INCIDENT.isoformat(),
        "claim_date": "2026-04-01",
        "claimant_name": "Maria Uji",
        "claimant_relation": "Istri",
        **kw,
    }


def test_a_claim_is_filed_by_name(client, coverage, operator_desa):
    member = make_member(name="Yosefina Kewa Lein")
    client.force_login(operator_desa)
    resp = client.post(reverse("claims:new"), _form("kewa lein"))
    assert resp.status_code == 302
    assert Klaim.objects.get().kepesertaan == member


def test_several_matches_ask_for_a_choice_then_the_choice_files(
    client, coverage, operator_desa
):
    first = make_member(name="Maria Goreti")
    make_member(name="Maria Fatima")
    client.force_login(operator_desa)
    resp = client.post(reverse("claims:new"), _form("Maria"))
    html = resp.content.decode()
    assert resp.status_code == 200 and "2 peserta cocok" in html
    assert 'name="kepesertaan"' in html and "Maria Fatima" in html
    resp = client.post(reverse("claims:new"), _form("Maria", kepesertaan=str(first.pk)))
    assert resp.status_code == 302 and Klaim.objects.get().kepesertaan == first


def test_another_villages_operator_cannot_find_or_pick_the_person(
    client, coverage, operator_desa_y
):
    member = make_member(name="Yosefina Kewa Lein")
    client.force_login(operator_desa_y)
    for data in (
        _form("Yosefina"),
        _form(member.peserta.nik),
        _form("", kepesertaan=str(member.pk)),
    ):
        resp = client.post(reverse("claims:new"), data)
        html = resp.content.decode()
        assert resp.status_code == 200 and "tidak ditemukan di wilayah Anda" in html
        assert (
            "Kewa Lein" not in html
            and f'name="kepesertaan" value="{member.pk}"' not in html
        )
    assert not Klaim.objects.exists()


# ---- no KPJ demanded


def test_the_form_asks_for_no_kpj(client, operator_desa):
    client.force_login(operator_desa)
    html = client.get(reverse("claims:new")).content.decode()
    assert 'name="kpj"' not in html and 'name="peserta"' in html


def test_a_participant_without_kpj_is_verified_without_the_kpj_card(
    client, coverage, operator_desa, verifier
):
    member = make_member()
    assert member.kpj == ""
    klaim = submit(operator_desa, member)
    for code in ("akta_kematian", "ktp_kk_ahli_waris", "surat_ahli_waris"):
        services.upload_document(
            actor=operator_desa, klaim=klaim, requirement_code=code, upload=pdf()
        )
    assert services.missing_documents(klaim) == []
    row = next(
        r
        for r in services.document_checklist(klaim)
        if r["requirement"].code == "kartu_peserta"
    )
    assert row["waived"] and not row["done"]
    client.force_login(operator_desa)
    html = client.get(reverse("claims:detail", args=[klaim.pk])).content.decode()
    assert "belum memiliki KPJ" in html
    klaim = services.transition_klaim(
        actor=verifier, klaim=klaim, to_status="diverifikasi"
    )
    assert klaim.status == "diverifikasi"


def test_a_participant_with_a_kpj_hands_in_the_card(coverage, operator_desa):
    member = make_member(kpj="25012345678")
    klaim = submit(operator_desa, member)
    assert "kartu_peserta" in services.missing_documents(klaim)


# ---- a refused quote never says BPJS pays


def _refused_pu_case(coverage):
    """A PU official two months behind (arrears ≤ 3: the who-pays condition would say "BPJS membayar") whose
    accident is past the five-year claim deadline."""
    member = make_member(wage=2_000_000)
    coverage.arrears[member.pk] = 2
    return member, {
        "event": "jkk_total_disability",
        "nik": member.peserta.nik,
        "incident_date": "2020-01-10",
        "claim_date": "2026-04-01",
    }


def test_the_json_of_a_refused_quote_names_the_failed_condition_first(coverage):
    _member, case = _refused_pu_case(coverage)
    r = services.quote_claim(case)
    assert r["eligible"] is False and r["total"] == 0 and r["items"] == []
    first = r["conditions"][0]
    assert (first["rule"], first["met"]) == ("batas_waktu_klaim_jkk", False)
    assert "kedaluwarsa" in first["detail"]
    assert "BPJS membayar" not in json.dumps(r, ensure_ascii=False)
    assert r["payer"] is None


def test_an_eligible_quote_still_says_who_pays(coverage):
    _member, case = _refused_pu_case(coverage)
    r = services.quote_claim({**case, "incident_date": "2026-01-10"})
    assert r["eligible"] is True and r["payer"] == "bpjs"
    assert any("BPJS membayar" in c["detail"] for c in r["conditions"])


def test_the_command_keeps_the_refusal_shape(coverage, tmp_path, capsys):
    _member, case = _refused_pu_case(coverage)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    call_command("claims", "quote", "--input", str(path), "--json")
    out = json.loads(capsys.readouterr().out)
    assert (out["eligible"], out["total"]) == (False, 0)
    assert out["conditions"][0]["met"] is False
    assert "BPJS membayar" not in json.dumps(out, ensure_ascii=False)
    call_command("claims", "quote", "--input", str(path))
    text = capsys.readouterr().out
    assert "DITOLAK" in text and "BPJS membayar" not in text
    assert text.index("✗") < text.index("✓")


def test_the_refused_quote_page_names_the_failure_first_and_never_bpjs_pays(
    client, coverage, operator_desa
):
    member, _case = _refused_pu_case(coverage)
    client.force_login(operator_desa)
    html = client.post(
        reverse("claims:quote"),
        {
            "peserta": member.peserta.nik,
            "event": "jkk_total_disability",
            "incident_date": "2020-01-10",
            "claim_date": "2026-04-01",
            "claimant_name": "Maria",
            "claimant_relation": "Istri",
        },
    ).content.decode()
    assert 'id="quote-refusal"' in html and "kedaluwarsa" in html
    assert "BPJS membayar" not in html
    assert html.index("kedaluwarsa") < html.index('class="conditions"')


def test_a_stored_refused_quote_is_shown_without_bpjs_pays(
    client, coverage, operator_desa
):
    """A claim filed before this rule kept the who-pays condition (met, listed first) in its stored quote."""
    klaim = submit(operator_desa, make_member())
    old = {
        **klaim.quote,
        "eligible": False,
        "total": 0,
        "items": [],
        "conditions": [
            {
                "rule": "tunggakan_pemberi_kerja",
                "met": True,
                "blocking": False,
                "detail": "Pemberi kerja menunggak 0 bulan: BPJS membayar manfaat JKK langsung.",
                "basis": "uji",
            },
            {
                "rule": "terlindungi",
                "met": False,
                "blocking": True,
                "detail": "Peserta tidak terlindungi pada tanggal kejadian.",
                "basis": "uji",
            },
        ],
    }
    Klaim.objects.filter(pk=klaim.pk).update(quote=old, eligible=False, total=0)
    assert [c["rule"] for c in rules.presentable(old)["conditions"]] == ["terlindungi"]
    client.force_login(operator_desa)
    html = client.get(reverse("claims:detail", args=[klaim.pk])).content.decode()
    assert "BPJS membayar" not in html and "Peserta tidak terlindungi" in html


# ---- a death claim ends the membership, and the page says so


def test_the_page_says_an_approved_death_claim_ended_the_membership(
    client, coverage, operator_desa, verifier, approver
):
    member = make_member()
    klaim = verified(operator_desa, verifier, member)
    client.force_login(operator_desa)
    url = reverse("claims:detail", args=[klaim.pk])
    assert "Kepesertaan diakhiri" not in client.get(url).content.decode()
    services.transition_klaim(actor=approver, klaim=klaim, to_status="disetujui")
    member.refresh_from_db()
    assert (member.status, member.stop_reason, member.ended_on) == (
        "berhenti",
        "meninggal",
        INCIDENT,
    )
    html = client.get(url).content.decode()
    assert "Kepesertaan diakhiri karena meninggal pada 10 Maret 2026" in html


def test_a_disability_claim_says_nothing_about_ending(
    client, coverage, operator_desa, verifier, approver
):
    member = make_member(wage=2_000_000)
    klaim = submit(operator_desa, member, event="jkk_total_disability", children=[])
    upload_required(operator_desa, klaim)
    services.transition_klaim(actor=verifier, klaim=klaim, to_status="diverifikasi")
    services.transition_klaim(actor=approver, klaim=klaim, to_status="disetujui")
    client.force_login(operator_desa)
    html = client.get(reverse("claims:detail", args=[klaim.pk])).content.decode()
    assert "Kepesertaan diakhiri" not in html


# ---- buttons per role (no browser)


def _buttons(client, user, klaim) -> set[str]:
    client.force_login(user)
    resp = client.get(reverse("claims:detail", args=[klaim.pk]))
    assert resp.status_code == 200
    html = resp.content.decode()
    return {
        to
        for to in ("diverifikasi", "disetujui", "ditolak", "dibayar")
        if f'name="to" value="{to}"' in html
    } | ({"upload"} if 'name="file"' in html else set())


def test_each_role_sees_only_the_buttons_it_may_use(
    client,
    coverage,
    operator_desa,
    kabupaten_user,
    provinsi_user,
    viewer_user,
    verifier,
    approver,
):
    klaim = submit(operator_desa, make_member())
    assert _buttons(client, operator_desa, klaim) == {"upload"}
    assert _buttons(client, kabupaten_user, klaim) == {"upload"}
    assert _buttons(client, provinsi_user, klaim) == set()
    assert _buttons(client, viewer_user, klaim) == set()
    assert _buttons(client, verifier, klaim) == {"upload", "diverifikasi", "ditolak"}
    upload_required(operator_desa, klaim)
    klaim = services.transition_klaim(
        actor=verifier, klaim=klaim, to_status="diverifikasi"
    )
    # The verifier may still reject, but is not offered "approve".
    assert _buttons(client, verifier, klaim) == {"upload", "ditolak"}
    assert _buttons(client, approver, klaim) == {"upload", "disetujui", "ditolak"}
    assert _buttons(client, operator_desa, klaim) == {"upload"}
    klaim = services.transition_klaim(
        actor=approver, klaim=klaim, to_status="disetujui"
    )
    assert _buttons(client, approver, klaim) == {"dibayar"}
    assert _buttons(client, verifier, klaim) == {"dibayar"}
    for user in (operator_desa, kabupaten_user, provinsi_user, viewer_user):
        assert _buttons(client, user, klaim) == set()
    client.force_login(approver)
    html = client.get(reverse("claims:detail", args=[klaim.pk])).content.decode()
    assert 'name="payment_reference"' in html and 'name="paid_on"' in html


def test_the_verifier_posting_approve_gets_the_reason(
    client, coverage, operator_desa, verifier
):
    klaim = verified(operator_desa, verifier)
    client.force_login(verifier)
    resp = client.post(
        reverse("claims:transition", args=[klaim.pk]), {"to": "disetujui"}, follow=True
    )
    assert "tidak boleh juga menyetujuinya" in resp.content.decode()
    klaim.refresh_from_db()
    assert klaim.status == "diverifikasi"


def test_paying_on_the_page_needs_the_reference(
    client, coverage, operator_desa, verifier, approver
):
    klaim = approved(operator_desa, verifier, approver)
    client.force_login(approver)
    url = reverse("claims:transition", args=[klaim.pk])
    resp = client.post(url, {"to": "dibayar", "paid_on": ""}, follow=True)
    assert "referensi pembayaran" in resp.content.decode()
    client.post(
        url,
        {
            "to": "dibayar",
            "payment_reference": "TRF-77",
            "paid_on": timezone.localdate().isoformat(),
        },
    )
    klaim.refresh_from_db()
    assert (klaim.status, klaim.payment_reference) == ("dibayar", "TRF-77")
    html = client.get(reverse("claims:detail", args=[klaim.pk])).content.decode()
    assert "TRF-77" in html and approver.username in html and verifier.username in html


# ---- API and CLI call the same service


def test_the_api_takes_the_same_steps(
    client, coverage, operator_desa, verifier, approver
):
    klaim = verified(operator_desa, verifier)
    url = f"/api/v1/claims/{klaim.pk}/status"
    client.force_login(verifier)
    resp = client.post(url, {"to": "disetujui"}, content_type="application/json")
    assert resp.status_code == 403
    assert "tidak boleh juga menyetujuinya" in resp.json()["message"]
    client.force_login(approver)
    resp = client.post(url, {"to": "disetujui"}, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["approved_by"] == approver.username
    resp = client.post(url, {"to": "dibayar"}, content_type="application/json")
    assert resp.status_code == 400 and "referensi" in resp.json()["message"]
    resp = client.post(
        url,
        {
            "to": "dibayar",
            "payment_reference": "TRF-1",
            "paid_on": timezone.localdate().isoformat(),
        },
        content_type="application/json",
    )
    body = resp.json()
    assert resp.status_code == 200 and body["status"] == "dibayar"
    assert (body["verified_by"], body["payment_reference"]) == (
        verifier.username,
        "TRF-1",
    )


def test_the_api_refuses_other_regions_and_roles(
    client, coverage, operator_desa, operator_desa_y, verifier
):
    klaim = verified(operator_desa, verifier)
    url = f"/api/v1/claims/{klaim.pk}/status"
    client.force_login(operator_desa_y)
    assert (
        client.post(url, {"to": "ditolak"}, content_type="application/json").status_code
        == 404
    )
    client.force_login(operator_desa)
    assert (
        client.post(
            url, {"to": "ditolak", "note": "x"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_the_command_takes_the_same_steps(
    coverage, operator_desa, verifier, approver, capsys
):
    klaim = verified(operator_desa, verifier)
    with pytest.raises(CommandError, match="tidak boleh juga menyetujuinya"):
        call_command(
            "claims",
            "status",
            str(klaim.pk),
            "--to",
            "disetujui",
            "--user",
            verifier.username,
        )
    call_command(
        "claims",
        "status",
        str(klaim.pk),
        "--to",
        "disetujui",
        "--user",
        approver.username,
    )
    with pytest.raises(CommandError, match="referensi pembayaran"):
        call_command(
            "claims",
            "status",
            str(klaim.pk),
            "--to",
            "dibayar",
            "--user",
            approver.username,
        )
    call_command(
        "claims",
        "status",
        str(klaim.pk),
        "--to",
        "dibayar",
        "--user",
        approver.username,
        "--reference",
        "TRF-5",
        "--paid-on",
        timezone.localdate().isoformat(),
    )
    assert "dibayar" in capsys.readouterr().out
    klaim.refresh_from_db()
    assert (klaim.status, klaim.paid_by) == ("dibayar", approver)


def test_the_command_refuses_another_regions_claim(coverage, operator_desa_y):
    klaim = submit(operator_desa_y, make_member(desa=DESA_Y))
    branch = make_user("bpjs", ["53.01"])
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command(
            "claims",
            "status",
            str(klaim.pk),
            "--to",
            "ditolak",
            "--user",
            branch.username,
        )
