"""Review mode: a client's journal export read in a window of its own, read only.

Each window holds its own journal, in memory only (:mod:`mtcalm.journal.review`): nothing of
the export reaches the therapist's journal, settings or data folder, two exports opened one
after the other never mix, and closing the window frees its journal. The journal's own pages
are reused (the list with its filters and detail, the charts, what helps), with the export's
homework and flagged tracks beside them, and a PDF summary or spreadsheet saved where the
therapist chooses (the only thing ever written, and only when asked).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mtcalm.journal.review import another_reader
from mtcalm.journal.store import Journal
from mtcalm.ui import theme
from mtcalm.ui.export_dialog import ExportDialog, PathChooser, choose_with_file_dialog
from mtcalm.ui.journal_page import JournalPage
from mtcalm.ui.journal_views import ChangesOverTimePage, WhatHelpsPage
from mtcalm.ui.layout import FlowLayout, open_at_top
from mtcalm.ui.review_views import (
    FlagsReview,
    HomeworkReview,
    review_charts,
    review_what_helps,
)
from mtcalm.ui.text import plain_label, tr

SECTIONS = ("sessions", "changes", "helps", "homework", "flags")
SAVE_FORMATS = ("pdf", "csv")  # a JSON copy of a client's export is not the review's to make


def banner_text(name: str) -> str:
    return tr(
        "Reviewing %1 — read only. Nothing from this file is added to your own journal."
    ).replace("%1", name)


class ReviewWindow(QMainWindow):
    """One client's export, read only: sessions, charts, what helps, homework, flags."""

    def __init__(
        self,
        journal: Journal,
        source: Path,
        parent: QWidget | None = None,
        *,
        choose_path: PathChooser = choose_with_file_dialog,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.journal: Journal | None = journal
        self.source = source
        self._choose_path = choose_path
        self._today = today
        self.export_dialog: ExportDialog | None = None
        self.setWindowTitle(
            self.tr("Reviewing %1 — read only").replace("%1", source.name)  # plain in a title
        )
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.banner = plain_label(banner_text(source.name), "notice")
        self.banner.setContentsMargins(theme.PAGE_MARGIN, 8, theme.PAGE_MARGIN, 8)
        column.addWidget(self.banner)

        bar = QWidget()
        bar.setProperty("role", "header")
        flow = FlowLayout(bar, spacing=6)
        flow.setContentsMargins(theme.PAGE_MARGIN, 8, theme.PAGE_MARGIN, 8)
        names = {
            "sessions": self.tr("Sessions"),
            "changes": self.tr("Changes over time"),
            "helps": self.tr("What helps"),
            "homework": self.tr("Homework"),
            "flags": self.tr("Flagged tracks"),
        }
        self.buttons: dict[str, QPushButton] = {}
        group = QButtonGroup(self)
        group.setExclusive(True)
        for section in SECTIONS:
            button = QPushButton(names[section])
            button.setProperty("role", "nav")
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, s=section: self.show_section(s))
            group.addButton(button)
            flow.addWidget(button)
            self.buttons[section] = button
        self.save_button = QPushButton(self.tr("Save a PDF summary…"))
        self.save_button.setToolTip(
            self.tr("A summary to print or bring to a session, or a spreadsheet")
        )
        self.save_button.clicked.connect(self.save_summary)
        flow.addWidget(self.save_button)
        column.addWidget(bar)

        self.stack = QStackedWidget()
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.pages: dict[str, QWidget] = {}
        self.sessions = JournalPage()
        self.sessions.changes_requested.connect(lambda: self.show_section("changes"))
        self.sessions.helps_requested.connect(lambda: self.show_section("helps"))
        self.sessions.export_requested.connect(self.save_summary)
        self.sessions.offer_homework = False  # the bar above has it
        self.sessions.title.setText(self.tr("Sessions"))  # the client's, read by their therapist
        self.sessions.subtitle.setText(
            self.tr("The client's sessions and check-ins, newest first, as they exported them.")
        )
        for button in self.sessions.view_buttons:  # the same three are in the bar above
            button.hide()
        self.pages["sessions"] = self.sessions
        self.stack.addWidget(self.sessions)
        self.sessions.show_journal(journal)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._escape)
        self.resize(1100, 760)
        self.show_section("sessions")

    @property
    def current_section(self) -> str:
        page = self.stack.currentWidget()
        return next((name for name, built in self.pages.items() if built is page), "")

    def page(self, section: str) -> QWidget:
        """The page of ``section``, made when first asked for."""
        built = self.pages.get(section)
        if built is not None:
            return built
        journal = self.journal
        assert journal is not None, "a closed review has no pages to make"
        page: QWidget
        if section == "changes":
            charts = ChangesOverTimePage(journal, panel=review_charts(journal, self._today))
            charts.back_requested.connect(lambda: self.show_section("sessions"))
            page = charts
        elif section == "helps":
            helps = WhatHelpsPage(journal, panel=review_what_helps(journal, self._today))
            helps.back_requested.connect(lambda: self.show_section("sessions"))
            page = helps
        elif section == "homework":
            page = HomeworkReview(journal, self._today)
        elif section == "flags":
            page = FlagsReview(journal)
        else:
            raise KeyError(section)
        self.pages[section] = page
        self.stack.addWidget(page)
        return page

    def show_section(self, section: str) -> None:
        """Show ``section`` at its top, its button marked, the focus on its first control."""
        if self.journal is None:
            return
        first_time = section not in self.pages
        page = self.page(section)
        self.buttons[section].setChecked(True)
        self.stack.setCurrentWidget(page)
        if section == "sessions":
            self.sessions.show_journal(self.journal)
            self.sessions.focus_first()
            return
        if isinstance(page, ChangesOverTimePage):
            if not first_time:  # the first time, the panel reads as it is first shown
                page.refresh()
        elif isinstance(page, WhatHelpsPage | HomeworkReview | FlagsReview):
            page.refresh()
        open_at_top(page)

    def save_summary(self) -> None:
        """A PDF summary (or a spreadsheet) of this export, written where the therapist says."""
        journal = self.journal
        if journal is None:
            return
        if self.export_dialog is None:
            dialog = ExportDialog(
                journal,
                self,
                choose_path=self._choose_path,
                today=self._today,
                formats=SAVE_FORMATS,
                open_journal=lambda: another_reader(journal),
            )
            dialog.setWindowTitle(self.tr("Save a summary of %1").replace("%1", self.source.name))
            self.export_dialog = dialog
        self.export_dialog.open()

    def _escape(self) -> None:
        """Esc: from any other section, back to the sessions."""
        if self.current_section != "sessions":
            self.show_section("sessions")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shut_down()
        super().closeEvent(event)

    def shut_down(self) -> None:
        """Stop every background read, then close and free the journal in memory."""
        journal, self.journal = self.journal, None
        if journal is None:
            return
        if self.export_dialog is not None:
            self.export_dialog.done(0)  # a file half-written is finished first, never left
        for page in self.pages.values():
            if isinstance(page, ChangesOverTimePage | WhatHelpsPage):
                page.shutdown()
        for timer in self.findChildren(QTimer):  # the list's reading in slices, its count
            timer.stop()
        journal.close()
