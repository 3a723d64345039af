"""The mood check-in taken before and after every session.

Values are kept raw, with the scale they were given on, so a later change of scale never
reinterprets old answers. An item the person did not answer is ``None``: never a number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Phase(StrEnum):
    """When a check-in is taken."""

    BEFORE = "before"
    AFTER = "after"


@dataclass(frozen=True)
class Scale:
    """A numeric answer scale. ``key`` names it in the journal, so it never changes meaning."""

    key: str
    minimum: int
    maximum: int

    def contains(self, value: float) -> bool:
        return self.minimum <= value <= self.maximum and float(value).is_integer()


@dataclass(frozen=True)
class CheckInItem:
    """One question of the check-in; the UI gives it words, the core gives it a scale."""

    key: str
    scale: Scale
    phases: frozenset[Phase]


DISTRESS_SCALE = Scale("sud-0-10", 0, 10)
SLIDER_SCALE = Scale("slider-0-10", 0, 10)
HELPFULNESS_SCALE = Scale("helpful-0-4", 0, 4)
YES_NO_SCALE = Scale("no-yes-0-1", 0, 1)

BOTH = frozenset({Phase.BEFORE, Phase.AFTER})

DISTRESS = CheckInItem("distress", DISTRESS_SCALE, BOTH)
PLEASANTNESS = CheckInItem("pleasantness", SLIDER_SCALE, BOTH)
ENERGY = CheckInItem("energy", SLIDER_SCALE, BOTH)
HELPFULNESS = CheckInItem("helpfulness", HELPFULNESS_SCALE, frozenset({Phase.AFTER}))
STIRRED_UP = CheckInItem("stirred_up", YES_NO_SCALE, frozenset({Phase.AFTER}))

ALL_ITEMS: tuple[CheckInItem, ...] = (DISTRESS, PLEASANTNESS, ENERGY, HELPFULNESS, STIRRED_UP)

# Items compared before → after. Helpfulness and "stirred up" are asked only afterwards.
COMPARED_ITEMS: tuple[CheckInItem, ...] = (DISTRESS, PLEASANTNESS, ENERGY)

# Our own grouped list of emotion words (stored by these keys; the UI translates them).
EMOTION_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("settled", ("calm", "relaxed", "content", "hopeful", "grateful")),
    ("low", ("tired", "sad", "lonely", "numb", "bored")),
    ("stirred", ("anxious", "tense", "restless", "overwhelmed", "irritable")),
    ("heavy", ("angry", "ashamed", "guilty", "afraid", "craving")),
)
EMOTION_WORDS: frozenset[str] = frozenset(word for _, words in EMOTION_GROUPS for word in words)

MAX_NOTE_LENGTH = 5000

# Proposals from ../shared/guide/CHECKIN.md, not validated cut-offs.
HIGH_DISTRESS_BEFORE = 8
DISTRESS_RISE_TO_FLAG = 2


def items_for(phase: Phase) -> tuple[CheckInItem, ...]:
    """The items asked in ``phase``, in the order they are shown."""
    return tuple(item for item in ALL_ITEMS if phase in item.phases)


class CheckInError(ValueError):
    """A check-in that cannot be stored as given."""


@dataclass(frozen=True)
class CheckIn:
    """One check-in as the person gave it. ``skipped`` means they chose to skip it entirely."""

    phase: Phase
    answers: Mapping[str, int | None] = field(default_factory=dict)
    emotions: tuple[str, ...] = ()
    note: str = ""
    skipped: bool = False

    def __post_init__(self) -> None:
        asked = {item.key: item for item in items_for(self.phase)}
        for key, value in self.answers.items():
            if key not in asked:
                raise CheckInError(f"{key!r} is not asked {self.phase.value} a session")
            if value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool):
                raise CheckInError(f"{value!r} is not a whole number on the scale of {key!r}")
            if not asked[key].scale.contains(value):
                raise CheckInError(f"{value!r} is outside the scale of {key!r}")
        unknown = set(self.emotions) - EMOTION_WORDS
        if unknown:
            raise CheckInError(f"unknown emotion words: {sorted(unknown)}")
        if len(self.note) > MAX_NOTE_LENGTH:
            raise CheckInError(f"the note is longer than {MAX_NOTE_LENGTH} characters")
        if self.skipped and (any(v is not None for v in self.answers.values()) or self.emotions):
            raise CheckInError("a skipped check-in carries no answers")

    @classmethod
    def skipped_in(cls, phase: Phase) -> CheckIn:
        """The check-in of someone who chose to skip it."""
        return cls(phase=phase, skipped=True)

    def value(self, key: str) -> int | None:
        """The answer to item ``key``, or ``None`` when it was not answered."""
        return self.answers.get(key)

    def all_answers(self) -> dict[str, int | None]:
        """Every item asked in this phase, unanswered ones as ``None``."""
        return {item.key: self.answers.get(item.key) for item in items_for(self.phase)}


@dataclass(frozen=True)
class ItemChange:
    """Before → after for one item; either side may be missing."""

    key: str
    before: int | None
    after: int | None

    @property
    def difference(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def compare(before: CheckIn | None, after: CheckIn | None) -> tuple[ItemChange, ...]:
    """The before → after change of every compared item."""
    return tuple(
        ItemChange(
            item.key,
            before.value(item.key) if before else None,
            after.value(item.key) if after else None,
        )
        for item in COMPARED_ITEMS
    )


def suggests_support_first(before: CheckIn) -> bool:
    """Distress this high before listening: offer grounding and support before going on."""
    distress = before.value(DISTRESS.key)
    return distress is not None and distress >= HIGH_DISTRESS_BEFORE


def distress_rose(changes: Iterable[ItemChange]) -> bool:
    """Distress went up enough that the session is flagged and grounding is offered."""
    return any(
        change.key == DISTRESS.key
        and change.difference is not None
        and change.difference >= DISTRESS_RISE_TO_FLAG
        for change in changes
    )
