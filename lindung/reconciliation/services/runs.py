"""Reconciliation with BPJS's participant list (issue 23, docs/reconciliation.md): one code path for ``lindung
reconcile``, ``POST /api/v1/reconciliation/`` and the web upload, and the actions taken on a run's result.

Pipeline: read the file with the import's reader (``common.spreadsheet.read_table``, header detection, title
lines, HTML-as-xls), check NIKs as the import does (``common.nik``), read the registry in scope once
(``Kepesertaan.objects.visible_to``), the paid-until of every membership in one grouped query, then classify the rows
chunk by chunk in Python and write the per-row results with the bulk writer (COPY on PostgreSQL). Reading changes
nothing in the registry; the only write of a run is clearing "dikirim ke BPJS" marks of people the list now has.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from lindung.accounts.models import (
    AuditEvent,
    actor_may,
    is_national,
    user_region_codes,
)
from lindung.common.bulk import bulk_insert, chunks, prepare_columns, write_prepared
from lindung.common.events import announce_audit_written
from lindung.common.nik import ZEROED, check_nik, nik_from_cell, zeroed_column
from lindung.common.spreadsheet import SpreadsheetError, cell_text, is_blank, read_table
from lindung.common.uploads import file_sha256
from lindung.common.writer import TransactionWriter, usable
from lindung.contributions.models import TagihanLine
from lindung.imports.services import masked_niks, write_error_file
from lindung.participants import rules as participant_rules
from lindung.participants.choices import Status
from lindung.participants.models import Kepesertaan
from lindung.regions.models import Region, code_prefix_q

from .. import rules
from ..models import PendingRegistration, ReconciliationRow, ReconciliationRun

CHUNK = 20000
LOOKUP_CHUNK = 5000
MAX_STORED_ERRORS = 10000
# POST /api/v1/reconciliation/ runs a list of up to this many rows inside the request and answers with the summary;
# a larger one is queued (202) and read back with GET /api/v1/reconciliation/{id} (docs/reconciliation.md).
INLINE_ROWS = 20000
KPJ_CHUNK = 2000


class ReconcileError(ValueError):
    """The file cannot be reconciled at all; the message is Indonesian, one line."""


# --------------------------------------------------------------------------------------------------------------
# Permission and scope.
# --------------------------------------------------------------------------------------------------------------


def check_permission(actor, region_code: str | None) -> None:
    """Before the file is read: the actor may reconcile (in ``region_code``), and the region exists."""
    if not actor_may(actor, "reconcile", region_code):
        raise PermissionDenied(
            "Anda tidak berwenang merekonsiliasi data BPJS{}.".format(
                " untuk wilayah " + region_code if region_code else ""
            )
        )
    if region_code and not Region.objects.filter(code=region_code).exists():
        raise ReconcileError("kode wilayah {} tidak ditemukan".format(region_code))


def _prefixes(actor, region_code: str | None) -> list[str] | None:
    """Region code prefixes of the scope (None = every region): --region, else the actor's regions."""
    if region_code:
        return [region_code]
    if actor is None or actor.is_superuser or is_national(actor):
        return None
    return sorted(set(user_region_codes(actor)))


def _memberships(actor, region_code: str | None):
    qs = (
        Kepesertaan.objects.visible_to(actor)
        if actor is not None
        else Kepesertaan.objects.all()
    )
    if region_code:
        qs = qs.filter(code_prefix_q("desa__code", region_code))
    return qs


def visible_runs(user):
    """The runs the user started, and those of a region where the user may reconcile (as with imports)."""
    return ReconciliationRun.objects.visible_to(user)


# --------------------------------------------------------------------------------------------------------------
# The registry in scope, read once.
# --------------------------------------------------------------------------------------------------------------


