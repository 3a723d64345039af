"""The reminder settings: kept across a save, defaults for files from before them, and values
that cannot be used falling back (a wrong type sets the file aside, as for every setting)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtcalm.datadir import ensure_private_dir
from mtcalm.settings import SETTINGS_FILE, Settings, load_settings, save_settings


def test_reminders_are_on_and_login_off_by_default() -> None:
    settings = Settings()
    assert (settings.reminders_on, settings.reminders_snoozed_until) == (True, "")
    assert settings.start_at_login is False


def test_reminder_settings_round_trip(data_dir: Path) -> None:
    ensure_private_dir(data_dir)
    chosen = Settings(
        reminders_on=False,
        reminders_snoozed_until="2026-12-10T19:00:05+01:00",
        start_at_login=True,
    )
    save_settings(data_dir, chosen)
    loaded = load_settings(data_dir)
    assert loaded.problem is None
    assert loaded.settings == chosen


def test_settings_from_before_reminders_load_with_their_defaults(data_dir: Path) -> None:
    ensure_private_dir(data_dir)
    (data_dir / SETTINGS_FILE).write_text('{"version": 1, "volume": 0.4}', encoding="utf-8")
    loaded = load_settings(data_dir)
    assert loaded.problem is None
    assert loaded.settings == Settings(volume=0.4)


UNUSABLE_SNOOZES = {
    "not a time": "tomorrow",
    "a time without its offset": "2026-12-10T19:00:00",
    "a date alone": "2026-12-10",
    "very long": "2026-12-10T19:00:00+01:00" + " " * 100,
}


@pytest.mark.parametrize("value", UNUSABLE_SNOOZES.values(), ids=UNUSABLE_SNOOZES.keys())
def test_a_snooze_that_cannot_be_used_is_dropped_quietly(data_dir: Path, value: str) -> None:
    ensure_private_dir(data_dir)
    (data_dir / SETTINGS_FILE).write_text(
        f'{{"version": 1, "volume": 0.3, "reminders_snoozed_until": "{value}"}}', encoding="utf-8"
    )
    loaded = load_settings(data_dir)
    assert loaded.problem is None
    assert loaded.settings.reminders_snoozed_until == ""
    assert loaded.settings.volume == 0.3, "the other settings are kept"


WRONG_TYPES = {
    "reminders on as text": '"reminders_on": "yes"',
    "reminders on as a number": '"reminders_on": 1',
    "a snooze as a number": '"reminders_snoozed_until": 5',
    "start at login as null": '"start_at_login": null',
}


@pytest.mark.parametrize("entry", WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_a_reminder_setting_of_the_wrong_type_sets_the_file_aside(
    data_dir: Path, entry: str
) -> None:
    ensure_private_dir(data_dir)
    (data_dir / SETTINGS_FILE).write_text('{"version": 1, ' + entry + "}", encoding="utf-8")
    loaded = load_settings(data_dir)
    assert loaded.settings == Settings()
    assert loaded.problem is not None and "defaults are used" in loaded.problem
