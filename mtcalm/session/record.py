"""One listening session, from the check-in before to the summary after.

The session is in the journal from the moment it starts, and every step updates it, so a
crash or a kill loses nothing already entered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mtcalm.checkin import STIRRED_UP, CheckIn, ItemChange, compare, distress_rose
from mtcalm.journal.store import EventKind, Journal, Outcome
from mtcalm.playlists import Playlist, Track

if TYPE_CHECKING:
    from mtcalm.scripts import Script

PROGRESS_SAVE_SECONDS = 10.0


@dataclass(frozen=True)
class SessionSummary:
    """What changed, for the person to see right after listening."""

    changes: tuple[ItemChange, ...]
    outcome: Outcome
    listened_seconds: float
    distress_rose: bool
    after: CheckIn | None = None  # the answers as given, for words such as "Yes"

    @property
    def stirred_up(self) -> bool:
        """The person said the session stirred up urges or hard memories."""
        return self.after is not None and self.after.value(STIRRED_UP.key) == 1


class ListeningSession:
    """A session in progress. Create it with :meth:`begin` once the first check-in is given.

    ``tracks`` is what is played: the playlist's tracks less any flagged as triggers. A guided-
    imagery session also has its ``script``, which names the session and sets its length.
    """

    def __init__(
        self,
        journal: Journal,
        playlist: Playlist,
        session_id: int,
        before: CheckIn,
        *,
        tracks: Sequence[Track] | None = None,
        script: Script | None = None,
    ) -> None:
        self.journal = journal
        self.playlist = playlist
        self.session_id = session_id
        self.before = before
        self.tracks = tuple(playlist.tracks if tracks is None else tracks)
        self.script = script
        self.outcome = Outcome.IN_PROGRESS  # as kept in the journal
        self._ended_as = Outcome.ENDED_EARLY  # what a check-out keeps if finishing failed
        self.listened_seconds = 0.0
        self._saved_listened = 0.0
        self.heard_seconds: dict[int, float] = {}  # by track index, pauses excluded
        self._unsaved_tracks: set[int] = set()

    @classmethod
    def begin(
        cls,
        journal: Journal,
        playlist: Playlist,
        before: CheckIn,
        *,
        tracks: Sequence[Track] | None = None,
        script: Script | None = None,
    ) -> ListeningSession:
        programme = tuple(playlist.tracks if tracks is None else tracks)
        if script is not None:
            ref, title, planned = script.ref, script.title, script.duration
        else:
            ref, title = playlist.ref, playlist.title
            planned = sum(track.duration for track in programme)
        session_id = journal.start_session(ref, title, before, planned_seconds=planned or None)
        return cls(journal, playlist, session_id, before, tracks=programme, script=script)

    def note_progress(self, listened_seconds: float, index: int = -1) -> None:
        """Keep the listened time, and what of it track ``index`` (the one heard now) had;
        saved every few seconds so a crash loses little.
        """
        gained = listened_seconds - self.listened_seconds
        if gained > 0 and 0 <= index < len(self.tracks):
            self.heard_seconds[index] = self.heard_seconds.get(index, 0.0) + gained
            self._unsaved_tracks.add(index)
        self.listened_seconds = max(self.listened_seconds, listened_seconds)
        if self.listened_seconds - self._saved_listened >= PROGRESS_SAVE_SECONDS:
            self.journal.record_progress(self.session_id, self.listened_seconds)
            self._saved_listened = self.listened_seconds
            self.save_tracks_heard()

    def save_tracks_heard(self) -> None:
        """Write how long each track changed since the last save was heard."""
        from mtcalm.assets import assets_dir
        from mtcalm.track_flags import track_key

        root = assets_dir()
        for index in sorted(self._unsaved_tracks):
            track = self.tracks[index]
            self.journal.record_track_heard(
                self.session_id,
                index,
                track_key(track.path, root),
                track.title,
                self.heard_seconds[index],
            )
            self._unsaved_tracks.discard(index)

    def note_ambience(self, key: str) -> None:
        """The background sound chosen now ('' for none); the last one is kept."""
        self.journal.set_ambience(self.session_id, key)

    def note_event(self, kind: EventKind, detail: str = "") -> None:
        self.journal.record_event(self.session_id, kind, detail)

    def finish_listening(self, completed: bool, listened_seconds: float) -> None:
        """The music has stopped: it played to its end, or the person ended it."""
        self.listened_seconds = max(self.listened_seconds, listened_seconds)
        self._ended_as = Outcome.COMPLETED if completed else Outcome.ENDED_EARLY
        self.journal.finish_session(self.session_id, self._ended_as, self.listened_seconds)
        self.outcome = self._ended_as
        self.save_tracks_heard()

    def check_out(self, after: CheckIn) -> SessionSummary:
        """Record the check-in after listening and say what changed."""
        if self.outcome is Outcome.IN_PROGRESS:  # never finished, or its record failed
            self.finish_listening(self._ended_as is Outcome.COMPLETED, self.listened_seconds)
        self.journal.record_after(self.session_id, after)
        changes = compare(self.before, after)
        return SessionSummary(
            changes, self.outcome, self.listened_seconds, distress_rose(changes), after
        )
