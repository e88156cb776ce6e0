"""Issue 24, partitioned bill lines: on PostgreSQL ``contributions_tagihanline`` is partitioned by month (migration
0007, ``contributions.partitions``); on SQLite it stays one table and the partition functions do nothing. Billing,
payments and reports read and write the lines as before."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from lindung.contributions import coverage, partitions, services
from lindung.contributions.models import Tagihan, TagihanLine
from lindung.contributions.partitions import PartitionError

from .factories import make_kepesertaan, record

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="bill lines are partitioned on PostgreSQL"
)
sqlite_only = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="SQLite keeps one bill-line table"
)
JAN, FEB = dt.date(2025, 1, 1), dt.date(2025, 2, 1)


def _sql(query: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def _homes(**filters) -> set[str]:
    """The partitions the matching lines are stored in."""
    ids = list(TagihanLine.objects.filter(**filters).values_list("id", flat=True))
    rows = _sql(
        "SELECT DISTINCT tableoid::regclass::text FROM contributions_tagihanline WHERE id = ANY(%s)",
        [ids],
    )
    return {r[0] for r in rows}


def _names() -> list[str]:
    return [p.name for p in partitions.list_partitions()]


@postgresql_only
def test_the_table_is_partitioned_by_month_with_the_constraints_of_money():
    assert partitions.is_partitioned()
    assert _sql(
        "SELECT p.partstrat, a.attname FROM pg_partitioned_table p JOIN pg_attribute a "
        "ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
        "WHERE p.partrelid = 'contributions_tagihanline'::regclass"
    ) == [("r", "period")]
    constraints = dict(
        _sql(
            "SELECT contype::text || ':' || conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'contributions_tagihanline'::regclass"
        )
    )
    assert constraints["p:contributions_tagihanline_pkey"] == "PRIMARY KEY (id, period)"
    assert constraints["u:one_line_per_month"] == "UNIQUE (kepesertaan_id, period)"
    references = sorted(
        d.split(" REFERENCES ")[1] for k, d in constraints.items() if k[0] == "f"
    )
    assert references == [
        "contributions_tagihan(id) DEFERRABLE INITIALLY DEFERRED",
        "participants_kepesertaan(id) DEFERRABLE INITIALLY DEFERRED",
    ]
    # Nothing refers to the lines (a foreign key to a partitioned table would need the whole key).
    assert not _sql(
        "SELECT 1 FROM pg_constraint WHERE confrelid = 'contributions_tagihanline'::regclass"
    )
    # The (period, paid_on) index is a partitioned index; ids still come from one sequence.
    assert _sql(
        "SELECT c.relkind FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = 'contributions_tagihanline'::regclass AND pg_get_indexdef(i.indexrelid) "
        "LIKE '%%(period, paid_on)'"
    ) == [("I",)]
    assert _sql("SELECT pg_get_serial_sequence('contributions_tagihanline', 'id')") == [
        ("public.contributions_tagihanline_id_seq",)
    ]
    listed = partitions.list_partitions()
    assert listed[-1].name == partitions.DEFAULT_PARTITION and listed[-1].is_default
    this_month = dt.date.today().replace(day=1)
    assert partitions.partition_name(this_month) in [p.name for p in listed]


@postgresql_only
def test_a_billing_run_for_a_new_month_lands_in_that_months_partition():
    month = dt.date(2031, 7, 1)
    name = partitions.partition_name(month)
    assert name not in _names()
    make_kepesertaan(kind="perangkat")
    make_kepesertaan()
    result = services.run_billing(actor=None, period=month)
    assert result["lines"] == 2
    assert _homes(period=month) == {name}
    assert not _sql(f"SELECT 1 FROM {partitions.DEFAULT_PARTITION}")
    # Running it again bills nothing and creates nothing.
    before = _names()
    assert services.run_billing(actor=None, period=month)["lines"] == 0
    assert _names() == before


@postgresql_only
def test_ensure_partitions_is_idempotent():
    first = partitions.ensure_partitions(months_ahead=5)
    after = _names()
    today = dt.date.today().replace(day=1)
    for i in range(6):
        month = dt.date(
            today.year + (today.month - 1 + i) // 12, (today.month - 1 + i) % 12 + 1, 1
        )
        assert partitions.partition_name(month) in after
    assert {c["partition"] for c in first} <= set(after)
    assert partitions.ensure_partitions(months_ahead=5) == []
    assert _names() == after


@postgresql_only
def test_rows_in_default_move_to_their_months_new_partition():
    k = make_kepesertaan()
    services.run_billing(actor=None, period=JAN)
    bill = Tagihan.objects.get()
    stray = TagihanLine.objects.create(
        tagihan=bill,
        kepesertaan=k,
        period=dt.date(2032, 3, 1),
        segment="bpu",
        total=16800,
    )
    assert _homes(pk=stray.pk) == {partitions.DEFAULT_PARTITION}
    created = partitions.ensure_partitions(months_ahead=0)
    assert {
        "partition": "contributions_tagihanline_y2032m03",
        "period": "2032-03",
        "moved": 1,
    } in created
    assert _homes(pk=stray.pk) == {"contributions_tagihanline_y2032m03"}
    assert TagihanLine.objects.get(pk=stray.pk).total == 16800
    assert not _sql(f"SELECT 1 FROM {partitions.DEFAULT_PARTITION}")


@postgresql_only
def test_detach_leaves_other_months_working_and_attach_restores(bpjs_user, client):
    k1, k2 = make_kepesertaan(kind="perangkat"), make_kepesertaan(kind="perangkat")
    services.run_billing(actor=None, period=JAN)
    services.run_billing(actor=None, period=FEB)
    jan_bill = Tagihan.objects.get(period=JAN)
    record(jan_bill.payer, jan_bill.total, dt.date(2025, 1, 10))
    assert coverage.coverage_on(k1, dt.date(2025, 1, 15))
    # Refused: the current month, and a month whose bills are still open.
    with pytest.raises(PartitionError, match="belum lewat"):
        partitions.detach(dt.date.today())
    with pytest.raises(PartitionError, match="belum lunas"):
        partitions.detach(FEB)

    detached = partitions.detach(JAN)
    assert detached["partition"] == "contributions_tagihanline_y2025m01"
    assert not TagihanLine.objects.filter(period=JAN).exists()
    assert TagihanLine.objects.filter(period=FEB).count() == 2
    assert _sql("SELECT COUNT(*) FROM contributions_tagihanline_y2025m01") == [(2,)]
    archive = [
        p for p in partitions.list_partitions() if p.name == detached["partition"]
    ]
    assert len(archive) == 1 and not archive[0].attached
    # The other month's bill listing and the reports still work.
    client.force_login(bpjs_user)
    feb_bill = Tagihan.objects.get(period=FEB)
    page = client.get("/iuran/", {"period": "2025-02"})
    assert page.status_code == 200 and feb_bill.number.encode() in page.content
    assert client.get(f"/iuran/tagihan/{feb_bill.number}/").status_code == 200
    from lindung.reports import services as reports

    report = reports.rakor(
        user=bpjs_user, region_code="53", as_of=dt.date(2025, 2, 15), from_scratch=True
    )
    assert report["rows"]
    # A billing run for the detached month is refused, not written to DEFAULT.
    with pytest.raises(PartitionError, match="dilepas"):
        services.run_billing(actor=None, period=JAN)

    attached = partitions.attach(JAN)
    assert attached == {
        "partition": detached["partition"],
        "period": "2025-01",
        "moved": 0,
    }
    assert TagihanLine.objects.filter(period=JAN).count() == 2
    assert _homes(period=JAN) == {detached["partition"]}
    assert coverage.coverage_on(k2, dt.date(2025, 1, 15))
    with pytest.raises(PartitionError, match="Tidak ada tabel arsip"):
        partitions.attach(JAN)


@postgresql_only
def test_an_archived_and_dropped_month_is_not_billed_again():
    make_kepesertaan(kind="perangkat")
    services.run_billing(actor=None, period=JAN)
    bill = Tagihan.objects.get()
    record(bill.payer, bill.total, dt.date(2025, 1, 10))
    name = partitions.detach(JAN)["partition"]
    _sql(f"DROP TABLE {name}")
    with pytest.raises(PartitionError, match="diarsipkan lalu dihapus"):
        services.run_billing(actor=None, period=JAN)
    assert Tagihan.objects.count() == 1 and not TagihanLine.objects.exists()


def test_the_unique_constraint_still_refuses_a_second_line_for_a_month():
    k = make_kepesertaan()
    services.run_billing(actor=None, period=JAN)
    line = TagihanLine.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        TagihanLine.objects.create(
            tagihan_id=line.tagihan_id,
            kepesertaan=k,
            period=JAN,
            segment="bpu",
            total=1,
        )
    assert TagihanLine.objects.count() == 1


@postgresql_only
def test_the_foreign_keys_are_still_enforced():
    k = make_kepesertaan()
    with pytest.raises(IntegrityError), transaction.atomic():
        TagihanLine.objects.create(
            tagihan_id=987654321, kepesertaan=k, period=JAN, segment="bpu", total=1
        )
        connection.check_constraints()


@postgresql_only
def test_the_command_lists_and_creates_partitions():
    out = StringIO()
    call_command("billing", "partitions", "--ahead", "4", "--json", stdout=out)
    data = json.loads(out.getvalue())
    names = [p["partition"] for p in data["partitions"]]
    assert partitions.DEFAULT_PARTITION in names
    assert {c["partition"] for c in data["created"]} <= set(names)
    out = StringIO()
    call_command("billing", "partitions", "--ahead", "4", stdout=out)
    assert "Partisi baru" not in out.getvalue() and "DEFAULT" in out.getvalue()


@sqlite_only
def test_on_sqlite_partitions_are_a_no_op():
    assert not partitions.is_partitioned()
    assert partitions.ensure_partitions() == []
    assert partitions.ensure_partition(JAN) is None
    assert partitions.list_partitions() == []
    with pytest.raises(PartitionError, match="hanya ada di PostgreSQL"):
        partitions.detach(JAN)
    out = StringIO()
    call_command("billing", "partitions", stdout=out)
    assert "tidak dipartisi" in out.getvalue()


def test_the_daily_job_creates_partitions_and_survives_a_failure(monkeypatch):
    from lindung.contributions.tasks import refresh_status_task

    calls = []

    def fake(**kw):
        calls.append(kw)
        return [
            {
                "partition": "contributions_tagihanline_y2099m01",
                "period": "2099-01",
                "moved": 0,
            }
        ]

    monkeypatch.setattr(partitions, "ensure_partitions", fake)
    result = refresh_status_task.enqueue().return_value
    assert calls == [{}] and result["partitions_created"] == [
        "contributions_tagihanline_y2099m01"
    ]

    def broken(**kw):
        raise PartitionError("Tabel baris tagihan sedang dipakai")

    monkeypatch.setattr(partitions, "ensure_partitions", broken)
    result = refresh_status_task.enqueue().return_value
    assert "aktif" in result and "partitions_created" not in result


def _line_rows(month: dt.date) -> list[tuple]:
    return sorted(
        TagihanLine.objects.filter(period=month).values_list(
            *(c for c in services._LINE_COLUMNS if c != "tagihan_id")
        )
    )


def _shape(table: str) -> tuple[list, list]:
    """A table's constraint definitions and index definitions, without their names."""
    constraints = sorted(
        r[0]
        for r in _sql(
            "SELECT contype::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = to_regclass(%s)",
            [table],
        )
    )
    indexes = sorted(
        r[0].split(" USING ")[1]
        for r in _sql(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = to_regclass(%s)",
            [table],
        )
    )
    return constraints, indexes


