"""The pages of a session, shown as the flow moves, and the sound that goes with them.

:class:`mtcalm.session.flow.SessionFlow` decides what comes after what and keeps the journal;
this shows the page for each step, forwards the person's actions and the player's events to
the flow, and handles what belongs to the listening page alone (volume, timer, background
sound), which the settings remember.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from mtcalm.checkin import CheckInItem, Phase
from mtcalm.journal.file import JournalError
from mtcalm.playlists import Playlist, Track
from mtcalm.scripts import Script
from mtcalm.session.flow import SessionFlow, SessionPlan, Step
from mtcalm.ui.text import plural

if TYPE_CHECKING:
    from mtcalm.ambience import Ambience
    from mtcalm.audio.events import PlayerError, PlayerStatus
    from mtcalm.audio.player import Player
    from mtcalm.session.record import ListeningSession
    from mtcalm.ui.checkin_page import CheckInPage
    from mtcalm.ui.grounding_page import GroundingPage
    from mtcalm.ui.listening_page import ListeningPage
    from mtcalm.ui.main_window import MainWindow
    from mtcalm.ui.player_adapter import PlayerAdapter
    from mtcalm.ui.reflection_page import ReflectionPage
    from mtcalm.ui.script_intro_page import ScriptIntroPage
    from mtcalm.ui.summary_page import SummaryPage
    from mtcalm.ui.support_page import SupportPage

AudioOpener = Callable[[float], "tuple[Player, PlayerError | None]"]

CLOSING_FADE_SECONDS = 0.4  # closing or a logout: the music fades, it never cuts off


class SessionScreens(QObject):
    """Shows the flow's steps in ``window`` and plays the session's sound."""

    def __init__(self, window: MainWindow, open_audio: AudioOpener) -> None:
        super().__init__(window)
        self.window = window
        self._open_audio = open_audio
        self.audio: PlayerAdapter | None = None
        self._ambience: dict[str, Ambience] | None = None
        self._previous = Step.IDLE
        self._before_grounding: QWidget | None = None  # a page outside any session
        self.flow = SessionFlow(
            lambda: window.workspace.journal,
            lambda: self.ensure_audio().player,
            self,
            lambda: window.catalogue.flags,
        )

    # -- the pages, built on first use ---------------------------------------------------------

    @property
    def checkin_before(self) -> CheckInPage:
        return self.window.page("checkin_before", lambda: self._build_checkin(Phase.BEFORE))

    @property
    def checkin_after(self) -> CheckInPage:
        return self.window.page("checkin_after", lambda: self._build_checkin(Phase.AFTER))

    def _build_checkin(self, phase: Phase) -> CheckInPage:
        from mtcalm.ui.checkin_page import CheckInPage

        page = CheckInPage(phase)
        page.questions_requested.connect(lambda: self.choose_questions(page))
        if phase is Phase.BEFORE:
            page.submitted.connect(self.flow.check_in)
            page.cancel_requested.connect(self.flow.cancel)
        else:
            page.submitted.connect(self.flow.check_out)
        return page

    @property
    def support(self) -> SupportPage:
        def build() -> SupportPage:
            from mtcalm.ui.support_page import SupportPage

            page = SupportPage()
            page.grounding_requested.connect(self.flow.ground)
            page.carry_on_requested.connect(self.flow.carry_on)
            page.skip_requested.connect(self.flow.end)
            page.contacts_requested.connect(self.window.open_support)
            return page

        return self.window.page("support", build)

    @property
    def listening(self) -> ListeningPage:
        def build() -> ListeningPage:
            from mtcalm.ui.listening_page import ListeningPage

            page = ListeningPage()
            page.pause_requested.connect(self._pause)
            page.resume_requested.connect(self._resume)
            page.end_requested.connect(self.flow.end)
            page.skip_requested.connect(self.flow.skip)
            page.volume_changed.connect(self._set_volume)
            page.seek_requested.connect(self._seek)
            page.timer_chosen.connect(self._choose_timer)
            page.timer_changed.connect(self._change_timer)
            page.ambience_chosen.connect(self._choose_ambience)
            page.ambience_volume_changed.connect(self._set_ambience_volume)
            page.breathe_requested.connect(self.flow.breathe)
            page.flag_requested.connect(self._flag_heard_track)
            page.set_ambience_choices([(key, sound.title) for key, sound in self.ambience.items()])
            return page

        return self.window.page("listening", build)

    @property
    def grounding(self) -> GroundingPage:
        def build() -> GroundingPage:
            from mtcalm.ui.grounding_page import GroundingPage

            page = GroundingPage()
            page.return_requested.connect(self.flow.go_back)
            page.end_requested.connect(self.flow.end)
            return page

        return self.window.page("grounding", build)

    @property
    def reflection(self) -> ReflectionPage:
        def build() -> ReflectionPage:
            from mtcalm.ui.reflection_page import ReflectionPage

            page = ReflectionPage()
            page.kept.connect(self.flow.keep_reflection)
            page.skipped.connect(self.flow.skip_reflection)
            return page

        return self.window.page("reflection", build)

    @property
    def summary(self) -> SummaryPage:
        def build() -> SummaryPage:
            from mtcalm.ui.summary_page import SummaryPage

            page = SummaryPage()
            page.home_requested.connect(lambda: self._leave_summary(self.window.show_home))
            page.journal_requested.connect(
                lambda: self._leave_summary(self.window.sections.show_journal)
            )
            page.grounding_requested.connect(self.flow.ground)
            page.flag_requested.connect(self._flag_from_summary)
            page.contacts_requested.connect(self.window.open_support)
            return page

        return self.window.page("summary", build)

    @property
    def script_intro(self) -> ScriptIntroPage:
        def build() -> ScriptIntroPage:
            from mtcalm.ui.script_intro_page import ScriptIntroPage

            page = ScriptIntroPage()
            page.accepted.connect(self._accept_script)
            page.declined.connect(self.window.show_home)
            return page

        return self.window.page("script_intro", build)

    @property
    def ambience(self) -> dict[str, Ambience]:
        """The bundled background sounds by key, read when first needed."""
        if self._ambience is None:
            from mtcalm.ambience import bundled_ambience

            self._ambience = {sound.key: sound for sound in bundled_ambience()}
        return self._ambience

    # -- choosing ------------------------------------------------------------------------------

    def begin_script(self, script: Script) -> None:
        """A guided-imagery session; the first time, who it is not for comes first."""
        playlist = self.window.catalogue.playlist_of(script)
        if playlist is None:
            return  # its card says why it cannot begin
        if script.id in self.window.workspace.settings.introduced_scripts:
            self.begin(playlist, script)
            return
        self.script_intro.show_script(script, playlist.title)
        self.window.show_page(self.script_intro)

    def _accept_script(self, script: Script) -> None:
        workspace = self.window.workspace
        introduced = (*workspace.settings.introduced_scripts, script.id)
        workspace.settings = workspace.settings.with_changes(introduced_scripts=introduced)
        playlist = self.window.catalogue.playlist_of(script)
        if playlist is not None:
            self.begin(playlist, script)

    def begin(self, playlist: Playlist, script: Script | None = None) -> None:
        """Start a session with ``playlist`` (under ``script``'s words): first, the check-in."""
        if self.flow.in_session:
            return
        settings = self.window.workspace.settings
        programme = self.window.catalogue.programme(
            playlist, include_flagged=settings.play_flagged_tracks
        )
        if not programme:
            self.window.tell(
                self.tr("Nothing to play"),
                self.tr(
                    "Every track in “%1” is flagged as a trigger, so none would play. You can "
                    "choose other music, or change this under My music."
                ).replace("%1", playlist.title),
            )
            return
        minutes = settings.timer_minutes
        self.flow.begin(SessionPlan(playlist, programme, script, minutes * 60 or None))
        # Measure untagged tracks' levels during the check-in, so the music starts at once.
        self.ensure_audio().player.prepare([track.path for track in programme if track.playable])

    # -- the check-in's optional questions -----------------------------------------------------

    def chosen_items(self) -> tuple[CheckInItem, ...]:
        """The optional questions the person switched on (none if the journal cannot say)."""
        from mtcalm.journal.personal import chosen_items

        journal = self.window.workspace.journal
        try:
            return chosen_items(journal) if journal is not None else ()
        except (sqlite3.Error, JournalError):
            return ()  # the questions the journal cannot tell: the core ones are asked

    def choose_questions(self, page: CheckInPage) -> None:
        """Add or change the optional questions; they are asked from this check-in on."""
        from mtcalm.journal.personal import choose_items, items_from_therapist
        from mtcalm.ui.checkin_items_dialog import CheckInItemsDialog

        journal = self.window.workspace.journal
        if journal is None:
            return
        try:
            from_therapist = items_from_therapist(journal)
        except (sqlite3.Error, JournalError):
            from_therapist = frozenset()
        dialog = CheckInItemsDialog(self.chosen_items(), self.window, from_therapist=from_therapist)
        if not dialog.exec():
            return
        try:
            choose_items(journal, dialog.chosen())
        except JournalError as error:
            self.window.tell(error.short, error.long)
            return
        page.set_optional_items(dialog.chosen())
        page.focus_unanswered()

    # -- the flow's view -----------------------------------------------------------------------

    def step_changed(self, step: Step) -> None:
        previous, self._previous = self._previous, step
        back = previous in (Step.GROUNDING, Step.BREATHING)
        if step is Step.IDLE:
            self._show_idle(previous)
        elif step is Step.CHECKIN_BEFORE:
            if not back:
                self.checkin_before.set_optional_items(self.chosen_items())
                self.checkin_before.reset()
            self.window.show_page(self.checkin_before)
        elif step in (Step.SUPPORT_BEFORE, Step.SUPPORT_AFTER):
            session = self.flow.session
            reflects = session is not None and session.script is not None
            self.support.show_offer(after=step is Step.SUPPORT_AFTER, reflection=reflects)
            self.show_contacts()
            self.window.show_page(self.support)
        elif step in (Step.LISTENING, Step.ENDING):
            # Ending keeps the page as it is while the music fades; listening opens afresh.
            self.window.show_page(self.listening, focus=step is Step.LISTENING)
        elif step is Step.GROUNDING:
            self._show_grounding(previous)
        elif step is Step.BREATHING:
            self.window.sections.show_pacer(during_music=True)
        elif step is Step.REFLECTION:
            session = self.flow.session
            if not back and session is not None and session.script is not None:
                self.reflection.reset(session.script.reflection)
            self.window.show_page(self.reflection)
        elif step is Step.CHECKIN_AFTER:
            if previous is not Step.GROUNDING:
                session = self.flow.session
                asked = session.before.items if session is not None else ()
                self.checkin_after.set_optional_items(asked)  # the same questions as before
                self.checkin_after.reset()
            self.window.show_page(self.checkin_after)
        elif step is Step.SUMMARY:
            self._show_summary(back)

    def _show_idle(self, previous: Step) -> None:
        if previous is Step.GROUNDING and self._before_grounding is not None:
            target, self._before_grounding = self._before_grounding, None
            if target is self.window.built("pacer"):
                self.window.sections.show_pacer()  # the breathing guide starts again
            else:
                self.window.show_page(target)
        elif previous is not Step.SUMMARY:
            self.window.show_home()

    def _show_grounding(self, previous: Step) -> None:
        if previous is Step.IDLE:
            self._before_grounding = self.window.pages.currentWidget()
        flow = self.flow
        if flow.grounding_starts_music:
            return_text = self.tr("Go on to the music")
        elif flow.grounding_returns_to_music and flow.music_on:
            return_text = self.tr("Back to the music")
        else:
            return_text = self.tr("Go back")
        paused = flow.music_on and flow.grounding_returns_to_music
        self.grounding.begin(return_text, can_end=flow.can_end, music_paused=paused)
        self.window.show_page(self.grounding)

    def _show_summary(self, back: bool) -> None:
        summary = self.flow.summary
        if summary is None:
            return
        if not back:
            # Grounding was offered after a hard moment already; distress that rose is new.
            self.summary.show_summary(summary, hard_moment=summary.distress_rose)
            offers = self.flow.flag_offers()
            if offers:
                self.summary.offer_flags([(o.index, o.title, o.flagged) for o in offers])
            self.window.sections.daily_backup.start_if_due()  # a session ended: today's copy
        self.show_contacts()
        self.window.show_page(self.summary)

    def music_starting(self, session: ListeningSession, playlist: Playlist) -> None:
        audio = self.ensure_audio()
        settings = self.window.workspace.settings
        notice = audio.notice
        notices = [f"{notice.short}. {notice.long}"] if notice else []
        detail = getattr(notice, "detail", "") if notice else ""
        left_out = len(session.playlist.tracks) - len(session.tracks)
        if left_out:
            tracks = plural(left_out, self.tr("One track"), self.tr("%n tracks"))
            skipped = self.tr("%1 flagged as a trigger will be skipped.")
            notices.append(skipped.replace("%1", tracks))
        page = self.listening
        if session.script is not None:
            page.start_guided(
                session.script, playlist, settings.volume, "\n".join(notices), notice_detail=detail
            )
        else:
            page.start(playlist, settings.volume, "\n".join(notices), notice_detail=detail)
        ambience = settings.ambience if settings.ambience in self.ambience else ""
        page.set_reduced_motion(settings.reduced_motion)
        page.set_flagged(self.flow.flagged_indexes())
        page.show_sound(settings.timer_minutes, ambience, settings.ambience_volume)
        player = audio.player
        player.set_volume(settings.volume)
        player.set_ambience_volume(settings.ambience_volume)
        self._play_ambience(ambience)
        if ambience:  # carried over from last time: the session keeps it too
            self.flow.ambience_chosen(ambience)

    def journal_failed(self, error: JournalError) -> None:
        if self.flow.step in (Step.LISTENING, Step.ENDING):
            self.listening.show_problem(error.short, error.long)
        else:
            self.window.tell(error.short, error.long)  # the page and its answers stay

    # -- the person's support contacts, under the offers after a hard moment ------------------

    def show_contacts(self) -> None:
        """Give the support page and the summary (those built) the contacts as kept now."""
        from mtcalm.ui.contact_parts import read_contacts

        contacts = read_contacts(self.window.workspace.journal)
        if self.window.built("support") is not None:
            self.support.show_contacts(contacts)
        if self.window.built("summary") is not None:
            self.summary.show_contacts(contacts)

    # -- leaving, and flags --------------------------------------------------------------------

    def _leave_summary(self, go: Callable[[], None]) -> None:
        self.flow.finish()
        go()

    def _flag_heard_track(self, index: int, flag: bool) -> None:
        """Flag (or unflag) a track of the session; the page offers to skip it now."""
        if self.flow.set_flagged(index, flag):
            self.listening.set_flagged(self.flow.flagged_indexes())
            self.window.sections.refresh_content()

    def _flag_from_summary(self, index: int, flag: bool) -> None:
        if self.flow.set_flagged(index, flag):
            self.summary.show_flagged(index, flag)
            self.window.sections.refresh_content()

    # -- sound ---------------------------------------------------------------------------------

    def ensure_audio(self) -> PlayerAdapter:
        if self.audio is None:
            from mtcalm.audio.events import PlayerState
            from mtcalm.ui.player_adapter import PlayerAdapter

            player, notice = self._open_audio(self.window.workspace.settings.volume)
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
                self.window.show_audio_notice(notice)
        return self.audio

    def _on_track_started(self, index: int) -> None:
        if self.flow.music_on:  # not a preview in My music
            self.listening.show_track(index)
            self.flow.track_started(index)

    def _on_track_failed(self, index: int, short: str, long: str) -> None:
        if not self.flow.music_on:
            return  # a preview: My music says so
        track: Track | None = self.flow.track_failed(index, short)
        title = track.title if track is not None else self.tr("a track")
        self.listening.show_problem(
            self.tr("“%1” could not be played. Going on with the next track.").replace("%1", title),
            f"{short}. {long}",
        )

    def _on_ambience_failed(self, path: str, short: str, long: str) -> None:
        """The background sound stopped; the music goes on, and it is no longer chosen."""
        title = next(
            (sound.title for sound in self.ambience.values() if str(sound.path) == path),
            Path(path).name,
        )
        workspace = self.window.workspace
        workspace.settings = workspace.settings.with_changes(ambience="")
        self.listening.show_ambience_stopped()
        self.listening.show_problem(
            self.tr("The background sound “%1” could not be played. The music goes on.").replace(
                "%1", title
            ),
            f"{short}. {long}",
        )

    def _on_playback_ended(self, completed: bool) -> None:
        self.flow.music_ended(completed)
        if self.flow.step is Step.BREATHING:
            self.window.sections.pacer.set_done_text(self.tr("Go on"))  # the breath finishes first
        elif self.flow.step is Step.GROUNDING:
            self.grounding.return_button.setText(self.tr("Go on"))

    def _on_progress(self, status: PlayerStatus) -> None:
        if self.flow.music_on:
            self.listening.show_progress(status)
            self.flow.progress(status.listened, status.index)

    def _pause(self) -> None:
        if self.audio:
            self.audio.player.pause()

    def _resume(self) -> None:
        if self.audio:
            self.audio.player.resume()

    def _set_volume(self, volume: float) -> None:
        if self.audio:
            self.audio.player.set_volume(volume)
        self._remember(volume=volume)

    def _seek(self, seconds: float) -> None:
        if self.audio and self.flow.music_on:
            self.audio.player.seek(seconds)

    def _choose_timer(self, minutes: int) -> None:
        """A session length was chosen: it counts from now, and is remembered."""
        self._remember(timer_minutes=minutes)
        if self.audio and self.flow.music_on:
            self.audio.player.set_timer(minutes * 60 or None)

    def _change_timer(self, seconds: float) -> None:
        if self.audio and self.flow.music_on:
            self.audio.player.change_timer(seconds)

    def _choose_ambience(self, key: str) -> None:
        self._remember(ambience=key)
        self._play_ambience(key)
        self.flow.ambience_chosen(key)

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
        self._remember(ambience_volume=volume)

    def _remember(self, **changes: object) -> None:
        workspace = self.window.workspace
        workspace.settings = workspace.settings.with_changes(**changes)

    def save_progress(self) -> None:
        """The desktop is about to end: keep the time listened so far."""
        session = self.flow.session
        if session is not None and self.flow.music_on and self.audio is not None:
            with contextlib.suppress(JournalError):
                session.journal.record_progress(session.session_id, self.audio.status().listened)

    def shut_down(self) -> None:
        """Closing: the session kept as ended early with its time, the music faded out."""
        if self.audio is not None:
            self.flow.shut_down()
            self.audio.fade_out_and_close(CLOSING_FADE_SECONDS)
            self.audio = None