@dataclass
class _Registry:
    """Lindung's side: per NIK the membership BPJS's row is compared with (the open one, else the latest ended),
    the KPJ index, and the people whose open membership lies outside the scope."""

    members: dict[str, tuple] = field(default_factory=dict)
    by_kpj: dict[str, str] = field(default_factory=dict)
    elsewhere: set[str] = field(default_factory=set)
    paid: dict[int, dt.date] = field(default_factory=dict)

    def member(self, nik: str) -> rules.Member | None:
        t = self.members.get(nik)
        if t is None:
            return None
        return rules.Member(
            kepesertaan_id=t[0],
            nik=nik,
            name=t[2],
            birth_date=t[3],
            desa=t[4],
            status=t[5],
            kpj=t[6],
            paid_until=self.paid.get(t[0]),
        )


def _load_registry(actor, region_code: str | None, *, with_paid: bool) -> _Registry:
    reg = _Registry()
    members = reg.members
    qs = _memberships(actor, region_code).values_list(
        "id",
        "peserta_id",
        "peserta__name",
        "peserta__birth_date",
        "desa_id",
        "status",
        "kpj",
        "peserta__nik",
    )
    for row in qs.iterator(chunk_size=50000):
        nik = row[7]
        held = members.get(nik)
        # One open membership per person (participants' one_active_membership): it wins over any ended one.
        if (
            held is None
            or (held[5] == Status.BERHENTI and row[5] != Status.BERHENTI)
            or (held[5] == row[5] == Status.BERHENTI and row[0] > held[0])
        ):
            members[nik] = row[:7]
    ended = {t[1]: nik for nik, t in members.items() if t[5] == Status.BERHENTI}
    for part in chunks(list(ended), LOOKUP_CHUNK):
        # Ended here, open in another region (a person who moved desa): BPJS's row is that region's.
        for peserta_id in (
            Kepesertaan.objects.active()
            .filter(peserta_id__in=part)
            .values_list("peserta_id", flat=True)
        ):
            reg.elsewhere.add(ended[peserta_id])
    for nik in reg.elsewhere:
        members.pop(nik, None)
    reg.by_kpj = {t[6]: nik for nik, t in members.items() if t[6]}
    if with_paid:
        reg.paid = _paid_until(actor, region_code)
    return reg


def _paid_until(actor, region_code: str | None) -> dict[int, dt.date]:
    """Lindung's paid-until per membership, set-based: the last fully paid month (paid >= total, the paid rule of
    contributions.coverage). It equals ``coverage.paid_through(k, on=that month)``, which runs to the end of the
    unbroken run of paid months holding it, since no later month is paid."""
    lines = TagihanLine.objects.filter(paid__gte=F("total"))
    if actor is not None or region_code:
        lines = lines.filter(
            kepesertaan_id__in=_memberships(actor, region_code).values("id")
        )
    return dict(
        lines.order_by()
        .values("kepesertaan_id")
        .annotate(last=Max("period"))
        .values_list("kepesertaan_id", "last")
        .iterator(chunk_size=50000)
    )


# --------------------------------------------------------------------------------------------------------------
# Reading BPJS's file.
# --------------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Rejected:
    """A refused row, in the shape ``imports.services.write_error_file`` writes."""

    row: int
    cells: list
    errors: list[tuple[str, str]]


_birth = participant_rules.memo(participant_rules.parse_birth_date)
_date = participant_rules.memo(participant_rules.cells.parse_date)
_month = participant_rules.memo(rules.parse_month)
_status = participant_rules.memo(rules.parse_status)
_kpj = participant_rules.parse_kpj  # one per person: nothing to cache


def _blank(value) -> bool:
    return value is None or (type(value) is str and not value.strip())


def _cell(cells: list, at: int | None):
    return cells[at] if at is not None and at < len(cells) else None


_PARSED = (
    ("kpj", _kpj),
    ("birth_date", _birth),
    ("status", _status),
    ("tmt", _date),
    ("paid_until", _month),
)
_TEXTS = ("name", "segment", "payer")


