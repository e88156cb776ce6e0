"""Choices for participants; values are the codes used in files, the API and docs/interfaces.md."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PERANGKAT = "perangkat", _("Perangkat desa")
    RENTAN = "rentan", _("Pekerja rentan")


class Sex(models.TextChoices):
    L = "L", _("Male")
    P = "P", _("Female")


class Jabatan(models.TextChoices):
    """Permendagri 84/2015; kepala desa and BPD members are covered in practice (docs/regulations.md §4.1)."""

    KEPALA_DESA = "kepala_desa", "Kepala Desa"
    SEKRETARIS_DESA = "sekretaris_desa", "Sekretaris Desa"
    KAUR_KEUANGAN = "kaur_keuangan", "Kaur Keuangan"
    KAUR_UMUM_PERENCANAAN = "kaur_umum_perencanaan", "Kaur Umum dan Perencanaan"
    KAUR_TATA_USAHA = "kaur_tata_usaha", "Kaur Tata Usaha"
    KASI_PEMERINTAHAN = "kasi_pemerintahan", "Kasi Pemerintahan"
    KASI_KESEJAHTERAAN = "kasi_kesejahteraan", "Kasi Kesejahteraan"
    KASI_PELAYANAN = "kasi_pelayanan", "Kasi Pelayanan"
    KEPALA_DUSUN = "kepala_dusun", "Kepala Dusun/Kewilayahan"
    STAF_DESA = "staf_desa", "Staf Desa"
    ANGGOTA_BPD = "anggota_bpd", "Anggota BPD"


# One holder per desa at a time (docs/architecture.md, Domain model; Permendagri 84/2015); kaur, kasi and kepala dusun vary in number.
SINGLE_HOLDER_JABATAN = frozenset({Jabatan.KEPALA_DESA, Jabatan.SEKRETARIS_DESA})


class Pekerjaan(models.TextChoices):
    PETANI = "petani", _("Farmer")
    PEKEBUN = "pekebun", _("Planter")
    PETERNAK = "peternak", _("Livestock farmer")
    NELAYAN = "nelayan", _("Fisher")
    PEDAGANG_KECIL = "pedagang_kecil", _("Small trader")
    OJEK = "ojek", _("Ojek driver")
    PEMANDU_WISATA = "pemandu_wisata", _("Tour guide")
    BURUH_HARIAN_LEPAS = "buruh_harian_lepas", _("Casual day labourer")
    PENGRAJIN = "pengrajin", _("Craftsperson")
    LAINNYA = "lainnya", _("Other occupation")


# Occupations in the transport sector (PP 50/2025 relief periods differ for them).
TRANSPORT_PEKERJAAN = frozenset({Pekerjaan.OJEK})


class SumberDana(models.TextChoices):
    """Funding source = who pays. Codes as in docs/interfaces.md ``funding``."""

    DANA_DESA = "dana_desa", "Dana Desa"
    ADD = "add", "Alokasi Dana Desa (ADD)"
    APBDES = "apbdes", _("Other APBDes")
    APBD_KABUPATEN = "apbd_kabupaten", "APBD Kabupaten/Kota"
    APBD_PROVINSI = "apbd_provinsi", "APBD Provinsi"
    APBN = "apbn", "APBN"
    CSR = "csr", "CSR"
    BAZNAS = "baznas", "Baznas/zakat"
    SELF = "self", _("Self-paid (mandiri)")
    OTHER = "other", _("Other source")


VILLAGE_FUNDS = frozenset({SumberDana.DANA_DESA, SumberDana.ADD, SumberDana.APBDES})
APBD_FUNDS = frozenset({SumberDana.APBD_KABUPATEN, SumberDana.APBD_PROVINSI})


class Status(models.TextChoices):
    TERDAFTAR = "terdaftar", _("Registered")
    AKTIF = "aktif", _("Active")
    NONAKTIF = "nonaktif", _("Inactive")
    BERHENTI = "berhenti", _("Ended")


class AlasanBerhenti(models.TextChoices):
    MENINGGAL = "meninggal", _("Died")
    PURNA_TUGAS = "purna_tugas", _("End of term (purna tugas)")
    PINDAH = "pindah", _("Moved away")
    LAINNYA = "lainnya", _("Other reason")


class RiskGroup(models.TextChoices):
    SANGAT_RENDAH = "sangat_rendah", _("Very low")
    RENDAH = "rendah", _("Low")
    SEDANG = "sedang", _("Medium")
    TINGGI = "tinggi", _("High")
    SANGAT_TINGGI = "sangat_tinggi", _("Very high")
