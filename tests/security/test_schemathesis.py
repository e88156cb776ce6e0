"""Property-based API fuzzing from the OpenAPI schema (schemathesis): no generated request may produce a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from lindung.accounts.models import ApiToken
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)
EXAMPLES = 40


def test_openapi_schema_lists_every_router(db):
    from lindung.api import api

    schema = api.get_openapi_schema()
    paths = set(schema["paths"])
    for prefix in (
        "/api/v1/regions/",
        "/api/v1/participants/",
        "/api/v1/imports/",
        "/api/v1/iuran/quote",
        "/api/v1/iuran/tagihan",
        "/api/v1/iuran/pembayaran",
        "/api/v1/claims/quote",
        "/api/v1/claims/",
        "/api/v1/reports/rakor",
    ):
        assert any(p.startswith(prefix) for p in paths), prefix
    ids = [op["operationId"] for p in schema["paths"].values() for op in p.values()]
    assert len(ids) == len(set(ids)), "operationIds must be unique"


def _fuzz(operation, app, headers: dict, failures: list) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(app=app, headers=headers)
        if response.status_code >= 500:
            failures.append(
                (
                    operation.label,
                    response.status_code,
                    case.path_parameters,
                    case.query,
                    case.body,
                )
            )

    run()


def test_no_5xx_for_any_generated_request():
    from django.test import Client

    from lindung.regions.services import load_regions
    from lindung.wsgi import application

    load_regions(prefix="53")
    token = ApiToken.issue(make_user("bpjs"), "fuzz")
    docs = Client()
    docs.force_login(
        make_user("viewer", ["53"])
    )  # the schema is for signed-in users (issue 20)
    raw = docs.get("/api/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(raw)
    failures: list = []
    operations = 0
    for result in schema.get_all_operations():
        operations += 1
        _fuzz(result.ok(), application, {"Authorization": f"Token {token}"}, failures)
    print(
        f"schemathesis: {operations} operations × {EXAMPLES} examples, {len(failures)} 5xx"
    )
    assert operations >= 15
    assert not failures, failures[:5]