@dataclass(slots=True)
class _Reader:
    """Turns a file row into a BpjsRow: the columns the file has, their labels and parsers, looked up once."""

    cols: dict[str, int]
    labels: dict[str, str]
    known: dict  # NIKs the registry holds: checked when registered, so only the others go through check_nik
    parsers: list = field(default_factory=list)
    texts: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.parsers = [(n, self.cols[n], p) for n, p in _PARSED if n in self.cols]
        self.texts = [(n, self.cols[n]) for n in _TEXTS if n in self.cols]

    def __call__(
        self, number: int, cells: list
    ) -> tuple[rules.BpjsRow | None, list[tuple[str, str]]]:
        errors: list[tuple[str, str]] = []
        nik, problem = nik_from_cell(_cell(cells, self.cols["nik"]))
        if problem is None and nik not in self.known:
            check = check_nik(nik)
            nik, problem = check.nik, (check.errors[0] if check.errors else None)
        if problem is not None:
            errors.append((self.labels["nik"], problem))
        out = rules.BpjsRow(row=number, nik=nik or "")
        width = len(cells)
        for name, at, parser in self.parsers:
            value = cells[at] if at < width else None
            if value is None or (type(value) is str and not value.strip()):
                continue
            if (
                name == "kpj"
                and type(value) is str
                and value.isdigit()
                and len(value) <= 15
            ):
                out.kpj = value  # the usual KPJ, without the full parser
                continue
            try:
                parsed = parser(value)
            except ValueError as exc:
                errors.append((self.labels[name], str(exc)))
                continue
            setattr(out, name, parsed[0] if name == "kpj" else parsed)
        for name, at in self.texts:
            value = cells[at] if at < width else None
            if not _blank(value):
                setattr(out, name, " ".join(cell_text(value).split())[:150])
        code = _cell(cells, self.cols.get("desa_code"))
        if not _blank(code):
            out.desa_code = participant_rules.normalize_region_code(code) or ""
        return (None if errors else out), errors


def _person_rows(table, cols: dict[str, int]) -> Iterator[list[tuple[int, list]]]:
    """Chunks of the file's person rows: blank rows, a signature block and a footer are not rows (the import's
    ``RowFilter``)."""
    person_row = participant_rules.RowFilter(
        participant_rules.ColumnMap(columns={"nik": cols["nik"]})
    )
    chunk: list[tuple[int, list]] = []
    for number, cells in table.rows:
        first = cells[0] if cells else None
        # A first cell with content settles blankness without looking at the rest (most rows).
        if not (type(first) is str and first and not first.isspace()) and (
            first is None or type(first) is str
        ):
            if is_blank(cells):
                continue
        if not person_row(cells):
            continue
        chunk.append((number, cells))
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --------------------------------------------------------------------------------------------------------------
# The run.
# --------------------------------------------------------------------------------------------------------------


@dataclass
class _Tally:
    counts: Counter = field(default_factory=Counter)
    by_region: dict = field(default_factory=lambda: defaultdict(Counter))
    combos: Counter = field(
        default_factory=Counter
    )  # (region, classes) → rows, expanded at the end
    errors: list[dict] = field(default_factory=list)
    rejected: list[_Rejected] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)  # NIK → first row
    matched: set[int] = field(default_factory=set)  # kepesertaan ids the list has
    # (row, nik, classes, detail) of every classified row, for the summary without reading the rows back.
    rows: list[tuple] = field(default_factory=list)
    total: int = 0
    outside: int = 0


Progress = Callable[[int, int], None]


