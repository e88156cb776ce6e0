"""Bulk import of participants from XLSX/XLS/ODS/CSV: one code path for the CLI, the web upload and the API.

Pipeline (docs/architecture.md, Conventions): read with calamine → map the header → chunks of 10,000–50,000 rows, each validated with the
same rules as the form (``participants.rules.RowCleaner``), compared with the registry by set-based lookups, and
written in one transaction together with the batch's counters. On PostgreSQL a file of several chunks is written by a
second connection in a thread (``common.writer``) while the next chunk is validated. A crash leaves earlier chunks
committed and the counters true; running the file again reports those rows as unchanged.
"""

from __future__ import annotations

import contextlib
import fcntl
import re
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from lindung.accounts.models import actor_may
from lindung.common import uploads
from lindung.common.bulk import (
    analyze,
)
from lindung.common.dbrouting import transaction_pooled
from lindung.common.nik import mask
from lindung.common.spreadsheet import (
    SpreadsheetError,
)
from lindung.common.writer import TransactionWriter, usable
from lindung.participants import rules
from lindung.participants.choices import (
    Kind,
)
from lindung.participants.models import Kepesertaan, Peserta, StatusHistory
from lindung.participants.services import village_index
from lindung.regions.models import Region

from .cleaning import Row as _Row
from .cleaning import cleaned_chunks
from .deciding import PRELOAD_FACTOR, PRELOAD_LIMIT, _decide, _Registry  # noqa: F401
from .models import ImportBatch
from .reading import (  # noqa: F401 (ImportFileError, SAMPLE_NIK: part of this module's API)
    SAMPLE_NIK,
    ImportFileError,
    _allowed_villages,
    _check_row_scope,
    _check_rows_agree,
    _open,
    _title_village,
)
from .reporting import (  # noqa: F401 (the reporting API, used by views, API and CLI through services)
    ERROR_COLUMN,
    ROW_COLUMN,
    TEMPLATE_COLUMNS,
    _finish,
    build_template,
    error_file_path,
    preview,
    purge_expired,
    summary,
    write_error_file,
)
from .writing import MAX_STORED_ERRORS, _chunk_job  # noqa: F401

# Rows per write transaction: at least BATCH_SIZE, and for a large file about a twentieth of it, up to
# MAX_BATCH_SIZE. Fewer, larger commits cost less (SQLite checkpoints the WAL, rewriting the index pages every chunk
# touched; PostgreSQL checks the foreign keys and flushes the WAL at each commit): a million rows on SQLite
# 121 s with 10,000-row chunks, 104 s with 50,000.
BATCH_SIZE = 10000
MAX_BATCH_SIZE = 50000
# After this many new rows, refresh PostgreSQL's statistics of the registry tables.
ANALYZE_AFTER = 20000

Progress = Callable[[int, int, str], None]


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
    # A real cycle: the task module imports these services to run the job.
    from .tasks import import_task

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


# The steps (reading, deciding, writing, reporting) live in their own modules; the run below strings them together.


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
