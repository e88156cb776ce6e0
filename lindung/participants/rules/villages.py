"""Villages: Kemendagri code, or name + kecamatan + kabupaten, resolved against a plain index of the Region
table (built by participants.services.village_index)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lindung.common.spreadsheet import cell_text

from .columns import normalize_text

DESA_TYPES = frozenset({"desa", "desa_adat"})
_DESA_PREFIX = re.compile(r"^(desa|ds|kelurahan|kel|kalurahan|kampung adat)\s+")
_KEC_PREFIX = re.compile(r"^(kecamatan|kec|distrik)\s+")
_KAB_PREFIX = re.compile(r"^(kabupaten|kab|kota|kot)\s+")
_CODE_DOTTED = re.compile(r"\d{2}\s*\.\s*\d{2}\s*\.\s*\d{2}\s*\.\s*\d{4}")
_CODE_DIGITS = re.compile(r"\d{10}")


def strip_desa_prefix(name: str) -> str:
    """ "Desa Bokonusan", "Kel. Alak" → "bokonusan", "alak" (lower case, for a case-insensitive name lookup)."""
    return _DESA_PREFIX.sub("", normalize_text(name))


class VillageError(ValueError):
    """The village cannot be found, or more than one matches; the message names the candidates."""


@dataclass(frozen=True, slots=True)
class Village:
    code: str
    name: str
    type: str
    kecamatan: str = ""
    kabupaten: str = ""

    @property
    def is_desa(self) -> bool:
        return self.type in DESA_TYPES

    def describe(self) -> str:
        return "{} {} (Kec. {}, {})".format(
            self.code, self.name, self.kecamatan, self.kabupaten
        )


def _key(text: str, prefix: re.Pattern) -> str:
    return prefix.sub("", normalize_text(text)).replace(" ", "")


def _kab_key(text: str) -> tuple[str, str | None]:
    norm = normalize_text(text)
    kind = (
        "kota"
        if norm.startswith(("kota ", "kot "))
        else "kabupaten"
        if norm.startswith(("kab ", "kabupaten "))
        else None
    )
    return _KAB_PREFIX.sub("", norm).replace(" ", ""), kind


def normalize_region_code(value: object) -> str | None:
    """ "53.01.04.2003", "5301042003", 5301042003.0 → "53.01.04.2003"; anything else → None."""
    text = cell_text(value).strip()
    if _CODE_DOTTED.fullmatch(text):
        return text.replace(" ", "")
    if _CODE_DIGITS.fullmatch(text):
        return "{}.{}.{}.{}".format(text[:2], text[2:4], text[4:6], text[6:])
    return None


class VillageIndex:
    """Villages by code and by normalised name; built from plain data so the rules stay free of the ORM."""

    def __init__(self, villages: Iterable[Village]):
        self.by_code: dict[str, Village] = {v.code: v for v in villages}
        self._by_name: dict[str, list[Village]] | None = None

    @property
    def by_name(self) -> dict[str, list[Village]]:
        """Built on the first lookup by name (most files carry codes)."""
        if self._by_name is None:
            self._by_name = {}
            for v in self.by_code.values():
                self._by_name.setdefault(_key(v.name, _DESA_PREFIX), []).append(v)
        return self._by_name

    def __len__(self) -> int:
        return len(self.by_code)

    def resolve(
        self,
        *,
        code: object = "",
        name: object = "",
        kecamatan: object = "",
        kabupaten: object = "",
    ) -> Village:
        if not cell_text(code) and normalize_region_code(name) is not None:
            code = name  # a Kemendagri code written in the Desa column: no village is named with digits
        if cell_text(code):
            normalized = normalize_region_code(code)
            if normalized is None:
                raise VillageError(
                    "kode desa '{}' tidak valid (contoh 53.01.04.2003 atau 5301042003)".format(
                        cell_text(code)
                    )
                )
            village = self.by_code.get(normalized)
            if village is None:
                raise VillageError(
                    "kode desa {} tidak ditemukan (atau di luar wilayah impor)".format(
                        normalized
                    )
                )
            return village
        if not cell_text(name):
            raise VillageError("desa kosong: isi Kode Desa atau nama Desa")
        candidates = self.by_name.get(_key(cell_text(name), _DESA_PREFIX), [])
        if cell_text(kecamatan):
            kec = _key(cell_text(kecamatan), _KEC_PREFIX)
            candidates = [
                v for v in candidates if _key(v.kecamatan, _KEC_PREFIX) == kec
            ]
        if cell_text(kabupaten):
            kab, kind = _kab_key(cell_text(kabupaten))
            candidates = [
                v
                for v in candidates
                if _kab_key(v.kabupaten)[0] == kab
                and (kind is None or _kab_key(v.kabupaten)[1] == kind)
            ]
        if not candidates:
            raise VillageError(
                "desa '{}' tidak ditemukan{}".format(
                    cell_text(name),
                    " di Kec. {}".format(cell_text(kecamatan))
                    if cell_text(kecamatan)
                    else "",
                )
            )
        if len(candidates) > 1:
            shown = "; ".join(v.describe() for v in candidates[:5])
            more = (
                " dan {} lainnya".format(len(candidates) - 5)
                if len(candidates) > 5
                else ""
            )
            raise VillageError(
                "desa '{}' cocok dengan lebih dari satu wilayah: {}{}; isi Kode Desa atau "
                "Kecamatan/Kabupaten".format(cell_text(name), shown, more)
            )
        return candidates[0]
