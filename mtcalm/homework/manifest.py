"""What a homework package asks for: ``homework.toml``, read and checked, without Qt.

A therapist's homework package is one zip file (``*.mtcalm-homework``, see
``docs/homework-format.md``) with ``homework.toml`` at its root. This module turns that
document into a :class:`Homework`: the programme's identity and revision, title and
instructions, the therapist, the schedule, the content (bundled playlists and scripts by
reference, or playlists and scripts inside the package), the check-in questions to ask, support
contacts and tracks to avoid. Everything in it is untrusted text: every value is checked for
type, length and range, and a problem is raised as :class:`HomeworkError` with the line it is
on when it can be found. Reading the zip safely is :mod:`mtcalm.homework.archive`'s job.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path, PurePosixPath
from typing import Any

from mtcalm.checkin import (
    CRAVING,
    MAX_ANCHOR_LENGTH,
    MAX_LABEL_LENGTH,
    MAX_OPTIONAL_ITEMS,
    TENSION,
    CheckInError,
    CheckInItem,
    custom_item,
)
from mtcalm.tomlfile import DocumentError

MANIFEST_NAME = "homework.toml"
PACKAGE_SUFFIX = ".mtcalm-homework"
HOMEWORK_FORMAT = 1
MAX_MANIFEST_BYTES = 256 * 1024
MAX_TITLE = 120
MAX_INSTRUCTIONS = 5000
MAX_NAME = 80
MAX_REACH = 200
MAX_NOTE = 500
MAX_WEEKS = 52
MAX_SESSIONS_PER_WEEK = 21
MAX_MINUTES = 180
MAX_TIMES = 6
MAX_CONTENT = 20
MAX_CONTACTS = 10
MAX_AVOID = 200
MAX_REF = 200
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{7,63}")
REF_PATTERN = re.compile(r"(playlist|script):[a-z0-9][a-z0-9_-]{0,79}")
CONTENT_KINDS = ("ref", "playlist", "script")  # one of these keys per [[content]]
FOLDER_OF_KIND = {"playlist": "playlists", "script": "scripts"}


class HomeworkError(DocumentError):
    """A homework package whose ``homework.toml`` cannot be used."""


@dataclass(frozen=True)
class Therapist:
    name: str
    reach: str = ""


@dataclass(frozen=True)
class Schedule:
    """How often, how long and for how many weeks; week 1 is the week ``starts`` is in."""

    starts: date
    weeks: int
    sessions_per_week: int
    minimum_minutes: int
    preferred_times: tuple[time, ...] = ()


@dataclass(frozen=True)
class Content:
    """One thing to listen to: bundled content by ``ref`` ("playlist:settle"), or a playlist or
    script inside the package at ``path`` ("playlists/rain.toml").
    """

    kind: str  # "ref", "playlist" or "script"
    value: str


@dataclass(frozen=True)
class Contact:
    name: str
    reach: str = ""
    note: str = ""


@dataclass(frozen=True)
class AvoidTrack:
    """A track the therapist asks to skip: a bundled one by its key, or a file in the package."""

    title: str
    track: str


@dataclass(frozen=True)
class Homework:
    id: str
    revision: int
    title: str
    instructions: str
    therapist: Therapist
    schedule: Schedule
    content: tuple[Content, ...]
    checkin_items: tuple[CheckInItem, ...]
    contacts: tuple[Contact, ...]
    avoid: tuple[AvoidTrack, ...]

    def package_files(self) -> tuple[str, ...]:
        """The files inside the package this manifest names (playlists, scripts, audio)."""
        named = [item.value for item in self.content if item.kind != "ref"]
        named += [item.track for item in self.avoid if not item.track.startswith("bundled:")]
        return tuple(dict.fromkeys(named))


def read_manifest(raw: bytes, where: str = MANIFEST_NAME) -> Homework:
    """The homework ``raw`` (the bytes of ``homework.toml``) describes; ``where`` names it in
    messages. Raises :class:`HomeworkError`.
    """
    reader = _Reader(where, raw)
    document = reader.document
    version = document.get("format")
    if type(version) is not int:
        raise reader.error("'format' must be a whole number (this version writes format 1)")
    if version > HOMEWORK_FORMAT:
        raise reader.error(
            f"this package is homework format {version}; this version of mtcalm reads up to "
            f"format {HOMEWORK_FORMAT}. Update mtcalm to open it.",
            "format",
        )
    if version < 1:
        raise reader.error("'format' must be 1 or more", "format")
    reader.refuse_unknown(
        document,
        {"format", "homework", "therapist", "schedule", "content", "checkin", "contact", "avoid"},
        "the document",
    )
    homework = reader.table(document, "homework")
    reader.refuse_unknown(homework, {"id", "revision", "title", "instructions"}, "[homework]")
    identity = reader.text(homework, "id", "[homework]", MAX_REF, required=True)
    if not ID_PATTERN.fullmatch(identity):
        raise reader.error(
            "'id' must be 8 to 64 letters, digits or '-' (it stays the same for every revision "
            "of this programme)",
            "id",
        )
    revision = reader.number(homework, "revision", "[homework]", 1, 1_000_000, default=1)
    therapist_table = reader.table(document, "therapist")
    reader.refuse_unknown(therapist_table, {"name", "reach"}, "[therapist]")
    return Homework(
        id=identity,
        revision=revision,
        title=reader.text(homework, "title", "[homework]", MAX_TITLE, required=True),
        instructions=reader.text(homework, "instructions", "[homework]", MAX_INSTRUCTIONS),
        therapist=Therapist(
            reader.text(therapist_table, "name", "[therapist]", MAX_NAME, required=True),
            reader.text(therapist_table, "reach", "[therapist]", MAX_REACH),
        ),
        schedule=_schedule(reader, reader.table(document, "schedule")),
        content=_content(reader, document),
        checkin_items=_checkin_items(reader, document),
        contacts=_contacts(reader, document),
        avoid=_avoid(reader, document),
    )


def package_path(value: str) -> str | None:
    """``value`` as a plain relative path inside a package ("audio/rain.ogg"), or None when it
    could point anywhere else (absolute, a drive, a backslash, '..', '.', empty parts).
    """
    if not value or "\\" in value or "\x00" in value or len(value) > 1024:
        return None
    if value.startswith("/") or re.match(r"[A-Za-z]:", value):
        return None
    parts = value.split("/")
    if any(part in ("", ".", "..") or len(part.encode()) > 255 for part in parts):
        return None
    if any(unicodedata.category(char).startswith("C") for char in value):
        return None
    return PurePosixPath(value).as_posix()


# -- inside ------------------------------------------------------------------------------------


def _schedule(reader: _Reader, table: dict[str, Any]) -> Schedule:
    where = "[schedule]"
    reader.refuse_unknown(
        table, {"starts", "weeks", "sessions_per_week", "minimum_minutes", "preferred_times"}, where
    )
    starts = table.get("starts")
    if type(starts) is not date:
        raise reader.error("'starts' in [schedule] must be a date, like 2026-12-07", "starts")
    times = table.get("preferred_times", [])
    if not isinstance(times, list) or len(times) > MAX_TIMES:
        raise reader.error(
            f"'preferred_times' must be a list of at most {MAX_TIMES} times", "preferred_times"
        )
    preferred = []
    for value in times:
        if type(value) is time:
            preferred.append(value.replace(second=0, microsecond=0))
            continue
        if not isinstance(value, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise reader.error(
                'each preferred time must be a time of day like "08:30"', "preferred_times"
            )
        preferred.append(time(int(value[:2]), int(value[3:])))
    return Schedule(
        starts=starts,
        weeks=reader.number(table, "weeks", where, 1, MAX_WEEKS),
        sessions_per_week=reader.number(
            table, "sessions_per_week", where, 1, MAX_SESSIONS_PER_WEEK
        ),
        minimum_minutes=reader.number(table, "minimum_minutes", where, 1, MAX_MINUTES, default=10),
        preferred_times=tuple(sorted(set(preferred))),
    )


def _content(reader: _Reader, document: dict[str, Any]) -> tuple[Content, ...]:
    entries = reader.array(document, "content", MAX_CONTENT)
    if not entries:
        raise reader.error("the package names nothing to listen to: add a [[content]]", "[[content")
    found: list[Content] = []
    for number, entry in enumerate(entries, start=1):
        where = f"[[content]] {number}"
        kinds = [kind for kind in CONTENT_KINDS if kind in entry]
        reader.refuse_unknown(entry, set(CONTENT_KINDS), where)
        if len(kinds) != 1:
            raise reader.error(f"{where}: give exactly one of 'ref', 'playlist' or 'script'")
        kind = kinds[0]
        value = reader.text(entry, kind, where, MAX_REF, required=True)
        if kind == "ref":
            if not REF_PATTERN.fullmatch(value):
                raise reader.error(
                    f"{where}: 'ref' must name bundled content, like \"playlist:settle\" or "
                    '"script:grounding"',
                    "ref",
                )
        else:
            inside = package_path(value)
            folder = FOLDER_OF_KIND[kind]
            if (
                inside is None
                or not inside.startswith(folder + "/")
                or not inside.endswith(".toml")
            ):
                raise reader.error(
                    f"{where}: '{kind}' must be a .toml file in the package's {folder}/ folder",
                    kind,
                )
            value = inside
        item = Content(kind, value)
        if item in found:
            raise reader.error(f"{where}: named twice", kind)
        found.append(item)
    return tuple(found)


def _checkin_items(reader: _Reader, document: dict[str, Any]) -> tuple[CheckInItem, ...]:
    table = document.get("checkin", {})
    if not isinstance(table, dict):
        raise reader.error("[checkin] must be a table", "[checkin]")
    reader.refuse_unknown(table, {"craving", "tension", "question"}, "[checkin]")
    items: list[CheckInItem] = []
    for key, item in (("craving", CRAVING), ("tension", TENSION)):
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise reader.error(f"'{key}' in [checkin] must be true or false", key)
        if value:
            items.append(item)
    questions = table.get("question", [])
    if not isinstance(questions, list) or not all(isinstance(q, dict) for q in questions):
        raise reader.error("[[checkin.question]] must be tables", "[[checkin.question")
    for number, question in enumerate(questions, start=1):
        where = f"[[checkin.question]] {number}"
        reader.refuse_unknown(question, {"label", "low", "high"}, where)
        label = reader.text(question, "label", where, MAX_LABEL_LENGTH, required=True)
        low = reader.text(question, "low", where, MAX_ANCHOR_LENGTH)
        high = reader.text(question, "high", where, MAX_ANCHOR_LENGTH)
        key = _question_key(label, {item.key for item in items})
        try:
            items.append(custom_item(key, label, low, high))
        except CheckInError as error:  # a line break or a tab: a question is one line
            raise reader.error(f"{where}: {error}", "label") from error
    if len(items) > MAX_OPTIONAL_ITEMS:
        raise reader.error(
            f"at most {MAX_OPTIONAL_ITEMS} questions can be added to the check-in", "[checkin]"
        )
    return tuple(items)


def _question_key(label: str, taken: set[str]) -> str:
    """A key for a question of the therapist's own: "custom-" and its words, made unique."""
    stem = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", label).casefold())
    stem = stem.strip("-")[:40].strip("-") or "question"
    key, number = f"custom-{stem}", 2
    while key in taken:
        key, number = f"custom-{stem}-{number}", number + 1
    return key


