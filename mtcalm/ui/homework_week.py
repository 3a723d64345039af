"""Home's "This week's homework": the programme in progress, kindly, from actual listening.

What was asked and what the player measured this week, in plain words and never as a
judgement; a way to begin each thing the programme asks to listen to, through the same
session loop as everything else. Text from the package is shown as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QDate, QLocale, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from mtcalm.homework.adherence import ThisWeek, first_monday
from mtcalm.ui.layout import FlowLayout, card
from mtcalm.ui.text import plain_label, plural, tr


def week_words(week: ThisWeek) -> str:
    """This week of the programme in one sentence: what was asked, what was listened to."""
    homework = week.homework
    schedule = homework.schedule
    if week.week is None:
        monday = first_monday(homework)
        starts = QLocale().toString(
            QDate(monday.year, monday.month, monday.day), QLocale.FormatType.LongFormat
        )
        return tr("It starts the week of %1.").replace("%1", starts)
    done = week.week
    if done.started == 0:  # nothing yet: no "0 of 3" to read as a score on the first day
        return (
            tr("Week %1 of %2: %3 sessions of %4 or more this week.")
            .replace("%1", str(done.number))
            .replace("%2", str(schedule.weeks))
            .replace("%3", str(done.due))
            .replace("%4", minutes(schedule.minimum_minutes))
        )
    return (
        tr("Week %1 of %2: %3 of %4 sessions of %5 or more so far this week; %6 listened in all.")
        .replace("%1", str(done.number))
        .replace("%2", str(schedule.weeks))
        .replace("%3", str(done.reached))
        .replace("%4", str(done.due))
        .replace("%5", minutes(schedule.minimum_minutes))
        .replace("%6", minutes(round(done.minutes)))
    )


def minutes(count: float) -> str:
    return plural(round(count), tr("%n minute"), tr("%n minutes"))


class HomeworkWeek(QWidget):
    """The card: the programme, this week, and a Begin for each thing to listen to."""

    begin_requested = Signal(object)  # what to listen to: a Playlist or a Script
    reminders_requested = Signal()
    leave_requested = Signal(object)  # the Homework to stop following

    def __init__(
        self,
        week: ThisWeek,
        to_listen: Sequence[tuple[str, object]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        frame, layout = card()
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        homework = week.homework
        layout.addWidget(plain_label(tr("This week's homework"), "heading"))
        layout.addWidget(
            plain_label(
                tr("%1, from %2")
                .replace("%1", homework.title)
                .replace("%2", homework.therapist.name)
            )
        )
        self.status = plain_label(week_words(week), "muted")
        layout.addWidget(self.status)
        self.begin_buttons: list[QPushButton] = []
        row = FlowLayout(spacing=8)  # long titles wrap to a new line, never cut (a walkthrough)
        for title, choice in to_listen:
            button = QPushButton(tr("Begin “%1”").replace("%1", title))
            button.clicked.connect(lambda _=False, chosen=choice: self.begin_requested.emit(chosen))
            row.addWidget(button)
            self.begin_buttons.append(button)
        layout.addLayout(row)
        more = QHBoxLayout()
        self.reminders_button = QPushButton(tr("Reminders…"))
        self.reminders_button.clicked.connect(self.reminders_requested.emit)
        self.leave_button = QPushButton(tr("Stop this homework…"))
        self.leave_button.clicked.connect(lambda: self.leave_requested.emit(homework))
        for button in (self.reminders_button, self.leave_button):
            button.setProperty("role", "quiet")
            more.addWidget(button)
        more.addStretch(1)
        layout.addLayout(more)

    def buttons(self) -> list[QPushButton]:
        """The card's buttons in reading order."""
        return [*self.begin_buttons, self.reminders_button, self.leave_button]
