"""The journal as CSV, for a spreadsheet or a clinic's statistics: one row per session.

Answers are numbers on the item's own scale (never labels), empty when not given; times are
ISO 8601 with their UTC offset, as the journal keeps them; every item gets a column before and
after (after only, for those asked only afterwards), the optional and the person's own items
too. The columns are documented in ``docs/export-formats.md``.

UTF-8 with a byte order mark: without it Excel on Windows reads the file in the computer's
old code page and turns every accent and emoji in a note into mojibake; LibreOffice, Python's
``utf-8-sig``, R and pandas all skip the mark. Text that a spreadsheet would run as a formula
(a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a
``'`` in front, so opening the file never runs anything a title or a note says.

Sessions are read a page at a time, one query per page: SQLite gathers each check-in's answers
into one short text, so a session costs Python a few list operations, not a row per answer.
Answers are shown exactly as the journal shows them: one the app would not show (another
tool's row on the wrong scale, a value outside its scale) is left empty. The last column names
the homework programme a session counted for, by the rule adherence counts by
(:func:`mtcalm.homework.adherence.counts_for`), from the homework table read once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, timedelta
from operator import itemgetter
from typing import IO

from mtcalm.checkin import (
    ALL_ITEMS,
    COMPARED_ITEMS,
    DISTRESS,
    DISTRESS_RISE_TO_FLAG,
    EMOTION_WORDS,
    KNOWN_ITEMS,
    OPTIONAL_ITEMS,
    Phase,
)
from mtcalm.homework.adherence import content_refs, counts_for, first_monday
from mtcalm.journal.export_homework import journal_programmes
from mtcalm.journal.export_json import ExportPeriod
from mtcalm.journal.store import EventKind, Journal

ENCODING = "utf-8-sig"  # with the byte order mark (see above)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WORD_SEPARATOR = ";"
PAGE_SIZE = 1000
BEFORE, AFTER = Phase.BEFORE.value, Phase.AFTER.value
_KEYS_END, _NEXT = "\x1e", "\x1f"  # separators of the answers SQLite gathers (never in a key)
Picker = Callable[[list[str]], tuple[str, ...]]

SESSION_FIELDS = (
    "uid",
    "kind",
    "started_at",
    "ended_at",
    "content_ref",
    "content_title",
    "ambience",
    "planned_seconds",
    "listened_seconds",
    "outcome",
    "before_skipped",
    "after_skipped",
)
FLAG_FIELDS = ("distress_rose",)
WORD_FIELDS = ("words_before", "words_after")
NOTE_FIELDS = ("note_before", "note_after", "reflection_note")
LATER_FIELDS = ("has_drawing", "grounding_events", "homework")


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _answers_sql(checkin: str, keys: Sequence[str]) -> str:
    """One check-in's answers shown in columns, as 'key␟key␞value␟value' (keys in order)."""
    own_scales = " ".join(
        f"WHEN {_quoted(key)} THEN scale = {_quoted(item.scale.key)}"
        f" AND scale_min = {item.scale.minimum} AND scale_max = {item.scale.maximum}"
        for key, item in KNOWN_ITEMS.items()
    )
    return (
        f"(SELECT group_concat(item, char(31)) || char(30) || group_concat(value, char(31))"
        f" FROM answers WHERE checkin_id = {checkin}.id AND {checkin}.skipped = 0"
        f" AND +item IN ({', '.join(map(_quoted, keys))}) AND typeof(value) = 'integer'"
        f" AND value BETWEEN scale_min AND scale_max AND CASE item {own_scales} ELSE 1 END)"
    )


def _words_sql(checkin: str) -> str:
    words = ", ".join(map(_quoted, sorted(EMOTION_WORDS)))
    return (
        f"(SELECT group_concat(word, '{WORD_SEPARATOR}') FROM emotions"
        f" WHERE checkin_id = {checkin}.id AND {checkin}.skipped = 0 AND +word IN ({words}))"
    )


def _seconds_sql(column: str) -> str:
    """Seconds to a tenth, without a '.0' on whole seconds."""
    return (
        f"CASE WHEN {column} = CAST({column} AS INTEGER) THEN CAST({column} AS INTEGER)"
        f" ELSE round({column}, 1) END"
    )


