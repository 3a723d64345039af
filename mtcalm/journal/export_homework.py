"""Homework programmes in the JSON export (version 2): written, and checked when read back.

The export's ``homework`` holds every programme revision the journal keeps, whatever the
period (they are the programme, not sessions): its identity, revision, title, therapist, when
it was imported, replaced or left, and its manifest (the package's ``homework.toml``) as text.
Not the folder the package's files were unpacked to: a path on this computer, and the files
are not in the export. ``adherence`` is derived, for a person reading the file: week by week,
from the listening sessions in the export only (its period), and never read back.

An import checks every record as strictly as a package's own manifest is checked: the
manifest must read, and must give the same identity, revision, title and therapist as the
record. The export writes a record only as that check gives it back, so the export never holds
a programme its own import refuses (a manifest another program damaged is left out, as a
damaged drawing is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from mtcalm.homework.adherence import adherence
from mtcalm.homework.manifest import (
    MAX_MANIFEST_BYTES,
    MAX_NAME,
    MAX_TITLE,
    Homework,
    HomeworkError,
    read_manifest,
)
from mtcalm.journal.import_checks import Fields, ImportRefused, damaged

if TYPE_CHECKING:
    from mtcalm.journal.export_json import ExportPeriod
    from mtcalm.journal.store import Journal

MAX_PROGRAMMES = 1000  # revisions in one export; a person follows a handful
MAX_REVISION = 1_000_000  # as homework.toml allows
_COLUMNS = ("id", "revision", "title", "therapist", "imported_at", "replaced_at", "left_at")
HOMEWORK_FIELDS = frozenset({*_COLUMNS, "manifest"})
_SELECT = f"SELECT {', '.join(_COLUMNS)}, manifest FROM homework ORDER BY imported_at, id, revision"


@dataclass(frozen=True)
class Programme:
    """A homework record of the export, checked: what the journal's ``homework`` row keeps
    (but its folder), and the homework its manifest describes.
    """

    homework: Homework
    id: str
    revision: int
    title: str
    therapist: str
    imported_at: str
    replaced_at: str | None
    left_at: str | None
    manifest: str

    def document(self) -> dict[str, Any]:
        """The record as the export writes it (the manifest last: it is the long one)."""
        return {
            "id": self.id,
            "revision": self.revision,
            "title": self.title,
            "therapist": self.therapist,
            "imported_at": self.imported_at,
            "replaced_at": self.replaced_at,
            "left_at": self.left_at,
            "manifest": self.manifest,
        }

    def row(self) -> tuple[object, ...]:
        """The homework row, in :data:`INSERT`'s order (the folder: none, '')."""
        return (
            self.id,
            self.revision,
            self.title,
            self.therapist,
            self.manifest,
            self.imported_at,
            self.replaced_at,
            self.left_at,
        )


INSERT = (
    "INSERT INTO homework (id, revision, title, therapist, manifest, imported_at, replaced_at,"
    " left_at, folder) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '') ON CONFLICT (id, revision) DO NOTHING"
)


def programme(document: object, position: int) -> Programme:
    """Homework record ``position`` (from 1) of the export, checked; raises ImportRefused."""
    fields = Fields(document, f"homework programme {position}", HOMEWORK_FIELDS)
    identity = fields.text("id", 64)
    revision = fields.whole("revision", 1, MAX_REVISION)
    title = fields.text("title", MAX_TITLE)
    therapist = fields.text("therapist", MAX_NAME)
    imported_at = str(fields.time("imported_at"))
    replaced_at = fields.time("replaced_at", None)
    left_at = fields.time("left_at", None)
    manifest = fields.text("manifest", MAX_MANIFEST_BYTES)
    raw = manifest.encode("utf-8")
    if len(raw) > MAX_MANIFEST_BYTES:
        raise fields.problem("manifest", f"a homework.toml of at most {MAX_MANIFEST_BYTES} bytes")
    try:
        homework = read_manifest(raw)
    except HomeworkError as error:
        line = f" (line {error.line})" if error.line else ""
        raise damaged(
            f"{fields.where}: its manifest cannot be used{line}: {error.message}"
        ) from None
    said = (homework.id, homework.revision, homework.title, homework.therapist.name)
    for name, value, manifest_value in zip(
        ("id", "revision", "title", "therapist"),
        (identity, revision, title, therapist),
        said,
        strict=True,
    ):
        if value != manifest_value:
            raise fields.problem(name, f"what its manifest says ({manifest_value!r})")
    return Programme(
        homework, identity, revision, title, therapist, imported_at, replaced_at, left_at, manifest
    )


def programmes(document: object) -> list[Programme]:
    """The export's homework records, checked, each (id, revision) once."""
    if not isinstance(document, list) or len(document) > MAX_PROGRAMMES:
        raise damaged(f"its homework programmes are not a list of at most {MAX_PROGRAMMES}")
    checked: dict[tuple[str, int], Programme] = {}
    for position, entry in enumerate(document, start=1):
        found = programme(entry, position)
        if (found.id, found.revision) in checked:
            raise damaged(
                f"homework programme {position} is revision {found.revision} of {found.id!r} again"
            )
        checked[(found.id, found.revision)] = found
    return list(checked.values())


def journal_programmes(journal: Journal) -> list[Programme]:
    """Every programme revision ``journal`` keeps, as the export writes them, in the order of
    their import; a record another program damaged (one the import would refuse) left out.
    """
    found: list[Programme] = []
    for row in journal.reading(_SELECT):
        document = dict(zip((*_COLUMNS, "manifest"), row, strict=True))
        try:
            found.append(programme(document, len(found) + 1))
        except ImportRefused:
            continue
    return found


def adherence_documents(
    journal: Journal, found: list[Programme], period: ExportPeriod
) -> list[dict[str, Any]]:
    """Each programme's weeks as the sessions of ``period`` show them (derived: the import
    ignores it); a week outside the period is left out, one cut by it says how many of its
    days were counted.
    """
    since, until = period.since or date.min, period.until or date.max
    documents = []
    for record in found:
        weeks = []
        for week in adherence(journal.reading, record.homework, between=period.bounds()):
            first, last = max(week.starts, since), min(week.ends, until)
            if first > last:
                continue
            weeks.append(
                {
                    "week": week.number,
                    "starts": week.starts.isoformat(),
                    "days_counted": (last - first).days + 1,
                    "due": week.due,
                    "started": week.started,
                    "completed": week.completed,
                    "ended_early": week.ended_early,
                    "reached": week.reached,
                    "minutes": round(week.minutes, 1),
                }
            )
        documents.append(
            {"id": record.id, "revision": record.revision, "title": record.title, "weeks": weeks}
        )
    return documents
