from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template import loader

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


def bad_request(request, exception, template_name="400.html"):
    """A 400 inside the site layout, saying what was refused (Django's own 400 page has neither)."""
    message = exception.args[0] if getattr(exception, "args", None) else ""
    body = loader.get_template(template_name).render(
        {"exception": message if isinstance(message, str) else ""}, request
    )
    return HttpResponseBadRequest(body)
