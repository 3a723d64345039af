"""Listening: the music, where in it, Pause, the volume and a gentle end; the rest one step away.

The page is one centred column no wider than a readable line. Its top is a kept place for
messages (a problem in plain words, with any detail behind "Details"; the notice that the track
playing is flagged, with "Skip it now"), so a message coming or going never moves a control.
Under it the music: the track's title, its place and the time; then Pause, the volume and End.
What carried over from last time (a session length, a background sound) is said in a quiet line
with a way to change it; "Next track", "Breathe" and a quiet "More" follow, and More opens the
session's length, the background sound and flagging the track.

In guided mode (:meth:`ListeningPage.start_guided`) a script's words take the main place and the
player recedes to one quiet line (the track, the time, Pause, End and More); More opens the
rest above that line, so the line itself never moves. The script sets the session's length.
The script's clock is the music heard plus a shift: a seek by Δ seconds, or a jump to another
cue, shifts it by Δ, and the page asks for the timer to change by −Δ (``timer_changed``) so the
music still ends with the return section. A jump also asks to move the music by Δ within its
track (``seek_requested``).

Left and Right never move the focus between buttons here (Qt's buttons would, and a key could
then land on "End session"): in guided mode they move between the words, otherwise they do
nothing on a button. Tab moves the focus.

This module is the page's behaviour. Its widgets, and where each mode puts them, are in
listening_layout.py; its parts in listening_notices.py (the kept place), track_place.py (the
track's place), sound_panel.py (what More opens, the volume, what carried over) and
guided_cues.py (the script's clock and cues).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QWidget

from mtcalm.audio.events import PlayerState, PlayerStatus
from mtcalm.playlists import Playlist
from mtcalm.scripts import Script
from mtcalm.ui.guided_cues import GuidedCues
from mtcalm.ui.listening_layout import CONTENT_WIDTH, ListeningLayout
from mtcalm.ui.listening_parts import ends_in_text, keep_width
from mtcalm.ui.text import clock_text

__all__ = ["CONTENT_WIDTH", "ListeningPage"]

CUE_KEYS_BACK = (Qt.Key.Key_Left, Qt.Key.Key_PageUp)
CUE_KEYS_FORWARD = (Qt.Key.Key_Right, Qt.Key.Key_PageDown)
SIDE_KEYS = (Qt.Key.Key_Left, Qt.Key.Key_Right)


class ListeningPage(ListeningLayout):
    pause_requested = Signal()
    resume_requested = Signal()
    end_requested = Signal()
    skip_requested = Signal()  # on to the next track ("Next track", or "Skip it now")
    volume_changed = Signal(float)
    seek_requested = Signal(float)  # seconds into the track being heard
    timer_chosen = Signal(int)  # minutes; 0 for "until the music ends"
    timer_changed = Signal(float)  # seconds to add to (or, negative, take from) the timer
    ambience_chosen = Signal(str)  # an ambience's key, "" for none
    ambience_volume_changed = Signal(float)
    cue_jump_requested = Signal(float)  # guided mode: the script's time the person jumped to
    breathe_requested = Signal()
    flag_requested = Signal(int, bool)  # a track's index; True to flag it as a trigger

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.playlist: Playlist | None = None
        self._flagged: set[int] = set()
        self._shown_track = -1  # the track whose title shows (and which the flag button flags)
        self._state = PlayerState.STOPPED
        self._cues = GuidedCues(self.cue_view)

        self.notice_area.skip_requested.connect(self.skip_requested.emit)
        self.place_box.moved_by.connect(self._follow_seek)
        self.place_box.seek_requested.connect(self.seek_requested.emit)
        self.pause_button.clicked.connect(self._toggle_pause)
        self.end_button.clicked.connect(self.end_requested.emit)
        self.next_button.clicked.connect(self.skip_requested.emit)
        self.breathe_button.clicked.connect(self.breathe_requested.emit)
        self.flag_button.clicked.connect(self._toggle_flag)
        self.more_panel.volume_changed.connect(self.volume_changed.emit)
        self.more_panel.timer_chosen.connect(self.timer_chosen.emit)
        self.more_panel.timer_stepped.connect(self._on_timer_stepped)
        self.more_panel.ambience_chosen.connect(self.ambience_chosen.emit)
        self.more_panel.ambience_volume_changed.connect(self.ambience_volume_changed.emit)
        # Keys the page's controls leave alone reach the scroll area, which would scroll with
        # them; in guided mode they move between cues instead.
        if self._scroll_area is not None:
            self._scroll_area.installEventFilter(self)
        for button in self.findChildren(QAbstractButton):
            button.installEventFilter(self)  # Left and Right (see the module's docstring)

    # -- what the window tells the page --------------------------------------------------------

    @property
    def script(self) -> Script | None:
        """The guided-imagery script being followed; None when only listening."""
        return self._cues.script

    def start(
        self,
        playlist: Playlist,
        volume: float,
        silent_notice: str = "",
        *,
        notice_detail: str = "",
    ) -> None:
        """Show a listening session with ``playlist`` starting.

        ``silent_notice`` is a plain message to show from the start ("" for none), and
        ``notice_detail`` its technical detail, shown under "Details".
        """
        self._set_script(None)
        self._begin(playlist, volume, silent_notice, notice_detail)

    def start_guided(
        self,
        script: Script,
        playlist: Playlist,
        volume: float,
        silent_notice: str = "",
        *,
        notice_detail: str = "",
    ) -> None:
        """Show a guided-imagery session: ``script``'s words over ``playlist``'s music.

        The window plays the playlist with the player's timer set to ``script.duration``.
        """
        self._set_script(script)
        self._begin(playlist, volume, silent_notice, notice_detail)

    def set_reduced_motion(self, reduced: bool) -> None:
        """Cues switch at once, without fading."""
        self.cue_view.set_reduced_motion(reduced)

    def _begin(self, playlist: Playlist, volume: float, notice: str, detail: str) -> None:
        self.playlist = playlist
        self.playlist_title.setText(self.script.title if self.script else playlist.title)
        self._show_track_title(self.tr("Starting…"))
        self.track_note.setText("")
        self._shown_track = -1
        self._flagged = set()
        self.flag_button.setEnabled(False)
        self._show_flag_button()
        self._show_flag_notice()
        self.place_box.reset()
        self.more_panel.show_volume(volume)
        self.show_problem(notice, detail)
        self.set_more_shown(False)
        self.more_panel.begin(playlist.duration)
        for button in (self.pause_button, self.end_button, self.next_button):
            button.setEnabled(True)
        self.set_state(PlayerState.PLAYING)
        self.show_progress(PlayerStatus(PlayerState.PLAYING, -1, 0.0, 0.0, 0.0, volume))

    def set_ambience_choices(self, choices: Sequence[tuple[str, str]]) -> None:
        """The background sounds to offer, as (key, title) pairs."""
        self.more_panel.set_ambience_choices(choices)

    def show_sound(self, timer_minutes: int, ambience: str, ambience_volume: float) -> None:
        """Show the remembered timer length and background sound, without acting on them.

        What they do to this session is said on the page, "as last time": a timer that stops
        the music, a background sound that plays under it.
        """
        self.more_panel.show_sound(timer_minutes, ambience, ambience_volume)

    def show_ambience_stopped(self) -> None:
        """The background sound could not go on: show "None" chosen."""
        self.more_panel.show_ambience_stopped()

    def show_track(self, index: int) -> None:
        if self.playlist is None or not 0 <= index < len(self.playlist.tracks):
            return
        self._shown_track = index
        self._show_track_title(self._title_of(index))
        self.track_note.setText(self.playlist.tracks[index].note)
        self.flag_button.setEnabled(True)
        self._show_flag_button()
        self._show_flag_notice()

    def set_flagged(self, indexes: Collection[int]) -> None:
        """Mark these tracks (by index) as flagged as triggers.

        While the track playing is flagged, the page says so in its kept place, with a way to
        skip it now; the notice goes as soon as the flag is removed or another track plays.
        """
        self._flagged = set(indexes)
        if self.playlist is not None and 0 <= self._shown_track < len(self.playlist.tracks):
            self._show_track_title(self._title_of(self._shown_track))
        self._show_flag_button()
        self._show_flag_notice()

    def _title_of(self, index: int) -> str:
        assert self.playlist is not None
        title = self.playlist.tracks[index].title
        return self.tr("%1 (flagged)").replace("%1", title) if index in self._flagged else title

    def _show_flag_button(self) -> None:
        flagged = self._shown_track in self._flagged
        self.flag_button.setText(
            self.tr("Remove the flag") if flagged else self.tr("Flag this track")
        )

    def _show_flag_notice(self) -> None:
        playlist = self.playlist
        index = self._shown_track
        shown = playlist is not None and 0 <= index < len(playlist.tracks)
        flagged = shown and index in self._flagged
        title = playlist.tracks[index].title if flagged and playlist is not None else None
        self.notice_area.show_flagged(title)

    def _toggle_flag(self) -> None:
        if self._shown_track >= 0:
            self.flag_requested.emit(self._shown_track, self._shown_track not in self._flagged)

    def show_problem(self, text: str, detail: str = "") -> None:
        """Say a problem in plain words in the kept place; ``detail`` (the technical words, if
        any) waits under "Details". Empty ``text`` clears it.
        """
        self.notice_area.show_problem(text, detail)

    def set_state(self, state: PlayerState) -> None:
        self._state = state
        paused = state is PlayerState.PAUSED
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        keep_width(self.pause_button, (self.tr("Pause"), self.tr("Resume")))
        if state is PlayerState.FADING:
            self._show_track_title(self.tr("Fading out…"))
            self.remaining.setText(self.tr("Ending now"))  # no timer or script time left to show
            for button in (self.pause_button, self.end_button):
                button.setEnabled(False)
        for button in (self.next_button, self.skip_now_button):
            button.setEnabled(self._can_seek())
        self.more_panel.set_fading(state is PlayerState.FADING)
        self.place_box.set_seekable(self._can_seek())

    def show_progress(self, status: PlayerStatus) -> None:
        total = self.playlist.duration if self.playlist else 0.0
        played_before = 0.0
        if self.playlist is not None and status.index >= 0:
            played_before = sum(t.duration for t in self.playlist.tracks[: status.index])
        place = min(total, played_before + status.position)
        self.elapsed.setText(self.tr("%1 listened").replace("%1", clock_text(status.listened)))
        self._cues.hear(status.listened)
        script_left = self._cues.remaining()
        if self._state is PlayerState.FADING:
            self.remaining.setText(self.tr("Ending now"))
        elif script_left is not None:  # the script decides when it ends
            self.remaining.setText(ends_in_text(script_left))
        elif status.timer_left is None:
            self.remaining.setText(self.tr("%1 left").replace("%1", clock_text(total - place)))
        else:  # the timer decides when it ends; the music plays round until then
            self.remaining.setText(ends_in_text(status.timer_left))
        self.place_box.show_status(status)
        self.more_panel.show_timer_left(status.timer_left)
        self._cues.show_cue()

    # -- guided mode ---------------------------------------------------------------------------

    def _set_script(self, script: Script | None) -> None:
        """Lay the page out for a guided session (a script) or for listening (None)."""
        self._cues.set_script(script)
        self.more_panel.guided = script is not None
        self._arrange(guided=script is not None)  # the script sets the length: no timer then
        self._set_top_margin()
        if script is not None:
            self.timer_steps.hide()

    def _follow_seek(self, moved: float) -> None:
        """The person moved the music by ``moved`` seconds: guided, the script moves with it."""
        shifted = self._cues.follow_seek(moved)
        if shifted is not None:
            self._move_script(shifted)

    def _jump_to_cue(self, forward: bool) -> None:
        """Go to the next cue, or back to this one's start (the one before, just after it)."""
        jump = self._cues.jump(forward) if self._can_seek() else None
        if jump is None:
            return
        target, moved = jump
        self.cue_jump_requested.emit(target)
        self._move_script(moved)
        heard, duration = self.place_box.heard_position, self.place_box.track_duration
        if moved and duration > 0:
            self.place_box.seek_to(min(duration, max(0.0, heard + moved)))

    def _move_script(self, moved: float) -> None:
        """The script's clock moved by ``moved``: keep the music's end with the return section."""
        if moved:
            self.timer_changed.emit(-moved)
        self._cues.show_cue()
        script_left = self._cues.remaining()
        if script_left is not None:
            self.remaining.setText(ends_in_text(script_left))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() != QEvent.Type.KeyPress
            or not isinstance(event, QKeyEvent)
            or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            return super().eventFilter(watched, event)
        key = event.key()
        if isinstance(watched, QAbstractButton) and key in SIDE_KEYS:
            # Qt's buttons would move the focus to the next button, perhaps "End session".
            if self.script is not None:
                self._jump_to_cue(forward=key == Qt.Key.Key_Right)
            return True
        if watched is self._scroll_area and self.script is not None:
            if key in CUE_KEYS_BACK or key in CUE_KEYS_FORWARD:
                self._jump_to_cue(forward=key in CUE_KEYS_FORWARD)
                return True
            if key == Qt.Key.Key_H:
                self.cue_view.toggle_words()
                return True
        return super().eventFilter(watched, event)

    # -- the person's own moves, and what they may do now --------------------------------------

    def _on_timer_stepped(self, change: float, left: float) -> None:
        """A step lengthened or shortened the running timer by ``change`` seconds."""
        self.remaining.setText(ends_in_text(left))
        self.timer_changed.emit(change)

    def _toggle_pause(self) -> None:
        if self._state is PlayerState.PAUSED:
            self.resume_requested.emit()
        else:
            self.pause_requested.emit()

    def _can_seek(self) -> bool:
        return self._state in (PlayerState.PLAYING, PlayerState.PAUSED)
