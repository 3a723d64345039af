"""The mood check-in taken before and after every session, and on its own ("Just check in").

Values are kept raw, with the scale they were given on, so a later change of scale never
reinterprets old answers. An item the person did not answer is ``None``: never a number.

Besides the three core items, a person (or, later, a therapist's homework) may switch on
optional items: craving, body tension or pain, and items of their own with a name and words
for both ends. Every check-in carries the definitions of the items it asked, and the journal
stores them with the answers, so changing or removing an item never changes what an old
answer meant.
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
    """One question of the check-in. mtcalm's own items get their words from the UI; an item a
    person named carries its ``label`` and the words of its two ends.
    """

    key: str
    scale: Scale
    phases: frozenset[Phase]
    label: str = ""
    low_anchor: str = ""
    high_anchor: str = ""

    @property
    def compared(self) -> bool:
        """Asked before and after, so its change is worth showing."""
        return self.phases == BOTH

    @property
    def is_custom(self) -> bool:
        return self.key.startswith(CUSTOM_PREFIX)


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

# Optional items, asked only when switched on (CHECKIN.md: craving is an outcome music-therapy
# trials report; tension or pain is what many people notice first in the body).
CRAVING = CheckInItem("craving", Scale("craving-0-10", 0, 10), BOTH)
TENSION = CheckInItem("tension", Scale("tension-0-10", 0, 10), BOTH)
OPTIONAL_ITEMS: tuple[CheckInItem, ...] = (CRAVING, TENSION)
CUSTOM_PREFIX = "custom-"
CUSTOM_SCALE = Scale("custom-0-10", 0, 10)
MAX_LABEL_LENGTH = 60
MAX_ANCHOR_LENGTH = 40
MAX_OPTIONAL_ITEMS = 8
KNOWN_ITEMS: dict[str, CheckInItem] = {item.key: item for item in (*ALL_ITEMS, *OPTIONAL_ITEMS)}

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
HIGH_CRAVING_BEFORE = 8
DISTRESS_RISE_TO_FLAG = 2


def items_for(phase: Phase, optional: Iterable[CheckInItem] = ()) -> tuple[CheckInItem, ...]:
    """The items asked in ``phase``, in the order they are shown: the core items, then the
    ``optional`` ones switched on, then those asked only afterwards.
    """
    core = [item for item in COMPARED_ITEMS if phase in item.phases]
    extra = [item for item in optional if phase in item.phases]
    later = [item for item in ALL_ITEMS if item not in COMPARED_ITEMS and phase in item.phases]
    return tuple(dict.fromkeys([*core, *extra, *later]))


class CheckInError(ValueError):
    """A check-in that cannot be stored as given."""


def custom_item(key: str, label: str, low_anchor: str = "", high_anchor: str = "") -> CheckInItem:
    """An item a person named, on a 0–10 scale asked before and after; ``key`` is its lasting
    name in the journal (``custom-`` and a few letters, digits or dashes).
    """
    label, low_anchor, high_anchor = label.strip(), low_anchor.strip(), high_anchor.strip()
    if not key.startswith(CUSTOM_PREFIX) or not _is_key(key[len(CUSTOM_PREFIX) :]):
        raise CheckInError(f"{key!r} is not a name for an item of one's own")
    if not label or len(label) > MAX_LABEL_LENGTH or not label.isprintable():
        raise CheckInError(f"an item's name is one line of at most {MAX_LABEL_LENGTH} characters")
    for anchor in (low_anchor, high_anchor):
        if len(anchor) > MAX_ANCHOR_LENGTH or not anchor.isprintable():
            raise CheckInError(f"the words at each end are at most {MAX_ANCHOR_LENGTH} characters")
    return CheckInItem(key, CUSTOM_SCALE, BOTH, label, low_anchor, high_anchor)


def _is_key(text: str) -> bool:
    return 0 < len(text) <= 40 and all(c.isascii() and (c.isalnum() or c == "-") for c in text)


@dataclass(frozen=True)
class CheckIn:
    """One check-in as the person gave it. ``skipped`` means they chose to skip it entirely.

    ``items`` are the questions asked (by default the core items of ``phase``); answers are
    checked against them.
    """

    phase: Phase
    answers: Mapping[str, int | None] = field(default_factory=dict)
    emotions: tuple[str, ...] = ()
    note: str = ""
    skipped: bool = False
    items: tuple[CheckInItem, ...] = ()

    def __post_init__(self) -> None:
        if not self.items:
            object.__setattr__(self, "items", items_for(self.phase))
        asked = {item.key: item for item in self.items}
        if len(asked) != len(self.items):
            raise CheckInError("an item is asked twice")
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
        # Every item asked has an answer, None when not given: equal check-ins compare equal.
        object.__setattr__(self, "answers", {key: self.answers.get(key) for key in asked})

    @classmethod
    def skipped_in(cls, phase: Phase) -> CheckIn:
        """The check-in of someone who chose to skip it."""
        return cls(phase=phase, skipped=True)

    def value(self, key: str) -> int | None:
        """The answer to item ``key``, or ``None`` when it was not answered."""
        return self.answers.get(key)

    def all_answers(self) -> dict[str, int | None]:
        """Every item asked, unanswered ones as ``None``."""
        return {item.key: self.answers.get(item.key) for item in self.items}

    def item(self, key: str) -> CheckInItem | None:
        return next((item for item in self.items if item.key == key), None)


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
    """The before → after change of every compared item: the core items always, then each item
    asked on both sides, on the same scale (an answer on another scale is never compared).
    """
    keys = [item.key for item in COMPARED_ITEMS]
    if before is not None and after is not None:
        for item in before.items:
            twin = after.item(item.key)
            same = twin is not None and twin.scale == item.scale and item.compared
            if same and item.key not in keys:
                keys.append(item.key)
    return tuple(
        ItemChange(
            key,
            before.value(key) if before and _same_scale(before, after, key) else None,
            after.value(key) if after and _same_scale(after, before, key) else None,
        )
        for key in keys
    )


def _same_scale(one: CheckIn, other: CheckIn | None, key: str) -> bool:
    """Whether ``one``'s answer to ``key`` can stand beside ``other``'s (or beside none)."""
    mine = one.item(key)
    theirs = other.item(key) if other is not None else None
    return mine is not None and (theirs is None or theirs.scale == mine.scale)


def suggests_support_first(before: CheckIn) -> bool:
    """Distress or craving this high before listening: offer grounding and support first."""
    distress = before.value(DISTRESS.key)
    craving = before.value(CRAVING.key) if before.item(CRAVING.key) == CRAVING else None
    return (distress is not None and distress >= HIGH_DISTRESS_BEFORE) or (
        craving is not None and craving >= HIGH_CRAVING_BEFORE
    )


def distress_rose(changes: Iterable[ItemChange]) -> bool:
    """Distress went up enough that the session is flagged and grounding is offered."""
    return any(
        change.key == DISTRESS.key
        and change.difference is not None
        and change.difference >= DISTRESS_RISE_TO_FLAG
        for change in changes
    )
