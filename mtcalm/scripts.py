"""Guided-imagery scripts: timed plain-text cues shown over a paired playlist.

A script is a small TOML file a therapist can write in a text editor (docs/scripts.md)::

    format = 1
    [script]
    title = "A safe place"
    summary = "Picture a place where you feel at ease."
    playlist = "settle"
    not_for = "If you are troubled by flashbacks at the moment, talk to your therapist first."
    reflection = "What did you notice in your safe place?"

    [settle]
    end = "4:00"
    [[settle.cue]]
    at = "0:05"
    text = "Find a comfortable way to sit. You can open your eyes at any time."

    [imagery]
    end = "16:00"
    [[imagery.cue]]
    at = "4:00"
    text = "You might picture a place where you feel safe."
    hold = 30

    [return]
    end = "18:00"
    [[return.cue]]
    at = "16:00"
    text = "Feel the chair beneath you, and your feet on the floor."

Times count from the start of the music. The sections follow home practice: settle 3–5
minutes, imagery with music 8–20 minutes, return 1–2 minutes, one after the other from 0:00.
A cue shows until the next cue, the end of its section, or after ``hold`` seconds.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from mtcalm.tomlfile import DocumentError, read_toml

# Category Cc (C0, DEL, C1) except tab and line breaks: one search, not a loop per character.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

SCRIPT_SUFFIX = ".toml"
SCRIPT_FORMAT = 1
MAX_SCRIPT_BYTES = 256 * 1024
MAX_TITLE = 100
MAX_TEXT = 1000
MAX_CUE_TEXT = 300
MAX_CUES_PER_SECTION = 100
MIN_CUE_SECONDS = 3.0
CUE_FADE_SECONDS = 2.5
BACK_GRACE_SECONDS = 3.0
# A clock a few milliseconds short of a cue's start still counts as at that cue.
NAVIGATION_TOLERANCE = 0.05

_PLAYLIST_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CLOCK_TIME = re.compile(r"(\d{1,3}):([0-5]\d(?:\.\d{1,3})?)")
_TEXT_KEYS = {"title": MAX_TITLE, "summary": MAX_TEXT, "not_for": MAX_TEXT, "reflection": MAX_TEXT}


class ScriptError(DocumentError):
    """A script file that cannot be used; ``line`` is 1-based when known."""


class SectionKind(StrEnum):
    """The parts of a session, in the order they are played."""

    SETTLE = "settle"
    IMAGERY = "imagery"
    RETURN = "return"


# The length each section may have, in seconds, from current home practice (CHECKIN.md).
SECTION_LENGTHS: Mapping[SectionKind, tuple[float, float]] = {
    SectionKind.SETTLE: (180.0, 300.0),
    SectionKind.IMAGERY: (480.0, 1200.0),
    SectionKind.RETURN: (60.0, 120.0),
}


@dataclass(frozen=True)
class Cue:
    """One piece of guidance, shown from ``at`` until ``until`` (seconds of music)."""

    at: float
    until: float
    text: str
    section: SectionKind


@dataclass(frozen=True)
class Section:
    """One part of the script on the music's clock: ``start`` ≤ t < ``end``."""

    kind: SectionKind
    start: float
    end: float

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Script:
    """A guided-imagery script as loaded from its file."""

    id: str
    source: Path
    title: str
    summary: str
    playlist: str
    not_for: str
    reflection: str
    sections: tuple[Section, ...]
    cues: tuple[Cue, ...]

    @property
    def duration(self) -> float:
        """Seconds from the start of the music to the end of the return section."""
        return self.sections[-1].end if self.sections else 0.0

    @property
    def ref(self) -> str:
        """How the journal names this script."""
        return f"script:{self.id}"

    def section_at(self, seconds: float) -> Section | None:
        """The section playing at ``seconds``; None before 0 and from the end on."""
        for section in self.sections:
            if section.start <= seconds < section.end:
                return section
        return None


@dataclass(frozen=True)
class CueMoment:
    """The cue showing at one moment, and how visible it is (0 to 1)."""

    index: int
    cue: Cue
    opacity: float


def load_script(path: Path) -> Script:
    """Parse and validate the script at ``path``."""
    document, text = read_toml(path, max_bytes=MAX_SCRIPT_BYTES, error=ScriptError, what="a script")
    return _Parser(path, text).script(document)


