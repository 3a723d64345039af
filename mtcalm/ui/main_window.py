"""The main window: a header, and pages that carry a person through one session."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mtcalm.checkin import CheckIn, Phase, suggests_support_first
from mtcalm.datadir import WriteFailed
from mtcalm.journal.file import JournalError
from mtcalm.journal.store import EventKind
from mtcalm.playlists import Playlist, Track
from mtcalm.scripts import Script
from mtcalm.ui.home_page import HomePage
from mtcalm.ui.text import plain_label, plural, tr
from mtcalm.ui.theme import HEADER_HEIGHT
from mtcalm.workspace import Workspace

if TYPE_CHECKING:  # the other pages are built, and their modules loaded, on first use
    from mtcalm.ambience import Ambience
    from mtcalm.audio.events import PlayerError, PlayerStatus
    from mtcalm.audio.info_cache import AudioInfoCache
    from mtcalm.audio.player import Player
    from mtcalm.drawing import Drawing
    from mtcalm.journal.restore import JournalFacts
    from mtcalm.session import ListeningSession
    from mtcalm.track_flags import TriggerFlags
    from mtcalm.ui.checkin_page import CheckInPage
    from mtcalm.ui.daily_backup import DailyBackup
    from mtcalm.ui.data_page import DataPage
    from mtcalm.ui.grounding_page import GroundingPage
    from mtcalm.ui.journal_page import JournalPage
    from mtcalm.ui.library_page import LibraryPage
    from mtcalm.ui.listening_page import ListeningPage
    from mtcalm.ui.pacer_page import PacerPage
    from mtcalm.ui.player_adapter import PlayerAdapter
    from mtcalm.ui.problem_page import JournalProblemPage
    from mtcalm.ui.reflection_page import ReflectionPage
    from mtcalm.ui.script_intro_page import ScriptIntroPage
    from mtcalm.ui.summary_page import SummaryPage
    from mtcalm.ui.support_page import SupportPage

PageT = TypeVar("PageT", bound=QWidget)

AudioOpener = Callable[[float], "tuple[Player, PlayerError | None]"]

FADE_IN_SECONDS = 3.0
FADE_OUT_SECONDS = 4.0
CLOSING_FADE_SECONDS = 0.4  # closing or a logout: the music fades, it never cuts off
PREFERRED_WIDTH, PREFERRED_HEIGHT = 1040, 760
MINIMUM_WIDTH, MINIMUM_HEIGHT = 760, 560
WINDOW_FRAME_ROOM = 48  # the desktop's title bar and borders, around the window's own size
AUDIO_OPEN_DELAY_MS = 200
SESSION_PAGES = (
    "checkin_before",
    "support",
    "listening",
    "grounding",
    "reflection",
    "checkin_after",
)


class MainWindow(QMainWindow):
    """Home → check-in → listening → check-in → summary, with the journal beside it."""

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
        self.playlists = list(playlists)  # the bundled ones
        self.own_playlists = list(own_playlists)
        self.scripts = list(scripts)
        self._info_cache = info_cache  # track facts, shared with My music
        self._open_audio = open_audio
        self._script: Script | None = None
        self._flags: TriggerFlags | None = None
        self.audio: PlayerAdapter | None = None
        self._playlist: Playlist | None = None
        self.session: ListeningSession | None = None
        self._music_on = False
        self._ground_return: QWidget | None = None
        self._ambience: dict[str, Ambience] | None = None  # read with the listening page
        self._alternative = ""  # another journal file the problem page offers
        self._resume_after_grounding = False
        self._pacer_return: QWidget | None = None
        self._heard_indexes: set[int] = set()  # the tracks of this session heard so far
        self._summary_tracks: tuple[Track, ...] = ()
        self._shut_down = False
        self._daily_backup: DailyBackup | None = None
        self.setWindowTitle(self.tr("mtcalm"))
        self.resize(PREFERRED_WIDTH, PREFERRED_HEIGHT)
        self.setMinimumSize(MINIMUM_WIDTH, MINIMUM_HEIGHT)

        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._build_header())
        self.pages = QStackedWidget()
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self._built: dict[str, QWidget] = {}
        self._audio_requested = False
        self.home = HomePage()
        self.home.begin_requested.connect(self.begin)
        self.home.script_requested.connect(self.begin_script)
        self._add_page("home", self.home)
        self._show_content()
        if workspace.notices:
            self.home.show_notice("\n".join(workspace.notices))
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.stop_and_ground)
        if workspace.journal is None:
            self._show_journal_problem()
        else:
            self.show_home()

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
            QTimer.singleShot(AUDIO_OPEN_DELAY_MS, self._ensure_audio)
        return handled

    # -- building ------------------------------------------------------------------------------

    def _build_header(self) -> QWidget:
        header = QFrame()
        header.setProperty("role", "header")
        header.setFixedHeight(HEADER_HEIGHT)  # the same on every page, buttons or not
        layout = QHBoxLayout(header)
        layout.setContentsMargins(24, 10, 24, 10)
        layout.addWidget(plain_label(self.tr("mtcalm"), "wordmark", wrap=False))
        layout.addStretch(1)
        self.nav_listen = QPushButton(self.tr("Listen"))
        self.nav_breathe = QPushButton(self.tr("Breathe"))
        self.nav_music = QPushButton(self.tr("My music"))
        self.nav_journal = QPushButton(self.tr("Journal"))
        self.nav_data = QPushButton(self.tr("Your data"))
        self.nav_group = QButtonGroup(self)
        self.nav_buttons = (
            self.nav_listen,
            self.nav_breathe,
            self.nav_music,
            self.nav_journal,
            self.nav_data,
        )
        for button in self.nav_buttons:
            button.setProperty("role", "nav")
            button.setCheckable(True)
            self.nav_group.addButton(button)
            layout.addWidget(button)
        self.nav_listen.clicked.connect(self.show_home)
        self.nav_breathe.clicked.connect(self.show_pacer)
        self.nav_music.clicked.connect(self.show_library)
        self.nav_journal.clicked.connect(self.show_journal)
        self.nav_data.clicked.connect(self.show_data)
        self.ground_button = QPushButton(self.tr("Stop and ground"))
        self.ground_button.setProperty("role", "ground")
        self.ground_button.setToolTip(self.tr("Pause and do a short grounding exercise (Esc)"))
        self.ground_button.clicked.connect(self.stop_and_ground)
        layout.addWidget(self.ground_button)
        return header

    # -- pages, built on first use --------------------------------------------------------

    def _add_page(self, name: str, page: QWidget) -> None:
        self._built[name] = page
        self.pages.addWidget(page)

    def _page(self, name: str, build: Callable[[], PageT]) -> PageT:
        page = self._built.get(name)
        if page is None:
            page = build()
            self._add_page(name, page)
        return page  # type: ignore[return-value]

    @property
    def checkin_before(self) -> CheckInPage:
        return self._page("checkin_before", lambda: self._build_checkin(Phase.BEFORE))

    @property
    def checkin_after(self) -> CheckInPage:
        return self._page("checkin_after", lambda: self._build_checkin(Phase.AFTER))

    def _build_checkin(self, phase: Phase) -> CheckInPage:
        from mtcalm.ui.checkin_page import CheckInPage

        page = CheckInPage(phase)
        handler = self._on_checked_in if phase is Phase.BEFORE else self._on_checked_out
        page.submitted.connect(handler)
        return page

    @property
    def support(self) -> SupportPage:
        def build() -> SupportPage:
            from mtcalm.ui.support_page import SupportPage

            page = SupportPage()
            page.grounding_requested.connect(self._ground_before_music)
            page.carry_on_requested.connect(self._start_music)
            return page

        return self._page("support", build)

    @property
    def listening(self) -> ListeningPage:
        def build() -> ListeningPage:
            from mtcalm.ui.listening_page import ListeningPage

            page = ListeningPage()
            page.pause_requested.connect(self._pause)
            page.resume_requested.connect(self._resume)
            page.end_requested.connect(self.end_session)
            page.volume_changed.connect(self._set_volume)
            page.seek_requested.connect(self._seek)
            page.timer_chosen.connect(self._choose_timer)
            page.timer_changed.connect(self._change_timer)
            page.ambience_chosen.connect(self._choose_ambience)
            page.ambience_volume_changed.connect(self._set_ambience_volume)
            page.breathe_requested.connect(self.show_pacer)
            page.flag_requested.connect(self._flag_heard_track)
            page.set_ambience_choices([(key, sound.title) for key, sound in self.ambience.items()])
            return page

        return self._page("listening", build)

    @property
    def grounding(self) -> GroundingPage:
        def build() -> GroundingPage:
            from mtcalm.ui.grounding_page import GroundingPage

            page = GroundingPage()
            page.return_requested.connect(self._return_from_grounding)
            page.end_requested.connect(self._end_from_grounding)
            return page

        return self._page("grounding", build)

    @property
    def summary(self) -> SummaryPage:
        def build() -> SummaryPage:
            from mtcalm.ui.summary_page import SummaryPage

            page = SummaryPage()
            page.home_requested.connect(self.show_home)
            page.journal_requested.connect(self.show_journal)
            page.grounding_requested.connect(self.stop_and_ground)
            page.flag_requested.connect(self._flag_from_summary)
            return page

        return self._page("summary", build)

    @property
    def journal(self) -> JournalPage:
        def build() -> JournalPage:
            from mtcalm.ui.journal_page import JournalPage

            return JournalPage()

        return self._page("journal", build)

    @property
    def pacer(self) -> PacerPage:
        def build() -> PacerPage:
            from mtcalm.ui.pacer_page import PacerPage

            page = PacerPage()
            page.pattern_changed.connect(self._keep_breathing_pattern)
            page.reduced_motion_changed.connect(self._keep_reduced_motion)
            page.done.connect(self._leave_pacer)
            return page

        return self._page("pacer", build)

    @property
    def script_intro(self) -> ScriptIntroPage:
        def build() -> ScriptIntroPage:
            from mtcalm.ui.script_intro_page import ScriptIntroPage

            page = ScriptIntroPage()
            page.accepted.connect(self._accept_script)
            page.declined.connect(self.show_home)
            return page

        return self._page("script_intro", build)

    @property
    def reflection(self) -> ReflectionPage:
        def build() -> ReflectionPage:
            from mtcalm.ui.reflection_page import ReflectionPage

            page = ReflectionPage()
            page.kept.connect(self._keep_reflection)
            page.skipped.connect(self._go_to_checkout)
            return page

        return self._page("reflection", build)

    @property
    def library(self) -> LibraryPage:
        def build() -> LibraryPage:
            from mtcalm.ui.library_page import LibraryPage

            workspace = self.workspace
            page = LibraryPage(
                workspace.data_dir,
                workspace.journal,
                play_flagged_tracks=workspace.settings.play_flagged_tracks,
                journal_problem=workspace.journal_problem.short
                if workspace.journal_problem
                else "",
                info_cache=self._info_cache,
                flags=self.flags,
            )
            page.play_flagged_changed.connect(self._keep_play_flagged)
            page.flags_changed.connect(self._forget_flags)
            page.playlists_changed.connect(self._on_own_playlists_changed)
            return page

        return self._page("library", build)

    @property
    def problem(self) -> JournalProblemPage:
        def build() -> JournalProblemPage:
            from mtcalm.ui.problem_page import JournalProblemPage

            page = JournalProblemPage()
            page.fresh_journal_requested.connect(self._start_fresh_journal)
            page.restore_requested.connect(self._restore_from_problem)
            page.alternative_requested.connect(self._open_alternative_journal)
            page.allow_writing_requested.connect(self._allow_writing)
            page.try_again_requested.connect(self._try_journal_again)
            page.quit_requested.connect(self.close)
            return page

        return self._page("problem", build)

    @property
    def daily_backup(self) -> DailyBackup:
        """Today's copy of the journal, made off the UI thread (loaded when first needed)."""
        if self._daily_backup is None:
            from mtcalm.ui.daily_backup import DailyBackup

            self._daily_backup = DailyBackup(self.workspace, self)
        return self._daily_backup

    @property
    def data_page(self) -> DataPage:
        def build() -> DataPage:
            from mtcalm.ui.data_page import DataPage

            page = DataPage(self.workspace, self.daily_backup)
            page.busy_changed.connect(self._keep_on_data_page)
            page.journal_replaced.connect(self._after_restore)
            page.back_requested.connect(self._show_journal_problem)
            return page

        return self._page("data", build)

    @property
    def ambience(self) -> dict[str, Ambience]:
        """The bundled background sounds by key, read when first needed."""
        if self._ambience is None:
            from mtcalm.ambience import bundled_ambience

            self._ambience = {sound.key: sound for sound in bundled_ambience()}
        return self._ambience

    def _current_name(self) -> str:
        current = self.pages.currentWidget()
        return next((name for name, page in self._built.items() if page is current), "")

    # -- navigation ----------------------------------------------------------------------------

    @property
    def in_session(self) -> bool:
        name = self._current_name()
        return name in SESSION_PAGES or (name == "pacer" and self.session is not None)

    def _show(self, page: QWidget) -> None:
        self.pages.setCurrentWidget(page)
        name = self._current_name()
        session_page = self.in_session
        without_journal = self.workspace.journal is None
        for button in self.nav_buttons:
            button.setVisible(not session_page and name != "problem" and not without_journal)
        self.ground_button.setVisible(session_page and name != "grounding")
        self.nav_listen.setChecked(name == "home")
        self.nav_breathe.setChecked(name == "pacer")
        self.nav_music.setChecked(name == "library")
        self.nav_journal.setChecked(name == "journal")
        self.nav_data.setChecked(name == "data")

    def show_home(self) -> None:
        self._show(self.home)

    def show_library(self) -> None:
        self._show(self.library)

    def _show_content(self) -> None:
        """Home lists the bundled and own playlists, then the scripts with their music."""
        playlists = self._all_playlists()
        flagged = {
            playlist.id: len(self._flagged_indexes(playlist.tracks)) for playlist in playlists
        }
        self.home.set_playlists(playlists, flagged)
        titles = {playlist.id: playlist.title for playlist in self._all_playlists()}
        self.home.set_scripts(self.scripts, titles)

    def _all_playlists(self) -> list[Playlist]:
        return [*self.playlists, *self.own_playlists]

    def _on_own_playlists_changed(self) -> None:
        self.own_playlists = self.library.own_playlists()
        self._show_content()

    def show_journal(self) -> None:
        journal = self.workspace.journal
        if journal is None:
            return
        active = self.session.session_id if self.session else None
        self.journal.show_records(journal.sessions(), active, reflections=journal)
        self._show(self.journal)

    def show_data(self) -> None:
        page = self.data_page
        page.set_back_visible(self.workspace.journal is None)
        page.refresh()
        self._show(page)
        page.focus_first()

    def _keep_on_data_page(self, busy: bool) -> None:
        """While a copy or restore runs, the journal may be closed: the header waits."""
        for button in self.nav_buttons:
            button.setEnabled(not busy)

    def _after_restore(self) -> None:
        """The journal was replaced: what was read from it is read again. The person stays
        where they are (grounding, say) unless they were waiting on Your data.
        """
        waiting = self._current_name() in ("data", "problem")
        if self.workspace.journal is None:
            if waiting:
                self._show_journal_problem()
            return
        if self._flags is not None:
            self._flags.refresh()
        if "library" in self._built:
            self.library.refresh_flags()  # the same journal object, opened on the new file
        self._show_content()
        if waiting:
            self._show(self.data_page)  # the header comes back if it was hidden

    def _show_journal_problem(self, result: str = "") -> None:
        problem = self.workspace.journal_problem
        if problem is None:
            self.show_home()
            return
        from mtcalm.ui.problem_page import ProblemActions, actions_for

        actions = actions_for(problem)
        found = (
            self.workspace.alternative_journal() if actions is ProblemActions.SET_ASIDE else None
        )
        self._alternative = found.path.name if found is not None else ""
        self.problem.show_problem(
            problem.short,
            problem.long,
            actions,
            has_backups=self.workspace.has_restorable_backups(),
            alternative=journal_facts_text(found) if found is not None else "",
            path=problem.path,
            result=result,
        )
        self._show(self.problem)
        self.problem.focus_first()

    def _start_fresh_journal(self) -> None:
        try:
            self.workspace.start_fresh_journal()
        except (WriteFailed, JournalError) as error:
            self._tell(self.tr("A fresh journal could not be started"), error.long)
            return
        self._journal_back(
            self.tr(
                "A fresh journal was started. Your old journal is kept, unchanged, in your "
                "data folder."
            )
        )

    def _open_alternative_journal(self) -> None:
        try:
            self.workspace.use_journal(self._alternative)
        except WriteFailed as error:
            self._tell(error.short, error.long)
            return
        self._journal_back(self.tr("The other journal in your data folder is open now."))

    def _allow_writing(self) -> None:
        try:
            self.workspace.allow_writing_to_journal()
        except WriteFailed as error:
            self._show_journal_problem(f"{error.short}. {error.long}")
            return
        self._journal_back(self.tr("mtcalm can write to your journal again."))

    def _try_journal_again(self) -> None:
        self.workspace.try_again()
        self._journal_back(
            "", still=self.tr("Tried again: it is still the same. Nothing was changed.")
        )

    def _restore_from_problem(self) -> None:
        self.show_data()

    def _journal_back(self, notice: str, still: str = "") -> None:
        """After a way forward was taken on the problem page: home with ``notice``, or the
        problem page again saying ``still``.
        """
        if self.workspace.journal is None:
            self._show_journal_problem(still)
            return
        self._flags = None
        self._show_content()
        notices = [*self.workspace.notices, notice] if notice else self.workspace.notices
        if notices:
            self.home.show_notice("\n".join(notices))
        self.show_home()

    # -- the session ---------------------------------------------------------------------------

    def begin_script(self, script: Script) -> None:
        """A guided-imagery session; the first time, who it is not for comes first."""
        playlist = next((p for p in self._all_playlists() if p.id == script.playlist), None)
        if playlist is None:
            return  # its card says why it cannot begin
        if script.id in self.workspace.settings.introduced_scripts:
            self.begin(playlist, script)
            return
        self.script_intro.show_script(script, playlist.title)
        self._show(self.script_intro)
        self.script_intro.focus_first()

    def _accept_script(self, script: Script) -> None:
        settings = self.workspace.settings
        introduced = (*settings.introduced_scripts, script.id)
        self.workspace.settings = settings.with_changes(introduced_scripts=introduced)
        playlist = next((p for p in self._all_playlists() if p.id == script.playlist), None)
        if playlist is not None:
            self.begin(playlist, script)

    def begin(self, playlist: Playlist, script: Script | None = None) -> None:
        """Start a session with ``playlist`` (under ``script``'s words): first, the check-in."""
        if not self._programme(playlist):
            self._tell(
                self.tr("Nothing to play"),
                self.tr(
                    "Every track in “%1” is flagged as a trigger, so none would play. You can "
                    "choose other music, or change this under My music."
                ).replace("%1", playlist.title),
            )
            return
        self._playlist = playlist
        self._script = script
        self._heard_indexes = set()
        self.session = None
        self.checkin_before.reset()
        self._show(self.checkin_before)
        self.checkin_before.focus_first()
        # Measure untagged tracks' levels during the check-in, so the music starts at once.
        programme = self._programme(playlist)
        self._ensure_audio().player.prepare([track.path for track in programme if track.playable])

    def _on_checked_in(self, before: CheckIn) -> None:
        journal = self.workspace.journal
        if journal is None or self._playlist is None:
            return
        from mtcalm.session import ListeningSession

        try:
            self.session = ListeningSession.begin(
                journal,
                self._playlist,
                before,
                tracks=self._programme(self._playlist),
                script=self._script,
            )
        except JournalError as error:
            self._tell(error.short, error.long)  # the answers stay on screen
            return
        if suggests_support_first(before):
            self._show(self.support)
        else:
            self._start_music()

    def _start_music(self) -> None:
        audio = self._ensure_audio()
        if self.session is None:
            return
        settings = self.workspace.settings
        session = self.session
        heard = replace(session.playlist, tracks=session.tracks)  # indexes as the player's
        notices = [audio.notice.long] if audio.notice else []
        left_out = len(session.playlist.tracks) - len(session.tracks)
        if left_out:
            tracks = plural(left_out, self.tr("One track"), self.tr("%n tracks"))
            skipped = self.tr("%1 flagged as a trigger will be skipped.")
            notices.append(skipped.replace("%1", tracks))
        ambience = settings.ambience if settings.ambience in self.ambience else ""
        if session.script is not None:
            self.listening.start_guided(session.script, heard, settings.volume, "\n".join(notices))
        else:
            self.listening.start(heard, settings.volume, "\n".join(notices))
        self.listening.set_reduced_motion(settings.reduced_motion)
        self.listening.set_flagged(self._flagged_indexes(session.tracks))
        self.listening.show_sound(settings.timer_minutes, ambience, settings.ambience_volume)
        self._music_on = True
        self._show(self.listening)
        player = audio.player
        player.set_volume(settings.volume)
        player.set_ambience_volume(settings.ambience_volume)
        self._play_ambience(ambience)
        timer = session.script.duration if session.script else settings.timer_minutes * 60
        player.play(
            [track.path for track in session.tracks],
            fade_in=FADE_IN_SECONDS,
            crossfade=session.playlist.crossfade_seconds,
            fade_out=FADE_OUT_SECONDS,
            timer=timer or None,
        )
        if session.script is not None:
            self.listening.cue_view.setFocus()  # the arrow keys move between the words at once
        else:
            self.listening.pause_button.setFocus()

    def _pause(self) -> None:
        if self.audio:
            self.audio.player.pause()

    def _resume(self) -> None:
        if self.audio:
            self.audio.player.resume()

    def _set_volume(self, volume: float) -> None:
        if self.audio:
            self.audio.player.set_volume(volume)
        self.workspace.settings = self.workspace.settings.with_changes(volume=volume)

    def _seek(self, seconds: float) -> None:
        if self.audio and self._music_on:
            self.audio.player.seek(seconds)

    def _choose_timer(self, minutes: int) -> None:
        """A session length was chosen: it counts from now, and is remembered."""
        self.workspace.settings = self.workspace.settings.with_changes(timer_minutes=minutes)
        if self.audio and self._music_on:
            self.audio.player.set_timer(minutes * 60 or None)

    def _change_timer(self, seconds: float) -> None:
        if self.audio and self._music_on:
            self.audio.player.change_timer(seconds)

    def _choose_ambience(self, key: str) -> None:
        self.workspace.settings = self.workspace.settings.with_changes(ambience=key)
        self._play_ambience(key)

    def _play_ambience(self, key: str) -> None:
        """Fade the background sound ``key`` in ("" fades it out); the same one carries on."""
        if self.audio is None:
            return
        sound = self.ambience.get(key)
        path = sound.path if sound else None
        if self.audio.status().ambience != path:
            self.audio.player.set_ambience(path)

    def _set_ambience_volume(self, volume: float) -> None:
        if self.audio:
            self.audio.player.set_ambience_volume(volume)
        self.workspace.settings = self.workspace.settings.with_changes(ambience_volume=volume)

    def end_session(self) -> None:
        """The person ends the session: the music fades out, then the check-in follows."""
        if self.audio and self._music_on:
            self.audio.player.end(fade_out=FADE_OUT_SECONDS)
            self._show(self.listening)
        elif self.session is not None:
            self._on_playback_ended(False)

    def _on_playback_ended(self, completed: bool) -> None:
        self._music_on = False
        session = self.session
        if session is None:
            return
        listened = self.audio.status().listened if self.audio else session.listened_seconds
        try:
            session.finish_listening(completed, listened)
        except JournalError as error:
            self._tell(error.short, error.long)
        self.checkin_after.reset()
        next_page = self._after_music_page()
        if session.script is not None:
            self.reflection.reset(session.script.reflection)
        if self._current_name() == "pacer":  # let the breath finish; Done goes on from here
            self._pacer_return = next_page
            self.pacer.set_done_text(self.tr("Go on"))
            return
        if self._current_name() == "grounding":
            return  # returning from grounding goes on to the next page
        self._show_and_focus(next_page)

    def _after_music_page(self) -> QWidget:
        """A guided-imagery session reflects before the check-in; a listening one checks in."""
        if self.session is not None and self.session.script is not None:
            return self.reflection
        return self.checkin_after

    def _show_and_focus(self, page: QWidget) -> None:
        self._show(page)
        focus_first = getattr(page, "focus_first", None)
        if callable(focus_first):
            focus_first()

    def _keep_reflection(self, note: str, drawing: Drawing) -> None:
        session = self.session
        if session is None:
            return
        prompt = session.script.reflection if session.script else ""
        try:
            session.journal.record_reflection(session.session_id, prompt, note, drawing)
        except (JournalError, ValueError) as error:
            short = getattr(error, "short", self.tr("The reflection could not be kept"))
            self._tell(short, getattr(error, "long", str(error)))  # it stays on the page
            return
        self._go_to_checkout()

    def _go_to_checkout(self) -> None:
        self._show_and_focus(self.checkin_after)

    def _on_checked_out(self, after: CheckIn) -> None:
        if self.session is None:
            return
        try:
            summary = self.session.check_out(after)
        except JournalError as error:
            self._tell(error.short, error.long)
            return
        session, self.session = self.session, None
        self.summary.show_summary(summary)
        self.daily_backup.start_if_due()  # a session ended: today's copy, off the UI thread
        if after.value("stirred_up") == 1 and self.flags is not None:
            self._summary_tracks = session.tracks
            heard = sorted(self._heard_indexes)
            self.summary.offer_flags(
                [
                    (
                        index,
                        session.tracks[index].title,
                        self.flags.is_flagged(session.tracks[index].path),
                    )
                    for index in heard
                    if index < len(session.tracks)
                ]
            )
        self._show(self.summary)

    # -- trigger flags ----------------------------------------------------------------------

    @property
    def flags(self) -> TriggerFlags | None:
        """The tracks flagged as triggers, read from the journal when first needed."""
        journal = self.workspace.journal
        if self._flags is None and journal is not None:
            from mtcalm.assets import assets_dir
            from mtcalm.track_flags import TriggerFlags

            self._flags = TriggerFlags(journal, assets_dir())
        return self._flags

    def _forget_flags(self) -> None:
        """The flags changed elsewhere: read them again, and show them on the home page."""
        if self._flags is not None:
            self._flags.refresh()
        self._show_content()

    def _programme(self, playlist: Playlist) -> tuple[Track, ...]:
        """What a session with ``playlist`` plays: flagged tracks are left out unless chosen."""
        flags = self.flags
        if flags is None:
            return playlist.tracks
        include = self.workspace.settings.play_flagged_tracks
        return tuple(flags.playable(playlist.tracks, include_flagged=include))

    def _flag_from_summary(self, index: int, flag: bool) -> None:
        flags, tracks = self.flags, self._summary_tracks
        if flags is None or not 0 <= index < len(tracks):
            return
        try:
            flags.set_flagged(tracks[index].path, tracks[index].title, flag)
        except JournalError as error:
            self._tell(error.short, error.long)
            return
        self.summary.show_flagged(index, flag)
        self._show_content()

    def _flagged_indexes(self, tracks: Sequence[Track]) -> list[int]:
        return self.flags.flagged_indexes(tracks) if self.flags is not None else []

    def _flag_heard_track(self, index: int, flag: bool) -> None:
        """Flag (or unflag) a track of the session; it plays on now, and is skipped next time."""
        flags, session = self.flags, self.session
        if flags is None or session is None or not 0 <= index < len(session.tracks):
            return
        track = session.tracks[index]
        try:
            flags.set_flagged(track.path, track.title, flag)
        except JournalError as error:
            self.listening.show_problem(f"{error.short}: {error.long}")
            return
        self.listening.set_flagged(self._flagged_indexes(session.tracks))
        self._show_content()
        if flag:
            self.listening.show_problem(
                self.tr(
                    "“%1” is flagged and will be skipped from now on. If it is hard to stay "
                    "with, you can end the session or stop and ground at any time."
                ).replace("%1", track.title)
            )

    def _keep_play_flagged(self, play: bool) -> None:
        self.workspace.settings = self.workspace.settings.with_changes(play_flagged_tracks=play)

    # -- the breathing guide ------------------------------------------------------------------

    def show_pacer(self) -> None:
        """The breathing guide: on its own, or over a session whose music keeps playing."""
        during_music = self._current_name() == "listening"
        self._pacer_return = self.listening if during_music else None
        settings = self.workspace.settings
        page = self.pacer
        page.set_pattern(settings.breaths_per_minute, settings.exhale_ratio)
        page.set_reduced_motion(settings.reduced_motion)
        page.set_done_text(self.tr("Back to the music") if during_music else self.tr("Back home"))
        self._show(page)
        page.start()

    def _leave_pacer(self) -> None:
        self.pacer.stop()
        target, self._pacer_return = self._pacer_return, None
        if target is None:
            self.show_home()
        else:
            self._show_and_focus(target)

    def _keep_breathing_pattern(self, breaths_per_minute: float, exhale_ratio: float) -> None:
        self.workspace.settings = self.workspace.settings.with_changes(
            breaths_per_minute=breaths_per_minute, exhale_ratio=exhale_ratio
        )

    def _keep_reduced_motion(self, reduced: bool) -> None:
        self.workspace.settings = self.workspace.settings.with_changes(reduced_motion=reduced)

    # -- stop and ground -----------------------------------------------------------------------

    def stop_and_ground(self) -> None:
        """Pause whatever is happening and go to the grounding exercise."""
        from mtcalm.audio.events import PlayerState

        current = self.pages.currentWidget()
        if self._current_name() in ("grounding", "problem"):
            return
        self._ground_return = current
        self._resume_after_grounding = False
        playing = self.audio is not None and self.audio.status().state is PlayerState.PLAYING
        on_listening = self._current_name() == "listening"
        if on_listening and self.audio and self._music_on and playing:
            self.audio.player.pause()
            self._resume_after_grounding = True
        if self.session is not None:
            with contextlib.suppress(JournalError):  # grounding matters more than its record
                self.session.note_event(EventKind.GROUNDING)
        return_text = self.tr("Return to the music") if on_listening else self.tr("Go back")
        self.grounding.begin(return_text, can_end=self._music_on)
        self._show(self.grounding)

    def _ground_before_music(self) -> None:
        self.stop_and_ground()
        self.grounding.return_button.setText(self.tr("Go on to the music"))
        self._ground_return = None  # returning starts the music

    def _return_from_grounding(self) -> None:
        target = self._ground_return
        if target is None:
            self._start_music()
            return
        listening = self._built.get("listening")
        if target is listening and self._resume_after_grounding and self.audio:
            self.audio.player.resume()
        if target is listening and not self._music_on and self.session is not None:
            self._show_and_focus(self._after_music_page())  # the music ended while grounding
            return
        self._show(target)

    def _end_from_grounding(self) -> None:
        self._show(self.listening)
        self.end_session()

    # -- audio ---------------------------------------------------------------------------------

    def _ensure_audio(self) -> PlayerAdapter:
        if self.audio is None:
            from mtcalm.audio.events import PlayerState
            from mtcalm.ui.player_adapter import PlayerAdapter

            player, notice = self._open_audio(self.workspace.settings.volume)
            self.audio = PlayerAdapter(player, notice, self)
            self.audio.track_started.connect(self._on_track_started)
            self.audio.track_failed.connect(self._on_track_failed)
            self.audio.ambience_failed.connect(self._on_ambience_failed)
            self.audio.playback_ended.connect(self._on_playback_ended)
            self.audio.progress.connect(self._on_progress)
            self.audio.state_changed.connect(
                lambda state: self.listening.set_state(PlayerState(state))
            )
            if notice is not None:
                self.home.show_notice(
                    "\n".join([*self.workspace.notices, f"{notice.short}. {notice.long}"])
                )
        return self.audio

    def _on_track_started(self, index: int) -> None:
        self.listening.show_track(index)
        self._heard_indexes.add(index)
        if self.session is not None and 0 <= index < len(self.session.tracks):
            track = self.session.tracks[index]
            self._record(EventKind.TRACK_STARTED, str(track.path.name))

    def _on_track_failed(self, index: int, short: str, long: str) -> None:
        title = self.tr("a track")
        if self.session is not None and 0 <= index < len(self.session.tracks):
            track = self.session.tracks[index]
            title = track.title
            self._record(EventKind.TRACK_FAILED, f"{track.path.name}: {short}")
        self.listening.show_problem(
            self.tr("“%1” could not be played (%2). Going on with the next track.")
            .replace("%1", title)
            .replace("%2", short.lower())
        )

    def _on_ambience_failed(self, path: str, short: str, long: str) -> None:
        """The background sound stopped; the music goes on, and it is no longer chosen."""
        title = next(
            (sound.title for sound in self.ambience.values() if str(sound.path) == path),
            Path(path).name,
        )
        self.workspace.settings = self.workspace.settings.with_changes(ambience="")
        self.listening.show_ambience_stopped()
        self.listening.show_problem(
            self.tr("The background sound “%1” could not be played (%2). The music goes on.")
            .replace("%1", title)
            .replace("%2", short.lower())
        )

    def _on_progress(self, status: PlayerStatus) -> None:
        if not self._music_on or self.session is None:
            return
        self.listening.show_progress(status)
        try:
            self.session.note_progress(status.listened)
        except JournalError as error:
            self.listening.show_problem(f"{error.short}: {error.long}")

    def _record(self, kind: EventKind, detail: str) -> None:
        if self.session is None:
            return
        try:
            self.session.note_event(kind, detail)
        except JournalError as error:
            self.listening.show_problem(f"{error.short}: {error.long}")

    def _tell(self, short: str, long: str, *, wait: bool = False) -> None:
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
        if self.session is not None and self._music_on and self.audio is not None:
            with contextlib.suppress(JournalError):
                self.session.journal.record_progress(
                    self.session.session_id, self.audio.status().listened
                )
        with contextlib.suppress(WriteFailed):
            self.workspace.save_settings()

    def quit_quickly(self) -> None:
        """A signal (a logout, ``timeout``, Ctrl-C): fade out, keep everything, and go."""
        self.shut_down(quickly=True)
        self.close()
        QCoreApplication.quit()  # the window is hidden already: its closing would not quit

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
        if self.session is not None and self._music_on and self.audio is not None:
            listened = self.audio.status().listened
            with contextlib.suppress(JournalError):  # it already shows as ended early
                self.session.finish_listening(False, listened)
        if "library" in self._built:
            self.library.shutdown()
        if "data" in self._built:
            self.data_page.shutdown(quickly=quickly)
        if self.audio is not None:
            self.audio.fade_out_and_close(CLOSING_FADE_SECONDS)
            self.audio = None
        try:
            self.workspace.save_settings()
        except WriteFailed as error:
            if not quickly:
                self._tell(error.short, error.long, wait=True)
            else:
                print(f"mtcalm: {error.short}: {error.long}", file=sys.stderr)
        self.hide()
        self.daily_backup.finish_on_close(quickly=quickly)
        self.workspace.close()


def journal_facts_text(facts: JournalFacts) -> str:
    """``it holds 12 sessions, the newest from 03 Dec 2026``"""
    sessions = plural(facts.sessions, tr("one session"), tr("%n sessions"))
    if facts.newest is None:
        return tr("it holds %1").replace("%1", sessions)
    newest = facts.newest.strftime("%d %b %Y")
    return tr("it holds %1, the newest from %2").replace("%1", sessions).replace("%2", newest)
