"""Bulk import of participants from XLSX/XLS/ODS/CSV: one code path for the CLI, the web upload and the API.

Pipeline (STYLE.md §4): read with calamine → map the header → chunks of 10,000–50,000 rows, each validated with the
same rules as the form (``participants.rules.RowCleaner``), compared with the registry by set-based lookups, and
written in one transaction together with the batch's counters. On PostgreSQL a file of several chunks is written by a
second connection in a thread (``common.writer``) while the next chunk is validated. A crash leaves earlier chunks
committed and the counters true; running the file again reports those rows as unchanged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from lindung.accounts.models import AuditEvent, actor_may, region_scope
from lindung.common import uploads
from lindung.common.bulk import (
    Same,
    analyze,
    chunks,
    prepare_columns,
    prepare_dicts,
    write_prepared,
)
from lindung.common.dbrouting import transaction_pooled
from lindung.common.nik import mask
from lindung.common.spreadsheet import (
    SAFE_WORKBOOK,
    SpreadsheetError,
    cell_text,
    is_blank,
    read_table,
    write_xlsx,
)
from lindung.common.writer import TransactionWriter, usable
from lindung.participants import rules
from lindung.participants.choices import (
    SINGLE_HOLDER_JABATAN,
    AlasanBerhenti,
    Jabatan,
    Kind,
    Status,
)
from lindung.participants.models import Kepesertaan, Peserta, StatusHistory
from lindung.participants.services import ELSEWHERE, identity_changes, village_index
from lindung.regions.models import Region

from .cleaning import Row as _Row
from .cleaning import cleaned_chunks
from .models import ImportBatch

# Rows per write transaction: at least BATCH_SIZE, and for a large file about a twentieth of it, up to
# MAX_BATCH_SIZE. Fewer, larger commits cost less (SQLite checkpoints the WAL, rewriting the index pages every chunk
# touched; PostgreSQL checks the foreign keys and flushes the WAL at each commit): a million rows on SQLite
# 121 s with 10,000-row chunks, 104 s with 50,000.
BATCH_SIZE = 10000
MAX_BATCH_SIZE = 50000
LOOKUP_CHUNK = 10000
# A registry up to this many people is read once at the start instead of asked per chunk.
PRELOAD_LIMIT = 300000
# … or up to this many times the file's rows.
PRELOAD_FACTOR = 4
# After this many new rows, refresh PostgreSQL's statistics of the registry tables.
ANALYZE_AFTER = 20000
MAX_STORED_ERRORS = 1000
MAX_FILE_WARNINGS = 100_000
ERROR_COLUMN = "Keterangan kesalahan"
ROW_COLUMN = "Baris asal"
# The sample row of the downloadable template; refused if uploaded unchanged.
SAMPLE_NIK = "5301045708850001"

Progress = Callable[[int, int, str], None]


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (unreadable, required columns missing, bad arguments)."""


def run_import(
    *,
    actor,
    path,
    kind: str,
    region_code: str | None = None,
    dry_run: bool = False,
    batch: ImportBatch | None = None,
    progress: Progress | None = None,
    sumber_dana: str = "",
    today=None,
) -> ImportBatch:
    """Import the participants in ``path`` as ``kind`` (perangkat|rentan); returns the finished ImportBatch.

    ``actor`` None is the system (a CLI run without --user). Every person row ends in exactly one of inserted,
    updated, unchanged, rejected or skipped (not registered on purpose: a dismissed official, a Pj. Kepala Desa, a
    resident whose occupation is not vulnerable work). ``region_code`` limits the file to a region; a desa code
    also gives the village to a file without a village column, as its title block ("Desa : X") does. Raises
    ImportFileError for a file that cannot be imported at all and PermissionDenied when the actor may not import. ``sumber_dana`` (a code or a label, e.g. "ADD") is the funding
    source for rows whose Sumber Dana is blank: it fills a blank, never replaces a recorded source.
    """
    path = Path(path)
    check_arguments(actor=actor, kind=kind, region_code=region_code)
    if not path.is_file():
        raise ImportFileError("berkas tidak ditemukan: {}".format(path))
    sumber_dana = default_sumber_dana(sumber_dana)
    batch = _start(
        batch,
        actor=actor,
        path=path,
        kind=kind,
        region_code=region_code,
        dry_run=dry_run,
        sumber_dana=sumber_dana,
    )
    with one_import_of("" if dry_run else batch.sha256) as alone:
        if not alone:
            running = _same_file_running(batch)
            message = (
                "berkas yang sama sedang berjalan{}; tunggu sampai selesai, lalu impor ulang bila perlu (impor "
                "ulang tidak mengubah baris yang sudah tersimpan)".format(
                    " sebagai impor #{} (mulai {:%d-%m-%Y %H:%M})".format(
                        running.pk, timezone.localtime(running.created_at)
                    )
                    if running
                    else ""
                )
            )
            _fail(batch, message)
            raise ImportFileError(message)
        return _run_locked(
            batch,
            actor=actor,
            path=path,
            kind=kind,
            region_code=region_code,
            dry_run=dry_run,
            progress=progress,
            today=today,
        )


def _run_locked(batch, *, actor, path, kind, region_code, dry_run, progress, today):
    try:
        _run(
            batch,
            actor=actor,
            path=path,
            kind=kind,
            region_code=region_code,
            dry_run=dry_run,
            progress=progress,
            today=today or timezone.localdate(),
        )
    except (ImportFileError, SpreadsheetError) as exc:
        _fail(batch, str(exc))
        raise ImportFileError(str(exc)) from None
    except Exception as exc:
        # Never a full NIK in a message or a log: PostgreSQL's duplicate-key DETAIL quotes the key.
        message = "impor berhenti karena kesalahan sistem: {}".format(
            masked_niks(str(exc))
        )
        _fail(batch, message)
        if masked_niks(str(exc)) != str(exc):
            raise RuntimeError(message) from None
        raise
    return batch


_NIK_IN_TEXT = re.compile(r"(?<!\d)\d{16}(?!\d)")


def masked_niks(text: str) -> str:
    """``text`` with every 16-digit number masked as pages mask a NIK."""
    return _NIK_IN_TEXT.sub(lambda m: mask(m.group(0)), text)


# Advisory-lock namespace of the import on PostgreSQL (pg_try_advisory_lock(namespace, key)).
IMPORT_LOCK_NAMESPACE = 1701