def _contacts(reader: _Reader, document: dict[str, Any]) -> tuple[Contact, ...]:
    contacts = []
    for number, entry in enumerate(reader.array(document, "contact", MAX_CONTACTS), start=1):
        where = f"[[contact]] {number}"
        reader.refuse_unknown(entry, {"name", "reach", "note"}, where)
        contacts.append(
            Contact(
                reader.text(entry, "name", where, MAX_NAME, required=True),
                reader.text(entry, "reach", where, MAX_REACH),
                reader.text(entry, "note", where, MAX_NOTE),
            )
        )
    return tuple(contacts)


def _avoid(reader: _Reader, document: dict[str, Any]) -> tuple[AvoidTrack, ...]:
    tracks = []
    for number, entry in enumerate(reader.array(document, "avoid", MAX_AVOID), start=1):
        where = f"[[avoid]] {number}"
        reader.refuse_unknown(entry, {"title", "track"}, where)
        title = reader.text(entry, "title", where, MAX_TITLE, required=True)
        track = reader.text(entry, "track", where, MAX_REF * 2, required=True)
        bundled = track.startswith("bundled:") and package_path(track[8:]) is not None
        inside = package_path(track)
        if not bundled and (inside is None or not inside.startswith("audio/")):
            raise reader.error(
                f"{where}: 'track' must be a bundled track (\"bundled:music/…\") or a file in "
                "the package's audio/ folder",
                "track",
            )
        tracks.append(AvoidTrack(title, track))
    return tuple(tracks)


