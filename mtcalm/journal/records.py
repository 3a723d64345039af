"""What the journal keeps, as Python reads it: sessions with their outcome and kind, events,
reflections, trigger flags, and the journal's summary; and the limits on what it keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from mtcalm.checkin import CheckIn, ItemChange, compare, distress_rose

if TYPE_CHECKING:
    from mtcalm.drawing import Drawing


class Outcome(StrEnum):
    """How a session went. A session still ``in_progress`` after the app stopped ended early."""

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"


class SessionKind(StrEnum):
    """A listening session, or a check-in on its own."""

    LISTENING = "listening"
    CHECKIN = "checkin"


CHECKIN_ONLY_REF = "checkin"  # the content_ref of a check-in on its own


class EventKind(StrEnum):
    """Things worth remembering about a session besides its check-ins."""

    TRACK_STARTED = "track_started"
    TRACK_FAILED = "track_failed"
    GROUNDING = "grounding"


@dataclass(frozen=True)
class SessionEvent:
    at: datetime
    kind: str
    detail: str


@dataclass(frozen=True)
class SessionRecord:
    """A session as the journal keeps it."""

    id: int
    started_at: datetime
    ended_at: datetime | None
    content_ref: str
    content_title: str
    planned_seconds: float | None
    listened_seconds: float
    outcome: Outcome
    before: CheckIn | None
    after: CheckIn | None
    uid: str = ""
    kind: SessionKind = SessionKind.LISTENING
    ambience: str = ""

    @property
    def changes(self) -> tuple[ItemChange, ...]:
        return compare(self.before, self.after)

    @property
    def distress_rose(self) -> bool:
        """Flagged: distress went up by the flagging margin or more."""
        return distress_rose(self.changes)


# Limits on what a reflection and a flag keep; the UI limits typing to the same.
MAX_REFLECTION_NOTE_LENGTH = 20_000
MAX_PROMPT_LENGTH = 2_000
MAX_TRACK_KEY_LENGTH = 4_096
MAX_TRACK_TITLE_LENGTH = 300


@dataclass(frozen=True)
class Reflection:
    """What the person wrote and drew after a session.

    ``drawing_problem`` says why a stored drawing could not be shown (the drawing is then empty).
    """

    recorded_at: datetime
    prompt: str
    note: str
    drawing: Drawing
    drawing_problem: str = ""


@dataclass(frozen=True)
class ReflectionMark:
    """Which parts a session's reflection has, without reading the drawing itself."""

    has_note: bool
    has_drawing: bool


@dataclass(frozen=True)
class TrackFlag:
    """A track flagged as a trigger: brings up urges or hard memories."""

    key: str
    title: str
    flagged_at: datetime
    by_therapist: bool = False  # flagged by a therapist's homework, not by the person


@dataclass(frozen=True)
class JournalSummary:
    sessions: int
    first: datetime | None
    newest: datetime | None
