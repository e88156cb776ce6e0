"""Both languages complete (issue 21): choices, stages, chart legends, months and numbers follow the page's language,
while the report data (PDF, XLSX, JSON) and the import's domain messages stay Indonesian."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from lindung.agreements.rules import Tahap
from lindung.common import format as fmt
from lindung.participants.choices import Pekerjaan, Sex, Status
from lindung.participants.rules.cells import parse_pekerjaan, parse_sex
from lindung.reports import charts

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_choices_and_stages_are_named_in_the_page_language():
    with translation.override("en"):
        assert (str(Sex.L.label), str(Status.AKTIF.label)) == ("Male", "Active")
        assert str(Tahap.SEBAGIAN.label) == "Partly protected"
        assert str(Pekerjaan.NELAYAN.label) == "Fisher"
    with translation.override("id"):
        assert (str(Sex.L.label), str(Status.AKTIF.label)) == ("Laki-laki", "Aktif")
        assert str(Tahap.SEBAGIAN.label) == "Sebagian terlindungi"
        assert str(Pekerjaan.NELAYAN.label) == "Nelayan"


def test_imports_read_the_labels_of_both_languages_whatever_the_page_language():
    for lang in ("en", "id"):
        with translation.override(lang):
            assert parse_pekerjaan("Nelayan") == parse_pekerjaan("fisher") == "nelayan"
            assert parse_sex("Perempuan") == "P"


def test_numbers_dates_and_months_follow_the_language():
    day = dt.date(2026, 8, 17)
    with translation.override("en"):
        assert (fmt.angka(19643), fmt.tanggal_page(day)) == ("19,643", "17 August 2026")
        assert fmt.bulan_pendek(day) == "Aug 26" and fmt.persen(69.6) == "69.6%"
    with translation.override("id"):
        assert (fmt.angka(19643), fmt.tanggal_page(day)) == (
            "19.643",
            "17 Agustus 2026",
        )
        assert fmt.bulan_pendek(day) == "Agu 26" and fmt.persen(69.6) == "69,6%"
    # Documents keep Indonesian whatever the page's language.
    with translation.override("en"):
        assert fmt.tanggal(day) == "17 Agustus 2026"
        assert fmt.indonesian(Tahap.TERLINDUNGI.label) == "Terlindungi"


def test_the_chart_legend_is_in_the_page_language():
    rows = [
        {
            "code": "53.01",
            "name": "Kabupaten Kupang",
            "desa": 10,
            "perangkat_terlindungi": 19643,
            "perangkat_target": 20000,
            "perangkat_persen": 98.2,
            "tahap": "sebagian",
            "rentan_dana_desa": 0,
            "rentan_apbd": 0,
            "rentan_lainnya": 0,
        }
    ]
    with translation.override("en"):
        svg = charts.bar_chart_svg(rows)
        assert "Colour: red" in svg and "19,643" in svg and "Warna" not in svg
    with translation.override("id"):
        svg = charts.bar_chart_svg(rows)
        assert "Warna: merah" in svg and "19.643" in svg


def test_english_pages_show_english_choices_and_stages(
    client, kabupaten_user, operator_desa
):
    from tests.contributions.factories import make_kepesertaan

    k = make_kepesertaan()
    client.force_login(operator_desa)
    english(client)
    page = client.get(reverse("participants:detail", args=[k.pk])).content.decode()
    assert "Male" in page or "Female" in page
    assert "Laki-laki" not in page and "Perempuan" not in page
    client.force_login(kabupaten_user)
    english(client)
    rakor = client.get(reverse("reports:rakor")).content.decode()
    assert "Sebagian terlindungi" not in rakor and "Belum ada PKS" not in rakor
    assert "Warna:" not in rakor


def test_admin_names_models_in_indonesian_with_proper_plurals(client, bpjs_user):
    from django.apps import apps

    with translation.override("id"):
        plurals = {
            str(m._meta.verbose_name_plural)
            for m in apps.get_models()
            if m.__module__.startswith("lindung.")
        }
    assert "wilayah" in plurals and "impor" in plurals
    assert not any(p.endswith(("ahs", "chs", "ans")) for p in plurals), plurals