class _Reader:
    """The parsed document, and checked reads of its values that point at their line."""

    def __init__(self, where: str, raw: bytes) -> None:
        self.where = Path(where)
        if len(raw) > MAX_MANIFEST_BYTES:
            raise HomeworkError(
                self.where,
                f"homework.toml is too large ({len(raw)} bytes, at most {MAX_MANIFEST_BYTES})",
            )
        try:
            text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise HomeworkError(self.where, "homework.toml is not UTF-8 text", line) from error
        self.lines = [line.strip() for line in text.split("\n")]
        try:
            self.document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            found = re.search(r"at line (\d+)", str(error))
            at = int(found.group(1)) if found else None
            raise HomeworkError(
                self.where, f"homework.toml is not valid TOML: {error}", at
            ) from error

    def error(self, message: str, key: str | None = None) -> HomeworkError:
        return HomeworkError(self.where, message, self._line(key) if key else None)

    def _line(self, needle: str) -> int | None:
        for number, line in enumerate(self.lines, start=1):
            after = line[len(needle) :].lstrip()[:1]
            if line.startswith(needle) and (needle.startswith("[") or after == "="):
                return number
        return None

    def table(self, document: dict[str, Any], name: str) -> dict[str, Any]:
        value = document.get(name)
        if not isinstance(value, dict):
            raise self.error(f"the package needs a [{name}] table", f"[{name}]")
        return value

    def array(self, document: dict[str, Any], name: str, limit: int) -> list[dict[str, Any]]:
        value = document.get(name, [])
        if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
            raise self.error(f"[[{name}]] must be tables", f"[[{name}")
        if len(value) > limit:
            raise self.error(f"at most {limit} [[{name}]] entries", f"[[{name}")
        return value

    def text(
        self, table: dict[str, Any], key: str, where: str, limit: int, *, required: bool = False
    ) -> str:
        value = table.get(key, "")
        if not isinstance(value, str):
            raise self.error(f"'{key}' in {where} must be text", key)
        value = unicodedata.normalize("NFC", value.strip())
        if required and not value:
            raise self.error(f"{where} needs '{key}'", key)
        if len(value) > limit:
            raise self.error(
                f"'{key}' in {where} is too long ({len(value)} characters, at most {limit})", key
            )
        if any(unicodedata.category(char) == "Cc" and char not in "\n\t" for char in value):
            raise self.error(f"'{key}' in {where} holds control characters", key)
        return value

    def number(
        self,
        table: dict[str, Any],
        key: str,
        where: str,
        low: int,
        high: int,
        *,
        default: int | None = None,
    ) -> int:
        value = table.get(key, default)
        if type(value) is not int or not low <= value <= high:
            raise self.error(f"'{key}' in {where} must be a whole number from {low} to {high}", key)
        return value

    def refuse_unknown(self, table: dict[str, Any], known: set[str], where: str) -> None:
        unknown = sorted(set(table) - known)
        if unknown:
            name = unknown[0]
            line = self._line(name) or self._line(f"[{name}]") or self._line(f"[[{name}]]")
            message = f"{where} has '{name}', which mtcalm does not know"
            raise HomeworkError(self.where, message, line)