@contextlib.contextmanager
def one_import_of(sha256: str):
    """Yields True while this process holds the import lock of the file with ``sha256`` (False: another import of
    the same file holds it). The lock dies with its holder, so a killed import never blocks the file: a session
    advisory lock on PostgreSQL, an flock on a file in the data folder on SQLite. Behind PgBouncer in transaction
    mode a session lock would stay on whichever server session took it, so there the lock is a transaction lock
    held open on a connection of its own for the whole import (``_transaction_lock``)."""
    if not sha256:
        yield True
        return
    if connection.vendor == "postgresql" and transaction_pooled():
        with _transaction_lock(int(sha256[:7], 16)) as got:
            yield got
        return
    if connection.vendor == "postgresql":
        key = int(sha256[:7], 16)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", [IMPORT_LOCK_NAMESPACE, key]
            )
            got = cursor.fetchone()[0]
        if not got:
            yield False
            return
        try:
            yield True
        finally:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", [IMPORT_LOCK_NAMESPACE, key]
                )
        return
    folder = Path(settings.DATA_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with (folder / "impor-{}.lock".format(sha256[:32])).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def _transaction_lock(key: int):
    """``pg_try_advisory_xact_lock`` in a transaction left open on a second connection until the block ends: under
    transaction pooling that transaction keeps its one server session, and a killed process ends it (the lock goes
    with it). The import's own transactions run on the usual connection meanwhile."""
    holder = connection.copy()
    try:
        holder.set_autocommit(False)
        with holder.cursor() as cursor:
            cursor.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)", [IMPORT_LOCK_NAMESPACE, key]
            )
            got = cursor.fetchone()[0]
        yield got
    finally:
        try:
            holder.rollback()
        finally:
            holder.close()


def _same_file_running(batch: ImportBatch) -> ImportBatch | None:
    """The other batch of the same file still marked running, to name it in the message."""
    return (
        ImportBatch.objects.filter(sha256=batch.sha256, state=ImportBatch.State.RUNNING)
        .exclude(pk=batch.pk)
        .order_by("-pk")
        .first()
    )


def check_arguments(*, actor, kind: str, region_code: str | None) -> None:
    """The kind, the actor's right to import (there), and the region: ImportFileError or PermissionDenied."""
    if kind not in Kind.values:
        raise ImportFileError(
            "jenis peserta harus 'perangkat' atau 'rentan', bukan '{}'".format(kind)
        )
    if not actor_may(actor, "import", region_code):
        raise PermissionDenied(
            "Anda tidak berwenang mengimpor data peserta{}.".format(
                " untuk wilayah " + region_code if region_code else ""
            )
        )
    if region_code and not Region.objects.filter(code=region_code).exists():
        raise ImportFileError("kode wilayah {} tidak ditemukan".format(region_code))


def create_batch(
    *,
    actor,
    upload,
    kind: str,
    region_code: str | None = None,
    dry_run: bool = False,
    sumber_dana: str = "",
) -> ImportBatch:
    """A pending batch for an uploaded file (``upload``: a Django UploadedFile), the file stored under the media
    folder (0600). Checks the permission and the arguments first; ImportFileError / PermissionDenied."""
    check_arguments(actor=actor, kind=kind, region_code=region_code)
    name, suffix = uploads.checked_name(upload, ImportFileError)
    batch = ImportBatch.objects.create(
        kind=kind,
        filename=name[:255],
        actor=actor if getattr(actor, "pk", None) else None,
        region_id=region_code,
        dry_run=dry_run,
        default_sumber_dana=default_sumber_dana(sumber_dana),
    )
    relative = "imports/uploads/impor_{}{}".format(batch.pk, suffix)
    sha256 = uploads.store(upload, relative)
    batch.file.name, batch.sha256 = relative, sha256
    batch.save(update_fields=["file", "sha256"])
    return batch


def discard_batch(batch: ImportBatch) -> None:
    """Delete a batch that will never run (its file refused at preview) with its stored file."""
    path = batch_path(batch)
    if batch.file.name:
        path.unlink(missing_ok=True)
    batch.delete()


def batch_path(batch: ImportBatch) -> Path:
    return uploads.media_path(batch.file.name)


def start_batch(batch: ImportBatch) -> bool:
    """Queue a pending batch for the background worker; False when it was already started (a double click, a
    second request) and nothing was queued."""
    from .tasks import (
        import_task,  # tasks imports this module: the cycle is broken here
    )

    claimed = ImportBatch.objects.filter(
        pk=batch.pk, state=ImportBatch.State.PENDING
    ).update(state=ImportBatch.State.RUNNING, message="Dalam antrean…")
    if claimed:
        import_task.enqueue(batch.pk)
    return bool(claimed)


def run_batch(batch_id: int) -> ImportBatch:
    """Run a stored batch (the background task): its file, kind, region, options and actor come from the batch."""
    batch = ImportBatch.objects.select_related("actor").get(pk=batch_id)
    try:
        return run_import(
            actor=batch.actor,
            path=batch_path(batch),
            kind=batch.kind,
            region_code=batch.region_id,
            dry_run=batch.dry_run,
            batch=batch,
            sumber_dana=batch.default_sumber_dana,
        )
    except ImportFileError:
        batch.refresh_from_db()
        return batch


def default_sumber_dana(value: str | None) -> str:
    """The file-wide funding source as a SumberDana code ("" for none); ImportFileError for an unknown one."""
    if not value or not str(value).strip():
        return ""
    try:
        return rules.parse_sumber_dana(value)
    except ValueError as exc:
        raise ImportFileError("sumber dana bawaan: {}".format(exc)) from None


def _start(
    batch: ImportBatch | None,
    *,
    actor,
    path: Path,
    kind: str,
    region_code: str | None,
    dry_run: bool,
    sumber_dana: str,
) -> ImportBatch:
    digest = uploads.file_sha256(path) if path.is_file() else ""
    if batch is None:
        batch = ImportBatch(
            filename=path.name, actor=actor if getattr(actor, "pk", None) else None
        )
    batch.kind, batch.region_id, batch.dry_run, batch.sha256 = (
        kind,
        region_code,
        dry_run,
        digest,
    )
    batch.default_sumber_dana = sumber_dana
    batch.state, batch.message = ImportBatch.State.RUNNING, "Memeriksa baris…"
    batch.total = batch.processed = batch.inserted = batch.updated = batch.unchanged = (
        batch.rejected
    ) = batch.skipped = 0
    batch.warnings, batch.errors, batch.errors_truncated = 0, [], False
    batch.warning_list = []
    batch.save()
    batch.all_errors, batch.all_warnings = [], []
    return batch


