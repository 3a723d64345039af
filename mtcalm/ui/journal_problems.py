"""When the journal cannot be used: the problem page, and each way forward it offers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from mtcalm.datadir import WriteFailed
from mtcalm.journal.file import JournalError
from mtcalm.ui.text import plural, tr

WHOLE_CHECK_DELAY_MS = 2000  # after the first frame and the sound device, never before

if TYPE_CHECKING:
    from mtcalm.journal.restore import JournalFacts
    from mtcalm.ui.library_worker import BackgroundTask
    from mtcalm.ui.main_window import MainWindow
    from mtcalm.ui.problem_page import JournalProblemPage


class JournalProblems(QObject):
    """Shows the journal's problem in ``window`` and carries out the way forward chosen."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._alternative = ""  # another journal file the problem page offers
        self._whole_check: BackgroundTask | None = None

    # -- the daily check of every page, off the start-up path ---------------------------------

    def check_soon(self) -> None:
        """Read every page of the journal a little after the window is up, once a day (opening
        checks only where each table starts); damage found is said on the home page.
        """
        QTimer.singleShot(WHOLE_CHECK_DELAY_MS, self._check_whole_journal)

    def _check_whole_journal(self) -> None:
        from mtcalm.journal.integrity import check_whole_journal, whole_check_due
        from mtcalm.ui.library_worker import BackgroundTask

        workspace = self.window.workspace
        if workspace.journal is None or self._whole_check is not None:
            return
        path = workspace.journal_path

        def job(_progress: Callable[[object], None], cancel: threading.Event) -> object:
            if not whole_check_due(path):
                return None
            return check_whole_journal(path, should_stop=cancel.is_set)

        task = BackgroundTask(job, self, name="mtcalm-journal-check")
        task.finished.connect(self._whole_check_done)
        self._whole_check = task
        task.start()

    def _whole_check_done(self, result: object) -> None:
        from mtcalm.journal.integrity import WholeCheck

        if isinstance(result, WholeCheck) and result.damaged:
            self.window.home.show_notice(
                self.tr(
                    "Part of your journal is damaged. Nothing has been changed. Some of what it "
                    "shows may be missing. Under Your data you can restore a recent backup; the "
                    "journal as it is now is kept first."
                )
            )

    def stop_check(self) -> None:
        """Closing: the check ends at once (it never writes, so nothing is left half-done)."""
        if self._whole_check is not None:
            self._whole_check.stop(timeout=0.5)

    @property
    def page(self) -> JournalProblemPage:
        def build() -> JournalProblemPage:
            from mtcalm.ui.problem_page import JournalProblemPage

            page = JournalProblemPage()
            page.fresh_journal_requested.connect(self._start_fresh_journal)
            page.restore_requested.connect(self.window.sections.show_data)
            page.alternative_requested.connect(self._open_alternative_journal)
            page.allow_writing_requested.connect(self._allow_writing)
            page.try_again_requested.connect(self._try_again)
            page.quit_requested.connect(self.window.close)
            return page

        return self.window.page("problem", build)

    def show(self, result: str = "") -> None:
        """The problem page, or home if the journal is fine now; ``result`` of the last try."""
        workspace = self.window.workspace
        problem = workspace.journal_problem
        if problem is None:
            self.window.show_home()
            return
        from mtcalm.ui.problem_page import ProblemActions, actions_for

        actions = actions_for(problem)
        found = workspace.alternative_journal() if actions is ProblemActions.SET_ASIDE else None
        self._alternative = found.path.name if found is not None else ""
        self.page.show_problem(
            problem.short,
            problem.long,
            actions,
            has_backups=workspace.has_restorable_backups(),
            alternative=journal_facts_text(found) if found is not None else "",
            path=problem.path,
            result=result,
        )
        self.window.show_page(self.page)

    def _start_fresh_journal(self) -> None:
        try:
            self.window.workspace.start_fresh_journal()
        except (WriteFailed, JournalError) as error:
            self.window.tell(self.tr("A fresh journal could not be started"), error.long)
            return
        self._back(
            self.tr(
                "A fresh journal was started. Your old journal is kept, unchanged, in your "
                "data folder."
            )
        )

    def _open_alternative_journal(self) -> None:
        try:
            self.window.workspace.use_journal(self._alternative)
        except WriteFailed as error:
            self.window.tell(error.short, error.long)
            return
        self._back(self.tr("The other journal in your data folder is open now."))

    def _allow_writing(self) -> None:
        try:
            self.window.workspace.allow_writing_to_journal()
        except WriteFailed as error:
            self.show(f"{error.short}. {error.long}")
            return
        self._back(self.tr("mtcalm can write to your journal again."))

    def _try_again(self) -> None:
        self.window.workspace.try_again()
        self._back("", still=self.tr("Tried again: it is still the same. Nothing was changed."))

    def _back(self, notice: str, still: str = "") -> None:
        """After a way forward: home with ``notice``, or the problem page again saying ``still``."""
        workspace = self.window.workspace
        if workspace.journal is None:
            self.show(still)
            return
        self.window.sections.journal_changed(another=True)
        notices = [*workspace.notices, notice] if notice else workspace.notices
        if notices:
            self.window.home.show_notice("\n".join(notices))
        self.window.show_home()


def journal_facts_text(facts: JournalFacts) -> str:
    """``it holds 12 sessions, the newest from 03 Dec 2026``"""
    sessions = plural(facts.sessions, tr("one session"), tr("%n sessions"))
    if facts.newest is None:
        return tr("it holds %1").replace("%1", sessions)
    newest = facts.newest.strftime("%d %b %Y")
    return tr("it holds %1, the newest from %2").replace("%1", sessions).replace("%2", newest)
