"""Search by part of a name: the same answer on both databases; on PostgreSQL through the trigram index."""

from __future__ import annotations

import pytest
from django.db import connection

from lindung.participants.models import Peserta
from tests.participants.factories import make_kepesertaan

pytestmark = pytest.mark.django_db


def test_name_search_finds_part_of_a_name_in_any_case():
    make_kepesertaan(serial=1, name="Yohanes Bili Tefa")
    make_kepesertaan(serial=2, name="Maria Goreti")
    found = Peserta.objects.filter(name__icontains="bili tef")
    assert list(found.values_list("name", flat=True)) == ["Yohanes Bili Tefa"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index")
def test_postgresql_name_search_uses_the_trigram_index():
    make_kepesertaan(serial=1, name="Yohanes Bili Tefa")
    sql, params = Peserta.objects.filter(
        name__icontains="bili tef"
    ).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SET LOCAL enable_seqscan = off"
        )  # a tiny table would be scanned anyway
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "participants_peserta_name_trgm" in plan
