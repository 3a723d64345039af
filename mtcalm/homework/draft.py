"""A homework package being made: what the therapist's editor holds, written out, without Qt.

A :class:`Draft` is everything the editor in the window holds. :func:`manifest_text` writes its
``homework.toml`` (every string escaped, and the result always read back by
:func:`~mtcalm.homework.manifest.read_manifest`, so nothing mtcalm would refuse is written);
:mod:`mtcalm.homework.draft_package` writes a draft as a package and opens a package again
as its next revision. A problem is raised as
:class:`DraftProblem`, naming the part of the draft it is in, so the editor can point at it.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path

from mtcalm.checkin import MAX_ANCHOR_LENGTH, MAX_LABEL_LENGTH, MAX_OPTIONAL_ITEMS
from mtcalm.homework.manifest import (
    HOMEWORK_FORMAT,
    MAX_CONTENT,
    MAX_INSTRUCTIONS,
    MAX_NAME,
    MAX_NOTE,
    MAX_REACH,
    MAX_TITLE,
    AvoidTrack,
    Contact,
    HomeworkError,
    read_manifest,
)
from mtcalm.playlists import toml_string

AUDIO_FOLDER = "audio"
PLAYLIST_FOLDER = "playlists"
OWN_CROSSFADE_SECONDS = 0.0  # a therapist's own recordings are often speech: never overlapped


class DraftProblem(Exception):
    """Why the draft cannot be written yet: ``part`` names where (see :data:`PARTS`)."""

    def __init__(self, part: str, message: str) -> None:
        super().__init__(message)
        self.part = part
        self.message = message


# The parts of a draft a problem can be in, as the editor shows them.
PARTS = (
    "title",
    "instructions",
    "therapist_name",
    "therapist_reach",
    "content",
    "own_audio",
    "schedule",
    "preferred_times",
    "checkin",
    "contacts",
    "avoid",
    "package",
)


@dataclass(frozen=True)
class OwnAudio:
    """An audio file of the therapist's own, on disk, and the title the client will see."""

    path: Path
    title: str = ""


@dataclass(frozen=True)
class Question:
    """A check-in question of the therapist's own, 0 to 10."""

    label: str
    low: str = ""
    high: str = ""


@dataclass
class Draft:
    """Everything the editor holds; ``refs`` are bundled content ("playlist:settle")."""

    id: str
    revision: int = 1
    title: str = ""
    instructions: str = ""
    therapist_name: str = ""
    therapist_reach: str = ""
    starts: date = field(default_factory=lambda: next_monday(date.today()))
    weeks: int = 4
    sessions_per_week: int = 3
    minimum_minutes: int = 15
    preferred_times: list[time] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    own_audio: list[OwnAudio] = field(default_factory=list)
    own_playlist_title: str = ""
    own_playlist_name: str = ""  # "playlists/NAME.toml"; kept from an opened package
    craving: bool = False
    tension: bool = False
    questions: list[Question] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    avoid: list[AvoidTrack] = field(default_factory=list)


def next_monday(today: date) -> date:
    """The Monday after ``today`` (a week on, when ``today`` is a Monday)."""
    return today + timedelta(days=7 - today.weekday())


def new_id(title: str) -> str:
    """A fresh id for a new programme: its title's words and a short random part."""
    stem = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", title).casefold())
    stem = stem.strip("-")[:40].strip("-") or "homework"
    return f"{stem}-{secrets.token_hex(3)}"


def new_draft(title: str = "", today: date | None = None) -> Draft:
    """An empty draft with a fresh id, starting next Monday."""
    return Draft(id=new_id(title), title=title, starts=next_monday(today or date.today()))


def audio_names(own_audio: list[OwnAudio]) -> list[str]:
    """The name each own audio file gets in the package ("audio/rain.ogg"), in order: its file
    name in letters, digits, '.', '_' and '-', made unique whatever the case.
    """
    names: list[str] = []
    taken: set[str] = set()
    for item in own_audio:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", item.path.stem).strip("-.")[:80] or "track"
        suffix = re.sub(r"[^A-Za-z0-9]+", "", item.path.suffix)[:8].lower()
        ending = f".{suffix}" if suffix else ""
        name, number = f"{stem}{ending}", 2
        while name.casefold() in taken:
            name, number = f"{stem}-{number}{ending}", number + 1
        taken.add(name.casefold())
        names.append(f"{AUDIO_FOLDER}/{name}")
    return names


