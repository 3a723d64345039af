"""Every homework programme the journal holds, with its state and its weeks, without Qt.

Each imported revision of a programme is kept (the journal's ``homework`` table), newest
first. A revision whose manifest no longer reads (changed by another tool) is listed as
unreadable, with its title and the problem, never left out silently.

What is counted, honestly:

- Every revision shows its own weeks, by its own schedule, from actual listening
  (:func:`mtcalm.homework.adherence.adherence`). A session counts for every revision whose
  weeks and content it matches: when a therapist sends revision 2 with the same playlists, a
  session in a week both revisions share is shown under each. Nothing is split or guessed.
- A revision replaced by a newer one, or left, shows its weeks up to the week it ended in
  (that week whole, sessions after the change included); the weeks after it were never
  followed under it, so they are not shown as if they had been asked for.
- Weeks after ``today`` are in the list (the schedule asks for them); whether to show them as
  upcoming is the reader's choice (:meth:`Programme.upcoming`).

One read of the homework table, then one adherence query per readable programme.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mtcalm.homework.adherence import Reading, WeekAdherence, adherence, first_monday
from mtcalm.homework.manifest import Homework, HomeworkError, read_manifest


class State(enum.Enum):
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"  # its first week is still to come
    FINISHED = "finished"  # its last week has ended
    LEFT = "left"  # the person left it, on ``ended_on``
    REPLACED = "replaced"  # a newer revision replaced it, on ``ended_on``
    UNREADABLE = "unreadable"  # its manifest no longer reads


@dataclass(frozen=True)
class Programme:
    """One revision of a programme as the journal holds it, and what was listened to."""

    id: str
    revision: int
    title: str  # the manifest's; the table's copy when the manifest does not read
    therapist: str
    imported_on: date | None
    state: State
    homework: Homework | None  # None when unreadable
    weeks: tuple[WeekAdherence, ...]  # () when unreadable
    ended_on: date | None = None  # the day it was left or replaced
    replaced_by: int | None = None  # the revision that replaced it, when known
    problem: str = ""  # why it is unreadable

    def upcoming(self, week: WeekAdherence, today: date) -> bool:
        """True for a week that has not begun by ``today`` (not a week with nothing in it)."""
        return week.starts > today

    def current(self, week: WeekAdherence, today: date) -> bool:
        """True for the week ``today`` falls in (its count is so far, not final)."""
        return week.starts <= today <= week.ends


def programmes(read: Reading, today: date | None = None) -> list[Programme]:
    """Every programme revision in the journal ``read`` reads (``Journal.reading``), newest
    first; ``today`` (the local date, by default) decides in progress, not started, finished.
    """
    today = today if today is not None else date.today()
    rows = read(
        "SELECT id, revision, title, therapist, manifest, imported_at, replaced_at, left_at"
        " FROM homework ORDER BY imported_at DESC, revision DESC, rowid DESC",
        (),
    )
    found: list[Programme] = []
    for row in rows:
        identity, revision, title, therapist, manifest, imported, replaced, left = row
        revision_number = revision if isinstance(revision, int) else 0
        replaced_on, left_on = _day(replaced), _day(left)
        replaced_by = (
            _replacement(rows, str(identity), revision_number, str(replaced))
            if replaced is not None
            else None
        )
        try:
            if not isinstance(manifest, str):
                raise HomeworkError(Path("homework.toml"), "the journal holds no manifest for it")
            homework = read_manifest(manifest.encode("utf-8"))
        except (HomeworkError, UnicodeEncodeError) as error:
            found.append(
                Programme(
                    id=str(identity),
                    revision=revision_number,
                    title=str(title or ""),
                    therapist=str(therapist or ""),
                    imported_on=_day(imported),
                    state=State.UNREADABLE,
                    homework=None,
                    weeks=(),
                    ended_on=replaced_on or left_on,
                    replaced_by=replaced_by,
                    problem=_problem(error),
                )
            )
            continue
        weeks = adherence(read, homework)
        if replaced is not None or left is not None:
            ended = replaced_on or left_on
            state = State.REPLACED if replaced is not None else State.LEFT
            if ended is not None:
                weeks = tuple(week for week in weeks if week.starts <= ended)
        else:
            ended = None
            state = _state(homework, today)
        found.append(
            Programme(
                id=homework.id,
                revision=homework.revision,
                title=homework.title,
                therapist=homework.therapist.name,
                imported_on=_day(imported),
                state=state,
                homework=homework,
                weeks=weeks,
                ended_on=ended,
                replaced_by=replaced_by,
            )
        )
    return found


def has_programmes(read: Reading) -> bool:
    """Whether the journal holds any programme at all (one cheap read)."""
    return bool(read("SELECT 1 FROM homework LIMIT 1", ()))


def _problem(error: HomeworkError | UnicodeEncodeError) -> str:
    """Why a stored manifest does not read, in a line (the file's line when known)."""
    if isinstance(error, HomeworkError):
        return f"{error.message} (line {error.line})" if error.line else error.message
    return "its text holds characters that cannot be read"


def _state(homework: Homework, today: date) -> State:
    monday = first_monday(homework)
    if today < monday:
        return State.NOT_STARTED
    if (today - monday).days >= 7 * homework.schedule.weeks:
        return State.FINISHED
    return State.IN_PROGRESS


def _day(stamp: object) -> date | None:
    """The local date of a stamp the journal wrote ("2026-12-09T18:30:00+01:00")."""
    if not isinstance(stamp, str):
        return None
    try:
        return date.fromisoformat(stamp[:10])
    except ValueError:
        return None


def _replacement(
    rows: list[tuple[object, ...]], identity: str, revision: int, replaced: str
) -> int | None:
    """The revision imported when this one was replaced (the same stamp), else the next
    imported after it, of the same programme.
    """
    same: list[tuple[str, int]] = []
    for row in rows:
        number = row[1]
        if str(row[0]) == identity and isinstance(number, int) and number != revision:
            same.append((str(row[5]), number))
    for imported, number in same:
        if imported == replaced:
            return number
    later = sorted(pair for pair in same if pair[0] >= replaced)
    return later[0][1] if later else None
