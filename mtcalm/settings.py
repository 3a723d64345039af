"""The person's settings, declared once, versioned, written atomically beside the journal."""

from __future__ import annotations

import contextlib
import json
import re
import stat
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from mtcalm.datadir import read_start, write_failed, write_file_atomically
from mtcalm.journal.file import now

SETTINGS_FILE = "settings.json"
SETTINGS_VERSION = 1
MAX_SETTINGS_BYTES = 64 * 1024
TIMER_MINUTES = (10, 15, 20, 30, 45, 60)  # the session lengths offered; 0 is "until the end"
AMBIENCE_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
SCRIPT_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
MAX_INTRODUCED_SCRIPTS = 500
MAX_SNOOZE_TEXT = 40


@dataclass(frozen=True)
class Settings:
    """Every setting mtcalm keeps, with its default."""

    journal_file: str = "journal.sqlite3"
    volume: float = 0.7
    timer_minutes: int = 0  # 0: the session lasts until the music ends
    ambience: str = ""  # the key of a bundled ambience, "" for none
    ambience_volume: float = 0.5
    breaths_per_minute: float = 6.0  # the breathing pacer's rate
    exhale_ratio: float = 1.5  # the out-breath's length as a multiple of the in-breath's
    reduced_motion: bool = False  # the pacer and cues change without growing or moving
    play_flagged_tracks: bool = False  # tracks flagged as triggers are skipped unless this is on
    introduced_scripts: tuple[str, ...] = ()  # scripts whose "who this is not for" was shown
    first_run_shown: bool = False  # the first-run welcome (what mtcalm is and is not) was shown
    reminders_on: bool = True  # homework reminders at the programme's preferred times
    reminders_snoozed_until: str = ""  # ISO date and time with its offset, "" for no snooze
    start_at_login: bool = False  # what the person chose; the autostart entry itself says if on

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


@dataclass(frozen=True)
class LoadedSettings:
    settings: Settings
    problem: str | None = None  # said to the person when the file could not be used
    found: bool = False  # a usable settings file was read (so its journal_file was chosen)


def load_settings(data_dir: Path) -> LoadedSettings:
    """Read the settings; a file that cannot be used is set aside (never overwritten)."""
    path = data_dir / SETTINGS_FILE
    try:
        details, data = read_start(path, MAX_SETTINGS_BYTES + 1)
        if not stat.S_ISREG(details.st_mode):
            raise ValueError("it is not a file")
        if len(data) > MAX_SETTINGS_BYTES:
            raise ValueError("the file is too large")
        try:
            raw = json.loads(data.decode("utf-8"))
        except RecursionError as error:
            raise ValueError("the file is nested too deeply") from error
        return LoadedSettings(_from_dict(raw), found=True)
    except FileNotFoundError:
        return LoadedSettings(Settings())
    except (OSError, ValueError, TypeError) as error:
        stamp = now().strftime("%Y%m%d-%H%M%S")
        kept = path.with_name(f"{path.name}.unreadable-{stamp}")
        counter = 1
        while kept.exists():  # never overwrite a file set aside earlier
            kept = path.with_name(f"{path.name}.unreadable-{stamp}-{counter}")
            counter += 1
        with contextlib.suppress(OSError):
            path.rename(kept)
        return LoadedSettings(
            Settings(),
            f"Your settings could not be read ({error}); defaults are used. "
            f"The old file was kept as {kept.name}.",
        )


def read_settings(data_dir: Path) -> Settings | None:
    """The settings as the file holds them now, or None if it is missing or unusable.

    Unlike :func:`load_settings` this never sets the file aside: it is read before a save.
    """
    path = data_dir / SETTINGS_FILE
    try:
        details, data = read_start(path, MAX_SETTINGS_BYTES + 1)
        if not stat.S_ISREG(details.st_mode) or len(data) > MAX_SETTINGS_BYTES:
            return None
        return _from_dict(json.loads(data.decode("utf-8")))
    except (OSError, ValueError, TypeError, RecursionError):
        return None