def own_playlist_name(draft: Draft) -> str:
    """Where the playlist of the own audio files goes in the package: named from its title, as
    the client sees it ("playlists/evening-recordings.toml"), never as a bundled playlist is.
    """
    from mtcalm.homework.package import bundled_content_refs

    if draft.own_playlist_name:
        return draft.own_playlist_name
    title = clean(draft.own_playlist_title) or clean(draft.title)
    stem = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", title).casefold())
    stem = stem.strip("-")[:60].strip("-") or "recordings"
    if f"playlist:{stem}" in bundled_content_refs():
        stem += "-own"
    return f"{PLAYLIST_FOLDER}/{stem}.toml"


# -- homework.toml ------------------------------------------------------------------------------


class _Writer:
    """Lines of TOML, each remembering the part of the draft it writes."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def add(self, part: str, line: str) -> None:
        self.lines.append((line, part))

    def text(self, part: str, key: str, value: str) -> None:
        try:
            self.add(part, f"{key} = {toml_string(value)}")
        except ValueError as error:
            raise DraftProblem(part, "This text holds a character that cannot be saved.") from error

    def part_of(self, line: int | None) -> str | None:
        if line is None or not 1 <= line <= len(self.lines):
            return None
        return self.lines[line - 1][1]

    def joined(self) -> str:
        return "\n".join(line for line, _ in self.lines) + "\n"


def clean(text: str) -> str:
    """Text as the manifest keeps it: line breaks as "\\n", trimmed, NFC."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text.strip())


_LIMITS = (
    ("title", "title", MAX_TITLE),
    ("instructions", "instructions", MAX_INSTRUCTIONS),
    ("therapist_name", "therapist_name", MAX_NAME),
    ("therapist_reach", "therapist_reach", MAX_REACH),
)


def _texts(draft: Draft) -> list[tuple[str, str]]:
    """Every text of the draft, with the part it is in."""
    texts = [(part, getattr(draft, attribute)) for part, attribute, _ in _LIMITS]
    texts += [("own_audio", draft.own_playlist_title)]
    texts += [("own_audio", item.title) for item in draft.own_audio]
    texts += [("checkin", text) for q in draft.questions for text in (q.label, q.low, q.high)]
    texts += [("contacts", text) for c in draft.contacts for text in (c.name, c.reach, c.note)]
    texts += [("avoid", text) for avoid in draft.avoid for text in (avoid.title, avoid.track)]
    return texts


# Where the manifest reader says a problem is, by the table its message names.
_PART_OF_TABLE = (
    ("[[contact]]", "contacts"),
    ("[[checkin.question]]", "checkin"),
    ("[checkin]", "checkin"),
    ("[[avoid]]", "avoid"),
    ("[[content]]", "content"),
    ("preferred", "preferred_times"),
    ("[schedule]", "schedule"),
    ("[therapist]", "therapist_name"),
)


def _check(draft: Draft) -> None:
    """The problems a therapist is most likely to meet, in plain words, before any TOML."""
    for part, text in _texts(draft):
        if any(unicodedata.category(char) == "Cc" and char not in "\r\n\t" for char in text):
            raise DraftProblem(part, "This text holds a control character; type it again.")
    if not clean(draft.title):
        raise DraftProblem("title", "Give the homework a title.")
    if not clean(draft.therapist_name):
        raise DraftProblem("therapist_name", "Give your name, so your client knows who it is from.")
    for part, attribute, limit in _LIMITS:
        value = clean(getattr(draft, attribute))
        if len(value) > limit:
            raise DraftProblem(part, f"This can be up to {limit} characters; it has {len(value)}.")
    if not draft.refs and not draft.own_audio:
        raise DraftProblem("content", "Choose at least one thing to listen to.")
    if len(draft.refs) + (1 if draft.own_audio else 0) > MAX_CONTENT:
        raise DraftProblem("content", f"Choose at most {MAX_CONTENT} things to listen to.")
    asked = int(draft.craving) + int(draft.tension) + len(draft.questions)
    if asked > MAX_OPTIONAL_ITEMS:
        raise DraftProblem(
            "checkin", f"At most {MAX_OPTIONAL_ITEMS} questions can be added to the check-in."
        )
    for question in draft.questions:
        if not clean(question.label):
            raise DraftProblem("checkin", "Each question of your own needs its words.")
        texts = (clean(question.label), clean(question.low), clean(question.high))
        if not all(text.isprintable() for text in texts):
            raise DraftProblem(
                "checkin", "A question and the words at its ends are one line each, no tabs."
            )
        if len(clean(question.label)) > MAX_LABEL_LENGTH or any(
            len(clean(end)) > MAX_ANCHOR_LENGTH for end in (question.low, question.high)
        ):
            raise DraftProblem(
                "checkin",
                f"A question can be up to {MAX_LABEL_LENGTH} characters, the words at its ends "
                f"up to {MAX_ANCHOR_LENGTH}.",
            )
    for contact in draft.contacts:
        if not clean(contact.name):
            raise DraftProblem("contacts", "Each support contact needs a name.")
        if len(clean(contact.name)) > MAX_NAME or len(clean(contact.reach)) > MAX_REACH:
            raise DraftProblem(
                "contacts",
                f"A contact's name can be up to {MAX_NAME} characters, how to reach them up "
                f"to {MAX_REACH}.",
            )
        if len(clean(contact.note)) > MAX_NOTE:
            raise DraftProblem("contacts", f"A contact's note can be up to {MAX_NOTE} characters.")