def page_sql(keys: Sequence[str]) -> str:
    """One page of rows: the sessions after (started_at, id) in the period, oldest first."""
    return f"""
SELECT s.uid, s.kind, s.started_at, s.ended_at, s.content_ref, s.content_title, s.ambience,
       {_seconds_sql("s.planned_seconds")}, {_seconds_sql("s.listened_seconds")}, s.outcome,
       cb.skipped, ca.skipped, {_answers_sql("cb", keys)}, {_answers_sql("ca", keys)},
       {_words_sql("cb")}, {_words_sql("ca")}, cb.note, ca.note, r.note,
       EXISTS (SELECT 1 FROM reflections INDEXED BY reflections_drawn
               WHERE session_id = s.id AND (drawing != '') = 1),
       (SELECT count(*) FROM session_events WHERE session_id = s.id AND kind = ?), s.id
FROM sessions AS s
LEFT JOIN checkins AS cb ON cb.session_id = s.id AND cb.phase = '{BEFORE}'
LEFT JOIN checkins AS ca ON ca.session_id = s.id AND ca.phase = '{AFTER}'
LEFT JOIN reflections AS r ON r.session_id = s.id
WHERE s.started_at >= ? AND s.started_at < ? AND (s.started_at, s.id) > (?, ?)
ORDER BY s.started_at, s.id LIMIT ?
"""


def item_keys(journal: Journal) -> list[str]:
    """The items that get columns: mtcalm's own, then every item of the person's own the
    journal keeps a definition of (ever asked), by key; those asked only afterwards last.
    """
    compared = [item.key for item in COMPARED_ITEMS]
    optional = [item.key for item in OPTIONAL_ITEMS]
    later = [item.key for item in ALL_ITEMS if item not in COMPARED_ITEMS]
    known = {*compared, *optional, *later}
    own = sorted(
        key
        for (key,) in journal.reading("SELECT DISTINCT item FROM item_definitions")
        if isinstance(key, str) and key and key not in known and key.isprintable()
    )
    return [*compared, *optional, *own, *later]


def item_columns(keys: Iterable[str]) -> list[tuple[str, str]]:
    """The (item, phase) of each answer column, in order."""
    columns = []
    for key in keys:
        item = KNOWN_ITEMS.get(key)
        asked = item.phases if item is not None else {Phase.BEFORE, Phase.AFTER}
        columns += [(key, phase.value) for phase in (Phase.BEFORE, Phase.AFTER) if phase in asked]
    return columns


def header(keys: Iterable[str], *, include_notes: bool = True) -> list[str]:
    answers = [f"{key}_{phase}" for key, phase in item_columns(keys)]
    notes = NOTE_FIELDS if include_notes else ()
    return [*SESSION_FIELDS, *answers, *FLAG_FIELDS, *WORD_FIELDS, *notes, *LATER_FIELDS]


def guarded(text: object) -> object:
    """``text`` as a cell no spreadsheet runs as a formula."""
    return "'" + text if isinstance(text, str) and text.startswith(FORMULA_STARTS) else text


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


class _AnswerColumns:
    """Puts the answers SQLite gathered into their columns; one picker per set of items
    answered (a journal has few), so a row costs one split per check-in.
    """

    def __init__(self, columns: list[tuple[str, str]]) -> None:
        self._columns = columns
        self._pickers: dict[tuple[str, str], tuple[int, Picker]] = {}
        self._distress = (
            columns.index((DISTRESS.key, BEFORE)),
            columns.index((DISTRESS.key, AFTER)),
        )

    def cells(self, before: str | None, after: str | None) -> tuple[list[str], str]:
        """The answer cells in column order, and the distress_rose cell."""
        before_keys, _, before_values = (before or "").partition(_KEYS_END)
        after_keys, _, after_values = (after or "").partition(_KEYS_END)
        signature = (before_keys, after_keys)
        known = self._pickers.get(signature)
        if known is None:
            known = self._pickers[signature] = self._picker(before_keys, after_keys)
        count, picker = known
        values = [*_split(before_values), *_split(after_values)]
        if len(values) != count:  # cannot happen with the query above: show nothing, not a guess
            values = [""] * count
        cells = list(picker([*values, ""]))
        distress_before, distress_after = cells[self._distress[0]], cells[self._distress[1]]
        if not distress_before or not distress_after:
            return cells, ""
        risen = int(distress_after) - int(distress_before) >= DISTRESS_RISE_TO_FLAG
        return cells, "1" if risen else "0"

    def _picker(self, before_keys: str, after_keys: str) -> tuple[int, Picker]:
        """How many answers the check-ins hold, and what picks the columns' cells from them
        (an index past them all picks the empty cell put last).
        """
        before, after = _split(before_keys), _split(after_keys)
        place = {(key, BEFORE): index for index, key in enumerate(before)}
        place.update({(key, AFTER): len(before) + index for index, key in enumerate(after)})
        empty = len(before) + len(after)
        indexes = [place.get(column, empty) for column in self._columns]
        return empty, itemgetter(indexes[0], *indexes[1:], empty)