def _fail(batch: ImportBatch, message: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.FAILED,
        message=message[:2000],
        finished_at=timezone.now(),
    )
    batch.refresh_from_db()


# --------------------------------------------------------------------------------------------------------------
# 1. Read, validate and write the file chunk by chunk.
# --------------------------------------------------------------------------------------------------------------


def _allowed_villages(actor, index: rules.VillageIndex) -> set[str] | None:
    """Village codes the actor may change, or None for all (the system, superusers, national BPJS)."""
    if actor is None:
        return None
    q = region_scope(actor, "code", "change")
    if q is None:
        return None
    return set(Region.objects.filter(level=4).filter(q).values_list("code", flat=True))


def _open(batch: ImportBatch | None, path: Path, kind: str, region_code: str | None):
    """The table and its column mapping, with the village a file without a village column takes from its title
    block or from the chosen desa; a file without the required columns fails as a whole."""
    table = read_table(path, score=rules.header_score)
    mapping = rules.map_header(table.header)
    context = _village_context(table, mapping, region_code)
    mapping.fixed.update(context)
    missing = mapping.missing(kind)
    if missing:
        raise ImportFileError(
            rules.refusal_for_layout(mapping, missing)
            or "kolom wajib tidak ditemukan: {} (judul kolom ada di baris {})".format(
                ", ".join(missing), table.header_row
            )
        )
    if batch is not None:
        batch.header = mapping.headers
        batch.columns = {name: mapping.label(name) for name in mapping.fields}
        batch.save(update_fields=["columns"])
    return table, mapping


def _village_context(
    table, mapping: rules.ColumnMap, region_code: str | None
) -> dict[str, str]:
    """The village every row of the file shares, as row values: the title block's "Desa : X" (with its
    kecamatan and kabupaten), or the chosen region when it is a desa. A title block naming another desa than the
    chosen one refuses the file. Empty when the rows name their village themselves or nothing names one."""
    title = rules.title_context(table.preamble)
    chosen = region_code if region_code and region_code.count(".") == 3 else None
    if title.get("desa"):
        place = {
            "desa": title["desa"],
            "kecamatan": title.get("kecamatan", ""),
            "kabupaten": title.get("kabupaten", ""),
        }
        if chosen:
            index = village_index(within=region_code)
            try:
                village = index.resolve(
                    code="",
                    name=place["desa"],
                    kecamatan=place["kecamatan"],
                    kabupaten=place["kabupaten"],
                )
            except rules.VillageError:
                raise ImportFileError(
                    "judul berkas menyebut Desa {}, tetapi wilayah yang dipilih adalah {}: pilih desa yang sesuai "
                    "atau periksa berkasnya".format(title["desa"], _region_name(chosen))
                ) from None
            return {"desa_code": village.code} if not mapping.has_village else {}
        if not mapping.has_village:
            return place
        return {}
    if chosen and not mapping.has_village:
        return {"desa_code": chosen}
    return {}


def _region_name(code: str) -> str:
    name = Region.objects.filter(code=code).values_list("name", flat=True).first()
    return "{} ({})".format(name, code) if name else code


def _title_village(table, mapping: rules.ColumnMap, cleaner, region_code) -> str | None:
    """The desa a title block names, when the rows also carry a village column (to check they agree)."""
    title = rules.title_context(table.preamble)
    if not title.get("desa") or not mapping.has_village or "desa_code" in mapping.fixed:
        return None
    result = rules.RowResult(row=0)
    village = cleaner._village(
        {
            "desa": title["desa"],
            "kecamatan": title.get("kecamatan", ""),
            "kabupaten": title.get("kabupaten", ""),
        },
        result,
    )
    if village is None:
        raise ImportFileError(
            "desa di judul berkas (Desa : {}) tidak dikenali: {}".format(
                title["desa"], "; ".join(m for _c, m in result.errors)
            )
        )
    return village.code


def _check_rows_agree(path: Path, mapping, cleaner, desa: str) -> None:
    """A file whose title block names one desa and whose rows name another is refused whole, with the row."""
    table = read_table(path, score=rules.header_score)
    person_row = rules.RowFilter(mapping)
    for number, cells in table.rows:
        if is_blank(cells) or not person_row(cells):
            continue
        result = rules.RowResult(row=number)
        values = mapping.values(cells)
        if all(is_blank([values.get(f)]) for f in ("desa_code", "desa")):
            continue
        village = cleaner._village(values, result)
        if village is not None and village.code != desa:
            raise ImportFileError(
                "baris {} menyebut desa {}, tetapi judul berkas menyebut desa {}: satu berkas untuk satu desa; "
                "perbaiki baris itu atau judul berkasnya".format(
                    number, village.describe(), _region_name(desa)
                )
            )


def _run(
    batch: ImportBatch,
    *,
    actor,
    path: Path,
    kind: str,
    region_code: str | None,
    dry_run: bool,
    progress: Progress | None,
    today,
) -> None:
    """Validate, decide and write chunk by chunk, each chunk with its counters in one transaction."""
    table, mapping = _open(batch, path, kind, region_code)
    index = village_index(within=region_code)
    allowed = _allowed_villages(actor, index)
    labels = {name: mapping.label(name) for name in mapping.fields}
    cleaner = rules.RowCleaner(
        kind=kind,
        villages=index,
        labels=labels,
        fields=mapping.fields,
        strip_nul=False,
        default_sumber_dana=batch.default_sumber_dana,
        today=today,
    )
    title_desa = _title_village(table, mapping, cleaner, region_code)
    if title_desa is not None:
        _check_rows_agree(path, mapping, cleaner, title_desa)
    registry = _Registry(kind, file_rows=table.size)
    first_row_of: dict[str, int] = {}
    holder_row: dict[tuple[str, str], int] = {}
    rejected: list[_Row] = []
    batch.total = (
        table.size
    )  # an upper bound until the end (blank rows are not counted)
    batch.message = "Menyimpan…" if not dry_run else "Uji coba (tidak disimpan)…"
    batch.save(update_fields=["total", "message"])
    # A file of several chunks on PostgreSQL: the server writes chunk N while this thread prepares chunk N+1.
    size = chunk_size(table.size)
    pipelined = not dry_run and table.size > size and usable()
    with TransactionWriter() if pipelined else contextlib.nullcontext() as writer:
        for chunk in cleaned_chunks(table, mapping, cleaner, size=size):
            for row in chunk:
                if row.record is not None and not row.errors:
                    _check_row_scope(row, allowed, first_row_of, labels)
                elif row.skip is not None and row.record is None:
                    row.errors, row.warnings = [row.skip], []
            _decide(chunk, kind, registry, holder_row, labels, first_row_of, allowed)
            if writer is not None:
                writer.submit(_chunk_job(batch, chunk, actor, dry_run))
            else:
                with transaction.atomic():
                    _chunk_job(batch, chunk, actor, dry_run)()
            rejected.extend(r for r in chunk if r.outcome in ("rejected", "skipped"))
            if progress:
                progress(batch.processed, max(batch.total, batch.processed), "write")
    if batch.inserted >= ANALYZE_AFTER and not dry_run:
        analyze(Peserta, Kepesertaan, StatusHistory)
    _finish(batch, rejected)


