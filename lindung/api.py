"""One NinjaAPI at /api/v1/ that mounts each app's router. Errors are JSON with an Indonesian message and a code."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader, SessionAuth

from lindung.accounts.models import ApiToken
from lindung.claims.api import router as claims
from lindung.common.errors import message_of
from lindung.contributions.api import router as contributions
from lindung.imports.api import router as imports
from lindung.participants.api import router as participants
from lindung.reconciliation.api import router as reconciliation
from lindung.regions.api import router as regions
from lindung.reports.api import router as reports


class TokenAuth(APIKeyHeader):
    """``Authorization: Token <key>`` for systems (the key is an accounts.ApiToken)."""

    param_name = "Authorization"

    def authenticate(self, request, key):

        if not key:
            return None
        key = key.removeprefix("Token ").removeprefix("Bearer ").strip()
        user = ApiToken.user_for(key)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The browser's session, with Django's CSRF check on writes, only when the request carries no
    ``Authorization`` header. A system sending a token is never checked for CSRF (it has no cookie to steal) and
    never falls back to a session: django-ninja ran the session's CSRF check before looking at the token, so every
    token-authenticated write was refused with "403 CSRF check Failed"."""

    def __call__(self, request):
        if "Authorization" in request.headers:
            return None
        return super().__call__(request)


api = NinjaAPI(
    title="Lindung API",
    version="1",
    urls_namespace="api",
    # The token first; the session (with CSRF) only for requests without an Authorization header.
    auth=[TokenAuth(), BrowserSessionAuth()],
    docs_url="/docs",
    # The OpenAPI page and schema are for signed-in users (they list every operation and field).
    docs_decorator=login_required,
)


def _error(request, status: int, code: str, message: str, detail=None):
    body = {"code": code, "message": message}
    if detail is not None:
        body["detail"] = detail
    return api.create_response(request, body, status=status)


@api.exception_handler(NinjaValidationError)
def _validation(request, exc):
    return _error(
        request, 422, "invalid_input", "Data masukan tidak valid.", exc.errors
    )


@api.exception_handler(ValidationError)
def _domain_validation(request, exc):
    code = getattr(exc, "code", None)
    if code == "already_registered":
        # The NIK has a membership: 409, naming it only when the caller may see it (participants.services).
        kepesertaan = getattr(exc, "kepesertaan", None)
        return _error(
            request,
            409,
            code,
            exc.messages[0],
            {"kepesertaan_id": kepesertaan.pk if kepesertaan else None},
        )
    if code == "confirm_identity":
        # Name, birth date or sex would change: send the same request with confirm_identity=true to save.
        changes = [
            {"field": f, "label": label, "old": old, "new": new}
            for f, label, old, new in exc.changes
        ]
        return _error(request, 409, code, exc.messages[0], {"changes": changes})
    return _error(request, 400, "invalid", message_of(exc))


@api.exception_handler(AuthenticationError)
def _auth(request, exc):
    return _error(
        request, 401, "unauthenticated", "Perlu masuk (login) atau token API."
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(
        request,
        403,
        "forbidden",
        str(exc) or "Anda tidak berwenang untuk tindakan ini.",
    )


@api.exception_handler(OverflowError)
def _overflow(request, exc):
    # A number too large for the database (e.g. /participants/99999999999999999999999).
    return _error(request, 400, "out_of_range", "Angka di luar batas yang diizinkan.")


@api.exception_handler(RecursionError)
def _too_deep(request, exc):
    # JSON nested thousands of levels deep: the parser gives up; so does the request.
    return _error(request, 400, "too_deep", "Data masukan terlalu bersarang.")


@api.exception_handler(DataError)
def _data_error(request, exc):
    return _error(request, 400, "out_of_range", "Nilai di luar batas yang diizinkan.")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", "Data tidak ditemukan.")


def _mount() -> None:
    """Each app's router: /api/v1/<app>/…, contributions at the root (/api/v1/iuran/…)."""

    api.add_router("/regions/", regions)
    api.add_router("/participants/", participants)
    api.add_router("/imports/", imports)
    api.add_router("/", contributions)
    api.add_router("/claims/", claims)
    api.add_router("/reports/", reports)
    api.add_router("/reconciliation/", reconciliation)


_mount()
