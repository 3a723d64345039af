"""The flow of one session: which step comes after which, and what the journal keeps at each.

    choose → check-in before → [support offered] → listening ⇄ grounding / breathing
           → [support after a hard moment] → [reflection] → check-in after → summary

Cancelling the first check-in leaves nothing behind; ending is allowed from every step, and
the session is then kept as ended early with the time actually listened. Nothing here knows
about Qt: the window shows the page for :attr:`SessionFlow.step` and forwards the person's
actions and the player's events to the flow.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from mtcalm.audio.events import PlayerState, PlayerStatus
from mtcalm.checkin import CheckIn, Phase, suggests_support_first
from mtcalm.drawing import Drawing
from mtcalm.journal.file import JournalError
from mtcalm.journal.store import EventKind, Journal
from mtcalm.playlists import Playlist, Track
from mtcalm.scripts import Script
from mtcalm.session.record import ListeningSession, SessionSummary
from mtcalm.track_flags import TriggerFlags

FADE_IN_SECONDS = 3.0
FADE_OUT_SECONDS = 4.0


class Step(StrEnum):
    """Where a person is in a session; ``IDLE`` when no session is under way."""

    IDLE = "idle"
    CHECKIN_BEFORE = "checkin_before"
    SUPPORT_BEFORE = "support_before"  # distress was high: grounding is offered first
    LISTENING = "listening"
    ENDING = "ending"  # the music fades out after the person ended it
    GROUNDING = "grounding"
    BREATHING = "breathing"  # the breathing guide over the music
    SUPPORT_AFTER = "support_after"  # after a hard moment: grounding before any questions
    REFLECTION = "reflection"
    CHECKIN_AFTER = "checkin_after"
    SUMMARY = "summary"


# Steps that belong to a session: the header's sections are hidden, "Stop and ground" shown.
SESSION_STEPS = frozenset(Step) - {Step.IDLE, Step.SUMMARY}
MUSIC_STEPS = frozenset({Step.LISTENING, Step.ENDING, Step.GROUNDING, Step.BREATHING})


class SessionPlayer(Protocol):
    """What the flow asks of the player (:class:`mtcalm.audio.player.Player` has it all)."""

    def play(
        self,
        tracks: Sequence[Path],
        *,
        fade_in: float = ...,
        crossfade: float = ...,
        fade_out: float = ...,
        timer: float | None = ...,
    ) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def end(self, fade_out: float = ...) -> None: ...

    def skip(self) -> None: ...

    def status(self) -> PlayerStatus: ...


class FlowView(Protocol):
    """What the flow tells whoever shows it."""

    def step_changed(self, step: Step) -> None:
        """Show the page for ``step``."""

    def music_starting(self, session: ListeningSession, playlist: Playlist) -> None:
        """The music is about to start: set the listening page up for ``playlist``."""

    def journal_failed(self, error: JournalError) -> None:
        """A write to the journal failed; the flow kept the step it could."""


@dataclass(frozen=True)
class SessionPlan:
    """What a session will be: the music, what of it plays, the words, and its length."""

    playlist: Playlist
    tracks: tuple[Track, ...]  # the playlist less any tracks flagged as triggers
    script: Script | None = None
    timer_seconds: float | None = None  # a chosen session length; a script sets its own

    @property
    def timer(self) -> float | None:
        if self.script is not None:
            return self.script.duration or None
        return self.timer_seconds or None


@dataclass(frozen=True)
class FlagOffer:
    """A track heard in the session, offered for flagging after a session that stirred up."""

    index: int
    title: str
    flagged: bool


class SessionFlow:
    """One session at a time, from the first check-in to the summary."""

    def __init__(
        self,
        journal: Callable[[], Journal | None],
        player: Callable[[], SessionPlayer],
        view: FlowView,
        flags: Callable[[], TriggerFlags | None] = lambda: None,
    ) -> None:
        self._journal = journal
        self._player = player
        self._flags = flags
        self.view = view
        self.step = Step.IDLE
        self.plan: SessionPlan | None = None
        self.session: ListeningSession | None = None
        self.summary: SessionSummary | None = None
        self.hard_moment = False  # high distress at the start, or leaving from grounding
        self.music_started = False
        self.music_on = False  # started and not yet ended
        self.heard: list[int] = []  # indexes of the tracks heard, in order, once each
        self._returns: list[Step] = []  # where grounding and breathing go back to, innermost last
        self._resume_music = False  # grounding paused the music: going back resumes it

    # -- before the music ---------------------------------------------------------------------

    def begin(self, plan: SessionPlan) -> None:
        """The person chose ``plan``: the check-in comes first. Nothing is kept yet."""
        if self.step in SESSION_STEPS:
            raise RuntimeError("a session is already under way")
        self.plan = plan
        self.session = None
        self.summary = None
        self.hard_moment = False
        self.music_on = self.music_started = False
        self.heard = []
        self._returns = []
        self._go(Step.CHECKIN_BEFORE)

    def cancel(self) -> None:
        """Back out of the first check-in: the session never started, nothing is kept."""
        if self.step is Step.CHECKIN_BEFORE:
            self.plan = None
            self._go(Step.IDLE)

    def check_in(self, before: CheckIn) -> bool:
        """Keep the check-in before and go on; False (staying here) if it was not kept."""
        journal, plan = self._journal(), self.plan
        if self.step is not Step.CHECKIN_BEFORE or journal is None or plan is None:
            return False
        try:
            self.session = ListeningSession.begin(
                journal, plan.playlist, before, tracks=plan.tracks, script=plan.script
            )
        except JournalError as error:
            self.view.journal_failed(error)  # the answers stay on screen to try again
            return False
        if suggests_support_first(before):
            self.hard_moment = True
            self._go(Step.SUPPORT_BEFORE)
        else:
            self._start_music()
        return True

    def carry_on(self) -> None:
        """From an offer of support: on to the music, or on to the questions after it."""
        if self.step is Step.SUPPORT_BEFORE:
            self._start_music()
        elif self.step is Step.SUPPORT_AFTER:
            self._go(self._after_support())

    # -- the music -----------------------------------------------------------------------------

    def _start_music(self) -> None:
        plan, session = self.plan, self.session
        if plan is None or session is None:
            return
        player = self._player()
        self.view.music_starting(session, replace(plan.playlist, tracks=session.tracks))
        self.music_on = self.music_started = True
        self._go(Step.LISTENING)
        player.play(
            [track.path for track in session.tracks],
            fade_in=FADE_IN_SECONDS,
            crossfade=plan.playlist.crossfade_seconds,
            fade_out=FADE_OUT_SECONDS,
            timer=plan.timer,
        )

    def track_started(self, index: int) -> Track | None:
        """The player began track ``index``: it is kept in the journal as heard."""
        track = self._track(index)
        if track is not None:
            if index not in self.heard:
                self.heard.append(index)
            self._record(EventKind.TRACK_STARTED, track.path.name)
        return track

    def track_failed(self, index: int, short: str) -> Track | None:
        track = self._track(index)
        if track is not None:
            self._record(EventKind.TRACK_FAILED, f"{track.path.name}: {short}")
        return track

    def progress(self, listened_seconds: float, index: int = -1) -> None:
        """The player has played ``listened_seconds`` of the programme, now in track ``index``."""
        if self.session is not None and self.music_on:
            try:
                self.session.note_progress(listened_seconds, index)
            except JournalError as error:
                self.view.journal_failed(error)

    def ambience_chosen(self, key: str) -> None:
        """The background sound changed ('' for none): the session keeps the last one."""
        if self.session is not None and self.in_session:
            try:
                self.session.note_ambience(key)
            except JournalError as error:
                self.view.journal_failed(error)

    def skip(self) -> None:
        """On to the next track (a flagged one, say); after the last, the music ends."""
        if self.music_on and self.step is Step.LISTENING:
            self._player().skip()

    def end(self) -> None:
        """The person ends the session, from whichever step they are on."""
        step = self.step
        if step in (Step.IDLE, Step.SUMMARY, Step.ENDING):
            return
        if not self.can_end:  # grounding outside a session, or after its summary
            self.go_back()
            return
        if self.session is None:  # nothing kept yet: as if the check-in was cancelled
            self.plan = None
            self._go(Step.IDLE)
            return
        if step is Step.GROUNDING:
            self.hard_moment = True  # leaving from grounding: support before any questions
        if self.music_on:
            self._player().end(fade_out=FADE_OUT_SECONDS)
            self._go(Step.ENDING)  # the fade is heard; music_ended goes on from here
        elif step in (Step.SUPPORT_BEFORE, Step.GROUNDING, Step.BREATHING):
            self._finish_listening(completed=False, listened=0.0)
            self._go(self._after_music())
        else:  # support after, reflection, check-in after: the questions are skipped
            self.check_out(CheckIn.skipped_in(Phase.AFTER))

    def music_ended(self, completed: bool) -> None:
        """The player's programme is over: to its end, by the timer, or by the person."""
        if not self.music_on:
            return
        self.music_on = False
        self._finish_listening(completed=completed, listened=self._player().status().listened)
        if self.step in (Step.GROUNDING, Step.BREATHING):
            after = self._after_music()  # going back to the music goes on from there
            self._returns = [after if step is Step.LISTENING else step for step in self._returns]
            self._resume_music = False
            return
        if self.step in (Step.LISTENING, Step.ENDING):
            self._go(self._after_music())

    def _finish_listening(self, *, completed: bool, listened: float) -> None:
        session = self.session
        if session is None:
            return
        try:
            session.finish_listening(completed, listened)
        except JournalError as error:
            self.view.journal_failed(error)  # the check-out tries again

    def _after_music(self) -> Step:
        return Step.SUPPORT_AFTER if self.hard_moment else self._after_support()

    def _after_support(self) -> Step:
        if self.session is not None and self.session.script is not None:
            return Step.REFLECTION
        return Step.CHECKIN_AFTER

    # -- grounding and breathing --------------------------------------------------------------

    def ground(self) -> None:
        """Stop and ground: the music pauses, and going back resumes it."""
        if self.step in (Step.GROUNDING, Step.ENDING):
            return
        self._returns.append(Step.LISTENING if self.step is Step.SUPPORT_BEFORE else self.step)
        self._resume_music = False
        if self.music_on and self.step in (Step.LISTENING, Step.BREATHING):
            player = self._player()
            if player.status().state is PlayerState.PLAYING:
                player.pause()
                self._resume_music = True
        if self.session is not None:
            # Grounding matters more than its record: a failed write is told, not in the way.
            self._record(EventKind.GROUNDING, "")
        self._go(Step.GROUNDING)

    @property
    def _return_step(self) -> Step:
        return self._returns[-1] if self._returns else Step.IDLE

    @property
    def grounding_returns_to_music(self) -> bool:
        """Whether going back from grounding goes to (or starts) the music."""
        return self._return_step in (Step.LISTENING, Step.BREATHING)

    @property
    def grounding_starts_music(self) -> bool:
        return self._return_step is Step.LISTENING and not self.music_started

    @property
    def can_end(self) -> bool:
        """Whether a session is under way to end (not outside one, nor after its summary)."""
        return self.plan is not None and self.summary is None

    def breathe(self) -> None:
        """The breathing guide over the music, which plays on."""
        if self.step is Step.LISTENING:
            self._returns.append(Step.LISTENING)
            self._go(Step.BREATHING)

    def go_back(self) -> None:
        """Back from grounding or breathing to where the person was (the music resumes)."""
        if self.step not in (Step.GROUNDING, Step.BREATHING):
            return
        target = self._returns.pop() if self._returns else Step.IDLE
        if target is Step.LISTENING and self.session is not None and not self.music_on:
            if not self.music_started:
                self._start_music()  # grounding came before the music
                return
            target = self._after_music()
        if target in (Step.LISTENING, Step.BREATHING) and self._resume_music:
            self._player().resume()
        self._resume_music = False
        if target is Step.IDLE and self.session is None:
            self.plan = None
        self._go(target)

    # -- after the music ----------------------------------------------------------------------

    def keep_reflection(self, note: str, drawing: Drawing) -> bool:
        """Keep the reflection and go on; False (staying here) if it was not kept."""
        session = self.session
        if self.step is not Step.REFLECTION or session is None:
            return False
        prompt = session.script.reflection if session.script else ""
        try:
            session.journal.record_reflection(session.session_id, prompt, note, drawing)
        except (JournalError, ValueError) as error:
            if isinstance(error, JournalError):
                self.view.journal_failed(error)
            return False
        self._go(Step.CHECKIN_AFTER)
        return True

    def skip_reflection(self) -> None:
        if self.step is Step.REFLECTION:
            self._go(Step.CHECKIN_AFTER)

    def check_out(self, after: CheckIn) -> bool:
        """Keep the check-in after and show what changed; False (staying here) if not kept."""
        session = self.session
        if session is None or self.step not in (
            Step.CHECKIN_AFTER,
            Step.REFLECTION,
            Step.SUPPORT_AFTER,
        ):
            return False
        try:
            self.summary = session.check_out(after)
        except JournalError as error:
            self.view.journal_failed(error)
            return False
        self._go(Step.SUMMARY)
        return True

    def flag_offers(self) -> list[FlagOffer]:
        """After a session that stirred the person up, the tracks heard, to flag if they wish."""
        session, flags, summary = self.session, self._flags(), self.summary
        if session is None or flags is None or summary is None or not summary.stirred_up:
            return []
        tracks = session.tracks
        return [
            FlagOffer(index, tracks[index].title, flags.is_flagged(tracks[index].path))
            for index in self.heard  # indexes of this session's tracks, as track_started kept
        ]

    def set_flagged(self, index: int, flagged: bool) -> bool:
        """Flag (or unflag) a track of this session as a trigger; False if it was not kept."""
        flags, track = self._flags(), self._track(index)
        if flags is None or track is None:
            return False
        try:
            flags.set_flagged(track.path, track.title, flagged)
        except JournalError as error:
            self.view.journal_failed(error)
            return False
        return True

    def flagged_indexes(self) -> list[int]:
        flags = self._flags()
        if flags is None or self.session is None:
            return []
        return flags.flagged_indexes(self.session.tracks)

    def finish(self) -> None:
        """The summary was left: the session is over."""
        if self.step is Step.SUMMARY:
            self.plan = None
            self.session = None
            self._go(Step.IDLE)

    def shut_down(self) -> None:
        """The app is closing: keep the listened time; the session stays ended early."""
        if self.session is not None and self.music_on:
            self.music_on = False
            with contextlib.suppress(JournalError):
                self.session.finish_listening(False, self._player().status().listened)

    # -- helpers -------------------------------------------------------------------------------

    @property
    def in_session(self) -> bool:
        return self.step in SESSION_STEPS

    def _track(self, index: int) -> Track | None:
        session = self.session
        if session is None or not 0 <= index < len(session.tracks):
            return None
        return session.tracks[index]

    def _record(self, kind: EventKind, detail: str) -> None:
        if self.session is None:
            return
        try:
            self.session.note_event(kind, detail)
        except JournalError as error:
            self.view.journal_failed(error)

    def _go(self, step: Step) -> None:
        self.step = step
        self.view.step_changed(step)