def manifest_text(draft: Draft) -> str:
    """``homework.toml`` for ``draft``, read back as mtcalm reads it; raises
    :class:`DraftProblem` for anything a package cannot hold.
    """
    _check(draft)
    out = _Writer()
    out.add("package", f"# mtcalm homework (format {HOMEWORK_FORMAT}), made in mtcalm's editor.")
    out.add("package", f"format = {HOMEWORK_FORMAT}")
    out.add("package", "")
    out.add("package", "[homework]")
    out.text("package", "id", draft.id)
    out.add("package", f"revision = {int(draft.revision)}")
    out.text("title", "title", clean(draft.title))
    out.text("instructions", "instructions", clean(draft.instructions))
    out.add("package", "")
    out.add("therapist_name", "[therapist]")
    out.text("therapist_name", "name", clean(draft.therapist_name))
    out.text("therapist_reach", "reach", clean(draft.therapist_reach))
    out.add("schedule", "")
    out.add("schedule", "[schedule]")
    out.add("schedule", f"starts = {draft.starts.isoformat()}")
    out.add("schedule", f"weeks = {int(draft.weeks)}")
    out.add("schedule", f"sessions_per_week = {int(draft.sessions_per_week)}")
    out.add("schedule", f"minimum_minutes = {int(draft.minimum_minutes)}")
    times = ", ".join(f'"{moment.strftime("%H:%M")}"' for moment in draft.preferred_times)
    out.add("preferred_times", f"preferred_times = [{times}]")
    for ref in draft.refs:
        out.add("content", "")
        out.add("content", "[[content]]")
        out.text("content", "ref", ref)
    if draft.own_audio:
        out.add("own_audio", "")
        out.add("own_audio", "[[content]]")
        out.text("own_audio", "playlist", own_playlist_name(draft))
    out.add("checkin", "")
    out.add("checkin", "[checkin]")
    out.add("checkin", f"craving = {'true' if draft.craving else 'false'}")
    out.add("checkin", f"tension = {'true' if draft.tension else 'false'}")
    for question in draft.questions:
        out.add("checkin", "")
        out.add("checkin", "[[checkin.question]]")
        out.text("checkin", "label", clean(question.label))
        out.text("checkin", "low", clean(question.low))
        out.text("checkin", "high", clean(question.high))
    for contact in draft.contacts:
        out.add("contacts", "")
        out.add("contacts", "[[contact]]")
        out.text("contacts", "name", clean(contact.name))
        out.text("contacts", "reach", clean(contact.reach))
        out.text("contacts", "note", clean(contact.note))
    for avoid in draft.avoid:
        out.add("avoid", "")
        out.add("avoid", "[[avoid]]")
        out.text("avoid", "title", clean(avoid.title))
        out.text("avoid", "track", avoid.track)
    text = out.joined()
    try:
        read_manifest(text.encode("utf-8"))
    except HomeworkError as error:
        named = (part for table, part in _PART_OF_TABLE if table in error.message)
        part = next(named, None) or out.part_of(error.line) or "package"
        raise DraftProblem(part, error.message) from error
    except ValueError as error:  # a check the manifest reader leaves to another module
        raise DraftProblem("package", str(error)) from error
    except UnicodeEncodeError as error:  # a lone surrogate: toml_string refuses those first
        raise DraftProblem("package", "A text holds a character that cannot be saved.") from error
    return text