def _split(text: str) -> list[str]:
    return text.split(_NEXT) if text else []


class _HomeworkColumn:
    """The title of the programme a session counted for: of those it counts for, the one
    imported last. The homework table is read once; a row costs a set lookup, and a few text
    comparisons when it played a programme's content (the rule itself is checked only for a
    session that started within a programme's weeks).
    """

    def __init__(self, journal: Journal) -> None:
        self._programmes = []
        for found in reversed(journal_programmes(journal)):  # the newest first
            monday = first_monday(found.homework)
            end = monday + timedelta(days=7 * found.homework.schedule.weeks)
            refs = frozenset(content_refs(found.homework))
            title = str(guarded(found.title))
            self._programmes.append(
                (found.homework, title, refs, monday.isoformat(), end.isoformat())
            )
        self.refs = frozenset().union(*(programme[2] for programme in self._programmes))

    def cell(self, kind: object, content_ref: object, started_at: object) -> str:
        """The cell (a title guarded as every text cell is) of a session that played one of
        :attr:`refs`.
        """
        if not isinstance(started_at, str):
            return ""
        for homework, title, refs, low, high in self._programmes:
            if content_ref in refs and low <= started_at < high:
                try:
                    day = date.fromisoformat(started_at[:10])
                except ValueError:
                    return ""
                if counts_for(homework, str(content_ref), day, kind=str(kind)):
                    return title
        return ""


def _rows(
    page: list[tuple[object, ...]],
    answers: _AnswerColumns,
    include_notes: bool,
    homework: _HomeworkColumn,
) -> Iterator[list[object]]:
    refs = homework.refs  # a row that played none of them costs one lookup
    for row in page:
        cells, rose = answers.cells(_text(row[12]), _text(row[13]))
        notes = [guarded(row[16]), guarded(row[17]), guarded(row[18])] if include_notes else []
        yield [
            *row[:4],
            guarded(row[4]),
            guarded(row[5]),
            guarded(row[6]),
            *row[7:12],
            *cells[:-1],
            rose,
            row[14],
            row[15],
            *notes,
            1 if row[19] else 0,
            row[20],
            homework.cell(row[1], row[4], row[2]) if row[4] in refs else "",
        ]


def write_csv(
    journal: Journal,
    stream: IO[bytes],
    period: ExportPeriod | None = None,
    *,
    include_notes: bool = True,
) -> int:
    """Write the CSV to ``stream``; the number of sessions (rows after the header) written."""
    keys = item_keys(journal)
    columns = item_columns(keys)
    answers = _AnswerColumns(columns)
    homework = _HomeworkColumn(journal)
    sql = page_sql(keys)
    low, high = (period or ExportPeriod()).bounds()
    text = io.TextIOWrapper(stream, encoding=ENCODING, newline="", write_through=False)
    try:
        writer = csv.writer(text)
        writer.writerow([guarded(name) for name in header(keys, include_notes=include_notes)])
        written, after = 0, (low, 0)
        while True:
            page = journal.reading(
                sql, (EventKind.GROUNDING.value, max(low, after[0]), high, *after, PAGE_SIZE)
            )
            writer.writerows(_rows(page, answers, include_notes, homework))
            written += len(page)
            if len(page) < PAGE_SIZE:
                break
            after = (str(page[-1][2]), int(str(page[-1][-1])))
        text.flush()
    finally:
        text.detach()  # the caller closes the stream
    return written