def load_scripts(folder: Path) -> list[Script]:
    """Every valid script in ``folder``, sorted by title; broken files are skipped."""
    found = []
    for path in sorted(folder.glob(f"*{SCRIPT_SUFFIX}")):
        try:
            found.append(load_script(path))
        except ScriptError:
            continue
    return sorted(found, key=lambda script: script.title.casefold())


def cue_at(script: Script, seconds: float) -> CueMoment | None:
    """The cue showing at ``seconds`` with its opacity; None between cues and after the end.

    The text fades in over CUE_FADE_SECONDS after the cue starts and out over the same
    before it ends (a third of the cue each for short cues), along a raised cosine.
    """
    if not math.isfinite(seconds):
        return None
    index = bisect_right(script.cues, seconds, key=_cue_start) - 1
    if index < 0:
        return None
    cue = script.cues[index]
    if seconds >= cue.until:
        return None
    fade = min(CUE_FADE_SECONDS, (cue.until - cue.at) / 3)
    opacity = min(
        _raised_cosine((seconds - cue.at) / fade), _raised_cosine((cue.until - seconds) / fade)
    )
    return CueMoment(index, cue, opacity)


def previous_cue_start(script: Script, seconds: float) -> float:
    """Where "back" goes: the current cue's start, or the one before within BACK_GRACE_SECONDS."""
    if not math.isfinite(seconds):
        return 0.0
    index = bisect_right(script.cues, seconds + NAVIGATION_TOLERANCE, key=_cue_start) - 1
    if index < 0:
        return 0.0
    if seconds - script.cues[index].at < BACK_GRACE_SECONDS:
        return script.cues[index - 1].at if index > 0 else 0.0
    return script.cues[index].at


def next_cue_start(script: Script, seconds: float) -> float | None:
    """Where "forward" goes: the start of the next cue, or None after the last one starts."""
    if not math.isfinite(seconds):
        return None
    index = bisect_right(script.cues, seconds + NAVIGATION_TOLERANCE, key=_cue_start)
    return script.cues[index].at if index < len(script.cues) else None


def format_clock(seconds: float) -> str:
    """``m:ss``, as times are written in script files."""
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def _cue_start(cue: Cue) -> float:
    return cue.at


def _raised_cosine(progress: float) -> float:
    if progress >= 1:
        return 1.0
    if progress <= 0:
        return 0.0
    return (1 - math.cos(math.pi * progress)) / 2


