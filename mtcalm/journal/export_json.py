"""The journal as JSON: lossless and versioned, written a page of sessions at a time.

Every session (both check-ins with the full definition of each item asked, the reflection with
its drawing, the tracks heard, the events), the tracks flagged as triggers (and who flagged
them), and the therapists' homework programmes with their adherence, derived
(:mod:`mtcalm.journal.export_homework`); the schema is in ``docs/export-formats.md``. A
session is read, written and forgotten: an export of 100,000 sessions never holds more than one
page of them. :mod:`mtcalm.journal.import_json` reads it back.

This module also holds what every export shares: the period asked for, the journal's sessions
in that period read in keyset pages, and the export's file, written whole or not at all.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from mtcalm.checkin import CheckIn, CheckInItem
from mtcalm.datadir import (
    create_owner_only,
    fsync_file,
    fsync_folder,
    partial_path,
    publish,
    remove_partial,
    why_not_written,
)
from mtcalm.journal.file import now
from mtcalm.journal.store import SESSION_COLUMNS, Journal, SessionRecord

FORMAT_NAME = "mtcalm-journal-export"
FORMAT_VERSION = 2  # 2: homework programmes, adherence, who flagged a track
PAGE_SIZE = 500  # sessions per read; the store reads their check-ins in chunks of this size
EARLIEST = datetime.min.replace(tzinfo=UTC)  # what a time another tool damaged reads as

# A page of session ids, oldest first, after (started_at, id) of the last one written. Stored
# local times compare as text: '2026-11-30T21:14:03+01:00' >= '2026-11-30' (an index range on
# sessions_by_start); the row value breaks ties between sessions started in the same second.
_PAGE_SQL = """
SELECT id, started_at FROM sessions
WHERE started_at >= ? AND started_at < ? AND (started_at, id) > (?, ?)
ORDER BY started_at, id LIMIT ?
"""
# The ids of one page as one JSON parameter: the SQL text is the same for any page.
IN_PAGE = "IN (SELECT value FROM json_each(?))"
_BEYOND_ANY_DATE = "9999-12-32"


class ExportFailed(Exception):
    """Nothing was exported (and nothing was replaced); a short and a long text."""

    def __init__(self, short: str, long: str) -> None:
        super().__init__(f"{short}: {long}")
        self.short = short
        self.long = long


NOT_EXPORTED = "Nothing was exported"


def write_export_file(
    output: Path, write: Callable[[Path], None], *, replace: bool = False
) -> None:
    """Have ``write`` fill a new owner-only file beside ``output``, then give it that name.

    The file appears whole or not at all (fsynced before its rename); an existing ``output`` is
    replaced only when ``replace`` is set, and then in one rename. Raises :class:`ExportFailed`
    (a missing folder, an existing file, a full disk); what ``write`` raises passes through.
    """
    folder = output.parent
    if not folder.is_dir():
        raise ExportFailed(NOT_EXPORTED, f"There is no folder {folder}.")
    if output.is_dir():
        raise ExportFailed(NOT_EXPORTED, f"{output} is a folder.")
    exists = ExportFailed(NOT_EXPORTED, f"{output} exists already, and was left as it is.")
    if not replace and os.path.lexists(output):
        raise exists
    temporary = partial_path(output)
    try:
        create_owner_only(temporary)
        write(temporary)
        temporary.chmod(0o600)  # whatever the writer did to it
        fsync_file(temporary)
        if replace:
            temporary.replace(output)
            fsync_folder(folder)
        else:
            publish(temporary, output)  # never over a file made meanwhile
    except FileExistsError as error:
        raise exists from error
    except OSError as error:
        raise ExportFailed(NOT_EXPORTED, why_not_written(error, folder)) from error
    finally:
        remove_partial(temporary)


@dataclass(frozen=True)
class ExportPeriod:
    """The local dates whose sessions are exported, both ends included (None: no limit)."""

    since: date | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise ValueError("the period ends before it starts")

    def bounds(self) -> tuple[str, str]:
        """The period as text bounds on stored start times: ``low <= started_at < high``."""
        low = self.since.isoformat() if self.since else ""
        if self.until is None or self.until == date.max:
            return low, _BEYOND_ANY_DATE
        return low, (self.until + timedelta(days=1)).isoformat()


def session_pages(journal: Journal, period: ExportPeriod) -> Iterator[list[int]]:
    """The ids of the sessions in ``period``, oldest first, :data:`PAGE_SIZE` at a time."""
    size = PAGE_SIZE
    low, high = period.bounds()
    after: tuple[str, int] = (low, 0)
    while True:
        rows = journal.reading(_PAGE_SQL, (max(low, after[0]), high, *after, size))
        if not rows:
            return
        yield [int(str(row[0])) for row in rows]
        after = (str(rows[-1][1]), int(str(rows[-1][0])))
        if len(rows) < size:
            return


def page_parameter(ids: list[int]) -> str:
    """A page's ids as the single parameter of :data:`IN_PAGE`."""
    return json.dumps(ids)