def save_settings(data_dir: Path, settings: Settings) -> None:
    """Write the settings atomically; raises :class:`WriteFailed` with a plain reason."""
    document = {"version": SETTINGS_VERSION, **asdict(settings)}
    payload = json.dumps(document, indent=2, sort_keys=True).encode("utf-8") + b"\n"
    try:
        write_file_atomically(data_dir / SETTINGS_FILE, payload)
    except OSError as error:
        raise write_failed("Your settings", error, data_dir) from error


def merge_settings(base: Settings, on_disk: Settings | None, changed: Settings) -> Settings:
    """``on_disk`` with only what was changed from ``base`` to ``changed`` applied on top.

    What another process wrote meanwhile is kept; the scripts introduced are joined.
    """
    if on_disk is None:
        return changed
    updates = {
        spec.name: getattr(changed, spec.name)
        for spec in fields(Settings)
        if getattr(changed, spec.name) != getattr(base, spec.name)
    }
    merged = on_disk.with_changes(**updates)
    introduced = tuple(dict.fromkeys((*on_disk.introduced_scripts, *changed.introduced_scripts)))
    return merged.with_changes(introduced_scripts=introduced[:MAX_INTRODUCED_SCRIPTS])


def _from_dict(raw: object) -> Settings:
    if not isinstance(raw, dict):
        raise ValueError("the file does not hold settings")
    version = raw.get("version")
    if not isinstance(version, int) or version > SETTINGS_VERSION:
        raise ValueError(f"unknown settings version {version!r}")
    defaults = Settings()
    values: dict[str, Any] = {}
    for spec in fields(Settings):
        value = raw.get(spec.name, getattr(defaults, spec.name))
        values[spec.name] = _typed(spec.name, value, type(getattr(defaults, spec.name)))
    settings = Settings(**values)
    journal_name = Path(settings.journal_file)
    if journal_name.name != settings.journal_file or journal_name.suffix != ".sqlite3":
        raise ValueError("journal_file must be a plain file name ending in .sqlite3")
    # A value of the right type but out of range falls back to its default, quietly.
    if not 0.0 <= settings.volume <= 1.0:
        settings = settings.with_changes(volume=defaults.volume)
    if settings.timer_minutes not in (0, *TIMER_MINUTES):
        settings = settings.with_changes(timer_minutes=defaults.timer_minutes)
    if settings.ambience and not AMBIENCE_KEY.fullmatch(settings.ambience):
        settings = settings.with_changes(ambience=defaults.ambience)
    if not 0.0 <= settings.ambience_volume <= 1.0:
        settings = settings.with_changes(ambience_volume=defaults.ambience_volume)
    from mtcalm.breathing import EXHALE_RATIOS, MAX_BREATHS_PER_MINUTE, MIN_BREATHS_PER_MINUTE

    if not MIN_BREATHS_PER_MINUTE <= settings.breaths_per_minute <= MAX_BREATHS_PER_MINUTE:
        settings = settings.with_changes(breaths_per_minute=defaults.breaths_per_minute)
    if settings.exhale_ratio not in EXHALE_RATIOS:
        settings = settings.with_changes(exhale_ratio=defaults.exhale_ratio)
    if not _is_snooze(settings.reminders_snoozed_until):
        settings = settings.with_changes(reminders_snoozed_until=defaults.reminders_snoozed_until)
    introduced = tuple(key for key in settings.introduced_scripts if SCRIPT_ID.fullmatch(key))[
        :MAX_INTRODUCED_SCRIPTS
    ]
    return settings.with_changes(introduced_scripts=introduced)


def _is_snooze(text: str) -> bool:
    """Whether ``text`` is no snooze ("") or an ISO date and time that knows its offset."""
    if not text:
        return True
    if len(text) > MAX_SNOOZE_TEXT:
        return False
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def _typed(name: str, value: object, expected: type) -> Any:
    """``value`` as the setting's type; JSON has no tuples, and ``True`` is not a number."""
    if expected is tuple and isinstance(value, list):
        if not all(isinstance(item, str) for item in value):
            raise ValueError(f"{name} should be a list of texts")
        return tuple(value)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
        raise ValueError(f"{name} should be a {expected.__name__}")
    return value