class _Parser:
    """Validation of one parsed file, pointing each complaint at its line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = _LineFinder(text)

    def fail(
        self, message: str, table: str | None = None, key: str | None = None, occurrence: int = 1
    ) -> ScriptError:
        return ScriptError(self.path, message, self.lines.find(table, key, occurrence))

    def script(self, document: dict[str, Any]) -> Script:
        version = document.get("format")
        if type(version) is not int or version != SCRIPT_FORMAT:  # true and 1.0 are not 1
            line = self.lines.find(None, "format") or 1
            message = f"'format = {SCRIPT_FORMAT}' is missing or different"
            raise ScriptError(self.path, message, line)
        known = {"format", "script", *SectionKind}
        for key in document:
            if key not in known:
                raise ScriptError(self.path, f"unknown entry '{key}'", self.lines.top_level(key))
        header = document.get("script")
        if not isinstance(header, dict):
            raise self.fail("a [script] table is missing", None, "script")
        self.refuse_unknown(header, {*_TEXT_KEYS, "playlist"}, "[script]", "[script]")
        texts = {
            key: self.text(header, key, limit, "[script]", f"'{key}'")
            for key, limit in _TEXT_KEYS.items()
        }
        playlist = header.get("playlist")
        if not isinstance(playlist, str) or not playlist.strip():
            raise self.fail("'playlist' is missing or is not text", "[script]", "playlist")
        if len(playlist) > MAX_TITLE or not _PLAYLIST_ID.fullmatch(playlist.strip()):
            message = (
                "'playlist' must be a playlist's id: its file name without .toml, "
                'such as "settle" (lower-case letters, digits and dashes)'
            )
            raise self.fail(message, "[script]", "playlist")
        sections, cues = self.sections(document)
        return Script(
            id=_slug(self.path.stem),
            source=self.path,
            title=texts["title"],
            summary=texts["summary"],
            playlist=playlist.strip(),
            not_for=texts["not_for"],
            reflection=texts["reflection"],
            sections=sections,
            cues=cues,
        )

    def sections(self, document: dict[str, Any]) -> tuple[tuple[Section, ...], tuple[Cue, ...]]:
        names = {kind.value for kind in SectionKind}
        present = [key for key in document if key in names]
        for kind in SectionKind:
            if kind not in present:
                raise self.fail(f"the [{kind}] section is missing")
        if present != list(SectionKind):
            wrong = next(
                kind for kind, right in zip(present, SectionKind, strict=True) if kind != right
            )
            message = "the sections must come in this order: [settle], [imagery], [return]"
            raise ScriptError(self.path, message, self.lines.top_level(wrong))
        sections: list[Section] = []
        cues: list[Cue] = []
        start = 0.0
        for kind in SectionKind:
            section, section_cues = self.section(kind, document[kind], start, cues)
            sections.append(section)
            cues.extend(section_cues)
            start = section.end
        return tuple(sections), tuple(cues)

    def section(
        self, kind: SectionKind, table: Any, start: float, earlier: Sequence[Cue]
    ) -> tuple[Section, list[Cue]]:
        header = f"[{kind}]"
        if not isinstance(table, dict):
            raise ScriptError(self.path, f"{header} must be a table", self.lines.top_level(kind))
        self.refuse_unknown(table, {"end", "cue"}, header, header)
        if "end" not in table:
            raise self.fail(f'{header} needs an end time, such as end = "4:00"', header)
        end = self.time(table["end"], header, "end", f"{header} end")
        low, high = SECTION_LENGTHS[kind]
        if not low <= end - start <= high:
            message = (
                f"{header} runs from {format_clock(start)} to {format_clock(end)}; it must last "
                f"from {format_clock(low)} to {format_clock(high)}"
            )
            raise self.fail(message, header, "end")
        section = Section(kind, start, end)
        entries = table.get("cue")
        cue_header = f"[[{kind}.cue]]"
        if not isinstance(entries, list) or not entries:
            raise self.fail(f"{header} has no {cue_header} entries", header)
        if len(entries) > MAX_CUES_PER_SECTION:
            raise self.fail(f"{header} has more than {MAX_CUES_PER_SECTION} cues", header)
        starts: list[float] = []
        cue_texts: list[str] = []
        holds: list[float | None] = []
        previous = earlier[-1].at if earlier else None
        for number, entry in enumerate(entries, start=1):
            name = f"{header} cue {number}"
            if not isinstance(entry, dict):
                raise self.fail(f"{name} must be a table", header, "cue")
            self.refuse_unknown(entry, {"at", "text", "hold"}, cue_header, name, number)
            if "at" not in entry:
                raise self.fail(f"{name} has no 'at' time", cue_header, None, number)
            at = self.time(entry["at"], cue_header, "at", f"{name}: 'at'", number)
            if previous is not None and at <= previous:
                message = (
                    f"{name} at {format_clock(at)} must come after the cue before it "
                    f"(at {format_clock(previous)})"
                )
                raise self.fail(message, cue_header, "at", number)
            if previous is not None and at - previous < MIN_CUE_SECONDS:
                message = (
                    f"{name} comes {at - previous:g} seconds after the cue before it; "
                    f"leave at least {MIN_CUE_SECONDS:g} seconds to read each cue"
                )
                raise self.fail(message, cue_header, "at", number)
            if kind is SectionKind.RETURN and at >= end:
                message = (
                    f"{name} at {format_clock(at)} is after the script ends ({format_clock(end)})"
                )
                raise self.fail(message, cue_header, "at", number)
            if at < start or at > end - MIN_CUE_SECONDS:
                message = (
                    f"{name} at {format_clock(at)} is outside {header}, which runs from "
                    f"{format_clock(start)} to {format_clock(end)} (the last cue starts at least "
                    f"{MIN_CUE_SECONDS:g} seconds before the end)"
                )
                raise self.fail(message, cue_header, "at", number)
            text = self.text(entry, "text", MAX_CUE_TEXT, cue_header, f"{name}: 'text'", number)
            hold: float | None = None
            if "hold" in entry:
                hold = self.time(entry["hold"], cue_header, "hold", f"{name}: 'hold'", number)
                if hold < MIN_CUE_SECONDS:
                    message = f"{name}: 'hold' must be at least {MIN_CUE_SECONDS:g} seconds"
                    raise self.fail(message, cue_header, "hold", number)
            starts.append(at)
            cue_texts.append(text)
            holds.append(hold)
            previous = at
        cues = []
        for index, at in enumerate(starts):
            until = starts[index + 1] if index + 1 < len(starts) else end
            hold = holds[index]
            if hold is not None:
                until = min(until, at + hold)
            cues.append(Cue(at, until, cue_texts[index], kind))
        return section, cues

    def time(self, value: Any, table: str, key: str, name: str, occurrence: int = 1) -> float:
        """A time written as "m:ss" text or as a number of seconds."""
        seconds: float | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            seconds = float(value)
        elif isinstance(value, str) and (match := _CLOCK_TIME.fullmatch(value.strip())):
            seconds = int(match.group(1)) * 60 + float(match.group(2))
        if seconds is None or not math.isfinite(seconds) or seconds < 0:
            message = f'{name} must be a time such as "1:30" or a number of seconds such as 90'
            raise self.fail(message, table, key, occurrence)
        return seconds

    def text(
        self,
        table: dict[str, Any],
        key: str,
        limit: int,
        header: str,
        name: str,
        occurrence: int = 1,
    ) -> str:
        value = table.get(key)
        if value is None:
            raise self.fail(f"{name} is missing", header, None, occurrence)
        if not isinstance(value, str):
            raise self.fail(f"{name} must be text", header, key, occurrence)
        if CONTROL_CHARACTER.search(value):
            raise self.fail(f"{name} contains a control character", header, key, occurrence)
        plain = _tidy(value)
        if not plain:
            raise self.fail(f"{name} is empty", header, key, occurrence)
        if len(plain) > limit:
            raise self.fail(f"{name} is longer than {limit} characters", header, key, occurrence)
        return plain

    def refuse_unknown(
        self,
        table: dict[str, Any],
        allowed: set[str],
        header: str,
        name: str,
        occurrence: int = 1,
    ) -> None:
        for key in table:
            if key not in allowed:
                choices = ", ".join(sorted(allowed))
                message = f"{name}: unknown entry '{key}' (expected {choices})"
                raise self.fail(message, header, key, occurrence)


def _tidy(text: str) -> str:
    """Line breaks and runs of spaces become one space; a blank line keeps a paragraph break."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r", "\n"))
    return "\n\n".join(" ".join(part.split()) for part in paragraphs if part.strip())


