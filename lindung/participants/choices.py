"""Choices for participants; values are the codes used in files, the API and INTERFACES.md."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PERANGKAT = "perangkat", _("Perangkat desa")
    RENTAN = "rentan", _("Pekerja rentan")


class Sex(models.TextChoices):
    L = "L", _("Laki-laki")
    P = "P", _("Perempuan")


class Jabatan(models.TextChoices):
    """Permendagri 84/2015; kepala desa and BPD members are covered in practice (REGULATIONS.md §4.1)."""

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


# One holder per desa at a time (MODEL.md; Permendagri 84/2015); kaur, kasi and kepala dusun vary in number.
SINGLE_HOLDER_JABATAN = frozenset({Jabatan.KEPALA_DESA, Jabatan.SEKRETARIS_DESA})


class Pekerjaan(models.TextChoices):
    PETANI = "petani", "Petani"
    PEKEBUN = "pekebun", "Pekebun"
    PETERNAK = "peternak", "Peternak"
    NELAYAN = "nelayan", "Nelayan"
    PEDAGANG_KECIL = "pedagang_kecil", "Pedagang kecil"
    OJEK = "ojek", "Ojek"
    PEMANDU_WISATA = "pemandu_wisata", "Pemandu wisata"
    BURUH_HARIAN_LEPAS = "buruh_harian_lepas", "Buruh harian lepas"
    PENGRAJIN = "pengrajin", "Pengrajin"
    LAINNYA = "lainnya", "Lainnya"


# Occupations in the transport sector (PP 50/2025 relief periods differ for them).
TRANSPORT_PEKERJAAN = frozenset({Pekerjaan.OJEK})


class SumberDana(models.TextChoices):
    """Funding source = who pays. Codes as in INTERFACES.md ``funding``."""

    DANA_DESA = "dana_desa", "Dana Desa"
    ADD = "add", "Alokasi Dana Desa (ADD)"
    APBDES = "apbdes", "APBDes lainnya"
    APBD_KABUPATEN = "apbd_kabupaten", "APBD Kabupaten/Kota"
    APBD_PROVINSI = "apbd_provinsi", "APBD Provinsi"
    APBN = "apbn", "APBN"
    CSR = "csr", "CSR"
    BAZNAS = "baznas", "Baznas/zakat"
    SELF = "self", "Mandiri"
    OTHER = "other", "Lainnya"


VILLAGE_FUNDS = frozenset({SumberDana.DANA_DESA, SumberDana.ADD, SumberDana.APBDES})
APBD_FUNDS = frozenset({SumberDana.APBD_KABUPATEN, SumberDana.APBD_PROVINSI})


class Status(models.TextChoices):
    TERDAFTAR = "terdaftar", "Terdaftar"
    AKTIF = "aktif", "Aktif"
    NONAKTIF = "nonaktif", "Nonaktif"
    BERHENTI = "berhenti", "Berhenti"


class AlasanBerhenti(models.TextChoices):
    MENINGGAL = "meninggal", "Meninggal"
    PURNA_TUGAS = "purna_tugas", "Purna tugas"
    PINDAH = "pindah", "Pindah"
    LAINNYA = "lainnya", "Lainnya"


class RiskGroup(models.TextChoices):
    SANGAT_RENDAH = "sangat_rendah", "Sangat rendah"
    RENDAH = "rendah", "Rendah"
    SEDANG = "sedang", "Sedang"
    TINGGI = "tinggi", "Tinggi"
    SANGAT_TINGGI = "sangat_tinggi", "Sangat tinggi"
