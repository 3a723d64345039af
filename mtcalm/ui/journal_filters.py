"""The filters above the journal's list: when, what was played, which entries, flagged, notes.

Every control has a visible label and works from the keyboard; the controls wrap onto more
rows when the window is narrow or the text large, never needing a sideways scroll bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeVar

from PySide6.QtCore import QDate, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from mtcalm.journal.history import ANY_FLAG, Content, Entries, JournalFilter
from mtcalm.ui import theme
from mtcalm.ui.keys import wheel_only_when_focused
from mtcalm.ui.layout import FlowLayout
from mtcalm.ui.text import plain_label

ControlT = TypeVar("ControlT", bound=QWidget)
DATE_FORMAT = "d MMM yyyy"
DATE_TYPING_PAUSE_MS = 400  # a date being typed is looked up once the typing pauses
TITLE_CHARACTERS = 28  # a longer playlist title is shortened in the list (whole in its tooltip)


# The theme styles drop-down lists and fields but not date fields: these look and show their
# focus the same way (the one focus ring), from the theme's own colours.
DATE_EDIT_STYLE = f"""
QDateEdit {{
    background: {theme.SURFACE}; color: {theme.TEXT}; border: 1px solid {theme.CONTROL_BORDER};
    border-radius: 8px; padding: 6px 12px; min-height: 20px;
}}
QDateEdit:hover {{ background: {theme.HOVER}; }}
QDateEdit:focus {{ {theme.RING} padding: 5px 11px; }}
QDateEdit::drop-down {{
    subcontrol-origin: padding; subcontrol-position: center right; width: 22px; border: none;
}}
QDateEdit::down-arrow {{ image: url({theme.CHEVRON_DOWN}); width: 12px; height: 8px; }}
"""


class Period(StrEnum):
    ALL = "all"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    BETWEEN = "between"


class FilterBar(QWidget):
    """The filters; ``changed`` says the person changed one (read :meth:`journal_filter`)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Each control is made inside its own group: moving a styled drop-down list into a
        # group afterwards costs a millisecond or two of restyling each.
        flow = FlowLayout(self, spacing=12)
        group = self._group(flow, self.tr("When"))
        self.period = self._control(group, QComboBox(group))
        for text, period in (
            (self.tr("All time"), Period.ALL),
            (self.tr("Last 7 days"), Period.WEEK),
            (self.tr("Last 30 days"), Period.MONTH),
            (self.tr("Last 12 months"), Period.YEAR),
            (self.tr("Between dates…"), Period.BETWEEN),
        ):
            self.period.addItem(text, period.value)
        self.since_group = self._group(flow, self.tr("From"))
        self.until_group = self._group(flow, self.tr("To"))
        self._dates: tuple[QDateEdit, QDateEdit] | None = None  # made when first chosen
        group = self._group(flow, self.tr("Playlist or script"))
        self.content = self._control(group, QComboBox(group))
        self.content.addItem(self.tr("Every playlist and script"), None)
        group = self._group(flow, self.tr("Show"))
        self.entries = self._control(group, QComboBox(group))
        for text, entries in (
            (self.tr("Sessions and check-ins"), Entries.ALL),
            (self.tr("Listening sessions"), Entries.LISTENING),
            (self.tr("Check-ins on their own"), Entries.CHECKINS),
        ):
            self.entries.addItem(text, entries.value)
        self.only_flagged = RoomyCheckBox(self.tr("Only flagged"), self)
        self.only_flagged.setToolTip(
            self.tr(
                "Sessions where distress went up by 2 or more, that brought up urges or "
                "memories, or that played a track you flagged"
            )
        )
        self.with_notes = RoomyCheckBox(self.tr("Only with notes"), self)
        self.with_notes.setToolTip(self.tr("Sessions with a note, a reflection or a drawing"))
        flow.addWidget(self.only_flagged)
        flow.addWidget(self.with_notes)
        # Placed by the page beside the count it changes, to keep the filters to fewer rows.
        self.clear_button = QPushButton(self.tr("Clear filters"))
        self.clear_button.setProperty("role", "quiet")
        self.clear_button.setEnabled(False)

        for combo in (self.period, self.content, self.entries):
            # As wide as the longest choice: a long title is shortened when it is added.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._on_change)
        wheel_only_when_focused(self.period, self.content, self.entries)
        self.period.currentIndexChanged.connect(self._show_dates)
        self.only_flagged.toggled.connect(self._on_change)
        self.with_notes.toggled.connect(self._on_change)
        self.clear_button.clicked.connect(self.clear)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(DATE_TYPING_PAUSE_MS)
        self._typing.timeout.connect(self._on_change)
        self._quiet = False
        self._show_dates()

    def _group(self, flow: FlowLayout, text: str) -> QWidget:
        """A place in the filters for a control with its visible label before it."""
        group = QWidget(self)
        row = QHBoxLayout(group)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(plain_label(text, "muted", wrap=False))
        flow.addWidget(group)
        return group

    @staticmethod
    def _control(group: QWidget, control: ControlT) -> ControlT:
        """``control`` placed after its label, which names it (for a screen reader too)."""
        layout = group.layout()
        assert layout is not None
        label = group.findChild(QLabel)
        assert label is not None
        label.setBuddy(control)
        control.setAccessibleName(label.text())
        for part in control.findChildren(QLineEdit):  # a date field's own text box
            part.setAccessibleName(label.text())
        layout.addWidget(control)
        return control

    @property
    def since(self) -> QDateEdit:
        return self._date_edits()[0]

    @property
    def until(self) -> QDateEdit:
        return self._date_edits()[1]

    def _date_edits(self) -> tuple[QDateEdit, QDateEdit]:
        """The two date fields, made the first time dates are chosen (the first date field
        of a run costs tens of milliseconds: not on the way to the list).
        """
        if self._dates is None:
            today = date.today()
            since = self._control(self.since_group, self._date_edit(self.since_group))
            since.setDate(_qt_date(today - timedelta(days=29)))
            until = self._control(self.until_group, self._date_edit(self.until_group))
            until.setDate(_qt_date(today))
            for edit in (since, until):
                edit.dateChanged.connect(lambda _date: self._typing.start())
            wheel_only_when_focused(since, until)
            self._dates = (since, until)
        return self._dates

    def _date_edit(self, parent: QWidget) -> QDateEdit:
        edit = QDateEdit(parent)
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setCalendarPopup(True)
        edit.setStyleSheet(DATE_EDIT_STYLE)
        edit.setMinimumDate(QDate(1970, 1, 1))
        return edit

    # -- reading and setting ----------------------------------------------------------------

    def journal_filter(self, today: date | None = None) -> JournalFilter:
        """The filter the controls say, its dates counted back from ``today``."""
        today = today or date.today()
        period = Period(self.period.currentData())
        since: date | None = None
        until: date | None = None
        if period is Period.WEEK:
            since = today - timedelta(days=6)
        elif period is Period.MONTH:
            since = today - timedelta(days=29)
        elif period is Period.YEAR:
            since = today - timedelta(days=364)
        elif period is Period.BETWEEN:
            first, last = _python_date(self.since.date()), _python_date(self.until.date())
            since, until = min(first, last), max(first, last)
        ref = self.content.currentData()
        return JournalFilter(
            since=since,
            until=until,
            content_ref=ref if isinstance(ref, str) else None,
            entries=Entries(self.entries.currentData()),
            flags=ANY_FLAG if self.only_flagged.isChecked() else frozenset(),
            with_notes=self.with_notes.isChecked(),
        )

    def set_contents(self, contents: Sequence[Content]) -> None:
        """The playlists and scripts to choose from; the one chosen stays chosen if it is
        still there.
        """
        chosen = self.content.currentData()
        self._quiet = True
        try:
            while self.content.count() > 1:
                self.content.removeItem(1)
            metrics = self.content.fontMetrics()
            longest = metrics.averageCharWidth() * TITLE_CHARACTERS
            for content in contents:
                shown = metrics.elidedText(content.title, Qt.TextElideMode.ElideRight, longest)
                self.content.addItem(shown, content.ref)
                self.content.setItemData(
                    self.content.count() - 1, content.title, Qt.ItemDataRole.ToolTipRole
                )
            index = self.content.findData(chosen) if chosen is not None else 0
            self.content.setCurrentIndex(max(0, index))
        finally:
            self._quiet = False
        if chosen is not None and index < 0:
            self._on_change()

    def set_period(self, period: Period) -> None:
        self.period.setCurrentIndex(self.period.findData(period.value))

    def set_dates(self, since: date, until: date) -> None:
        """Choose "Between dates…" from ``since`` to ``until``."""
        self._quiet = True
        try:
            self.since.setDate(_qt_date(since))
            self.until.setDate(_qt_date(until))
        finally:
            self._quiet = False
        self._typing.stop()
        self.set_period(Period.BETWEEN)
        self._on_change()

    def clear(self) -> None:
        """Every filter back to showing everything, as one change."""
        self._quiet = True
        try:
            self.period.setCurrentIndex(0)
            self.content.setCurrentIndex(0)
            self.entries.setCurrentIndex(0)
            self.only_flagged.setChecked(False)
            self.with_notes.setChecked(False)
        finally:
            self._quiet = False
        self._on_change()
        self.period.setFocus(Qt.FocusReason.OtherFocusReason)  # the button is now disabled

    def first_control(self) -> QWidget:
        return self.period

    def _show_dates(self) -> None:
        between = Period(self.period.currentData()) is Period.BETWEEN
        if between:
            self._date_edits()
        self.since_group.setVisible(between)
        self.until_group.setVisible(between)

    def _on_change(self) -> None:
        if self._quiet:
            return
        self._typing.stop()
        self.clear_button.setEnabled(not self.journal_filter().is_everything)
        self.changed.emit()


class RoomyCheckBox(QCheckBox):
    """A check box with room for its checked look: the theme draws a checked box a few pixels
    larger than Qt's size hint allows for, which would cut the last letter of its text.
    """

    def sizeHint(self) -> QSize:
        return super().sizeHint() + QSize(CHECKED_EXTRA_WIDTH, 0)

    def minimumSizeHint(self) -> QSize:
        return super().minimumSizeHint() + QSize(CHECKED_EXTRA_WIDTH, 0)


CHECKED_EXTRA_WIDTH = 8


def _qt_date(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _python_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
