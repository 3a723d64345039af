"""A printable summary for a therapy session: the period, flags, listening homework, charts,
sessions and notes.

Written with Qt's own PDF support (QPdfWriter and QPainter; no other dependency), in black on
white so it reads the same printed in black and white. Every piece of the person's text (notes,
titles, the words of their own items) is laid out as plain text by QTextLayout, never as rich
text, so ``<b>`` stays ``<b>`` (:mod:`mtcalm.ui.pdf_pages` lays out the pages). Sessions are
read a page at a time, so a long journal never sits in memory whole; the PDF is built in memory
and then written to its file in one step (temporary file beside it, fsync, rename; owner-only).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter
from PySide6.QtWidgets import QApplication

from mtcalm.checkin import DISTRESS, HELPFULNESS, STIRRED_UP, CheckIn, Phase
from mtcalm.datadir import why_not_written, write_file_atomically
from mtcalm.homework.programmes import has_programmes, programmes
from mtcalm.journal.report_reads import (
    FlaggedSession,
    flagged_sessions,
    range_totals,
    sessions_between,
    triggers_heard,
)
from mtcalm.journal.store import Journal, Outcome, SessionKind, SessionRecord
from mtcalm.journal.trends import trends
from mtcalm.ui.adherence_view import plain_headings, plain_rows, state_words
from mtcalm.ui.chart_painting import PRINT_INK, paint_trend
from mtcalm.ui.chart_words import day_text, table_headings, table_rows
from mtcalm.ui.homework_import import schedule_words
from mtcalm.ui.item_words import answer_word, item_name, item_title
from mtcalm.ui.pdf_pages import GREY, RESOLUTION, Pages
from mtcalm.ui.text import change_words, emotion_name, minutes_text, plural, tr

CHART_HEIGHT_MM = 70.0
MARGIN_MM = 18.0


class ReportNotWritten(OSError):
    """The PDF could not be written; ``str()`` is one plain sentence, and nothing was left
    half-written where the file was to go.
    """

    def __init__(self, code: int | None, message: str, path: Path) -> None:
        super().__init__(code, message, str(path))
        self.message = message

    def __str__(self) -> str:
        return self.message


def write_report_pdf(
    journal: Journal,
    output: Path,
    *,
    since: date | None,
    until: date | None,
    include_notes: bool,
) -> None:
    """Write the summary of the sessions from ``since`` to ``until`` (local dates, both
    included; None: open-ended) to ``output``, replacing a file there (the caller asks first).

    Raises :class:`ReportNotWritten` (an OSError) for a missing or unwritable folder or a
    full disk, and ValueError when ``since`` is after ``until``.
    """
    if since is not None and until is not None and since > until:
        raise ValueError("the period starts after it ends")
    folder = output.parent
    if not folder.is_dir():
        raise ReportNotWritten(
            errno.ENOENT, tr("The folder %1 does not exist.").replace("%1", str(folder)), output
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        denied = PermissionError(errno.EACCES, "permission denied")
        raise ReportNotWritten(errno.EACCES, why_not_written(denied, folder), output)
    gui_application()  # fonts need one; PySide keeps it for the rest of the process
    data = _render(journal, since, until, include_notes)
    try:
        write_file_atomically(output, data)
    except OSError as error:
        raise ReportNotWritten(error.errno, why_not_written(error, folder), output) from error


def gui_application() -> QGuiApplication:
    """The running QGuiApplication, or a new one without a screen (the command line makes a
    PDF without a window: the offscreen platform needs no display).
    """
    running = QGuiApplication.instance()
    if isinstance(running, QGuiApplication):
        return running
    if running is not None:
        raise RuntimeError("a PDF needs a QGuiApplication, and a plain QCoreApplication runs")
    # A QApplication, not only a QGuiApplication: one process has one application object, and
    # anything that later shows a widget in it (a window, a test) needs the widgets' kind.
    return QApplication(["mtcalm", "-platform", "offscreen"])


def period_text(since: date | None, until: date | None) -> str:
    if since and until:
        return tr("%1 to %2").replace("%1", day_text(since)).replace("%2", day_text(until))
    if since:
        return tr("From %1 on").replace("%1", day_text(since))
    if until:
        return tr("Everything up to %1").replace("%1", day_text(until))
    return tr("Every session in the journal")


# -- the document ------------------------------------------------------------------------------


def _render(journal: Journal, since: date | None, until: date | None, notes: bool) -> bytes:
    content = QByteArray()
    buffer = QBuffer(content)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    writer.setTitle(tr("mtcalm summary: %1").replace("%1", period_text(since, until)))
    writer.setCreator("mtcalm")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    pages = Pages(writer, period_text(since, until))
    try:
        _header(pages, journal, since, until, notes)
        _flags(pages, journal, since, until)
        _homework(pages, journal, since, until)
        _charts(pages, journal, since, until)
        _sessions(pages, journal, since, until, notes)
    finally:
        pages.finish()
        buffer.close()
    return bytes(content.data())


def _header(
    pages: Pages, journal: Journal, since: date | None, until: date | None, notes: bool
) -> None:
    pages.text(tr("mtcalm: a summary of sessions"), size=1.8, bold=True, after=0.3)
    pages.text(period_text(since, until), size=1.25, after=0.2)
    pages.text(tr("Made on %1").replace("%1", day_text(date.today())), colour=GREY, after=0.8)
    pages.boxed(
        tr(
            "mtcalm is a relaxation and self-help tool used alongside care; it does not "
            "diagnose. The numbers are the person's own check-ins before and after listening, "
            "as they gave them (0 to 10 unless said otherwise)."
        )
    )
    totals = range_totals(journal, since, until)
    pages.text(
        tr("%1, %2 listened in all; %3.")
        .replace(
            "%1",
            plural(
                totals.listening_sessions, tr("1 listening session"), tr("%n listening sessions")
            ),
        )
        .replace("%2", minutes_text(totals.minutes_listened * 60))
        .replace(
            "%3",
            plural(
                totals.checkins_alone, tr("1 check-in on its own"), tr("%n check-ins on their own")
            ),
        ),
        after=0.2,
    )
    if not notes:
        pages.text(tr("Notes and reflections are left out of this summary."), colour=GREY)
    pages.space(1.0)


def _flags(pages: Pages, journal: Journal, since: date | None, until: date | None) -> None:
    pages.heading(tr("Flags"))
    flagged = flagged_sessions(journal, since, until)
    heard = triggers_heard(journal, since, until)
    tracks = journal.flagged_tracks()
    rose = [each for each in flagged if each.distress_rose]
    stirred = [each for each in flagged if each.stirred_up]
    if not (rose or stirred or tracks):
        pages.text(tr("No flags in this period."), after=1.0)
        return
    lists: tuple[tuple[str, list[FlaggedSession], Callable[[FlaggedSession], str]], ...] = (
        (tr("Distress rose by 2 or more after listening"), rose, _rose_text),
        (tr("Said yes: the music brought up urges or hard memories"), stirred, _flag_text),
    )
    for heading, found, words in lists:
        pages.text(f"{heading}: {len(found)}", bold=True, after=0.2)
        for each in found:
            pages.text(f"•  {words(each)}", indent=1.2)
        pages.space(0.5)
    pages.text(f"{tr('Tracks flagged as triggers')}: {len(tracks)}", bold=True, after=0.2)
    for flag in tracks.values():
        played = heard.get(flag.key, 0)
        pages.text(
            f"•  {flag.title or flag.key} — "
            + tr("flagged on %1").replace("%1", day_text(flag.flagged_at.date()))
            + "; "
            + plural(
                played,
                tr("played in 1 session of this period"),
                tr("played in %n sessions of this period"),
            ),
            indent=1.2,
        )
    pages.space(1.0)


def _homework(pages: Pages, journal: Journal, since: date | None, until: date | None) -> None:
    """Listening homework, plainly, when the journal has any: each programme, and its weeks
    that overlap the period.
    """
    if not has_programmes(journal.reading):
        return
    today = date.today()
    pages.heading(tr("Listening homework"))
    pages.text(
        tr(
            "From what the player measured (minutes heard, pauses left out), not from what "
            "anyone said. Only the weeks that overlap this summary's period are shown, each "
            "counted whole (Monday to Sunday)."
        ),
        colour=GREY,
        after=0.5,
    )
    for programme in programmes(journal.reading, today):
        pages.ensure(pages.line_height() * 5)
        title = programme.title or tr("Untitled homework")
        pages.text(
            tr("%1 (revision %2)").replace("%1", title).replace("%2", str(programme.revision)),
            bold=True,
            after=0.1,
        )
        if programme.therapist:
            pages.text(tr("From %1").replace("%1", programme.therapist), indent=1.2)
        pages.text(state_words(programme, today, plain=True), indent=1.2)
        if programme.homework is None:
            pages.text(programme.problem, colour=GREY, indent=1.2, after=0.6)
            continue
        pages.text(schedule_words(programme.homework), colour=GREY, indent=1.2, after=0.3)
        shown = [
            (week, row)
            for week, row in zip(programme.weeks, plain_rows(programme, today), strict=True)
            if (since is None or week.ends >= since) and (until is None or week.starts <= until)
        ]
        if not shown:
            pages.text(tr("None of its weeks fall in this period."), indent=1.2, after=0.6)
            continue
        pages.fitted_table(plain_headings(programme), [row for _week, row in shown])
        pages.space(0.8)
    pages.space(0.4)


def _flag_text(flag: FlaggedSession) -> str:
    return f"{_when(flag.started_at)} · {flag.title or tr('Untitled')}"


def _rose_text(flag: FlaggedSession) -> str:
    change = f"{flag.distress_before} → {flag.distress_after}"
    return f"{_flag_text(flag)} · {item_name(DISTRESS)} {change}"


def _charts(pages: Pages, journal: Journal, since: date | None, until: date | None) -> None:
    pages.heading(tr("Before and after over time"))
    found = trends(journal, since=since, until=until)
    if not found.items:
        pages.text(tr("No session in this period has a check-in both before and after."), after=1.0)
        return
    line = pages.line_height()
    for trend in found.items:
        height = CHART_HEIGHT_MM / 25.4 * RESOLUTION
        pages.ensure(height + line * 3)
        area = QRectF(0, pages.y, pages.width, height)
        paint_trend(pages.painter, area, found, trend, PRINT_INK)
        pages.y += height + line * 0.5
        pages.table(table_headings(found.period), table_rows(found, trend))
        pages.space(1.0)


def _sessions(
    pages: Pages, journal: Journal, since: date | None, until: date | None, notes: bool
) -> None:
    pages.heading(tr("Sessions"))
    marks = journal.reflection_marks() if notes else {}  # one read, not one per session
    shown = 0
    for record in sessions_between(journal, since, until):
        shown += 1
        pages.ensure(pages.line_height() * 3)
        pages.rule()
        pages.text(_session_heading(record), bold=True, after=0.1)
        lines = _session_lines(record, notes)
        mark = marks.get(record.id)
        reflection = journal.reflection(record.id) if mark and mark.has_note else None
        if reflection is not None and reflection.note.strip():
            lines.append(tr("Reflection: %1").replace("%1", reflection.note))
        if mark is not None and mark.has_drawing:
            lines.append(tr("A drawing was made after this session (not shown here)."))
        for line in lines:
            pages.text(line, indent=1.2, after=0.1)
        pages.space(0.4)
    if not shown:
        pages.text(tr("No sessions in this period."))


def _session_heading(record: SessionRecord) -> str:
    when = _when(record.started_at)
    if record.kind is SessionKind.CHECKIN:
        return f"{when} · {tr('Check-in on its own')}"
    how = tr("completed") if record.outcome is Outcome.COMPLETED else tr("ended early")
    listened = minutes_text(record.listened_seconds)
    return f"{when} · {record.content_title or tr('Untitled')} · {listened} · {how}"


def _session_lines(record: SessionRecord, notes: bool) -> list[str]:
    lines = []
    if record.kind is SessionKind.CHECKIN:
        answers = [
            f"{_name(record.before, key)} {value}"
            for key, value in (record.before.all_answers() if record.before else {}).items()
            if value is not None
        ]
        lines.append(", ".join(answers) or tr("Nothing answered"))
    else:
        changes = []
        for change in record.changes:
            if change.before is None and change.after is None:
                continue
            before = "–" if change.before is None else str(change.before)
            after = "–" if change.after is None else str(change.after)
            moved = f" ({change_words(change)})" if change.difference is not None else ""
            changes.append(
                f"{_name(record.before or record.after, change.key)} {before} → {after}{moved}"
            )
        lines.append("; ".join(changes) or tr("No check-in answers before and after"))
        extra = _after_only(record.after)
        if extra:
            lines.append(extra)
    if record.distress_rose:
        lines.append(tr("Flag: distress rose by 2 or more"))
    for checkin, which in ((record.before, tr("before")), (record.after, tr("after"))):
        if checkin is None:
            continue
        if checkin.emotions:
            words = ", ".join(emotion_name(word) for word in checkin.emotions)
            lines.append(tr("Feeling words %1: %2").replace("%1", which).replace("%2", words))
        if notes and checkin.note.strip():
            lines.append(tr("Note %1: %2").replace("%1", which).replace("%2", checkin.note))
    return lines


def _after_only(after: CheckIn | None) -> str:
    if after is None or after.phase is not Phase.AFTER:
        return ""
    parts = []
    asked = (
        (HELPFULNESS, tr("Helpful: %1")),
        (STIRRED_UP, tr("Brought up urges or hard memories: %1")),
    )
    for item, sentence in asked:
        value = after.value(item.key)
        if value is not None:
            parts.append(sentence.replace("%1", answer_word(item, value) or str(value)))
    return "; ".join(parts)


def _name(checkin: CheckIn | None, key: str) -> str:
    item = checkin.item(key) if checkin is not None else None
    return item_title(item or key)


def _when(moment: datetime) -> str:
    return f"{moment:%a} {day_text(moment.date())}, {moment:%H:%M}"
