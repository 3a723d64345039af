"""Just check in: how the person is now, kept in the journal without listening."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from mtcalm.journal.file import JournalWriteFailed
from mtcalm.journal.store import Journal, SessionKind
from mtcalm.playlists import load_playlist
from mtcalm.ui.checkin_page import CheckInPage
from tests.ui.helpers import click, open_window, type_rating


@pytest.fixture
def playlist(make_tone, make_playlist):
    return load_playlist(make_playlist([make_tone("t.wav", seconds=0.8)]))


def answer(qtbot, page: CheckInPage, distress: int) -> None:
    type_rating(qtbot, page.questions[0].scale, distress)
    for question in page.questions[1:]:
        click(qtbot, question.skip_button)


def entries(journal: Journal | None) -> list[int | None]:
    assert journal is not None
    return [
        record.before.value("distress") if record.before else None
        for record in journal.sessions()
        if record.kind is SessionKind.CHECKIN
    ]


def test_a_check_in_on_its_own_is_kept_and_home_says_so(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.home.checkin_button)
    page = window.built("checkin_alone")
    assert isinstance(page, CheckInPage)
    assert window.pages.currentWidget() is page
    assert not page.skip_all.isVisible()  # nothing but its answers
    assert page.continue_button.text() == "Keep this check-in"
    assert page.questions[0].scale is not None and page.questions[0].scale.hasFocus()
    answer(qtbot, page, 4)
    click(qtbot, page.continue_button)
    assert window.current_name() == "home"
    assert "kept in your journal" in window.home.notice.text()
    assert window.home.scroll_area is not None
    assert window.home.scroll_area.verticalScrollBar().value() == 0  # opens at its top
    click(qtbot, window.home.checkin_button)
    assert page.questions[0].value() is None  # each one starts blank
    answer(qtbot, page, 6)
    click(qtbot, page.continue_button)
    assert sorted(value or 0 for value in entries(window.workspace.journal)) == [4, 6]  # each kept


def test_a_hard_moment_points_to_grounding_and_the_persons_contacts(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.home.checkin_button)
    page = window.built("checkin_alone")
    assert isinstance(page, CheckInPage)
    answer(qtbot, page, 9)
    click(qtbot, page.continue_button)
    notice = window.home.notice.text()
    assert "Stop and ground" in notice
    assert "risk" not in notice.lower() and "diagnos" not in notice.lower()


def test_going_back_keeps_nothing(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.home.checkin_button)
    page = window.built("checkin_alone")
    assert isinstance(page, CheckInPage) and page.back_button is not None
    answer(qtbot, page, 5)
    click(qtbot, page.back_button)
    assert window.current_name() == "home"
    click(qtbot, window.home.checkin_button)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.current_name() == "home"
    assert entries(window.workspace.journal) == []


def test_a_check_in_that_cannot_be_kept_stays_on_screen(
    qtbot, data_dir, playlist, monkeypatch: pytest.MonkeyPatch
):
    window = open_window(qtbot, data_dir, [playlist])
    told: list[str] = []
    monkeypatch.setattr(window, "tell", lambda short, long, **_: told.append(short))

    def full_disk(*_args: object, **_kwargs: object) -> int:
        raise JournalWriteFailed("This could not be saved", "The disk is full.")

    monkeypatch.setattr(Journal, "record_checkin", full_disk)
    click(qtbot, window.home.checkin_button)
    page = window.built("checkin_alone")
    assert isinstance(page, CheckInPage)
    answer(qtbot, page, 5)
    click(qtbot, page.continue_button)
    assert told == ["This could not be saved"]
    assert window.pages.currentWidget() is page
    assert page.questions[0].value() == 5  # nothing typed is lost