def reconcile(
    *,
    actor,
    path,
    region_code: str | None = None,
    run: ReconciliationRun | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> ReconciliationRun:
    """Compare BPJS's participant list in ``path`` with the registry in the actor's scope (``region_code``: only
    that region, which must lie in it); returns the finished run. ``actor`` None is the system (a CLI run without
    --user). Raises PermissionDenied before reading the file, ReconcileError for a file refused as a whole."""
    path = Path(path)
    check_permission(actor, region_code)
    if not path.is_file():
        raise ReconcileError("berkas tidak ditemukan: {}".format(path))
    run = _start(run, actor=actor, path=path, region_code=region_code, today=today)
    try:
        _run(run, actor=actor, path=path, region_code=region_code, progress=progress)
    except (ReconcileError, SpreadsheetError) as exc:
        _fail(run, str(exc))
        raise ReconcileError(str(exc)) from None
    except Exception as exc:
        message = "rekonsiliasi berhenti karena kesalahan sistem: {}".format(
            masked_niks(str(exc))
        )
        _fail(run, message)
        if message != "rekonsiliasi berhenti karena kesalahan sistem: " + str(exc):
            raise RuntimeError(message) from None
        raise
    return run


def _start(run, *, actor, path: Path, region_code, today) -> ReconciliationRun:
    if run is None:
        run = ReconciliationRun(
            filename=path.name[:255],
            actor=actor if getattr(actor, "pk", None) else None,
        )
    if run.pk:
        ReconciliationRow.objects.filter(run_id=run.pk).delete()
    run.sha256 = file_sha256(path)
    run.region_id = region_code
    run.scope = _prefixes(actor, region_code) or []
    run.as_of = today or timezone.localdate()
    run.state, run.message = ReconciliationRun.State.RUNNING, "Membaca berkas…"
    for name in ("processed", "total", "rejected", "outside_scope", "cleared_marks"):
        setattr(run, name, 0)
    for name in rules.CLASSES:
        setattr(run, name, 0)
    run.errors, run.errors_truncated, run.by_region = [], False, {}
    run.save()
    return run


def _fail(run: ReconciliationRun, message: str) -> None:
    ReconciliationRow.objects.filter(run_id=run.pk).delete()
    ReconciliationRun.objects.filter(pk=run.pk).update(
        state=ReconciliationRun.State.FAILED,
        message=message[:2000],
        finished_at=timezone.now(),
    )
    run.refresh_from_db()


def _open_table(path: Path):
    table = read_table(path, score=rules.header_score)
    cols = rules.map_header(table.header)
    missing = [rules.LABELS[f] for f in rules.REQUIRED if f not in cols]
    if missing:
        raise ReconcileError(
            "kolom wajib tidak ditemukan: {} (judul kolom terbaca: {})".format(
                ", ".join(missing),
                ", ".join(h for h in table.header if h)[:300] or "-",
            )
        )
    return table, cols


def _run(run, *, actor, path: Path, region_code, progress) -> None:
    table, cols = _open_table(path)
    labels = {f: table.header[i] or rules.LABELS[f] for f, i in cols.items()}
    labels.update({f: rules.LABELS[f] for f in rules.LABELS if f not in labels})
    run.columns = {f: table.header[i] for f, i in cols.items()}
    run.size, run.message = table.size, "Membandingkan baris…"
    run.save(update_fields=["columns", "size", "message"])
    registry = _load_registry(actor, region_code, with_paid="paid_until" in cols)
    prefixes = _prefixes(actor, region_code)
    present = frozenset(cols)
    tally = _Tally()
    reader = _Reader(cols, labels, registry.members)
    # PostgreSQL: the result rows of chunk N are sent on a second connection while chunk N+1 is classified
    # (the COPY text is formatted here; the writer only sends and waits, as in the import).
    pipelined = table.size > CHUNK and usable()
    with TransactionWriter() if pipelined else contextlib.nullcontext() as writer:
        for chunk in _person_rows(table, cols):
            out = _classify_chunk(
                run, chunk, reader, registry, prefixes, present, tally
            )
            _write_rows(run, out, tally.total, writer)
            if progress:
                progress(tally.total, run.size)
    missing = _missing(run, registry, tally)
    with transaction.atomic():
        for part in chunks(missing):
            bulk_insert(ReconciliationRow, _ROW_COLUMNS, part)
        _clear_marks(run, actor, tally.matched)
        _finish(run, table.header, tally, len(missing))
    run.in_memory = (tally.rows, [(m[2], m[5]) for m in missing])


def _write_rows(run, out: list[tuple], processed: int, writer) -> None:
    """Store a chunk's result rows with the run's progress, in one transaction (on the writer when given)."""
    if writer is None:
        with transaction.atomic():
            bulk_insert(ReconciliationRow, _ROW_COLUMNS, out)
            ReconciliationRun.objects.filter(pk=run.pk).update(processed=processed)
        return
    # Formatted here, sent by the writer (the same bulk API as the import: prepare now, write on the writer).
    prepared = prepare_columns(
        ReconciliationRow,
        len(out),
        {c: [r[i] for r in out] for i, c in enumerate(_ROW_COLUMNS)},
    )
    pk = run.pk

    def job() -> None:
        write_prepared(prepared)
        ReconciliationRun.objects.filter(pk=pk).update(processed=processed)

    writer.submit(job)


_ROW_COLUMNS = (
    "run_id",
    "row",
    "nik",
    "kpj",
    "name",
    "region_code",
    "kepesertaan_id",
    "classes",
    "detail",
    "bpjs_status",
    "payer",
)


def _classify_chunk(
    run, chunk, reader: _Reader, registry: _Registry, prefixes, present, tally: _Tally
) -> list[tuple]:
    parsed: list[rules.BpjsRow] = []
    nik_at, labels = reader.cols["nik"], reader.labels
    zeroed = zeroed_column(_cell(cells, nik_at) for _n, cells in chunk)
    for number, cells in chunk:
        tally.total += 1
        row, errors = reader(number, cells)
        raw = _cell(cells, nik_at)
        if zeroed and type(raw) is str and raw.strip().endswith("0"):
            row, errors = None, [(labels["nik"], ZEROED)] + errors
        if row is not None and row.nik in tally.seen:
            row, errors = (
                None,
                [
                    (
                        labels["nik"],
                        "NIK ganda di berkas ini (sama dengan baris {})".format(
                            tally.seen[row.nik]
                        ),
                    )
                ],
            )
        if row is None:
            _reject(tally, number, cells, errors)
            continue
        tally.seen[row.nik] = number
        parsed.append(row)
    unknown = [r for r in parsed if r.nik not in registry.members]
    known_elsewhere = _known_elsewhere([r.nik for r in unknown], registry)
    by_kpj_elsewhere = _kpj_elsewhere(
        [
            r.kpj
            for r in unknown
            if r.nik not in known_elsewhere and r.kpj and r.kpj not in registry.by_kpj
        ]
    )
    out = []
    for r in parsed:
        member, by_kpj = registry.member(r.nik), False
        if member is None and r.nik not in known_elsewhere:
            if r.kpj in registry.by_kpj:
                member, by_kpj = registry.member(registry.by_kpj[r.kpj]), True
            elif r.kpj in by_kpj_elsewhere:
                tally.outside += 1
                continue
        if member is None:
            region = r.desa_code or rules.nik_region(r.nik)
            if r.nik in known_elsewhere or not rules.within(
                region, prefixes, kecamatan_only=not r.desa_code
            ):
                tally.outside += 1
                continue
        else:
            region = member.desa
            tally.matched.add(member.kepesertaan_id)
        outcome = rules.classify(r, member, columns=present, by_kpj=by_kpj)
        _count(tally, region, outcome.classes)
        tally.rows.append((r.row, r.nik, outcome.classes, outcome.detail))
        out.append(
            (
                run.pk,
                r.row,
                r.nik,
                r.kpj,
                r.name,
                region,
                member.kepesertaan_id if member else None,
                "," + ",".join(outcome.classes) + ",",
                outcome.detail,
                r.status or "",
                r.payer[:60],
            )
        )
    return out


def _reject(tally: _Tally, number: int, cells: list, errors) -> None:
    tally.rejected.append(_Rejected(number, cells, errors))
    for column, message in errors:
        tally.errors.append({"row": number, "column": column, "message": message})


def _count(tally: _Tally, region: str, classes: list[str]) -> None:
    tally.combos[(region, tuple(classes))] += 1


def _expand_counts(tally: _Tally) -> None:
    for (region, classes), n in tally.combos.items():
        for name in classes:
            tally.counts[name] += n
            tally.by_region[region][name] += n
    tally.combos.clear()


def _known_elsewhere(niks: list[str], registry: _Registry) -> set[str]:
    """NIKs of the list that Lindung has, but outside the scope (counted in outside_scope, never hanya_di_bpjs)."""
    found = {n for n in niks if n in registry.elsewhere}
    rest = [n for n in niks if n not in found]
    for part in chunks(rest, LOOKUP_CHUNK):
        found.update(
            Kepesertaan.objects.filter(peserta__nik__in=part)
            .values_list("peserta__nik", flat=True)
            .distinct()
        )
    return found


def _kpj_elsewhere(kpjs: list[str]) -> set[str]:
    found: set[str] = set()
    for part in chunks(kpjs, LOOKUP_CHUNK):
        found.update(
            Kepesertaan.objects.filter(kpj__in=part).values_list("kpj", flat=True)
        )
    return found


def _missing(run, registry: _Registry, tally: _Tally) -> list[tuple]:
    """Open memberships in scope the list lacks: hanya di Lindung (probably never reached BPJS)."""
    out = []
    for nik, t in registry.members.items():
        if t[5] == Status.BERHENTI or nik in tally.seen or t[0] in tally.matched:
            continue
        tally.by_region[t[4]][rules.HANYA_DI_LINDUNG] += 1
        out.append(
            (
                run.pk,
                None,
                nik,
                t[6],
                t[2],
                t[4],
                t[0],
                "," + rules.HANYA_DI_LINDUNG + ",",
                "tidak ada di daftar BPJS",
                "",
                "",
            )
        )
    out.sort(key=lambda r: (r[5], r[2]))
    return out


def _finish(run, header: list[str], tally: _Tally, missing: int) -> None:
    _expand_counts(tally)
    run.total, run.processed = tally.total, tally.total
    run.rejected, run.outside_scope = len(tally.rejected), tally.outside
    for name in rules.CLASSES:
        setattr(run, name, tally.counts.get(name, 0))
    run.hanya_di_lindung = missing
    run.by_region = {k: dict(v) for k, v in sorted(tally.by_region.items())}
    run.errors = tally.errors[:MAX_STORED_ERRORS]
    run.errors_truncated = len(tally.errors) > MAX_STORED_ERRORS
    if tally.rejected:
        relative = "reconciliation/errors/rekonsiliasi_{}_kesalahan.xlsx".format(run.pk)
        target = Path(settings.MEDIA_ROOT) / relative
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_error_file(target, header, tally.rejected)
        run.error_file.name = relative
    run.state, run.finished_at = ReconciliationRun.State.DONE, timezone.now()
    run.message = "Selesai."
    run.save()


def _clear_marks(run, actor, matched: set[int]) -> None:
    """People marked "dikirim ke BPJS" whom the list now has: the mark is cleared (audited)."""
    marks = [
        (pk, kid, region)
        for pk, kid, region in PendingRegistration.objects.values_list(
            "pk", "kepesertaan_id", "kepesertaan__desa_id"
        )
        if kid in matched
    ]
    if not marks:
        return
    PendingRegistration.objects.filter(pk__in=[m[0] for m in marks]).delete()
    _audit_bulk(
        actor,
        "unmark",
        [(kid, region, {}) for _pk, kid, region in marks],
        "tanda kirim ke BPJS dihapus: ada di daftar BPJS (rekonsiliasi #{})".format(
            run.pk
        ),
    )
    run.cleared_marks = len(marks)


def _audit_bulk(actor, action: str, rows: list[tuple[int, str, dict]], note: str):
    """One audit row per membership (bulk writes fire no signals; docs/architecture.md, Conventions)."""
    user = actor if getattr(actor, "pk", None) else None
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=user,
                action=action,
                model="participants.Kepesertaan",
                object_id=str(kid),
                region_code=region,
                changes=changes,
                note=note[:255],
            )
            for kid, region, changes in rows
        ],
        batch_size=2000,
    )
    announce_audit_written(AuditEvent)
