"""High distress, distress that rose, and a journal that cannot be opened."""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from mtcalm.journal.store import Journal
from mtcalm.playlists import load_playlist
from mtcalm.ui.journal_model import Column
from tests.ui.helpers import WAIT_MS, click, open_window, type_rating, wait_for_page


@pytest.fixture
def playlist(make_tone, make_playlist):
    return load_playlist(make_playlist([make_tone("t.wav", seconds=0.8)]))


def check_in(qtbot, page, distress):
    type_rating(qtbot, page.questions[0].scale, distress)
    for question in page.questions[1:]:
        click(qtbot, question.skip_button)
    click(qtbot, page.continue_button)


def test_high_distress_before_offers_grounding_first(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.home.cards[0].begin_button)
    check_in(qtbot, window.screens.checkin_before, 8)
    assert window.pages.currentWidget() is window.screens.support
    texts = " ".join(label.text() for label in window.screens.support.findChildren(QLabel))
    assert "risk" not in texts.lower() and "diagnos" not in texts.lower()
    click(qtbot, window.screens.support.ground_button)
    assert window.pages.currentWidget() is window.screens.grounding
    assert window.screens.grounding.return_button.text() == "Go on to the music"
    click(qtbot, window.screens.grounding.return_button)
    wait_for_page(qtbot, window, window.screens.listening)


def test_distress_of_seven_goes_straight_to_the_music(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.home.cards[0].begin_button)
    check_in(qtbot, window.screens.checkin_before, 7)
    wait_for_page(qtbot, window, window.screens.listening)


def test_distress_that_rose_is_flagged_and_grounding_offered(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.home.cards[0].begin_button)
    check_in(qtbot, window.screens.checkin_before, 3)
    wait_for_page(qtbot, window, window.screens.checkin_after)
    check_in(qtbot, window.screens.checkin_after, 5)
    wait_for_page(qtbot, window, window.screens.summary)
    assert window.screens.summary.flag.isVisible()
    assert "went up" in window.screens.summary.flag.text()
    click(qtbot, window.screens.summary.ground_button)
    assert window.pages.currentWidget() is window.screens.grounding
    click(qtbot, window.screens.grounding.return_button)
    assert window.pages.currentWidget() is window.screens.summary
    click(qtbot, window.screens.summary.journal_button)
    model = window.sections.journal.model
    assert model.index(0, Column.FLAGGED).data() == "Flagged"
    reason = model.index(0, Column.FLAGGED).data(Qt.ItemDataRole.AccessibleTextRole)
    assert reason == "Flagged: Distress went up by 2 or more"


def test_a_damaged_journal_is_kept_and_a_fresh_one_started_beside_it(qtbot, data_dir, playlist):
    data_dir.mkdir(mode=0o700)
    damaged = data_dir / "journal.sqlite3"
    damaged.write_bytes(b"this is not a database, but it is someone's history" * 50)
    fingerprint = hashlib.sha256(damaged.read_bytes()).hexdigest()
    window = open_window(qtbot, data_dir, [playlist])
    assert window.pages.currentWidget() is window.problems.page
    assert window.problems.page.heading.text() == "The journal is damaged"
    assert "left untouched" in window.problems.page.details.text()
    assert not window.header.buttons["journal"].isVisible()
    click(qtbot, window.problems.page.fresh_button)
    assert window.pages.currentWidget() is window.home
    assert hashlib.sha256(damaged.read_bytes()).hexdigest() == fingerprint
    fresh = window.workspace.journal_path
    assert fresh != damaged and fresh.parent == data_dir
    click(qtbot, window.home.cards[0].begin_button)
    check_in(qtbot, window.screens.checkin_before, 4)
    qtbot.waitUntil(lambda: window.workspace.journal is not None, timeout=WAIT_MS)
    with Journal.open(fresh) as journal:
        assert journal.sessions()[0].before.value("distress") == 4


def test_a_journal_from_a_newer_version_is_not_touched(qtbot, data_dir, playlist):
    data_dir.mkdir(mode=0o700)
    path = data_dir / "journal.sqlite3"
    Journal.open(path).close()
    import sqlite3

    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA user_version = 99")
    raw.close()
    fingerprint = hashlib.sha256(path.read_bytes()).hexdigest()
    window = open_window(qtbot, data_dir, [playlist])
    assert window.pages.currentWidget() is window.problems.page
    assert "newer" in window.problems.page.heading.text()
    window.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == fingerprint