def _slug(stem: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", stem.casefold()).strip("-") or "script"


class _LineFinder:
    """Finds where a key or table is written, to point a person at the right line.

    Understands the plain layout the docs describe (one key per line, headers in brackets);
    anything fancier gets the nearest header line or no line at all.
    """

    def __init__(self, text: str) -> None:
        # (line number, table header or None for the top, key or None for a header line)
        self.entries: list[tuple[int, str | None, str | None]] = []
        table: str | None = None
        in_string: str | None = None
        for number, line in enumerate(text.split("\n"), start=1):  # as TOML counts lines
            if in_string:
                if line.count(in_string) % 2:
                    in_string = None
                continue
            stripped = line.strip()
            header = re.match(r"(\[\[?)([^\]]*)(\]\]?)", stripped)
            if header:
                table = header.group(1) + re.sub(r"\s+", "", header.group(2)) + header.group(3)
                self.entries.append((number, table, None))
                continue
            key = re.match(r"""([A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*=(.*)""", stripped)
            if key:
                self.entries.append((number, table, key.group(1).strip("\"'")))
                for delimiter in ('"""', "'''"):
                    if key.group(2).count(delimiter) % 2:
                        in_string = delimiter
                        break

    def find(self, table: str | None, key: str | None, occurrence: int = 1) -> int | None:
        """The line of ``key`` in the nth ``table`` (the header's line if the key is not there)."""
        seen = 0 if table else 1
        header_line = None
        for number, entry_table, entry_key in self.entries:
            if entry_key is None and entry_table == table:
                seen += 1
                if seen == occurrence:
                    header_line = number
                elif seen > occurrence:
                    break
                continue
            if seen == occurrence and entry_table == table and entry_key == key and key:
                return number
        return header_line

    def top_level(self, name: str) -> int | None:
        """Where a top-level key or table ``name`` first appears."""
        for number, table, key in self.entries:
            if table is None and key == name:
                return number
            if key is None and table is not None:
                inner = table.strip("[]")
                if inner == name or inner.startswith(f"{name}."):
                    return number
        return None
