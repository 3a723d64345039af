"""What helps me: for each playlist or script, background sound and part of the day, how an
item changed on average from before to after listening, in plain words, with the range it
likely falls in; and this week's practice, without streaks.

The numbers come from :mod:`mtcalm.journal.insights`, computed on a background thread over a
read-only connection of its own (a whole 100,000-session journal takes about a second), so the
page never stalls while they are made.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mtcalm.journal.insights import GroupFinding, Grouping, Progress, progress, what_helps
from mtcalm.ui.item_words import item_name
from mtcalm.ui.layout import READABLE_WIDTH, scrolling_page
from mtcalm.ui.library_worker import BackgroundTask
from mtcalm.ui.text import plain_label, plural, tr

PERIOD_DAYS = (91, 365, None)  # the last three months (the default), the last year, all
# The order findings are listed in: the largest easing first where the direction is plain.
EASES_WHEN_DOWN = frozenset({"distress", "craving", "tension"})
EASES_WHEN_UP = frozenset({"pleasantness"})


def listing_order(finding: GroupFinding) -> tuple[bool, float, str]:
    """Enough sessions first; then by the change, easing first (distress down, pleasantness
    up); items whose direction is the person's own (energy, their own questions) by name.
    """
    mean = finding.change.mean if finding.change is not None else 0.0
    if finding.item in EASES_WHEN_DOWN:
        return (not finding.enough, mean, finding.label)
    if finding.item in EASES_WHEN_UP:
        return (not finding.enough, -mean, finding.label)
    return (not finding.enough, 0.0, finding.label.casefold())


@dataclass(frozen=True)
class Insights:
    """What the background thread found."""

    findings: tuple[GroupFinding, ...]
    week: Progress
    labels: dict[str, str]  # the latest label of each item of one's own, by key


Connect = Callable[[], sqlite3.Connection]  # a read-only connection of the reading's own


def read_only(path: Path) -> Connect:
    """A read-only connection to the journal file at ``path``."""
    return lambda: sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)


def read_insights(connect: Connect, since: date | None, today: date) -> Insights:
    """The findings since ``since`` and this week's practice, over ``connect()``."""
    connection = connect()
    try:
        findings = tuple(what_helps(connection, since=since))
        week = progress(connection, today)
        labels = {
            str(key): str(label)
            for key, label in connection.execute(
                "SELECT item, label FROM item_definitions WHERE label != '' ORDER BY id"
            )
        }
    finally:
        connection.close()
    return Insights(findings, week, labels)


def finding_text(finding: GroupFinding, name: str, item: str) -> str:
    """One finding in plain words: "Settle: distress down 2.1 on average over 12 sessions,
    likely between 1.4 and 2.8". Honest about direction, never "better" or "worse".
    """
    change = finding.change
    if change is None:
        return (
            tr("%1: not enough sessions yet for %2 (%3 of %4)")
            .replace("%1", name)
            .replace("%2", item)
            .replace("%3", str(finding.sessions))
            .replace("%4", str(finding.needed))
        )
    over = plural(finding.sessions, tr("over %n session"), tr("over %n sessions"))
    size = f"{abs(change.mean):.1f}"
    if size == "0.0":
        text = tr("%1: no change in %2 on average %3")
    elif change.mean < 0:
        text = tr("%1: %2 down %4 on average %3")
    else:
        text = tr("%1: %2 up %4 on average %3")
    text = text.replace("%1", name).replace("%2", item).replace("%3", over).replace("%4", size)
    low, high = f"{change.low:.1f}", f"{change.high:.1f}"
    if low == high:
        return text
    if change.low >= 0 or change.high <= 0:
        near, far = sorted((abs(change.low), abs(change.high)))
        likely = tr("likely between %1 and %2").replace("%1", f"{near:.1f}")
        return f"{text}, {likely.replace('%2', f'{far:.1f}')}"
    likely = tr("likely between down %1 and up %2").replace("%1", f"{abs(change.low):.1f}")
    return f"{text}, {likely.replace('%2', f'{change.high:.1f}')}"


