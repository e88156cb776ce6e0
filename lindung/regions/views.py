from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from . import services
from .models import Region


@login_required
def browse(request, code: str | None = None):
    """Province → kabupaten → kecamatan → desa, with desa and kelurahan counts at each level."""
    region = get_object_or_404(Region, code=code) if code else None
    children = services.children_with_counts(region)
    return render(
        request,
        "regions/browse.html",
        {
            "region": region,
            "ancestors": region.ancestors() if region else [],
            "children": children,
            "totals": services.village_counts(region),
        },
    )
