"""Every page opens at its top with focus on its first control, the header tells the truth,
and the keyboard reaches everything: through the real window, page by page.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QScrollArea, QWidget

from mtcalm.playlists import load_playlist
from mtcalm.session.flow import Step
from mtcalm.ui.layout import first_focusable
from tests.ui.helpers import WAIT_MS, click, open_window, type_rating, wait_for_page


@pytest.fixture
def playlist(make_tone, make_playlist):
    tracks = [make_tone("one.wav", seconds=1.0), make_tone("two.wav", seconds=1.0)]
    return load_playlist(make_playlist(tracks, title="Evening calm"))


@pytest.fixture
def long_playlist(make_tone, make_playlist):
    return load_playlist(make_playlist([make_tone("long.wav", seconds=30.0)], title="Long"))


def scrolled_areas(page: QWidget) -> list[str]:
    return [
        type(area).__name__
        for area in page.findChildren(QAbstractScrollArea)
        if area.isVisible() and area.verticalScrollBar().value() != 0
    ]


def seen(widget: QWidget) -> bool:
    """The widget is on screen: inside its window and, in a scroll area, inside the viewport."""
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    rect = QRect(widget.mapTo(widget.window(), QPoint(0, 0)), widget.size())
    if parent is not None:
        viewport = parent.viewport()
        view = QRect(viewport.mapTo(widget.window(), QPoint(0, 0)), viewport.size())
        return view.intersects(rect)
    return widget.window().rect().intersects(rect)


def fully_seen(widget: QWidget) -> bool:
    area = widget.parentWidget()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parentWidget()
    if area is None:
        return True
    top = widget.mapTo(area.viewport(), QPoint(0, 0)).y()
    return top >= 0 and top + widget.height() <= area.viewport().height()


def assert_opened_at_top(window, page: QWidget) -> None:
    """At its top, unless its first control lies below the fold: then just far enough down
    for that control to be seen (a focused control is never out of sight).
    """
    assert window.pages.currentWidget() is page
    focus = QApplication.focusWidget()
    assert focus is not None and seen(focus), "the focused control is on screen"
    if scrolled_areas(page):
        areas = [a for a in page.findChildren(QScrollArea) if a.verticalScrollBar().value()]
        for area in areas:
            area.verticalScrollBar().setValue(0)
        assert not fully_seen(focus), "the page opens at its top"
    if first_focusable(page) is not None:  # an empty journal has nothing to focus
        assert page.isAncestorOf(focus), "focus is on the page"


def scroll_to_bottom(page: QWidget) -> None:
    for area in page.findChildren(QAbstractScrollArea):
        area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())


def test_the_check_in_reopens_at_its_top_after_ending_from_grounding(
    qtbot, data_dir, long_playlist
):
    window = open_window(qtbot, data_dir, [long_playlist])
    window.resize(800, 600)
    click(qtbot, window.home.cards[0].begin_button)
    before = window.screens.checkin_before
    assert_opened_at_top(window, before)
    scroll_to_bottom(before)
    click(qtbot, before.skip_all)
    wait_for_page(qtbot, window, window.screens.listening)
    assert_opened_at_top(window, window.screens.listening)
    click(qtbot, window.header.ground_button)
    assert_opened_at_top(window, window.screens.grounding)
    click(qtbot, window.screens.grounding.end_button)
    wait_for_page(qtbot, window, window.screens.support)
    assert_opened_at_top(window, window.screens.support)
    click(qtbot, window.screens.support.carry_on_button)
    after = window.screens.checkin_after
    wait_for_page(qtbot, window, after)
    assert_opened_at_top(window, after)
    # A digit typed now goes to the question on screen, never to one scrolled out of sight.
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, Qt.Key.Key_9)
    typed_into = QApplication.focusWidget()
    assert typed_into is not None and seen(typed_into)


def test_a_second_session_opens_the_check_in_at_its_top(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    window.resize(800, 600)
    click(qtbot, window.home.cards[0].begin_button)
    before = window.screens.checkin_before
    scroll_to_bottom(before)
    window.flow.cancel()
    assert window.pages.currentWidget() is window.home
    click(qtbot, window.home.cards[0].begin_button)
    assert_opened_at_top(window, before)


def test_the_sections_open_at_their_top(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    window.resize(800, 600)
    # (Your data shows its buttons together with the place their result appears, by design.)
    for name in ("home", "pacer", "library", "journal"):
        click(qtbot, window.header.buttons[name])
        page = window.pages.currentWidget()
        assert page is not None
        assert_opened_at_top(window, page)
        scroll_to_bottom(page)
        other = "journal" if name == "home" else "home"
        click(qtbot, window.header.buttons[other])
        click(qtbot, window.header.buttons[name])
        assert_opened_at_top(window, page)


def test_the_header_highlights_only_the_section_the_person_is_in(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    header = window.header
    click(qtbot, header.buttons["pacer"])
    assert [n for n, b in header.buttons.items() if b.isChecked()] == ["pacer"]
    click(qtbot, header.buttons["home"])
    # A session that used the breathing guide ends on a summary that is no section.
    click(qtbot, window.home.cards[0].begin_button)
    click(qtbot, window.screens.checkin_before.skip_all)
    wait_for_page(qtbot, window, window.screens.listening)
    click(qtbot, window.screens.listening.breathe_button)
    assert window.flow.step is Step.BREATHING
    qtbot.waitUntil(lambda: window.sections.pacer.done_button.text() == "Go on", timeout=WAIT_MS)
    click(qtbot, window.sections.pacer.done_button)
    after = window.screens.checkin_after
    wait_for_page(qtbot, window, after)
    click(qtbot, after.skip_all if hasattr(after, "skip_all") else after.continue_button)
    wait_for_page(qtbot, window, window.screens.summary)
    assert not any(button.isChecked() for button in header.buttons.values())
    assert all(button.isVisible() for button in header.buttons.values())
    click(qtbot, window.screens.summary.journal_button)
    assert [n for n, b in header.buttons.items() if b.isChecked()] == ["journal"]


def test_tab_reaches_every_section_and_stop_and_ground(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    header = window.header
    header.buttons["home"].setFocus()
    reached = []
    for _ in range(7):
        reached.append(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    expected = [*header.buttons.values(), header.support_button, header.ground_button]
    assert reached == expected, "each section is its own Tab stop, in reading order"
    header.buttons["home"].setFocus()
    qtbot.keyClick(header.buttons["home"], Qt.Key.Key_Right)
    assert window.pages.currentWidget() is window.home, "arrow keys never switch sections"


def test_enter_on_a_focused_header_button_opens_its_section(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    window.header.buttons["pacer"].setFocus()
    qtbot.keyClick(window.header.buttons["pacer"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.sections.pacer, timeout=WAIT_MS)


def test_stop_and_ground_outside_a_session_goes_back_where_it_was(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.header.buttons["library"])
    library = window.pages.currentWidget()
    click(qtbot, window.header.ground_button)
    assert window.pages.currentWidget() is window.screens.grounding
    assert not window.screens.grounding.end_button.isVisible(), "no session to end"
    click(qtbot, window.screens.grounding.return_button)
    assert window.pages.currentWidget() is library
    assert window.flow.session is None and window.workspace.journal.sessions() == []


def test_escape_grounds_in_a_session_and_goes_home_elsewhere(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.header.buttons["journal"])
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is window.home
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # on the home page, Esc is grounding
    assert window.pages.currentWidget() is window.screens.grounding
    click(qtbot, window.screens.grounding.return_button)
    assert window.pages.currentWidget() is window.home
    click(qtbot, window.home.cards[0].begin_button)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is window.screens.grounding
    click(qtbot, window.screens.grounding.return_button)
    assert window.pages.currentWidget() is window.screens.checkin_before


def test_the_check_in_can_be_left_before_anything_is_kept(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.home.cards[0].begin_button)
    before = window.screens.checkin_before
    type_rating(qtbot, before.questions[0].scale, 4)
    assert before.back_button is not None, "the first check-in has a way back"
    click(qtbot, before.back_button)
    assert window.pages.currentWidget() is window.home
    assert window.workspace.journal.sessions() == []
    assert all(button.isVisible() for button in window.header.buttons.values())


def test_high_distress_puts_the_focus_on_grounding_first(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.home.cards[0].begin_button)
    before = window.screens.checkin_before
    type_rating(qtbot, before.questions[0].scale, 9)
    for question in before.questions[1:]:
        click(qtbot, question.skip_button)
    click(qtbot, before.continue_button)
    support = window.screens.support
    wait_for_page(qtbot, window, support)
    assert QApplication.focusWidget() is support.ground_button
    qtbot.keyClick(support.ground_button, Qt.Key.Key_Return)  # Enter takes the safer way
    wait_for_page(qtbot, window, window.screens.grounding)


def test_tab_follows_the_two_row_header_in_reading_order(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    header = window.header
    header.resize(520, header.height())  # a small screen or large text: two rows
    window.resize(540, 560)
    qtbot.waitUntil(lambda: header.height() > 60)
    header.support_button.setFocus()
    reached = []
    for _ in range(7):
        reached.append(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert reached == [header.support_button, header.ground_button, *header.buttons.values()]
    after = QApplication.focusWidget()
    assert after is not None and window.home.isAncestorOf(after), "then on into the page"
    assert all(b.width() >= b.sizeHint().width() for b in header.buttons.values())
