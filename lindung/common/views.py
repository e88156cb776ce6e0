from __future__ import annotations

from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.template import loader


def api_docs_redirect(request):
    return redirect("/api/v1/docs")


def bad_request(request, exception, template_name="400.html"):
    """A 400 inside the site layout, saying what was refused (Django's own 400 page has neither)."""
    message = exception.args[0] if getattr(exception, "args", None) else ""
    body = loader.get_template(template_name).render(
        {"exception": message if isinstance(message, str) else ""}, request
    )
    return HttpResponseBadRequest(body)