def time_text(stamp: object) -> str:
    """A stored time as ISO 8601 (with its offset, as mtcalm writes every time)."""
    if isinstance(stamp, datetime):
        return stamp.isoformat()
    try:
        return datetime.fromisoformat(str(stamp)).isoformat()
    except ValueError:
        return EARLIEST.isoformat()


def _number(value: object) -> float | None:
    """A stored number for JSON (a non-finite number, which JSON cannot hold, as null)."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def drawing_document(stored: str) -> dict[str, Any] | None:
    """A stored drawing as the app's drawing JSON (``None`` for none, or one mtcalm cannot
    read: too large or damaged by another tool).
    """
    from mtcalm.drawing import FORMAT, MAX_TEXT_BYTES, DrawingError, from_json

    if not stored or len(stored) > MAX_TEXT_BYTES:
        return None
    try:
        drawing = from_json(stored)
    except DrawingError:
        return None
    if drawing.is_empty:
        return None
    return {
        "format": FORMAT,
        "strokes": [
            {
                "c": stroke.colour,
                "w": stroke.width,
                "p": [c for point in stroke.points for c in point],
            }
            for stroke in drawing.strokes
        ],
    }


def item_document(item: CheckInItem, value: int | None) -> dict[str, Any]:
    return {
        "key": item.key,
        "label": item.label,
        "scale": {"key": item.scale.key, "min": item.scale.minimum, "max": item.scale.maximum},
        "low_anchor": item.low_anchor,
        "high_anchor": item.high_anchor,
        "value": value,
    }


def _checkin_document(
    checkin: CheckIn | None, recorded_at: object, include_notes: bool
) -> dict[str, Any] | None:
    if checkin is None:
        return None
    return {
        "recorded_at": time_text(recorded_at),
        "skipped": checkin.skipped,
        "items": [item_document(item, checkin.value(item.key)) for item in checkin.items],
        "words": list(checkin.emotions),
        "note": checkin.note if include_notes else None,
    }


class _PageDetails:
    """What :meth:`Journal.records` does not carry, for one page of sessions."""

    def __init__(self, journal: Journal, ids: list[int]) -> None:
        page = page_parameter(ids)
        self.updated = {
            row[0]: row[1]
            for row in journal.reading(
                f"SELECT id, updated_at FROM sessions WHERE id {IN_PAGE}", (page,)
            )
        }
        self.recorded = {
            (row[0], row[1]): row[2]
            for row in journal.reading(
                f"SELECT session_id, phase, recorded_at FROM checkins WHERE session_id {IN_PAGE}",
                (page,),
            )
        }
        self.reflections = {
            row[0]: row[1:]
            for row in journal.reading(
                "SELECT session_id, recorded_at, prompt, note, drawing FROM reflections"
                f" WHERE session_id {IN_PAGE}",
                (page,),
            )
        }
        self.events: dict[object, list[dict[str, Any]]] = {}
        for session_id, at, kind, detail in journal.reading(
            f"SELECT session_id, at, kind, detail FROM session_events WHERE session_id {IN_PAGE}"
            " ORDER BY session_id, id",
            (page,),
        ):
            self.events.setdefault(session_id, []).append(
                {"at": time_text(at), "kind": str(kind), "detail": str(detail)}
            )
        self.tracks: dict[object, list[dict[str, Any]]] = {}
        for session_id, position, key, title, heard in journal.reading(
            "SELECT session_id, position, track_key, title, heard_seconds FROM session_tracks"
            f" WHERE session_id {IN_PAGE} ORDER BY session_id, position",
            (page,),
        ):
            self.tracks.setdefault(session_id, []).append(
                {
                    "position": position,
                    "track_key": str(key),
                    "title": str(title),
                    "heard_seconds": _number(heard),
                }
            )


def _session_document(
    record: SessionRecord, details: _PageDetails, include_notes: bool
) -> dict[str, Any]:
    reflection = details.reflections.get(record.id)
    return {
        "uid": record.uid,
        "kind": record.kind.value,
        "started_at": time_text(record.started_at),
        "updated_at": time_text(details.updated.get(record.id)),
        "ended_at": time_text(record.ended_at) if record.ended_at else None,
        "content_ref": record.content_ref,
        "content_title": record.content_title,
        "ambience": record.ambience,
        "planned_seconds": _number(record.planned_seconds),
        "listened_seconds": _number(record.listened_seconds),
        "outcome": record.outcome.value,
        "before": _checkin_document(
            record.before, details.recorded.get((record.id, "before")), include_notes
        ),
        "after": _checkin_document(
            record.after, details.recorded.get((record.id, "after")), include_notes
        ),
        "reflection": None
        if reflection is None
        else {
            "recorded_at": time_text(reflection[0]),
            "prompt": str(reflection[1]),
            "note": str(reflection[2]) if include_notes else None,
            "drawing": drawing_document(str(reflection[3])),
        },
        "tracks": details.tracks.get(record.id, []),
        "events": details.events.get(record.id, []),
    }


def session_documents(
    journal: Journal, period: ExportPeriod, *, include_notes: bool = True
) -> Iterator[dict[str, Any]]:
    """Every session in ``period`` as the export writes it, oldest first, a page at a time."""
    for ids in session_pages(journal, period):
        records = journal.records(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE id {IN_PAGE} ORDER BY started_at, id",
            (page_parameter(ids),),
        )
        details = _PageDetails(journal, ids)
        for record in records:
            yield _session_document(record, details, include_notes)


def _flag_documents(journal: Journal) -> list[dict[str, Any]]:
    return [
        {
            "track_key": str(key),
            "title": str(title),
            "flagged_at": time_text(flagged_at),
            "set_by": "therapist" if set_by == "therapist" else "person",
        }
        for key, title, flagged_at, set_by in journal.reading(
            "SELECT track_key, title, flagged_at, set_by FROM track_flags"
            " ORDER BY flagged_at, track_key"
        )
    ]


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def write_json(
    journal: Journal,
    stream: IO[bytes],
    period: ExportPeriod | None = None,
    *,
    include_notes: bool = True,
    exported_at: datetime | None = None,
) -> int:
    """Write the export to ``stream`` (UTF-8); the number of sessions written.

    One field per line, one session per line: a diff of two exports shows what changed.
    """
    from mtcalm import __version__
    from mtcalm.journal.export_homework import adherence_documents, journal_programmes

    period = period or ExportPeriod()
    programmes = journal_programmes(journal)
    header = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": (exported_at or now()).isoformat(),
        "exported_by": f"mtcalm {__version__}",
        "period": {
            "from": period.since.isoformat() if period.since else None,
            "to": period.until.isoformat() if period.until else None,
        },
        "notes_included": include_notes,
        "track_flags": _flag_documents(journal),
        "homework": [programme.document() for programme in programmes],
        "adherence": adherence_documents(journal, programmes, period),
    }
    lines = [f"{_dumps(key)}: {_dumps(value)}," for key, value in header.items()]
    stream.write(("{\n" + "\n".join(lines) + '\n"sessions": [').encode())
    written = 0
    for document in session_documents(journal, period, include_notes=include_notes):
        stream.write((",\n" if written else "\n").encode() + _dumps(document).encode())
        written += 1
    stream.write(b"\n]\n}\n")
    return written