def chunk_size(rows: int) -> int:
    """Rows per write transaction for a file of ``rows`` rows (see BATCH_SIZE)."""
    return min(MAX_BATCH_SIZE, max(BATCH_SIZE, rows // 20))


def _check_row_scope(
    row: _Row,
    allowed: set[str] | None,
    first_row_of: dict[str, int],
    labels: dict[str, str],
) -> None:
    record = row.record
    nik_label = labels.get("nik", "NIK")
    if record.nik == SAMPLE_NIK:
        row.errors.append((nik_label, "ini baris contoh dari templat; hapus baris ini"))
    elif allowed is not None and record.desa not in allowed:
        column = labels.get("desa_code") or labels.get("desa") or "Desa"
        row.errors.append(
            (column, "desa {} di luar wilayah kewenangan Anda".format(record.desa))
        )
    elif record.dismissed or row.skip is not None:
        pass  # a past term or a row passed over: the same person may stand again in the book, sitting
    elif record.nik in first_row_of:
        row.errors.append(
            (
                nik_label,
                "NIK sama dengan baris {} di berkas ini".format(
                    first_row_of[record.nik]
                ),
            )
        )
    else:
        first_row_of[record.nik] = row.row
    if row.errors:
        row.record = None


# --------------------------------------------------------------------------------------------------------------
# 2. Compare with the registry: set-based lookups, then the same decide() the form uses.
# --------------------------------------------------------------------------------------------------------------


def _existing(niks: list[str] | None) -> dict[str, rules.Existing]:
    """Person and active membership per NIK (``None``: every person in the registry)."""
    parts = [None] if niks is None else list(chunks(niks, LOOKUP_CHUNK))
    found: dict[str, rules.Existing] = {}
    # Tuples, zipped with the names once per row: a national re-import reads a million of each.
    person_names = (*rules.PESERTA_FIELDS, "version")
    member_names = ("id", "desa", "kind", "status", "version", *rules.MEMBERSHIP_FIELDS)
    member_columns = ("peserta__nik", "id", "desa_id", "kind", "status", "version")
    for chunk in parts:
        people = Peserta.objects.all()
        members = Kepesertaan.objects.active()
        if chunk is not None:
            people = people.filter(nik__in=chunk)
            members = members.filter(peserta__nik__in=chunk)
        rows = people.values_list("id", "nik", *person_names)
        for peserta_id, nik, *person in rows.iterator(chunk_size=20000):
            found[nik] = rules.Existing(
                peserta_id=peserta_id, person=dict(zip(person_names, person))
            )
        rows = members.values_list(*member_columns, *rules.MEMBERSHIP_FIELDS)
        for nik, *membership in rows.iterator(chunk_size=20000):
            existing = found.get(nik)
            if existing is not None:
                existing.membership = dict(zip(member_names, membership))
    return found


def _holders(desas: list[str] | None) -> dict[tuple[str, str], str]:
    """(desa, jabatan) → NIK of the active holder of a one-per-desa position (``None``: every desa)."""
    holders: dict[tuple[str, str], str] = {}
    for chunk in [None] if desas is None else chunks(desas, LOOKUP_CHUNK):
        qs = Kepesertaan.objects.active().filter(
            kind=Kind.PERANGKAT, jabatan__in=SINGLE_HOLDER_JABATAN
        )
        if chunk is not None:
            qs = qs.filter(desa_id__in=chunk)
        qs = qs.values_list("desa_id", "jabatan", "peserta__nik")
        holders.update({(d, j): nik for d, j, nik in qs})
    return holders


class _Registry:
    """What the registry holds for the NIKs and villages of each chunk.

    A registry that is small, or small against the file (a first load, a national re-import), is read once, in two
    scans; a large one is asked per chunk by NIK and desa (indexed). Rows written by this import need no lookup: a NIK seen earlier in the file is already
    refused as a duplicate, a position already taken earlier in the file is caught by the caller's ``holder_row``.
    """

    def __init__(self, kind: str, file_rows: int = 0) -> None:
        self.kind = kind
        self.people: dict[str, rules.Existing] | None = None
        self.holders_of: dict[tuple[str, str], str] | None = None
        # Two scans beat a lookup per chunk when the file is large against the registry.
        if Peserta.objects.count() <= max(PRELOAD_LIMIT, PRELOAD_FACTOR * file_rows):
            self.people = _existing(None)
            self.holders_of = _holders(None) if kind == Kind.PERANGKAT else {}

    def existing(self, niks: list[str]) -> dict[str, rules.Existing]:
        if self.people is not None:
            return {n: self.people[n] for n in niks if n in self.people}
        return _existing(niks)

    def holders(self, desas: list[str]) -> dict[tuple[str, str], str]:
        if self.kind != Kind.PERANGKAT:
            return {}
        if self.holders_of is not None:
            return self.holders_of
        return _holders(desas)


def _decide(
    rows: list[_Row],
    kind: str,
    registry: _Registry,
    holder_row: dict[tuple[str, str], int],
    labels: dict[str, str],
    sitting: dict[str, int],
    allowed: set[str] | None = None,
) -> None:
    """Each valid row's outcome against the registry; a conflict or a second kepala/sekretaris desa is refused,
    in the column the file names (``labels``).

    The term of office decides who is sitting: a row with a past dismissal ends the active membership it still
    holds in its desa (updated) or is passed over (skipped); of two rows for a one-holder post, a predecessor
    followed by a successor appointed later is passed over. ``sitting`` maps the NIK of each sitting row of the
    file (this chunk and earlier ones) to its row.
    """
    valid = [r for r in rows if r.record is not None]
    existing = registry.existing([r.record.nik for r in valid])
    holders = registry.holders(sorted({r.record.desa for r in valid}))
    superseded = _superseded(valid)
    for row in valid:
        record = row.record
        row.existing = existing.get(record.nik)
        if row.skip is not None or record.dismissed or row.row in superseded:
            _pass_over(row, superseded.get(row.row), holders, sitting, labels)
            continue
        decision = rules.decide(record, row.existing)
        key = (record.desa, record.jabatan)
        if decision.outcome == "conflict":
            member = row.existing.membership
            # Outside the importer's scope the conflict names nothing (participants.services.ELSEWHERE).
            problem = (
                ELSEWHERE
                if allowed is not None and member["desa"] not in allowed
                else decision.message
            )
        elif record.jabatan in SINGLE_HOLDER_JABATAN and key in holder_row:
            # Named by its row whether or not that earlier chunk is already written.
            problem = "{} untuk desa {} sudah ada di baris {}".format(
                Jabatan(record.jabatan).label, record.desa, holder_row[key]
            )
        else:
            problem = rules.single_holder_conflict(record, holders)
        if problem:
            field = "nik" if decision.outcome == "conflict" else "jabatan"
            row.errors.append((labels.get(field, rules.LABELS[field]), problem))
            row.record = None
            continue
        if record.jabatan in SINGLE_HOLDER_JABATAN:
            holder_row[key] = row.row
        for field, label, old, new in identity_changes(
            row.existing.person if row.existing else {}, decision.peserta_changes
        ):
            # Audited with old and new values; listed so that a check run ("uji coba") shows it before saving.
            row.warnings.append(
                (
                    labels.get(field, label),
                    "{} berubah: {} → {}".format(label, old, new),
                )
            )
        row.decision = decision
        row.outcome = {"insert": "inserted", "update": "updated"}.get(
            decision.outcome, decision.outcome
        )
    for row in rows:
        if row.outcome:
            continue
        if row.skip is not None:
            row.outcome, row.errors, row.warnings = "skipped", [row.skip], []
        elif row.errors:
            row.outcome = "rejected"


def _superseded(rows: list[_Row]) -> dict[int, tuple[str, str]]:
    """Row → (column, reason) for each predecessor in a one-holder post (kepala desa, sekretaris desa) whom a
    later row of the same desa succeeds: the book lists predecessors first, and the successor's appointment is
    later than the predecessor's (or the predecessor's is unknown)."""
    by_post: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        record = row.record
        if (
            record.kind == Kind.PERANGKAT
            and record.jabatan in SINGLE_HOLDER_JABATAN
            and not record.dismissed
            and row.skip is None
        ):
            by_post.setdefault((record.desa, record.jabatan), []).append(row)
    out: dict[int, tuple[str, str]] = {}
    for group in by_post.values():
        if len(group) < 2:
            continue
        latest = group[-1]
        start = latest.record.start_of_term
        if start is None:
            continue
        for row in group[:-1]:
            earlier = row.record.start_of_term
            if earlier is None or earlier < start:
                out[row.row] = (
                    _label_of("jabatan"),
                    "digantikan oleh {} (baris {}, diangkat {}): bukan {} yang sedang menjabat, tidak didaftarkan "
                    "sebagai peserta aktif".format(
                        latest.record.display_name,
                        latest.row,
                        start.strftime("%d-%m-%Y"),
                        Jabatan(row.record.jabatan).label,
                    ),
                )
    return out


def _label_of(name: str) -> str:
    return rules.LABELS[name]


def _pass_over(
    row: _Row,
    superseded: tuple[str, str] | None,
    holders: dict[tuple[str, str], str],
    sitting: dict[str, int],
    labels: dict[str, str],
) -> None:
    """A row not registered as active: a dismissal ends the membership it still holds in its desa (outcome
    updated, audited with the decree); otherwise it is skipped with its reason."""
    record = row.record
    member = row.existing.membership if row.existing else None
    if superseded is not None:
        row.skip = (labels.get("jabatan", superseded[0]), superseded[1])
    elif record.dismissed and row.skip is None:
        row.skip = (
            labels.get("sk_henti", rules.LABELS["sk_henti"]),
            rules.rows.DISMISSED.format(
                " dengan SK " + record.dismissal_decree
                if record.dismissal_decree
                else "",
                record.dismissed_on.strftime("%d-%m-%Y"),
            ),
        )
    if (
        record.dismissed
        and member is not None
        and member["kind"] == Kind.PERANGKAT == record.kind
        and member["desa"] == record.desa
        and record.nik not in sitting
    ):
        row.ends = member
        row.outcome, row.decision = "updated", rules.Decision("update")
        if holders.get((member["desa"], member["jabatan"])) == record.nik:
            del holders[(member["desa"], member["jabatan"])]
        return
    row.record = None


# --------------------------------------------------------------------------------------------------------------
# 3. Write in batches; each batch and the batch counters in one transaction.
# --------------------------------------------------------------------------------------------------------------


_COUNTERS = (
    "inserted",
    "updated",
    "unchanged",
    "rejected",
    "skipped",
    "processed",
    "warnings",
    "errors",
    "errors_truncated",
)


def _count(batch: ImportBatch, chunk: list[_Row]) -> dict:
    """Add the chunk's outcomes to ``batch``; returns the counters to store with the chunk's rows."""
    for row in chunk:
        setattr(batch, row.outcome, getattr(batch, row.outcome) + 1)
        batch.warnings += len(row.warnings)
        for column, message in row.warnings:
            entry = {"row": row.row, "column": column, "message": message}
            if len(batch.warning_list) < MAX_STORED_ERRORS:
                batch.warning_list.append(entry)
            if len(batch.all_warnings) < MAX_FILE_WARNINGS:
                batch.all_warnings.append(entry)
        for column, message in row.errors:
            entry = {"row": row.row, "column": column, "message": message}
            batch.all_errors.append(entry)
            if len(batch.errors) < MAX_STORED_ERRORS:
                batch.errors.append(entry)
            else:
                batch.errors_truncated = True
    batch.processed += len(chunk)
    counts = {name: getattr(batch, name) for name in _COUNTERS}
    # A snapshot: the next chunk goes on adding to batch.errors.
    counts["errors"] = list(batch.errors)
    counts["warning_list"] = list(batch.warning_list)
    return counts


def _chunk_job(batch: ImportBatch, chunk: list[_Row], actor, dry_run: bool):
    """Everything the chunk writes, prepared now (ids allocated, COPY text formatted), and the job that writes it
    together with the batch counters, in one transaction."""
    counts = _count(batch, chunk)
    save_counts = functools.partial(
        ImportBatch.objects.filter(pk=batch.pk).update, **counts
    )
    if dry_run:
        return save_counts
    today, now = timezone.localdate(), timezone.now()
    user_id = actor.pk if getattr(actor, "pk", None) else None
    note = "impor #{} baris {}"
    inserted = [r for r in chunk if r.outcome == "inserted"]
    new_people = [r.record for r in inserted if r.existing is None]
    people = prepare_columns(
        Peserta,
        len(new_people),
        {
            name: [getattr(record, name) for record in new_people]
            for name in ("nik", *rules.PESERTA_FIELDS)
        },
        ids=True,
    )
    peserta_ids = dict(people.column("nik", "id"))
    for r in inserted:
        r.peserta_id = (
            r.existing.peserta_id if r.existing else peserta_ids[r.record.nik]
        )
    records = [r.record for r in inserted]
    members = prepare_columns(
        Kepesertaan,
        len(inserted),
        {
            "peserta_id": [r.peserta_id for r in inserted],
            "kind": Same(batch.kind),
            "desa_id": [record.desa for record in records],
            "import_batch_id": Same(batch.pk),
            "registered_on": [record.registered_on or today for record in records],
            **{
                name: [getattr(record, name) for record in records]
                for name in rules.MEMBERSHIP_FIELDS
            },
        },
        ids=True,
    )
    history = prepare_columns(
        StatusHistory,
        members.count,
        {
            "kepesertaan_id": members.values("id"),
            "status": Same(Status.TERDAFTAR),
            "reason": Same("Impor #{}".format(batch.pk)),
            "actor_id": Same(user_id),
        },
    )
    update_people = _people_updates(
        [
            r
            for r in chunk
            if r.outcome in ("inserted", "updated") and r.decision.peserta_changes
        ],
        now,
    )
    update_members = _member_updates(
        [r for r in chunk if r.outcome == "updated" and r.decision.membership_changes],
        batch,
        now,
    )
    ended = [r for r in chunk if r.ends is not None]
    end_members = _member_endings(ended, batch, user_id, now)
    events = _insert_events(batch, inserted, user_id)
    events.extend(_ending_events(ended, batch, user_id))
    for r in chunk:
        if r.outcome == "updated" or (
            r.outcome == "inserted" and r.decision.peserta_changes
        ):
            events.extend(_update_events(r, user_id, note.format(batch.pk, r.row)))
    audit = prepare_dicts(AuditEvent, events)

    def job() -> None:
        write_prepared(people)
        update_people()
        write_prepared(members)
        write_prepared(history)
        update_members()
        end_members()
        write_prepared(audit)
        save_counts()

    return job


def _decree_text(record: rules.Record) -> str:
    return "diberhentikan{} tanggal {}".format(
        " dengan SK " + record.dismissal_decree if record.dismissal_decree else "",
        record.dismissed_on.strftime("%d-%m-%Y"),
    )


def _member_endings(
    rows: list[_Row], batch: ImportBatch, user_id, now
) -> Callable[[], None]:
    """End the memberships of officials whose row carries a past dismissal decree (purna tugas, on the decree's
    date), with a status-history row naming the decree; billing stops with the membership."""

    def run() -> None:
        history = []
        for r in rows:
            member = r.ends
            done = Kepesertaan.objects.filter(
                pk=member["id"], version=member["version"]
            ).update(
                status=Status.BERHENTI,
                stop_reason=AlasanBerhenti.PURNA_TUGAS,
                ended_on=r.record.dismissed_on,
                version=member["version"] + 1,
                updated_at=now,
                import_batch=batch,
            )
            if done:
                history.append(
                    StatusHistory(
                        kepesertaan_id=member["id"],
                        status=Status.BERHENTI,
                        reason="Purna tugas: {} (impor #{} baris {})".format(
                            _decree_text(r.record), batch.pk, r.row
                        )[:200],
                        actor_id=user_id,
                    )
                )
        StatusHistory.objects.bulk_create(history)

    return run


def _ending_events(rows: list[_Row], batch: ImportBatch, user_id) -> list[dict]:
    return [
        {
            "actor_id": user_id,
            "action": "transition",
            "model": "participants.Kepesertaan",
            "object_id": str(r.ends["id"]),
            "region_code": r.record.desa,
            "note": "impor #{} baris {}: {}".format(
                batch.pk, r.row, _decree_text(r.record)
            ),
            "changes": {
                "status": [r.ends["status"], Status.BERHENTI],
                "stop_reason": ["", AlasanBerhenti.PURNA_TUGAS],
                "ended_on": [None, r.record.dismissed_on.isoformat()],
                "sk_pemberhentian": r.record.dismissal_decree,
            },
        }
        for r in rows
    ]


def _insert_events(batch: ImportBatch, inserted: list[_Row], user_id) -> list[dict]:
    """One audit event per kabupaten/kota for the memberships a write batch created.

    Each new membership carries ``import_batch_id``, and the ImportBatch records who imported which file (its
    SHA-256) and when, so the event names the batch, the count and the rows rather than repeating that for every
    row (a national file would otherwise add a million indexed audit rows). Updates keep one event per row with
    the old and new values (``_update_events``).
    """
    by_kab: dict[str, list[int]] = {}
    for r in inserted:
        by_kab.setdefault(r.record.desa[:5], []).append(r.row)
    return [
        {
            "actor_id": user_id,
            "action": "create",
            "model": "imports.ImportBatch",
            "object_id": str(batch.pk),
            "region_code": kab,
            "note": "impor #{}: {} kepesertaan baru, baris {}–{}".format(
                batch.pk, len(lines), lines[0], lines[-1]
            ),
            "changes": {
                "kepesertaan_baru": len(lines),
                "kind": batch.kind,
                "baris_pertama": lines[0],
                "baris_terakhir": lines[-1],
            },
        }
        for kab, lines in sorted(by_kab.items())
    ]


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _update_events(r: _Row, user_id, note: str) -> list[dict]:
    events = []
    if r.decision.peserta_changes:
        events.append(
            {
                "actor_id": user_id,
                "action": "update",
                "model": "participants.Peserta",
                "object_id": str(r.existing.peserta_id),
                "region_code": r.record.desa,
                "note": note,
                "changes": {
                    f: [_plain(r.existing.person.get(f)), _plain(v)]
                    for f, v in r.decision.peserta_changes.items()
                },
            }
        )
    if r.decision.membership_changes and r.existing.membership:
        events.append(
            {
                "actor_id": user_id,
                "action": "update",
                "model": "participants.Kepesertaan",
                "object_id": str(r.existing.membership["id"]),
                "region_code": r.record.desa,
                "note": note,
                "changes": {
                    f: [_plain(r.existing.membership.get(f)), _plain(v)]
                    for f, v in r.decision.membership_changes.items()
                },
            }
        )
    return events


def _people_updates(rows: list[_Row], now) -> Callable[[], None]:
    """The bulk UPDATE of people whose fields changed, ready to run."""
    fields = sorted({f for r in rows for f in r.decision.peserta_changes})
    objs = []
    for r in rows:
        values = {f: r.existing.person[f] for f in rules.PESERTA_FIELDS}
        values.update(r.decision.peserta_changes)
        objs.append(
            Peserta(
                pk=r.existing.peserta_id,
                nik=r.record.nik,
                version=r.existing.person["version"] + 1,
                updated_at=now,
                **values,
            )
        )
    return functools.partial(
        Peserta.objects.bulk_update, objs, [*fields, "version", "updated_at"]
    )


def _member_updates(rows: list[_Row], batch: ImportBatch, now) -> Callable[[], None]:
    """The bulk UPDATE of memberships whose fields changed, ready to run."""
    fields = sorted({f for r in rows for f in r.decision.membership_changes})
    objs = []
    for r in rows:
        m = r.existing.membership
        values = {f: m[f] for f in rules.MEMBERSHIP_FIELDS}
        values.update(r.decision.membership_changes)
        objs.append(
            Kepesertaan(
                pk=m["id"],
                version=m["version"] + 1,
                updated_at=now,
                import_batch=batch,
                **values,
            )
        )
    return functools.partial(
        Kepesertaan.objects.bulk_update,
        objs,
        [*fields, "version", "updated_at", "import_batch"],
    )


# --------------------------------------------------------------------------------------------------------------
# 4. Finish: counters, error file.
# --------------------------------------------------------------------------------------------------------------


def _finish(batch: ImportBatch, rejected: list[_Row]) -> None:
    batch.total = batch.processed  # every non-blank row, now that all were read
    warnings = getattr(batch, "all_warnings", [])
    if rejected or warnings:
        relative = "imports/errors/impor_{}_kesalahan.xlsx".format(batch.pk)
        target = Path(settings.MEDIA_ROOT) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        write_error_file(target, list(getattr(batch, "header", [])), rejected, warnings)
        batch.error_file.name = relative
    batch.state, batch.finished_at = ImportBatch.State.DONE, timezone.now()
    batch.message = (
        "Uji coba selesai: tidak ada yang disimpan." if batch.dry_run else "Selesai."
    )
    batch.save()


WARNING_SHEET = ("Peringatan", ["Baris asal", "Kolom", "Peringatan"])


def write_error_file(
    path: Path, header: list[str], rejected: Iterable, warnings: Iterable[dict] = ()
) -> Path:
    """The original cells of every refused or skipped row, then why (Indonesian, naming the column) and the source
    row."""
    width = len(header)
    lines = []
    for r in rejected:
        cells = list(r.cells) + [""] * (width - len(r.cells))
        reason = "; ".join(
            "{}: {}".format(column, message) for column, message in r.errors
        )
        if getattr(r, "outcome", "") == "skipped":
            reason = "Dilewati (tidak didaftarkan): " + reason
        lines.append([*cells[: max(width, len(r.cells))], reason, r.row])
    warning_rows = [[w["row"], w["column"], w["message"]] for w in warnings]
    return write_xlsx(
        path,
        [*header, ERROR_COLUMN, ROW_COLUMN],
        lines,
        more_sheets=[(WARNING_SHEET[0], WARNING_SHEET[1], warning_rows)]
        if warning_rows
        else (),
    )


PREVIEW_EXPIRES_AFTER = dt.timedelta(days=1)


def purge_expired(now=None) -> dict:
    """The daily retention job: delete the uploaded sheet and the error file of imports older than
    ``LINDUNG_FILE_RETENTION_DAYS``, and expire previews never started (older than a day: their sheet is deleted
    and the batch says so). The batch rows and their counts stay; only the files with personal data go."""
    now = now or timezone.now()
    expired_previews = 0
    for batch in ImportBatch.objects.filter(
        state=ImportBatch.State.PENDING, created_at__lt=now - PREVIEW_EXPIRES_AFTER
    ):
        uploads.delete_files(batch.file, batch.error_file)
        batch.state, batch.finished_at = ImportBatch.State.FAILED, now
        batch.message = "Pratinjau kedaluwarsa: impor tidak dimulai dalam sehari; berkasnya dihapus."
        batch.save(
            update_fields=["state", "finished_at", "message", "file", "error_file"]
        )
        expired_previews += 1
    cutoff = now - dt.timedelta(days=settings.LINDUNG_FILE_RETENTION_DAYS)
    old = ImportBatch.objects.filter(created_at__lt=cutoff).exclude(
        file="", error_file=""
    )
    purged = 0
    for batch in old:
        uploads.delete_files(batch.file, batch.error_file)
        batch.save(update_fields=["file", "error_file"])
        purged += 1
    return {"previews_expired": expired_previews, "files_deleted": purged}


def error_file_path(batch: ImportBatch) -> Path | None:
    return (
        Path(settings.MEDIA_ROOT) / batch.error_file.name if batch.error_file else None
    )


def summary(batch: ImportBatch, *, all_errors: bool = True) -> dict:
    """INTERFACES.md shape: total, inserted, updated, unchanged, rejected, errors[{row, column, message}]."""
    data = batch.summary()
    if all_errors and getattr(batch, "all_errors", None) is not None:
        data["errors"] = batch.all_errors
    return data


def preview(path, *, kind: str, region_code: str | None = None, limit: int = 5) -> dict:
    """What the import will understand, shown before it starts: each header with the field it fills (or
    "diabaikan"), the village taken from the title block or the chosen desa, what is missing, and the first person
    rows. Raises ImportFileError for a file the import would refuse as a whole."""
    table = read_table(path, score=rules.header_score)
    mapping = rules.map_header(table.header)
    mapping.fixed.update(_village_context(table, mapping, region_code))
    by_column = {i: name for name, i in mapping.columns.items()}
    columns = [
        {
            "header": header,
            "field": rules.LABELS[by_column[i]] if i in by_column else None,
        }
        for i, header in enumerate(mapping.headers)
        if header
    ]
    person_row = rules.RowFilter(mapping)
    rows = []
    for number, cells in table.rows:
        if is_blank(cells) or not person_row(cells):
            continue
        rows.append({"row": number, "cells": [cell_text(c) for c in cells]})
        if len(rows) >= limit:
            break
    missing = mapping.missing(kind) if kind in Kind.values else []
    return {
        "header": mapping.headers,
        "columns": columns,
        "mapping": {
            rules.LABELS[name]: mapping.headers[i]
            for name, i in mapping.columns.items()
        },
        "missing": missing,
        "refusal": rules.refusal_for_layout(mapping, missing) if missing else None,
        "ignored": mapping.ignored,
        "village": _describe_context(mapping.fixed, region_code),
        "title": rules.title_context(table.preamble),
        "rows": rows,
    }


def _describe_context(fixed: dict, region_code: str | None) -> str | None:
    """The village every row takes from outside the rows, as the operator will read it."""
    if "desa_code" in fixed:
        return _region_name(str(fixed["desa_code"]))
    if fixed.get("desa"):
        index = village_index(within=region_code)
        try:
            return index.resolve(
                code="",
                name=fixed["desa"],
                kecamatan=fixed.get("kecamatan", ""),
                kabupaten=fixed.get("kabupaten", ""),
            ).describe()
        except rules.VillageError as exc:
            return "{} — {}".format(fixed["desa"], exc)
    return None


# --------------------------------------------------------------------------------------------------------------
# 5. The downloadable template per kind.
# --------------------------------------------------------------------------------------------------------------

TEMPLATE_COLUMNS: dict[str, list[tuple[str, str]]] = {
    Kind.PERANGKAT: [
        ("nik", SAMPLE_NIK),
        ("name", "Maria Contoh"),
        ("birth_date", "17/08/1985"),
        ("sex", "P"),
        ("jabatan", "Kaur Keuangan"),
        ("wage", 2022200),
        ("start_of_term", "02/01/2020"),
        ("desa_code", "53.01.04.2003"),
        ("desa", "Bokonusan"),
        ("kecamatan", "Semau"),
        ("kabupaten", "Kabupaten Kupang"),
        ("sumber_dana", "Alokasi Dana Desa (ADD)"),
        ("phone", "081234567890"),
        ("kpj", ""),
        ("jht", "Tidak"),
        ("jp", "Tidak"),
    ],
    Kind.RENTAN: [
        ("nik", SAMPLE_NIK),
        ("name", "Maria Contoh"),
        ("birth_date", "17/08/1985"),
        ("sex", "P"),
        ("pekerjaan", "Petani"),
        ("wage", 1000000),
        ("desa_code", "53.01.04.2003"),
        ("desa", "Bokonusan"),
        ("kecamatan", "Semau"),
        ("kabupaten", "Kabupaten Kupang"),
        ("sumber_dana", "Dana Desa"),
        ("phone", "081234567890"),
        ("kpj", ""),
        ("jht", "Tidak"),
    ],
}
TEMPLATE_LABELS = {"wage": {Kind.PERANGKAT: "Siltap", Kind.RENTAN: "Penghasilan"}}


def build_template(kind: str, path) -> Path:
    """An XLSX with the columns for ``kind``, one sample row, NIK/KPJ/HP as text and dropdowns for the choices."""
    import xlsxwriter

    from lindung.participants.choices import Pekerjaan, RiskGroup, SumberDana

    if kind not in Kind.values:
        raise ImportFileError(
            "jenis peserta harus 'perangkat' atau 'rentan', bukan '{}'".format(kind)
        )
    path = Path(path)
    columns = TEMPLATE_COLUMNS[kind]
    workbook = xlsxwriter.Workbook(str(path), SAFE_WORKBOOK)
    sheet = workbook.add_worksheet("Peserta")
    lists = workbook.add_worksheet("Pilihan")
    head = workbook.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    sample = workbook.add_format(
        {"italic": True, "font_color": "#777777", "num_format": "@"}
    )
    options = {
        "sex": ["L", "P"],
        "jabatan": Jabatan.labels,
        "pekerjaan": Pekerjaan.labels,
        "sumber_dana": SumberDana.labels,
        "jht": ["Ya", "Tidak"],
        "jp": ["Ya", "Tidak"],
        "risk_group": RiskGroup.labels,
    }
    list_col = 0
    for col, (name, value) in enumerate(columns):
        label = TEMPLATE_LABELS.get(name, {}).get(kind, rules.LABELS[name])
        sheet.write_string(0, col, label, head)
        sheet.set_column(col, col, max(14, len(label) + 4), text)
        sheet.write_string(1, col, cell_text(value), sample)
        if name in options:
            values = [str(v) for v in options[name]]
            lists.write_string(0, list_col, label, head)
            lists.write_column(1, list_col, values)
            ref = "=Pilihan!${0}$2:${0}${1}".format(
                xlsxwriter.utility.xl_col_to_name(list_col), len(values) + 1
            )
            sheet.data_validation(
                1,
                col,
                100000,
                col,
                {"validate": "list", "source": ref, "error_type": "warning"},
            )
            list_col += 1
    sheet.write_comment(
        1,
        0,
        "Baris contoh: ganti atau hapus sebelum mengunggah. Kolom NIK berformat Teks "
        "agar 16 digit tidak berubah.",
    )
    sheet.freeze_panes(1, 0)
    workbook.close()
    return path
