"""Homework programmes week by week, from actual listening: kindly for the person, plainly for
the therapist.

The same facts either way (:mod:`mtcalm.homework.programmes`): per programme its title,
therapist, state and schedule, then per week what was asked and what the player measured. The
person reads sentences ("You listened 3 times this week, 42 minutes."; a week with nothing in
it is "No listening this week.", never missed or failed, never a percentage or a colour). The
therapist reads a table, one row per week, reachable with Tab and read by screen readers.
Weeks still to come are shown as upcoming, never as nothing done. Text from the package (title,
therapist, the problem with an unreadable one) is shown as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, QLocale, QSize, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mtcalm.homework.adherence import WeekAdherence
from mtcalm.homework.programmes import Programme, State
from mtcalm.ui.homework_import import schedule_words
from mtcalm.ui.layout import card
from mtcalm.ui.library_widgets import FittedTable
from mtcalm.ui.text import plain_label, plural, tr

UPCOMING = "upcoming"


def day_text(day: date, *, year: bool = True) -> str:
    """A date as the person's language writes it, short: "7 Dec 2026"."""
    return QLocale().toString(
        QDate(day.year, day.month, day.day), "d MMM yyyy" if year else "d MMM"
    )


def week_dates(week: WeekAdherence) -> str:
    """The week's Monday to Sunday, short: "7–13 Dec", "28 Dec – 3 Jan" (the year is in the
    schedule's words).
    """
    monday, sunday = week.starts, week.ends
    if monday.month == sunday.month:
        return (
            tr("%1–%2").replace("%1", str(monday.day)).replace("%2", day_text(sunday, year=False))
        )
    return (
        tr("%1 – %2")
        .replace("%1", day_text(monday, year=False))
        .replace("%2", day_text(sunday, year=False))
    )


def minutes_words(minutes: float) -> str:
    """Minutes heard, in words: "42 minutes", "under a minute"."""
    whole = round(minutes)
    if minutes > 0 and whole == 0:
        return tr("under a minute")
    return plural(whole, tr("%n minute"), tr("%n minutes"))


def state_words(programme: Programme, today: date, *, plain: bool) -> str:
    """Where the programme is, in one line."""
    state = programme.state
    homework = programme.homework
    if state is State.UNREADABLE:
        return tr("Its details can no longer be read, so its weeks cannot be shown.")
    if state is State.LEFT:
        if programme.ended_on is None:
            return tr("Left.")
        return tr("Left on %1.").replace("%1", day_text(programme.ended_on))
    if state is State.REPLACED and not plain:
        if programme.ended_on is None:
            return tr("A newer version from your therapist took its place.")
        return tr("A newer version from your therapist took its place on %1.").replace(
            "%1", day_text(programme.ended_on)
        )
    if state is State.REPLACED:
        on = day_text(programme.ended_on) if programme.ended_on else ""
        if programme.replaced_by is not None and on:
            return (
                tr("Replaced by revision %1 on %2.")
                .replace("%1", str(programme.replaced_by))
                .replace("%2", on)
            )
        return (
            tr("Replaced by a newer revision on %1.").replace("%1", on)
            if on
            else tr("Replaced by a newer revision.")
        )
    if homework is None:  # not reached: only an unreadable one has none
        return ""
    if state is State.NOT_STARTED:
        first = programme.weeks[0].starts if programme.weeks else homework.schedule.starts
        words = (
            tr("Not started yet: it starts the week of %1.")
            if plain
            else tr("It starts the week of %1.")
        )
        return words.replace("%1", day_text(first))
    if state is State.FINISHED:
        last = programme.weeks[-1].ends if programme.weeks else homework.schedule.starts
        return tr("Finished on %1.").replace("%1", day_text(last))
    number = next((week.number for week in programme.weeks if programme.current(week, today)), None)
    if number is None:
        return tr("In progress.")
    words = tr("In progress: week %1 of %2.") if plain else tr("You are in week %1 of %2.")
    return words.replace("%1", str(number)).replace("%2", str(homework.schedule.weeks))


def kind_week_words(programme: Programme, week: WeekAdherence, today: date) -> str:
    """One week for the person: what was listened to, kindly."""
    if programme.upcoming(week, today):
        return tr("Still to come.")
    current = programme.current(week, today)
    if week.started == 0:
        return tr("No listening yet this week.") if current else tr("No listening this week.")
    times = tr("once") if week.started == 1 else tr("%n times").replace("%n", str(week.started))
    words = (
        tr("So far this week you listened %1, %2 in all: %3 of %4 sessions of %5 or more.")
        if current
        else tr("You listened %1 this week, %2 in all: %3 of %4 sessions of %5 or more.")
    )
    minimum = programme.homework.schedule.minimum_minutes if programme.homework else 0
    return (
        words.replace("%1", times)
        .replace("%2", minutes_words(week.minutes))
        .replace("%3", str(week.reached))
        .replace("%4", str(week.due))
        .replace("%5", minutes_words(minimum))
    )


def plain_headings(programme: Programme) -> list[str]:
    """The plain table's column headings."""
    minimum = programme.homework.schedule.minimum_minutes if programme.homework else 0
    return [
        tr("Week"),
        tr("Started"),
        tr("Completed"),
        tr("Ended early"),
        tr("At least %1 min, of those asked").replace("%1", str(minimum)),
        tr("Minutes"),
    ]