class WhatHelpsPanel(QWidget):
    """The findings for one item and one period, grouped, and this week's practice."""

    def __init__(
        self,
        journal_path: Path,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
        connect: Connect | None = None,
    ) -> None:
        """``connect``: the reading's own connection (default: the file at ``journal_path``,
        read-only; review mode's journal is in memory)."""
        super().__init__(parent)
        self._connect = connect or read_only(journal_path)
        self._today = today
        self._task: BackgroundTask | None = None
        self._insights: Insights | None = None
        layout = scrolling_page(self, max_width=READABLE_WIDTH)
        layout.addWidget(plain_label(self.tr("What helps me"), "title"))
        self.week = plain_label("", "muted")
        layout.addWidget(self.week)
        layout.addWidget(
            plain_label(
                self.tr(
                    "Averages of your own sessions, before and after, with the range each likely "
                    "falls in. They describe your journal: they cannot say for certain what "
                    "caused a change."
                ),
                "muted",
            )
        )
        choices = QHBoxLayout()
        self.item_choice = QComboBox()
        self.item_choice.setAccessibleName(self.tr("Which question"))
        self.period_choice = QComboBox()
        self.period_choice.setAccessibleName(self.tr("Which period"))
        for text in (self.tr("The last 3 months"), self.tr("The last year"), self.tr("All time")):
            self.period_choice.addItem(text)
        item_label = QLabel(self.tr("Question"))
        item_label.setBuddy(self.item_choice)
        period_label = QLabel(self.tr("Period"))
        period_label.setBuddy(self.period_choice)
        for widget in (item_label, self.item_choice, period_label, self.period_choice):
            choices.addWidget(widget)
        choices.addStretch(1)
        layout.addLayout(choices)
        self.status = plain_label("", "muted")
        layout.addWidget(self.status)
        self.groups: dict[Grouping, QVBoxLayout] = {}
        self.sentences: list[QLabel] = []
        for grouping, heading in (
            (Grouping.CONTENT, self.tr("By music or guided imagery")),
            (Grouping.BACKGROUND_SOUND, self.tr("By background sound")),
            (Grouping.TIME_OF_DAY, self.tr("By time of day")),
        ):
            layout.addWidget(plain_label(heading, "heading"))
            rows = QVBoxLayout()
            layout.addLayout(rows)
            self.groups[grouping] = rows
        layout.addStretch(1)
        self.item_choice.currentIndexChanged.connect(self._show)
        self.period_choice.currentIndexChanged.connect(self.refresh)

    def refresh(self) -> None:
        """Read the journal again (on a background thread) and show what it says."""
        if self._task is not None:
            self._task.stop(timeout=0)
        days = PERIOD_DAYS[max(0, self.period_choice.currentIndex())]
        today = self._today()
        since = None if days is None else today - timedelta(days=days)
        connect = self._connect

        def job(_progress: Callable[[object], None], _cancel: threading.Event) -> Insights:
            return read_insights(connect, since, today)

        self._say(self.tr("Reading the journal…"))
        task = BackgroundTask(job, self, name="mtcalm-what-helps")
        task.finished.connect(self._arrived)
        task.failed.connect(self._failed)
        self._task = task
        task.start()

    def _say(self, text: str) -> None:
        """A line about the reading itself; out of the way when there is nothing to say."""
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def shutdown(self) -> None:
        if self._task is not None:
            self._task.stop()

    def _arrived(self, insights: object) -> None:
        assert isinstance(insights, Insights)
        self._insights = insights
        week = insights.week
        self.week.setText(
            self.tr("This week: %1, %2 listened.")
            .replace(
                "%1",
                plural(
                    week.days_practised,
                    self.tr("%n day with listening"),
                    self.tr("%n days with listening"),
                ),
            )
            .replace(
                "%2",
                plural(round(week.minutes_listened), self.tr("%n minute"), self.tr("%n minutes")),
            )
        )
        chosen = self.item_choice.currentData()
        keys = list(dict.fromkeys(finding.item for finding in insights.findings))
        self.item_choice.blockSignals(True)
        self.item_choice.clear()
        for key in keys:
            self.item_choice.addItem(item_name(key, insights.labels.get(key, "")).capitalize(), key)
        if chosen in keys:
            self.item_choice.setCurrentIndex(keys.index(chosen))
        self.item_choice.blockSignals(False)
        self._show()

    def _failed(self, reason: str) -> None:
        self._say(self.tr("Your journal could not be read just now: %1").replace("%1", reason))

    def _show(self) -> None:
        insights = self._insights
        for label in self.sentences:
            label.hide()
            label.setParent(None)
            label.deleteLater()
        self.sentences = []
        if insights is None:
            return
        key = self.item_choice.currentData()
        shown = [finding for finding in insights.findings if finding.item == key]
        self._say(
            ""
            if shown
            else self.tr(
                "Nothing to show yet: after a few sessions with a check-in before and after, "
                "what changed appears here."
            )
        )
        item = item_name(str(key), insights.labels.get(str(key), "")) if key else ""
        ordered = sorted(shown, key=listing_order)
        for finding in ordered:
            name = finding.label
            if finding.grouping is Grouping.BACKGROUND_SOUND and not finding.key:
                name = self.tr("No background sound")
            elif finding.grouping is Grouping.TIME_OF_DAY:
                name = {
                    "morning": self.tr("Morning"),
                    "afternoon": self.tr("Afternoon"),
                    "evening": self.tr("Evening"),
                    "night": self.tr("Night"),
                }.get(finding.key, finding.label)
            label = plain_label(
                finding_text(finding, name, item), None if finding.enough else "muted"
            )
            self.groups[finding.grouping].addWidget(label)
            self.sentences.append(label)
