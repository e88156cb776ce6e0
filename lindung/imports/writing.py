"""Import step 3, writing: each chunk and the batch's counters in one transaction, with the audit and status history
rows it owes."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.utils import timezone

from lindung.accounts.models import AuditEvent
from lindung.common.bulk import (
    Same,
    prepare_columns,
    prepare_dicts,
    write_prepared,
)
from lindung.common.events import announce_audit_written
from lindung.participants import rules
from lindung.participants.choices import (
    AlasanBerhenti,
    Status,
)
from lindung.participants.models import Kepesertaan, Peserta, StatusHistory

from .cleaning import Row as _Row
from .models import ImportBatch

# The first MAX_STORED_ERRORS errors and warnings are kept on the batch; the error file holds up to
# MAX_FILE_WARNINGS warnings and every error.
MAX_STORED_ERRORS = 1000
MAX_FILE_WARNINGS = 100_000


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
    inserted = [r for r in chunk if r.outcome == "inserted"]
    ended = [r for r in chunk if r.ends is not None]
    people = _new_people(inserted)
    members = _new_members(batch, inserted, today)
    history = _first_status(batch, members, user_id)
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
    end_members = _member_endings(ended, batch, user_id, now)
    audit = _audit_rows(batch, chunk, inserted, ended, user_id)

    def job() -> None:
        write_prepared(people)
        update_people()
        write_prepared(members)
        write_prepared(history)
        update_members()
        end_members()
        write_prepared(audit)
        announce_audit_written(AuditEvent)
        save_counts()

    return job


def _new_people(inserted: list[_Row]):
    """The people the chunk adds (ids allocated now); each inserted row learns its person's id."""
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
    return people


def _new_members(batch: ImportBatch, inserted: list[_Row], today):
    records = [r.record for r in inserted]
    return prepare_columns(
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


def _first_status(batch: ImportBatch, members, user_id):
    """The new memberships' first status-history row (terdaftar, by this import)."""
    return prepare_columns(
        StatusHistory,
        members.count,
        {
            "kepesertaan_id": members.values("id"),
            "status": Same(Status.TERDAFTAR),
            "reason": Same("Impor #{}".format(batch.pk)),
            "actor_id": Same(user_id),
        },
    )


def _audit_rows(
    batch, chunk: list[_Row], inserted: list[_Row], ended: list[_Row], user_id
):
    """The chunk's audit events: insertions, endings by decree, and each change old → new."""
    note = "impor #{} baris {}"
    events = _insert_events(batch, inserted, user_id)
    events.extend(_ending_events(ended, batch, user_id))
    for r in chunk:
        if r.outcome == "updated" or (
            r.outcome == "inserted" and r.decision.peserta_changes
        ):
            events.extend(_update_events(r, user_id, note.format(batch.pk, r.row)))
    return prepare_dicts(AuditEvent, events)


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
