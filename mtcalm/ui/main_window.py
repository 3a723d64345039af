"""The main window: the header, and the pages of each section and of a session.

What comes after what in a session is :class:`mtcalm.session.flow.SessionFlow`'s; the
session's pages are :class:`mtcalm.ui.session_screens.SessionScreens`'. The window moves
between sections, opens every page the same way (at its top, focus on its first control),
and closes everything down once.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from mtcalm.catalogue import Catalogue
from mtcalm.datadir import WriteFailed
from mtcalm.playlists import Playlist
from mtcalm.scripts import Script
from mtcalm.ui.header import SECTIONS, Header
from mtcalm.ui.home_page import HomePage
from mtcalm.ui.journal_problems import JournalProblems
from mtcalm.ui.layout import open_at_top
from mtcalm.ui.sections import Sections
from mtcalm.workspace import Workspace

if TYPE_CHECKING:  # the other pages are built, and their modules loaded, on first use
    from mtcalm.audio.events import PlayerError
    from mtcalm.audio.info_cache import AudioInfoCache
    from mtcalm.session.flow import SessionFlow
    from mtcalm.ui.checkin_alone import CheckInAlone
    from mtcalm.ui.homework_import import HomeworkImporter
    from mtcalm.ui.reminders import HomeworkReminders
    from mtcalm.ui.session_screens import AudioOpener, SessionScreens

PageT = TypeVar("PageT", bound=QWidget)

PREFERRED_WIDTH, PREFERRED_HEIGHT = 1040, 760
MINIMUM_WIDTH, MINIMUM_HEIGHT = 760, 560
WINDOW_FRAME_ROOM = 48  # the desktop's title bar and borders, around the window's own size
AUDIO_OPEN_DELAY_MS = 200


class MainWindow(QMainWindow):
    """Listen, Breathe, My music, Journal and Your data, and a session when one is under way."""

    def __init__(
        self,
        workspace: Workspace,
        playlists: Sequence[Playlist],
        open_audio: AudioOpener,
        parent: QWidget | None = None,
        *,
        scripts: Sequence[Script] = (),
        own_playlists: Sequence[Playlist] = (),
        info_cache: AudioInfoCache | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.catalogue = Catalogue(lambda: workspace.journal, playlists, scripts, own_playlists)
        self.info_cache = info_cache  # track facts, shared with My music
        self._shut_down = False
        self._built: dict[str, QWidget] = {}
        self._audio_requested = False
        self._open_audio = open_audio
        self._screens: SessionScreens | None = None
        self.setWindowTitle(self.tr("mtcalm"))
        self.resize(PREFERRED_WIDTH, PREFERRED_HEIGHT)
        self.setMinimumSize(MINIMUM_WIDTH, MINIMUM_HEIGHT)

        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.header = Header()
        self.header.section_requested.connect(self.show_section)
        self.header.ground_requested.connect(self.stop_and_ground)
        self.header.support_requested.connect(self.open_support)
        column.addWidget(self.header)
        self.pages = QStackedWidget()
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.problems = JournalProblems(self)
        self.sections = Sections(self)
        self.home = HomePage()
        self.home.begin_requested.connect(lambda playlist: self.screens.begin(playlist))
        self.home.script_requested.connect(lambda script: self.screens.begin_script(script))
        self.home.checkin_requested.connect(self._check_in_alone)
        self.home.homework_leave_requested.connect(self.sections.leave_homework)
        self.home.homework_reminders_requested.connect(self.open_reminders)
        self.reminders: HomeworkReminders | None = None  # started once the window is up
        self._checkin_alone: CheckInAlone | None = None
        self._add_page("home", self.home)
        self.sections.refresh_content()
        if workspace.notices:
            self.home.show_notice("\n".join(workspace.notices))
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._escape)
        self.setAcceptDrops(True)  # a homework package dropped on the window is offered
        self._homework_importer: HomeworkImporter | None = None
        if workspace.journal is None:
            self.problems.show()
        else:
            self.show_home()
            if not workspace.settings.first_run_shown:  # said once: what mtcalm is, and is not
                from mtcalm.ui.about import welcome_on_first_run

                welcome_on_first_run(workspace, self.home)

    @property
    def screens(self) -> SessionScreens:
        """The session's pages and sound, made (and the session's modules loaded) when first
        needed: the first frame does not wait for them.
        """
        if self._screens is None:
            from mtcalm.ui.session_screens import SessionScreens

            self._screens = SessionScreens(self, self._open_audio)
        return self._screens

    @property
    def flow(self) -> SessionFlow:
        """The session's flow: what comes after what, and the journal writes."""
        return self.screens.flow

    @property
    def in_session(self) -> bool:
        return self._screens is not None and self._screens.flow.in_session

    def fit_to_screen(self) -> None:
        """Open inside the screen, whatever its size and text scale (800×600, 1.5×)."""
        room = self.screen().availableGeometry()
        width = min(PREFERRED_WIDTH, room.width() - WINDOW_FRAME_ROOM // 3)
        height = min(PREFERRED_HEIGHT, room.height() - WINDOW_FRAME_ROOM)
        self.setMinimumSize(min(MINIMUM_WIDTH, width), min(MINIMUM_HEIGHT, height))
        self.resize(width, height)
        self.move(
            room.x() + (room.width() - width) // 2,
            room.y() + max(0, (room.height() - height - WINDOW_FRAME_ROOM) // 2),
        )

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.UpdateRequest and not self._audio_requested:
            # The first frame is on screen: open the sound device soon, off the start-up path.
            self._audio_requested = True
            QTimer.singleShot(AUDIO_OPEN_DELAY_MS, self._open_audio_device)
            self.problems.check_soon()
        return handled

    def _open_audio_device(self) -> None:
        if not self._shut_down:
            self.screens.ensure_audio()

    # -- pages, built on first use, opened the same way --------------------------------------

    def _add_page(self, name: str, page: QWidget) -> None:
        self._built[name] = page
        self.pages.addWidget(page)

    def page(self, name: str, build: Callable[[], PageT]) -> PageT:
        """The page called ``name``, built (and its module loaded) the first time."""
        page = self._built.get(name)
        if page is None:
            page = build()
            self._add_page(name, page)
        return page  # type: ignore[return-value]

    def built(self, name: str) -> QWidget | None:
        """The page called ``name`` if it has been built."""
        return self._built.get(name)

    def current_name(self) -> str:
        current = self.pages.currentWidget()
        return next((name for name, page in self._built.items() if page is current), "")

    def show_page(self, page: QWidget, *, focus: bool = True) -> None:
        """Show ``page`` and the header that goes with it. With ``focus`` the page opens at its
        top with its first control focused; without, it stays as the person left it.
        """
        self.pages.setCurrentWidget(page)
        name = self.current_name()
        in_session = self.in_session
        journal_problem = name == "problem" or self.workspace.journal is None
        section = "home" if name == "script_intro" else name  # choosing what to listen to
        section = "journal" if name.startswith("journal_") else section  # the journal's views
        section = section if section in SECTIONS and not in_session else ""
        self.header.show_section(
            section,
            sections=not in_session and not journal_problem,
            ground=name not in ("grounding", "problem"),
        )
        if focus:
            open_at_top(page)

    def _escape(self) -> None:
        """Esc: back from grounding; "Stop and ground" in a session and at home; elsewhere,
        back home.
        """
        if self.current_name() == "grounding":
            self.flow.go_back()
        elif self.current_name().startswith("journal_"):
            self.sections.show_journal()
        elif self.in_session or self.current_name() == "home":
            self.stop_and_ground()
        elif self.current_name() in ("pacer", "library", "journal", "checkin_alone") or (
            self.current_name() == "data" and self.workspace.journal is not None
        ):
            self.show_home()

    # -- sections -------------------------------------------------------------------------------

    def show_section(self, section: str) -> None:
        self._finish_session()  # leaving a summary by the header: that session is over
        sections = self.sections
        {
            "home": self.show_home,
            "pacer": sections.show_pacer,
            "library": sections.show_library,
            "journal": sections.show_journal,
            "data": sections.show_data,
        }[section]()

    def show_home(self) -> None:
        self._finish_session()
        self.show_page(self.home)
        if self.reminders is not None:
            self.reminders.refresh()  # after a session: listened today, a week's sessions done

    def start_reminders(self) -> HomeworkReminders:
        """Homework reminders at the programme's times, from the system tray, while mtcalm
        runs (made once; nothing shows while there is no homework)."""
        if self.reminders is None:
            from mtcalm.ui.reminders import HomeworkReminders

            self.reminders = HomeworkReminders(self, self.workspace)
        return self.reminders

    def open_reminders(self) -> None:
        from mtcalm.ui.reminders import RemindersDialog

        dialog = RemindersDialog(self.start_reminders(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _check_in_alone(self) -> None:
        """A check-in on its own, kept in the journal without listening."""
        if self._checkin_alone is None:
            from mtcalm.ui.checkin_alone import CheckInAlone

            self._checkin_alone = CheckInAlone(self)
        self._checkin_alone.start()

    def _finish_session(self) -> None:
        if self._screens is not None:
            self._screens.flow.finish()

    def stop_and_ground(self) -> None:
        """Pause whatever is happening and go to the grounding exercise."""
        if self.current_name() not in ("grounding", "problem"):
            if self.current_name() == "pacer":
                self.sections.pacer.stop()
            self.flow.ground()

    def open_support(self) -> None:
        """The person's support contacts over the page shown; the session goes on as it was."""
        from mtcalm.ui.contacts_page import SupportDialog

        can_ground = self.header.ground_button.isVisibleTo(self.header)
        dialog = SupportDialog(
            self.workspace.journal, self, in_session=self.in_session, can_ground=can_ground
        )
        dialog.ground_requested.connect(self.stop_and_ground)
        if self._screens is not None:  # the offers after a hard moment show the list as it is
            dialog.page.changed.connect(self._screens.show_contacts)
        dialog.open()

    # -- messages ---------------------------------------------------------------------------------

    def tell(self, short: str, long: str, *, wait: bool = False) -> None:
        """A plain-text message; with ``wait`` a warning that is read before going on."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning if wait else QMessageBox.Icon.Information)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setWindowTitle(self.tr("mtcalm"))
        box.setText(short)
        box.setInformativeText(long)
        if wait:
            box.exec()
        else:
            box.open()

    def show_audio_notice(self, notice: PlayerError) -> None:
        """No sound device: plain words on the home page, the driver's message under Details."""
        text = "\n".join([*self.workspace.notices, f"{notice.short}. {notice.long}"])
        self.home.show_notice(text, detail=getattr(notice, "detail", ""))

    # -- bringing to the front, and closing -----------------------------------------------------

    def bring_to_front(self) -> None:
        """Another launch on the same data folder asked for this window."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def save_now(self) -> None:
        """The desktop is about to end the session: keep what listening and the settings say."""
        if self._screens is not None:
            self._screens.save_progress()
        with contextlib.suppress(WriteFailed):
            self.workspace.save_settings()

    def quit_quickly(self) -> None:
        """A signal (a logout, ``timeout``, Ctrl-C): fade out, keep everything, and go."""
        self.shut_down(quickly=True)
        self.close()
        QCoreApplication.quit()  # the window is hidden already: its closing would not quit

    # -- homework packages -------------------------------------------------------------------------

    @property
    def homework_importer(self) -> HomeworkImporter:
        if self._homework_importer is None:
            from mtcalm.ui.homework_import import HomeworkImporter

            self._homework_importer = HomeworkImporter(self)
        return self._homework_importer

    def open_file(self, path: Path) -> None:
        """A file given to ``mtcalm FILE`` (a file manager opening it): a homework package is
        offered; anything else is said not to be one.
        """
        from mtcalm.homework.package import looks_like_package

        if self.workspace.journal is None:
            return  # the journal's problem is on screen and comes first
        if path.is_file() and not looks_like_package(path):
            self.tell(
                self.tr("mtcalm cannot open this file"),
                self.tr(
                    "%1 is not a homework package. mtcalm opens homework packages "
                    "(.mtcalm-homework files) from a therapist."
                ).replace("%1", path.name),
            )
            return
        self.import_homework(path)

    def import_homework(self, path: Path) -> None:
        """Offer the homework package at ``path``: a preview, then the import if wanted."""
        if self.workspace.journal is None:
            return  # the journal's problem is on screen and comes first
        self.homework_importer.import_file(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_package(event.mimeData().urls()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        package = _dropped_package(event.mimeData().urls())
        if package is not None:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.import_homework(package))  # after the drop ends

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shut_down(quickly=False)
        super().closeEvent(event)

    def shut_down(self, *, quickly: bool) -> None:
        """Everything closing needs, once: the session kept as ended early with its listened
        time, the music faded out, settings saved, then today's backup (not on a quick quit).
        """
        if self._shut_down:
            return
        self._shut_down = True
        self.problems.stop_check()
        if self._screens is not None:
            self._screens.shut_down()
        if "library" in self._built:
            self.sections.library.shutdown()
        if "data" in self._built:
            self.sections.data_page.shutdown(quickly=quickly)
        if self._homework_importer is not None:
            self._homework_importer.stop()
        if "data" in self._built:  # a client's export under review: its summary finished first
            from mtcalm.ui.review_window import ReviewWindow

            for review in self.findChildren(ReviewWindow):
                review.shut_down()
        for name in ("journal_helps", "journal_changes"):  # readings on background threads
            view = self._built.get(name)
            if view is not None:
                from mtcalm.ui.journal_views import ChangesOverTimePage, WhatHelpsPage

                if isinstance(view, ChangesOverTimePage | WhatHelpsPage):
                    view.shutdown()
        try:
            self.workspace.save_settings()
        except WriteFailed as error:
            if not quickly:
                self.tell(error.short, error.long, wait=True)
            else:
                print(f"mtcalm: {error.short}: {error.long}", file=sys.stderr)
        self.hide()
        self.sections.daily_backup.finish_on_close(quickly=quickly)
        self.workspace.close()


def _dropped_package(urls: list[QUrl]) -> Path | None:
    """The one local homework package among dropped ``urls``, if that is what was dropped."""
    from mtcalm.homework.manifest import PACKAGE_SUFFIX

    files = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
    if len(files) == 1 and files[0].name.casefold().endswith(PACKAGE_SUFFIX):
        return files[0]
    return None
