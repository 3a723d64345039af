"""The whole loop through the real widgets: choose → check in → listen → check in → journal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from mtcalm.audio.events import PlayerState
from mtcalm.journal.store import Journal, Outcome
from mtcalm.playlists import load_playlist
from mtcalm.ui.journal_model import Column
from tests.ui.helpers import (
    WAIT_MS,
    click,
    no_device_audio,
    open_window,
    start_listening,
    type_rating,
    wait_for_page,
)


@pytest.fixture
def playlist(make_tone, make_playlist):
    first = make_tone("one.wav", seconds=1.5)
    second = make_tone("two.wav", seconds=1.5, frequency=330)
    return load_playlist(make_playlist([first, second], title="Evening calm"))


def journal_rows(data_dir: Path):
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        return journal.sessions()


def test_whole_loop_from_choice_to_journal(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    card = window.home.cards[0]
    assert any(label.text() == "Evening calm" for label in card.findChildren(QLabel))
    assert any("2 tracks" in label.text() for label in card.findChildren(QLabel))

    click(qtbot, card.begin_button)
    before = window.screens.checkin_before
    assert window.pages.currentWidget() is before
    assert window.header.ground_button.isVisible(), "Stop and ground is reachable from the check-in"
    assert not before.continue_button.isEnabled(), "sliders start unset and must be placed"

    distress, pleasantness, energy = before.questions
    type_rating(qtbot, distress.scale, 7)
    qtbot.keyClick(distress.scale, Qt.Key.Key_Return)
    assert pleasantness.scale.hasFocus(), "Enter goes on to the next question"
    qtbot.mouseClick(
        pleasantness.scale, Qt.MouseButton.LeftButton, pos=pleasantness.scale.rect().center()
    )
    assert pleasantness.scale.value() == 5
    click(qtbot, energy.skip_button)
    click(qtbot, before.emotion_buttons["anxious"])
    qtbot.keyClicks(before.note, "long day")
    assert before.continue_button.isEnabled()
    click(qtbot, before.continue_button)

    wait_for_page(qtbot, window, window.screens.listening)
    qtbot.waitUntil(
        lambda: window.screens.listening.now_playing.text() == "Track 1", timeout=WAIT_MS
    )
    # The session is in the journal from the moment it starts, with its check-in.
    rows = journal_rows(data_dir)
    assert len(rows) == 1 and rows[0].outcome is Outcome.IN_PROGRESS
    assert rows[0].before.value("distress") == 7
    qtbot.waitUntil(
        lambda: "0:01 listened" in window.screens.listening.elapsed.text(), timeout=WAIT_MS
    )
    assert "left" in window.screens.listening.remaining.text()

    click(qtbot, window.screens.listening.end_button)
    qtbot.waitUntil(
        lambda: (
            window.screens.audio.status().state is PlayerState.FADING
            or window.pages.currentWidget() is window.screens.checkin_after
        ),
        timeout=WAIT_MS,
    )
    wait_for_page(qtbot, window, window.screens.checkin_after)

    after = window.screens.checkin_after
    assert all(question.value() is None for question in after.questions), "starts blank"
    keys = [question.item.key for question in after.questions]
    assert keys == ["distress", "pleasantness", "energy", "helpfulness", "stirred_up"]
    type_rating(qtbot, after.questions[0].scale, 4)
    type_rating(qtbot, after.questions[1].scale, 6)
    type_rating(qtbot, after.questions[2].scale, 3)
    type_rating(qtbot, after.questions[3].scale, 3)
    click(qtbot, after.questions[4].choice.no_button)
    click(qtbot, after.continue_button)

    wait_for_page(qtbot, window, window.screens.summary)
    summary = window.screens.summary
    texts = [label.text() for label in summary.findChildren(QLabel) if label.isVisible()]
    assert "Distress: 7 → 4" in texts
    assert "down 3" in texts
    assert "Pleasantness: 5 → 6" in texts
    assert not any("Energy" in text for text in texts), "only items answered twice compare"
    assert "Brought up urges or memories: No" in texts, "an answer reads as it was given"
    assert "You listened for less than a minute" in texts, "how long, never 'ended early'"
    assert not any("early" in text for text in texts)

    click(qtbot, window.screens.summary.journal_button)
    wait_for_page(qtbot, window, window.sections.journal)
    model = window.sections.journal.model
    assert model.rowCount() == 1
    row = [model.index(0, column).data() for column in range(model.columnCount())]
    assert row[Column.WHAT] == "Evening calm"
    assert row[Column.DISTRESS] == "7 → 4" and row[Column.ENERGY] == "– → 3"
    tip = model.index(0, Column.WHAT).data(Qt.ItemDataRole.ToolTipRole)
    assert "stopped before the end" in tip, "how it went, kept as data"

    stored = journal_rows(data_dir)[0]
    assert stored.outcome is Outcome.ENDED_EARLY
    assert stored.before.value("energy") is None
    assert stored.before.emotions == ("anxious",) and stored.before.note == "long day"
    assert stored.after.value("stirred_up") == 0 and stored.after.value("helpfulness") == 3
    with sqlite3.connect(data_dir / "journal.sqlite3") as raw:
        energy_before = raw.execute(
            "SELECT value FROM answers JOIN checkins ON checkins.id = answers.checkin_id"
            " WHERE phase = 'before' AND item = 'energy'"
        ).fetchone()
    assert energy_before == (None,), "a skipped item is stored as missing (NULL)"


def test_listening_to_the_end_completes_and_skipping_stores_missing(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.home.cards[0].begin_button)
    click(qtbot, window.screens.checkin_before.skip_all)
    wait_for_page(qtbot, window, window.screens.listening)
    qtbot.waitUntil(
        lambda: window.screens.listening.now_playing.text() == "Track 2", timeout=WAIT_MS
    )
    wait_for_page(qtbot, window, window.screens.checkin_after)
    click(qtbot, window.screens.checkin_after.skip_all)
    wait_for_page(qtbot, window, window.screens.summary)
    summary = window.screens.summary
    texts = [label.text() for label in summary.findChildren(QLabel) if label.isVisible()]
    assert any("listened to the end" in text for text in texts)
    assert "Thank you for taking this time." in texts, "nothing answered: one kind line"
    assert not any("not answered" in text for text in texts)
    record = journal_rows(data_dir)[0]
    assert record.outcome is Outcome.COMPLETED
    assert record.before.skipped and record.after.skipped
    assert record.before.value("distress") is None
    assert record.listened_seconds >= 2.5


def test_missing_track_is_said_plainly_and_the_session_goes_on(
    qtbot, data_dir, make_tone, make_playlist
):
    good = make_tone("good.wav", seconds=1.0)
    playlist = load_playlist(make_playlist(["../audio/gone.wav", good]))
    assert playlist.problems, "the missing file is reported when the playlist loads"
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.home.cards[0].begin_button)
    click(qtbot, window.screens.checkin_before.skip_all)
    qtbot.waitUntil(
        lambda: window.screens.listening.now_playing.text() == "Track 2", timeout=WAIT_MS
    )
    message = window.screens.listening.message
    assert message.isVisible()
    assert "“Track 1” could not be played" in message.text()
    assert "next track" in message.text()
    wait_for_page(qtbot, window, window.screens.checkin_after)
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        kinds = [event.kind for event in journal.events(journal.sessions()[0].id)]
    assert kinds[:2] == ["track_failed", "track_started"]


def test_stop_and_ground_pauses_and_returns(qtbot, data_dir, make_tone, make_playlist):
    playlist = load_playlist(make_playlist([make_tone("long.wav", seconds=20)]))
    window = open_window(qtbot, data_dir, [playlist])
    start_listening(qtbot, window)

    click(qtbot, window.header.ground_button)
    assert window.pages.currentWidget() is window.screens.grounding
    assert window.screens.grounding.subtitle.text().startswith("The music is paused")
    qtbot.waitUntil(
        lambda: window.screens.audio.status().state is PlayerState.PAUSED, timeout=WAIT_MS
    )
    first_step = window.screens.grounding.step_text.text()
    click(qtbot, window.screens.grounding.next_button)
    assert window.screens.grounding.step_text.text() != first_step
    assert "five things you can see" in window.screens.grounding.step_text.text()
    click(qtbot, window.screens.grounding.return_button)
    assert window.pages.currentWidget() is window.screens.listening
    qtbot.waitUntil(
        lambda: window.screens.audio.status().state is PlayerState.PLAYING, timeout=WAIT_MS
    )

    qtbot.keyClick(window, Qt.Key.Key_Escape)  # the keyboard way in
    assert window.pages.currentWidget() is window.screens.grounding
    click(qtbot, window.screens.grounding.end_button)
    # Leaving from grounding was a hard moment: support comes before any questions.
    wait_for_page(qtbot, window, window.screens.support)
    assert window.focusWidget() is window.screens.support.ground_button
    click(qtbot, window.screens.support.carry_on_button)
    wait_for_page(qtbot, window, window.screens.checkin_after)
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        record = journal.sessions()[0]
        kinds = [event.kind for event in journal.events(record.id)]
    assert kinds.count("grounding") == 2
    assert record.outcome is Outcome.ENDED_EARLY


def test_pause_and_resume_from_the_listening_page(qtbot, data_dir, make_tone, make_playlist):
    playlist = load_playlist(make_playlist([make_tone("long.wav", seconds=20)]))
    window = open_window(qtbot, data_dir, [playlist])
    start_listening(qtbot, window)
    click(qtbot, window.screens.listening.pause_button)
    qtbot.waitUntil(
        lambda: window.screens.listening.pause_button.text() == "Resume", timeout=WAIT_MS
    )
    assert window.screens.audio.status().state is PlayerState.PAUSED
    click(qtbot, window.screens.listening.pause_button)
    qtbot.waitUntil(
        lambda: window.screens.listening.pause_button.text() == "Pause", timeout=WAIT_MS
    )
    window.screens.listening.volume.setValue(30)
    qtbot.waitUntil(lambda: abs(window.screens.audio.status().volume - 0.3) < 1e-9, timeout=WAIT_MS)


def test_no_sound_device_is_said_and_the_session_still_works(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist], open_audio=no_device_audio)
    qtbot.waitUntil(lambda: window.home.notice.isVisible(), timeout=WAIT_MS)
    assert window.home.notice.text().startswith("No sound device. mtcalm could not open one")
    click(qtbot, window.home.cards[0].begin_button)
    type_rating(qtbot, window.screens.checkin_before.questions[0].scale, 5)
    for question in window.screens.checkin_before.questions[1:]:
        click(qtbot, question.skip_button)
    click(qtbot, window.screens.checkin_before.continue_button)
    wait_for_page(qtbot, window, window.screens.listening)
    assert "sessions play silently" in window.screens.listening.message.text()
    wait_for_page(qtbot, window, window.screens.checkin_after)
    assert journal_rows(data_dir)[0].before.value("distress") == 5


def test_closing_mid_session_keeps_it_as_ended_early(qtbot, data_dir, make_tone, make_playlist):
    playlist = load_playlist(make_playlist([make_tone("long.wav", seconds=30)]))
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.home.cards[0].begin_button)
    type_rating(qtbot, window.screens.checkin_before.questions[0].scale, 6)
    for question in window.screens.checkin_before.questions[1:]:
        click(qtbot, question.skip_button)
    click(qtbot, window.screens.checkin_before.continue_button)
    qtbot.waitUntil(lambda: window.screens.audio.status().listened > 1.0, timeout=WAIT_MS)
    window.close()
    record = journal_rows(data_dir)[0]
    assert record.outcome is Outcome.ENDED_EARLY
    assert record.listened_seconds > 1.0
    assert record.before.value("distress") == 6


def test_text_from_files_is_never_rich_text(qtbot, data_dir, make_tone, make_playlist):
    tone = make_tone("t.wav", seconds=1.0)
    playlist = load_playlist(make_playlist([tone], title="<b>Bold</b> <img src=x>"))
    window = open_window(qtbot, data_dir, [playlist])
    titles = [label for label in window.home.cards[0].findChildren(QLabel)]
    assert any(label.text() == "<b>Bold</b> <img src=x>" for label in titles)
    for label in window.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


def test_navigation_between_home_and_journal(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    assert window.header.buttons["home"].isChecked()
    assert window.header.ground_button.isVisible(), "Stop and ground is there outside sessions"
    click(qtbot, window.header.buttons["journal"])
    assert window.pages.currentWidget() is window.sections.journal
    assert window.sections.journal.empty.isVisible()
    assert "No sessions yet" in window.sections.journal.empty.text()
    click(qtbot, window.header.buttons["home"])
    assert window.pages.currentWidget() is window.home
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # grounding is there even outside a session
    assert window.pages.currentWidget() is window.screens.grounding
    assert window.screens.grounding.subtitle.text() == "Take this at your own pace."
    assert not window.screens.grounding.end_button.isVisible()
    click(qtbot, window.screens.grounding.return_button)
    assert window.pages.currentWidget() is window.home
