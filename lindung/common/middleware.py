"""Security headers, including a content security policy, on every response."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
# The OpenAPI page (django-ninja's Swagger UI, served from our static files) needs one inline bootstrap script.
CSP_DOCS = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = (
            CSP_DOCS
            if request.path.startswith("/api/") and request.path.endswith("/docs")
            else CSP
        )
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class DefaultIndonesianLocaleMiddleware:
    """Bahasa Indonesia unless the user chose English with the switch (language cookie); the browser's
    Accept-Language is ignored on purpose: officials share devices set to English."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):

        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        return response
