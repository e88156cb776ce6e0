"""The bulk writer: COPY text formatting, and rows written with shared tails read back unchanged on both databases."""

from __future__ import annotations

import datetime as dt
import enum

import pytest
from django.utils import timezone

from lindung.common.bulk import bulk_insert, bulk_insert_shared, copy_line
from lindung.contributions.models import Payer


class Level(enum.IntEnum):
    HIGH = 3


def test_copy_line_formats_each_type_as_copy_text_reads_it():
    moment = dt.datetime(2026, 11, 25, 8, 30, tzinfo=dt.UTC)
    row = [
        7,
        -2,
        2**70,
        True,
        False,
        None,
        "a\tb\\c\nd\re",
        dt.date(2026, 1, 2),
        moment,
    ]
    assert copy_line(row) == (
        "7\t-2\t1180591620717411303424\tt\tf\t\\N\ta\\tb\\\\c\\nd\\re\t2026-01-02\t"
        "2026-11-25T08:30:00+00:00\n"
    )


def test_copy_line_falls_back_for_subclasses():
    # An IntEnum is written as its number, a Choices member (a str subclass) as its value.
    from lindung.contributions.choices import PayerKind

    assert copy_line([Level.HIGH, PayerKind.SELF]) == f"3\t{PayerKind.SELF.value}\n"


@pytest.mark.django_db
def test_shared_tails_round_trip_in_order():
    now = timezone.now()
    village, regency = ("53.01.04.2003", now), ("53.01", now)
    names = ["plain", "tab\there", "back\\slash", "new\nline", "quote ' \" ;"]
    rows = [
        ((f"T-{i}", "desa", name), village if i % 2 else regency)
        for i, name in enumerate(names)
    ]
    bulk_insert_shared(Payer, ("code", "kind", "name", "region_id", "created_at"), rows)
    got = list(
        Payer.objects.filter(code__startswith="T-")
        .order_by("id")
        .values_list("code", "name", "region_id", "peserta_id")
    )
    assert got == [
        (f"T-{i}", name, "53.01.04.2003" if i % 2 else "53.01", None)
        for i, name in enumerate(names)
    ]
    assert all(p.created_at == now for p in Payer.objects.filter(code__startswith="T-"))


@pytest.mark.django_db
def test_bulk_insert_and_shared_write_the_same_rows():
    now = timezone.now()
    plain = [(f"A-{i}", "desa", f"n\t{i}", "53.01", now) for i in range(3)]
    shared = [((f"B-{i}", "desa", f"n\t{i}"), ("53.01", now)) for i in range(3)]
    columns = ("code", "kind", "name", "region_id", "created_at")
    bulk_insert(Payer, columns, plain)
    bulk_insert_shared(Payer, columns, shared)

    def read(prefix):
        return [
            (code[2:], *rest)
            for code, *rest in Payer.objects.filter(code__startswith=prefix)
            .order_by("code")
            .values_list("code", "name", "region_id", "created_at")
        ]

    assert read("A-") == read("B-")


@pytest.mark.django_db
def test_prepared_columns_get_the_ids_allocated_before_the_write():
    from django.db import transaction

    from lindung.common.bulk import Same, prepare_columns, write_prepared
    from lindung.participants.models import Peserta

    before = Peserta.objects.create(
        nik="5301040101800001", name="Lama", birth_date=dt.date(1980, 1, 1), sex="L"
    )
    with transaction.atomic():
        prepared = prepare_columns(
            Peserta,
            3,
            {
                "nik": ["5301040101800002", "5301040101800003", "5301040101800004"],
                "name": ["tab\there", "back\\slash", "Ani"],
                "birth_date": [dt.date(1980, 1, 1)] * 3,
                "sex": Same("P"),
            },
            ids=True,
        )
        allocated = prepared.column("nik", "id")
        write_prepared(prepared)
    assert [pk for _nik, pk in allocated] == prepared.values("id")
    assert all(pk > before.pk for _nik, pk in allocated)
    stored = dict(Peserta.objects.exclude(pk=before.pk).values_list("nik", "id"))
    assert stored == dict(allocated)
    got = Peserta.objects.filter(pk__in=prepared.values("id")).order_by("id")
    assert [(p.name, p.sex, p.phone, p.version) for p in got] == [
        ("tab\there", "P", "", 1),
        ("back\\slash", "P", "", 1),
        ("Ani", "P", "", 1),
    ]
    # The sequence moved past the allocated ids: the next row the ORM writes does not collide.
    after = Peserta.objects.create(
        nik="5301040101800005", name="Baru", birth_date=dt.date(1980, 1, 1), sex="L"
    )
    assert after.pk > max(prepared.values("id"))


@pytest.mark.django_db
def test_prepared_dicts_take_defaults_for_missing_keys_and_keep_the_row_order():
    from django.db import transaction

    from lindung.common.bulk import prepare_dicts, write_prepared
    from lindung.participants.models import Peserta

    rows = [
        {
            "nik": "5301040101800011",
            "name": "A",
            "birth_date": dt.date(1980, 1, 1),
            "sex": "L",
        },
        {
            "nik": "5301040101800012",
            "name": "B",
            "birth_date": dt.date(1980, 1, 1),
            "sex": "P",
            "phone": "0812",
        },
    ]
    with transaction.atomic():
        prepared = prepare_dicts(Peserta, rows, ids=True)
        write_prepared(prepared)
    returned = prepared.column("nik", "id")
    assert [nik for nik, _pk in returned] == ["5301040101800011", "5301040101800012"]
    got = {
        p.nik: (p.pk, p.phone)
        for p in Peserta.objects.filter(
            nik__in=["5301040101800011", "5301040101800012"]
        )
    }
    assert got == {nik: (pk, phone) for (nik, pk), phone in zip(returned, ["", "0812"])}


def test_a_column_of_the_wrong_length_is_refused():
    from lindung.common.bulk import prepare_columns
    from lindung.participants.models import Peserta

    with pytest.raises(ValueError, match="2 values, not 3"):
        prepare_columns(Peserta, 3, {"nik": ["1", "2"]})
