from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from . import services
from .models import Region

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    level: int
    type: str
    parent: str | None
    desa: int
    kelurahan: int


@router.get(
    "", response=list[RegionOut], summary="Provinces, or the children of ?parent=CODE"
)
def list_regions(request, parent: str | None = None):
    region = get_object_or_404(Region, code=parent) if parent else None
    return [
        RegionOut(
            code=c["region"].code,
            name=c["region"].name,
            level=c["region"].level,
            type=c["region"].type,
            parent=c["region"].parent_id,
            desa=c["desa"],
            kelurahan=c["kelurahan"],
        )
        for c in services.children_with_counts(region)
    ]


@router.get(
    "/{code}", response=RegionOut, summary="One region with its desa/kelurahan counts"
)
def get_region(request, code: str):
    region = get_object_or_404(Region, code=code)
    counts = (
        services.village_counts(region)
        if region.level < 4
        else {
            "desa": int(region.type != "kelurahan"),
            "kelurahan": int(region.type == "kelurahan"),
        }
    )
    return RegionOut(
        code=region.code,
        name=region.name,
        level=region.level,
        type=region.type,
        parent=region.parent_id,
        **counts,
    )
