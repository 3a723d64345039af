"""The checks every session of a JSON export passes before it is written to a journal.

Each value is checked for its type, its range and its size, against what mtcalm itself writes:
an item of mtcalm's own exactly as mtcalm asks it, any other item on a scale with its value in
it, text without NUL characters or broken Unicode, times as ISO 8601, seconds finite and never
negative. A check-in is built as a :class:`mtcalm.checkin.CheckIn`, so it meets the app's own
rules (known feeling words, no answers in a skipped check-in, notes of a usable length).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mtcalm.checkin import (
    BOTH,
    KNOWN_ITEMS,
    MAX_ANCHOR_LENGTH,
    MAX_LABEL_LENGTH,
    MAX_NOTE_LENGTH,
    CheckIn,
    CheckInError,
    CheckInItem,
    Phase,
    Scale,
)
from mtcalm.journal.store import (
    MAX_PROMPT_LENGTH,
    MAX_REFLECTION_NOTE_LENGTH,
    MAX_TRACK_KEY_LENGTH,
    MAX_TRACK_TITLE_LENGTH,
    Outcome,
    SessionKind,
)

MAX_SECONDS = 10_000_000.0  # about 115 days: longer than any session
MAX_TEXT = 10_000  # a content reference, a title, an event's detail
MAX_LIST = 100_000  # items, words, tracks or events of one session
MAX_SCALE_END = 1_000
MAX_TIME_LENGTH = 64


class ImportRefused(Exception):
    """Nothing was imported and nothing was changed; a short and a long text."""

    def __init__(self, short: str, long: str) -> None:
        super().__init__(f"{short}: {long}")
        self.short = short
        self.long = long


def damaged(problem: str) -> ImportRefused:
    return ImportRefused("The export is damaged", f"{problem[0].upper()}{problem[1:]}.")


_MISSING = object()


class Fields:
    """One JSON object of the export, its fields taken one by one and checked."""

    def __init__(self, document: object, where: str, allowed: frozenset[str]) -> None:
        if not isinstance(document, dict):
            raise damaged(f"{where} is not an object")
        if not document.keys() <= allowed:
            unknown = sorted(document.keys() - allowed)[0]
            raise damaged(f"{where} has a field this mtcalm does not know ({unknown!r})")
        self.document: dict[str, Any] = document
        self.where = where

    def get(self, name: str, default: object = _MISSING) -> Any:
        if name in self.document:
            return self.document[name]
        if default is _MISSING:
            raise damaged(f"{self.where} has no {name!r}")
        return default

    def problem(self, name: str, what: str) -> ImportRefused:
        return damaged(f"{self.where}: {name!r} is not {what}")

    def text(self, name: str, limit: int, default: object = _MISSING) -> str:
        value = self.get(name, default)
        if not isinstance(value, str) or len(value) > limit:
            raise self.problem(name, f"text of at most {limit} characters")
        return plain(value, f"{self.where}: {name!r}")

    def note(self, name: str, limit: int) -> str:
        """A note, or '' where the export left notes out (null)."""
        return "" if self.get(name, None) is None else self.text(name, limit)

    def time(self, name: str, default: object = _MISSING) -> str | None:
        value = self.get(name, default)
        if value is None and default is None:
            return None
        if isinstance(value, str) and len(value) <= MAX_TIME_LENGTH:
            try:
                return datetime.fromisoformat(value).isoformat()
            except ValueError:
                pass
        raise self.problem(name, "a time as ISO 8601")

    def seconds(self, name: str, default: object = _MISSING) -> float | None:
        value = self.get(name, default)
        if value is None and default is None:
            return None
        if not _is_number(value) or not 0 <= value <= MAX_SECONDS:
            raise self.problem(name, f"a number of seconds from 0 to {MAX_SECONDS:.0f}")
        return float(value)

    def whole(self, name: str, low: int, high: int) -> int:
        value = self.get(name)
        if type(value) is not int or not low <= value <= high:
            raise self.problem(name, f"a whole number from {low} to {high}")
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: object = _MISSING) -> str:
        value = self.get(name, default)
        if value not in choices:
            raise self.problem(name, "one of " + ", ".join(choices))
        return str(value)

    def entries(self, name: str) -> list[Any]:
        value = self.get(name, [])
        if not isinstance(value, list) or len(value) > MAX_LIST:
            raise self.problem(name, f"a list of at most {MAX_LIST} entries")
        return value


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def plain(text: str, where: str) -> str:
    """``text`` if SQLite can keep it as text: no NUL, no half of a UTF-16 pair."""
    if "\x00" in text:
        raise damaged(f"{where} holds a NUL character")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise damaged(f"{where} holds a character that is not Unicode text") from None
    return text


@dataclass(frozen=True)
class ImportedSession:
    """A session of the export, checked, as the journal will keep it."""

    uid: str
    row: tuple[object, ...]  # the sessions row after uid, in _SESSION_INSERT's order
    checkins: tuple[tuple[CheckIn, str], ...]  # with when each was recorded
    reflection: tuple[str, str, str, str] | None  # recorded_at, prompt, note, drawing JSON
    tracks: tuple[tuple[int, str, str, float], ...]
    events: tuple[tuple[str, str, str], ...]


_SESSION_FIELDS = frozenset(
    {"uid", "kind", "started_at", "updated_at", "ended_at", "content_ref", "content_title"}
    | {"ambience", "planned_seconds", "listened_seconds", "outcome", "before", "after"}
    | {"reflection", "tracks", "events"}
)
_CHECKIN_FIELDS = frozenset({"recorded_at", "skipped", "items", "words", "note"})
_ITEM_FIELDS = frozenset({"key", "label", "scale", "low_anchor", "high_anchor", "value"})
_SCALE_FIELDS = frozenset({"key", "min", "max"})
_TEXT_PARTS = (str, str, str, str, str, int, int)
MAX_ITEMS_KEPT = 10_000  # item definitions remembered as checked, per import

# An item's definition as the file gives it (its phase, every field but the value), and the
# item it was found to be: a journal asks the same few items thousands of times.
CheckedItems = dict[tuple[object, ...], CheckInItem]


def imported_session(document: object, position: int, items: CheckedItems) -> ImportedSession:
    """Session ``position`` (from 1) of the file, checked; raises :class:`ImportRefused`.

    ``items`` remembers the item definitions already checked, for the rest of the file.
    """
    fields = Fields(document, f"session {position}", _SESSION_FIELDS)
    uid = fields.text("uid", 64)
    if not uid or not all(c.isascii() and (c.isalnum() or c == "-") for c in uid):
        raise fields.problem("uid", "an identity of letters, digits and dashes")
    started_at = fields.time("started_at")
    kinds = tuple(kind.value for kind in SessionKind)
    row = (
        fields.choice("kind", kinds),
        started_at,
        fields.time("updated_at", started_at),
        fields.time("ended_at", None),
        fields.text("content_ref", MAX_TEXT),
        fields.text("content_title", MAX_TEXT),
        fields.text("ambience", MAX_TEXT, ""),
        fields.seconds("planned_seconds", None),
        fields.seconds("listened_seconds"),
        fields.choice("outcome", tuple(outcome.value for outcome in Outcome)),
    )
    checkins = []
    for phase in Phase:
        if fields.get(phase.value, None) is not None:
            where = f"{fields.where}, the check-in {phase.value}"
            checkins.append(_checkin(fields.get(phase.value), phase, where, items))
    tracks = tuple(_track(entry, f"{fields.where}, a track") for entry in fields.entries("tracks"))
    if len({track[0] for track in tracks}) != len(tracks):
        raise fields.problem("tracks", "a list of tracks, each at its own position")
    return ImportedSession(
        uid,
        row,
        tuple(checkins),
        _reflection(fields.get("reflection", None), f"{fields.where}, the reflection"),
        tracks,
        tuple(_event(entry, f"{fields.where}, an event") for entry in fields.entries("events")),
    )


def _checkin(
    document: object, phase: Phase, where: str, items_checked: CheckedItems
) -> tuple[CheckIn, str]:
    fields = Fields(document, where, _CHECKIN_FIELDS)
    skipped = fields.get("skipped", False)
    if not isinstance(skipped, bool):
        raise fields.problem("skipped", "true or false")
    words = fields.entries("words")
    if not all(isinstance(word, str) for word in words):
        raise fields.problem("words", "a list of words")
    answers: dict[str, int | None] = {}
    items = []
    for entry in fields.entries("items"):
        item, value = _item(entry, phase, where, items_checked)
        items.append(item)
        answers[item.key] = value
    try:
        checkin = CheckIn(
            phase,
            answers,
            tuple(words),
            fields.note("note", MAX_NOTE_LENGTH),
            skipped,
            tuple(items),
        )
    except CheckInError as error:
        raise damaged(f"{where}: {error}") from None
    return checkin, str(fields.time("recorded_at"))


def _item(
    document: object, phase: Phase, where: str, checked: CheckedItems
) -> tuple[CheckInItem, int | None]:
    signature = _signature(document, phase)
    item = checked.get(signature) if signature is not None else None
    if item is None:
        item = _checked_item(document, phase, where)
        if signature is not None and len(checked) < MAX_ITEMS_KEPT:
            checked[signature] = item
    value = document.get("value") if isinstance(document, dict) else None
    if value is not None and (type(value) is not int or not item.scale.contains(value)):
        raise damaged(
            f"{where}, the item {item.key!r}: {value!r} is not a whole number on its scale"
        )
    return item, value


def _signature(document: object, phase: Phase) -> tuple[object, ...] | None:
    """What defines the item ``document`` asks, if it is made only of plain text and whole
    numbers (anything else is checked in full every time).
    """
    if type(document) is not dict or not document.keys() <= _ITEM_FIELDS:
        return None
    scale = document.get("scale")
    if type(scale) is not dict or scale.keys() != _SCALE_FIELDS:
        return None
    parts = (
        document.get("key"),
        document.get("label", ""),
        document.get("low_anchor", ""),
        document.get("high_anchor", ""),
        scale["key"],
        scale["min"],
        scale["max"],
    )
    if tuple(map(type, parts)) != _TEXT_PARTS:  # exactly str or int, never a subclass
        return None
    return (phase, *parts)


def _checked_item(document: object, phase: Phase, where: str) -> CheckInItem:
    fields = Fields(document, f"{where}, an item", _ITEM_FIELDS)
    key = fields.text("key", 64)
    where = f"{where}, the item {key!r}"
    scale = Fields(fields.get("scale"), f"{where}, its scale", frozenset({"key", "min", "max"}))
    low = scale.whole("min", -MAX_SCALE_END, MAX_SCALE_END)
    item = CheckInItem(
        key,
        Scale(scale.text("key", 64), low, scale.whole("max", low, MAX_SCALE_END)),
        BOTH,
        fields.text("label", MAX_LABEL_LENGTH, ""),
        fields.text("low_anchor", MAX_ANCHOR_LENGTH, ""),
        fields.text("high_anchor", MAX_ANCHOR_LENGTH, ""),
    )
    known = KNOWN_ITEMS.get(key)
    if known is not None:  # the journal shows mtcalm's own items only as they are
        same = (item.scale, item.label, item.low_anchor, item.high_anchor) == (
            known.scale,
            known.label,
            known.low_anchor,
            known.high_anchor,
        )
        if not same or phase not in known.phases:
            raise damaged(f"{where} is not mtcalm's own item as it is asked {phase.value}")
        item = known
    elif not key or not key.isprintable() or not item.label.isprintable():
        raise damaged(f"{where} has no usable name")
    return item


def _reflection(document: object, where: str) -> tuple[str, str, str, str] | None:
    if document is None:
        return None
    fields = Fields(document, where, frozenset({"recorded_at", "prompt", "note", "drawing"}))
    drawing = fields.get("drawing", None)
    return (
        str(fields.time("recorded_at")),
        fields.text("prompt", MAX_PROMPT_LENGTH, ""),
        fields.note("note", MAX_REFLECTION_NOTE_LENGTH),
        "" if drawing is None else _drawing_text(drawing, where),
    )


def _drawing_text(document: object, where: str) -> str:
    """The drawing as the journal keeps it, after the app's own checks (its points as given:
    simplifying them again would change them).
    """
    from mtcalm.drawing import FORMAT, DrawingError, from_json

    try:
        drawing = from_json(json.dumps(document, allow_nan=False))
    except (DrawingError, ValueError) as error:
        raise damaged(f"{where}: {error}") from None
    if drawing.is_empty:
        return ""
    strokes = [
        {"c": s.colour, "w": s.width, "p": [c for point in s.points for c in point]}
        for s in drawing.strokes
    ]
    return json.dumps({"format": FORMAT, "strokes": strokes}, separators=(",", ":"))


def _track(document: object, where: str) -> tuple[int, str, str, float]:
    allowed = frozenset({"position", "track_key", "title", "heard_seconds"})
    fields = Fields(document, where, allowed)
    return (
        fields.whole("position", 0, MAX_LIST),
        fields.text("track_key", MAX_TRACK_KEY_LENGTH),
        fields.text("title", MAX_TRACK_TITLE_LENGTH),
        float(fields.seconds("heard_seconds") or 0.0),
    )


def _event(document: object, where: str) -> tuple[str, str, str]:
    fields = Fields(document, where, frozenset({"at", "kind", "detail"}))
    return str(fields.time("at")), fields.text("kind", 64), fields.text("detail", MAX_TEXT, "")


SET_BY = ("person", "therapist")  # who flagged a track (a therapist: through homework)


def track_flags(document: object, version: int = 1) -> list[tuple[str, str, str, str]]:
    """The export's flagged tracks: (key, title, when flagged, set by), each key once.

    Version 1 does not say who flagged a track: the person did (a journal had no homework).
    """
    if not isinstance(document, list):
        raise damaged("its flagged tracks are not a list")
    flags: dict[str, tuple[str, str, str, str]] = {}
    allowed = frozenset({"track_key", "title", "flagged_at", *(("set_by",) if version > 1 else ())})
    for position, entry in enumerate(document, start=1):
        fields = Fields(entry, f"flagged track {position}", allowed)
        key = fields.text("track_key", MAX_TRACK_KEY_LENGTH)
        if not key or key in flags:
            raise fields.problem("track_key", "a track named once")
        flags[key] = (
            key,
            fields.text("title", MAX_TRACK_TITLE_LENGTH),
            str(fields.time("flagged_at")),
            fields.choice("set_by", SET_BY) if version > 1 else SET_BY[0],
        )
    return list(flags.values())