def plain_rows(programme: Programme, today: date) -> list[list[str]]:
    """One row per week for the therapist: the week and its dates, sessions started,
    completed, ended early, "1 of 3": those that reached the minimum of those asked ("so far"
    this week; what Home counts too), minutes heard. Upcoming weeks say so, the rest empty.
    """
    rows = []
    for week in programme.weeks:
        first = tr("%1 · %2").replace("%1", str(week.number)).replace("%2", week_dates(week))
        if programme.upcoming(week, today):
            rows.append([first, tr("upcoming"), "", "", "", ""])
            continue
        reached = tr("%1 of %2").replace("%1", str(week.reached)).replace("%2", str(week.due))
        if programme.current(week, today):
            reached = tr("%1 so far").replace("%1", reached)
        rows.append(
            [
                first,
                str(week.started),
                str(week.completed),
                str(week.ended_early),
                reached,
                str(round(week.minutes)),
            ]
        )
    return rows


class WeekTable(FittedTable):
    """The plain table of a programme's weeks: as tall as its rows (the page scrolls, not the
    table), never wider than its room.
    """

    def refit(self) -> None:
        super().refit()
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        model = self.model()
        rows = model.rowCount() if model is not None else 0
        height = (
            self.horizontalHeader().sizeHint().height()
            + self.verticalHeader().defaultSectionSize() * rows
            + 2 * self.frameWidth()
        )
        return QSize(super().sizeHint().width(), height)

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self.sizeHint().height())


class AdherenceView(QWidget):
    """Programmes and their weeks: sentences (the person) or tables (the therapist)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(16)
        self.empty_text = tr("No homework has been added.")
        self.sections: list[QWidget] = []  # one card per programme, newest first
        self.tables: list[QTableView] = []  # the plain view's tables, one per readable one

    def show_programmes(self, programmes: Sequence[Programme], today: date, *, plain: bool) -> None:
        """Show ``programmes`` (newest first) as they stand on ``today``; ``plain`` for the
        therapist's table, otherwise the person's sentences.
        """
        while self.column.count():
            item = self.column.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)  # gone from findChildren now, deleted later
                widget.deleteLater()
        self.sections, self.tables = [], []
        if not programmes:
            empty = plain_label(self.empty_text, "muted")
            self.sections.append(empty)
            self.column.addWidget(empty)
            return
        for programme in programmes:
            section = self._section(programme, today, plain=plain)
            self.sections.append(section)
            self.column.addWidget(section)
        self.column.addStretch(1)

    def texts(self) -> list[str]:
        """Every line shown, in order (for tests and screen-reader checks)."""
        found = [label.text() for label in self.findChildren(QLabel)]
        for table in self.tables:
            model = table.model()
            for row in range(model.rowCount()):
                found.append(
                    " | ".join(
                        str(model.index(row, column).data() or "")
                        for column in range(model.columnCount())
                    )
                )
        return found

    def _section(self, programme: Programme, today: date, *, plain: bool) -> QWidget:
        frame, layout = card(margins=(24, 16, 24, 16), spacing=8)
        title = programme.title or tr("Untitled homework")
        if plain:
            title = (
                tr("%1 (revision %2)").replace("%2", str(programme.revision)).replace("%1", title)
            )
        heading = plain_label(title, "heading")
        layout.addWidget(heading)
        if programme.therapist:
            layout.addWidget(plain_label(tr("From %1").replace("%1", programme.therapist)))
        layout.addWidget(plain_label(state_words(programme, today, plain=plain)))
        homework = programme.homework
        if homework is None:
            problem = plain_label(programme.problem, "muted")
            problem.setAccessibleName(tr("Why it cannot be read"))
            layout.addWidget(problem)
            return frame
        layout.addWidget(plain_label(schedule_words(homework), "muted"))
        if not programme.weeks:
            layout.addWidget(plain_label(tr("No weeks to show."), "muted"))
        elif plain:
            table = self._table(programme, today)
            self.tables.append(table)
            layout.addWidget(table)
        else:
            for week in programme.weeks:
                line = (
                    tr("Week %1, %2: %3")
                    .replace("%1", str(week.number))
                    .replace("%2", week_dates(week))
                    .replace("%3", kind_week_words(programme, week, today))
                )
                layout.addWidget(plain_label(line))
        frame.setAccessibleName(title)
        return frame

    def _table(self, programme: Programme, today: date) -> QTableView:
        table = WeekTable()
        table.setAccessibleName(tr("Weeks of %1").replace("%1", programme.title))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)  # Tab leaves the table; the arrow keys move in it
        table.setShowGrid(False)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        # Words and numbers alike start at their heading's left edge: a number set right sat
        # under the next column's heading (a walkthrough read "Completed" as "Ended early").
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        table.setAccessibleDescription(
            tr(
                "One row per week: sessions started, completed, ended early, how many of "
                "those asked reached the minimum, and minutes listened."
            )
        )
        model = QStandardItemModel(0, 0, table)
        headings = plain_headings(programme)
        minimum = programme.homework.schedule.minimum_minutes if programme.homework else 0
        short = [*headings]
        short[4] = tr("≥ %1 min").replace("%1", str(minimum))  # narrow windows: room for words
        model.setHorizontalHeaderLabels(short)
        for column, whole in (
            (
                4,
                tr("Sessions with at least %1 minutes heard, of those asked for the week").replace(
                    "%1", str(minimum)
                ),
            ),
            (5, tr("Minutes listened, pauses left out")),
        ):
            model.horizontalHeaderItem(column).setToolTip(whole)
        rows = plain_rows(programme, today)
        for values in rows:
            cells = []
            for column, text in enumerate(values):
                cell = QStandardItem(text)  # items show text as it is, never as HTML
                cell.setEditable(False)
                cell.setToolTip(f"{headings[column]}: {text}" if text else headings[column])
                cells.append(cell)
            model.appendRow(cells)
        table.setModel(model)
        words = {column: [row[column] for row in rows] for column in (0, 1, 3, 4, 5)}
        table.fit_columns({2: 1}, words)  # the words whole; the numbers share what is left
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return table
