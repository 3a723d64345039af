"""A check-in on its own ("Just check in"): how the person is now, kept in the journal beside
their sessions, with no music. Several a day are fine; each is its own entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from mtcalm.checkin import CheckIn, Phase, suggests_support_first
from mtcalm.journal.file import JournalError

if TYPE_CHECKING:
    from mtcalm.ui.checkin_page import CheckInPage
    from mtcalm.ui.main_window import MainWindow


class CheckInAlone(QObject):
    """Shows the check-in page for a check-in on its own and keeps what is entered."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    @property
    def page(self) -> CheckInPage:
        def build() -> CheckInPage:
            from mtcalm.ui.checkin_page import CheckInPage

            page = CheckInPage(Phase.BEFORE, alone=True)
            page.submitted.connect(self._keep)
            page.cancel_requested.connect(self.window.show_home)
            page.questions_requested.connect(lambda: self.window.screens.choose_questions(page))
            return page

        return self.window.page("checkin_alone", build)

    def start(self) -> None:
        """Open a blank check-in with the questions the person chose."""
        page = self.page
        page.set_optional_items(self.window.screens.chosen_items())
        page.reset()
        self.window.show_page(page)

    def _keep(self, checkin: CheckIn) -> None:
        journal = self.window.workspace.journal
        if journal is None:
            return
        try:
            journal.record_checkin(checkin)
        except JournalError as error:  # the answers stay on the page, to try again
            self.window.tell(error.short, error.long)
            return
        message = self.tr("Your check-in is kept in your journal.")
        if suggests_support_first(checkin):
            message += " " + self.tr(
                "That sounds like a hard moment. “Stop and ground” at the top is there "
                "whenever you want it, and “Get support” shows the people you chose to reach."
            )
        self.window.home.show_notice(message)  # set first: Home then opens at its top
        self.window.show_home()
