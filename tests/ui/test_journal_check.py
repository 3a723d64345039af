"""The daily check of every page of the journal, after the window is up: damage it finds is
said calmly on the home page; a sound journal says nothing; closing stops the check."""

from __future__ import annotations

from pathlib import Path

import pytest

import mtcalm.ui.journal_problems as problems_module
from mtcalm.playlists import load_playlist
from tests.test_journal_integrity import SESSIONS, damage_page, deep_page, fill
from tests.ui.helpers import open_window


@pytest.fixture
def playlist(make_tone, make_playlist):
    return load_playlist(make_playlist([make_tone("t.wav", seconds=0.8)]))


@pytest.fixture(autouse=True)
def check_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(problems_module, "WHOLE_CHECK_DELAY_MS", 0)


def test_damage_deep_in_the_journal_is_said_on_the_home_page(qtbot, data_dir: Path, playlist):
    data_dir.mkdir(mode=0o700)
    path = data_dir / "journal.sqlite3"
    fill(path, SESSIONS)
    damage_page(path, deep_page(path))
    window = open_window(qtbot, data_dir, [playlist])
    assert window.current_name() == "home"  # opening reads only where each table starts
    qtbot.waitUntil(lambda: "damaged" in window.home.notice.text(), timeout=15000)
    notice = window.home.notice.text()
    assert "Nothing has been changed" in notice and "restore a recent backup" in notice


def test_a_sound_journal_is_checked_quietly(qtbot, data_dir: Path, playlist):
    data_dir.mkdir(mode=0o700)
    fill(data_dir / "journal.sqlite3", 50)
    window = open_window(qtbot, data_dir, [playlist])
    qtbot.waitUntil(lambda: window.problems._whole_check is not None, timeout=15000)
    task = window.problems._whole_check
    assert task is not None
    qtbot.waitUntil(lambda: not task.running, timeout=15000)
    assert window.home.notice.text() == ""