@postgresql_only
def test_a_months_first_large_run_is_loaded_set_based_with_the_same_constraints(
    monkeypatch,
):
    month = dt.date(2031, 9, 1)
    name = partitions.partition_name(month)
    for kind in ("perangkat", "rentan", "rentan"):
        make_kepesertaan(kind=kind)
    # The ordinary way first (then rolled back), for comparison.
    with transaction.atomic():
        services.run_billing(actor=None, period=month)
        ordinary = _line_rows(month)
        shape = _shape(name)
        transaction.set_rollback(True)
    monkeypatch.setattr(partitions, "LOAD_MIN_LINES", 1)
    loaded = []
    real = partitions.load_month
    monkeypatch.setattr(
        services, "load_month", lambda *a: loaded.append(real(*a)) or loaded[-1]
    )
    assert services.run_billing(actor=None, period=month)["lines"] == 3
    assert loaded == [True]
    assert _line_rows(month) == ordinary
    assert _homes(period=month) == {name}
    assert name in [p.name for p in partitions.list_partitions() if p.attached]
    assert (
        _shape(name) == shape
    )  # same primary key, unique constraint, foreign keys, indexes
    assert not _sql(
        "SELECT 1 FROM pg_class WHERE relkind = 'r' AND relname LIKE %s",
        [f"{name}\\_%"],
    )
    line = TagihanLine.objects.filter(period=month).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        TagihanLine.objects.create(
            tagihan_id=line.tagihan_id,
            kepesertaan_id=line.kepesertaan_id,
            period=month,
            segment="bpu",
            total=1,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        TagihanLine.objects.create(
            tagihan_id=987654321,
            kepesertaan_id=line.kepesertaan_id,
            period=month + dt.timedelta(days=1),
            segment="bpu",
            total=1,
        )
        connection.check_constraints()
    # A second run of the month (a late registration) inserts into the partition the ordinary way.
    make_kepesertaan()
    assert services.run_billing(actor=None, period=month)["lines"] == 1
    assert loaded == [True, False]
    assert _homes(period=month) == {name}


@postgresql_only
def test_the_load_falls_back_to_inserting_when_the_tables_lock_is_not_granted(
    monkeypatch, caplog
):
    import psycopg

    month = dt.date(2031, 10, 1)
    name = partitions.partition_name(month)
    make_kepesertaan()
    make_kepesertaan(kind="perangkat")
    monkeypatch.setattr(partitions, "LOAD_MIN_LINES", 1)
    monkeypatch.setattr(partitions, "LOCK_TIMEOUT", "200ms")
    loaded = []
    real = partitions.load_month
    monkeypatch.setattr(
        services, "load_month", lambda *a: loaded.append(real(*a)) or loaded[-1]
    )
    s = connection.settings_dict
    with psycopg.connect(
        host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=s["NAME"]
    ) as other:
        # A long report reading bill lines holds the table: the swap's lock is not granted. (ONLY: the months this
        # test's own transaction attached are invisible to the other session.)
        other.execute("LOCK TABLE ONLY contributions_tagihanline IN ACCESS SHARE MODE")
        assert services.run_billing(actor=None, period=month)["lines"] == 2
    assert loaded == [True]
    assert "lines inserted without the swap" in caplog.text
    assert _homes(period=month) == {name}
    assert not _sql(
        "SELECT 1 FROM pg_class WHERE relkind = 'r' AND relname LIKE %s",
        [f"{name}\\_%"],
    )
