"""The words the journal page uses for what the journal keeps: dates, items, changes, flags.

Shared by the list (compact: "6 → 3") and the detail view (whole: "Distress: 6 → 3, down 3").
The items' names and answer words are the check-in's own (:mod:`mtcalm.ui.item_words`).
"""

from __future__ import annotations

import html
from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime, QLocale, QTime

from mtcalm.checkin import CheckInItem, ItemChange
from mtcalm.journal.history import Flag, HistoryRow
from mtcalm.journal.store import Outcome, SessionKind

# item_title is named here too: the journal's list and detail take it from this module.
from mtcalm.ui.item_words import answer_word
from mtcalm.ui.item_words import item_title as item_title
from mtcalm.ui.text import change_words, plural, tr

MISSING = "–"  # an item not answered, in a compact change ("– → 3")


def _qt_moment(moment: datetime) -> QDateTime:
    """The wall-clock time as it was recorded (stored with its own offset): never converted."""
    return QDateTime(
        QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute)
    )


def short_when(moment: datetime, today: date | None = None) -> str:
    """``Tue 3 Mar, 21:14``; with the year when it is not this year's."""
    this_year = (today or date.today()).year
    pattern = "ddd d MMM, HH:mm" if moment.year == this_year else "ddd d MMM yyyy, HH:mm"
    return QLocale().toString(_qt_moment(moment), pattern)


def long_when(moment: datetime) -> str:
    """``Tuesday 3 March 2026, 21:14``."""
    return QLocale().toString(_qt_moment(moment), "dddd d MMMM yyyy, HH:mm")


def clock(moment: datetime) -> str:
    return QLocale().toString(QTime(moment.hour, moment.minute), "HH:mm")


def entry_title(row: HistoryRow) -> str:
    if row.kind is SessionKind.CHECKIN:
        return tr("Check-in")
    return row.title or tr("Untitled session")


def compact_change(row: HistoryRow, key: str) -> str:
    """A list cell: ``6 → 3``, ``– → 3``, ``6`` for a check-in on its own, or ``skipped``."""
    change = row.change(key)
    if row.kind is SessionKind.CHECKIN:
        return tr("skipped") if row.before_skipped else _value(change.before)
    if row.before_skipped and (not row.after_taken or row.after_skipped):
        return tr("skipped")
    return f"{_value(change.before)} → {_value(change.after)}"


def _value(value: int | None) -> str:
    return MISSING if value is None else str(value)


def change_line(title: str, change: ItemChange) -> str:
    """``Distress: 7 → 4, down 3``."""
    return (
        tr("%1: %2 → %3, %4", "item: before → after, direction")
        .replace("%1", title)
        .replace("%2", _value(change.before))
        .replace("%3", _value(change.after))
        .replace("%4", change_words(change))
    )


def answer_line(item: CheckInItem, value: int | None) -> str:
    """``Helpfulness: quite`` or ``Brought up urges or memories: Yes``, as the person chose;
    ``Distress: 6`` for a number; ``not answered`` when left.
    """
    answer = tr("not answered") if value is None else answer_word(item, value) or str(value)
    return tr("%1: %2", "item: answer").replace("%1", item_title(item)).replace("%2", answer)


def listened_words(seconds: float) -> str:
    """``12 min`` or ``<1 min``: compact, for the list."""
    if seconds <= 0:
        return tr("0 min")
    if seconds < 60:
        return tr("<1 min")
    return tr("%1 min").replace("%1", str(round(seconds / 60)))


def listened_sentence(seconds: float, outcome: Outcome) -> str:
    """``Listened for 12 minutes, to the end`` (the journal's record, never a judgement)."""
    minutes = round(seconds / 60)
    if seconds < 60:
        time = tr("less than a minute")
    else:
        time = plural(minutes, tr("%n minute", None, minutes), tr("%n minutes", None, minutes))
    if outcome is Outcome.COMPLETED:
        return tr("Listened for %1, to the end").replace("%1", time)
    return tr("Listened for %1, stopped before the end").replace("%1", time)


def outcome_word(outcome: Outcome) -> str:
    return tr("completed") if outcome is Outcome.COMPLETED else tr("ended early")


def flag_reason(flag: Flag) -> str:
    reasons = {
        Flag.DISTRESS_ROSE: tr("Distress went up by 2 or more"),
        Flag.URGES: tr("It brought up urges or memories"),
        Flag.TRIGGER_TRACK: tr("It played a track you flagged"),
    }
    return reasons[flag]


def flag_reasons(flags: frozenset[Flag]) -> list[str]:
    return [flag_reason(flag) for flag in Flag if flag in flags]


def notes_words(row: HistoryRow) -> str:
    """A list cell: ``notes``, ``drawing`` or ``notes, drawing``."""
    words = []
    if row.has_checkin_note or row.has_reflection_note:
        words.append(tr("notes"))
    if row.has_drawing:
        words.append(tr("drawing"))
    return ", ".join(words)


def notes_sentence(row: HistoryRow) -> str:
    parts = []
    if row.has_checkin_note:
        parts.append(tr("a check-in note"))
    if row.has_reflection_note:
        parts.append(tr("a written reflection"))
    if row.has_drawing:
        parts.append(tr("a drawing"))
    if not parts:
        return ""
    return tr("With %1").replace("%1", ", ".join(parts))


def plain_tooltip(lines: list[str]) -> str:
    """Lines shown as they are, wrapped: Qt reads a tooltip that looks like HTML as HTML, so
    a title such as ``<b>x</b>`` is escaped inside a paragraph that certainly is HTML.
    """
    text = "\n".join(line for line in lines if line)
    if not text:
        return ""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"
