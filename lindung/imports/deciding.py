"""Import step 2, deciding: compare the rows with the registry (set-based lookups) and decide each one with the
same rules the form uses, the term of office included."""

from __future__ import annotations

from lindung.common.bulk import (
    chunks,
)
from lindung.participants import rules
from lindung.participants.choices import (
    SINGLE_HOLDER_JABATAN,
    Jabatan,
    Kind,
)
from lindung.participants.models import Kepesertaan, Peserta
from lindung.participants.services import ELSEWHERE, identity_changes

from .cleaning import Row as _Row

LOOKUP_CHUNK = 10000
# A registry up to this many people is read once at the start instead of asked per chunk.
PRELOAD_LIMIT = 300000
# … or up to this many times the file's rows.
PRELOAD_FACTOR = 4


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
