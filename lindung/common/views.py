from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from lindung.accounts.models import user_roles


@login_required
def home(request):
    """Landing page: the dashboard of the user's role."""
    from lindung.reports.dashboards import dashboard_context

    context = {"roles": sorted(user_roles(request.user))}
    context.update(dashboard_context(request.user))
    return render(request, "common/home.html", context)


def api_docs_redirect(request):
    return redirect("/api/v1/docs")
