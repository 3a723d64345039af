"""The grounding exercise and the high-distress offer: the safe way is the easy way.

Grounding opens at its top on "Next"; Left and Right move between its steps and never carry
the focus to "End the session". The offer before a hard session has "Ground myself first"
filled and focused, with room under it for the person's own contacts.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QWidget

from mtcalm.ui.grounding_page import GroundingPage
from mtcalm.ui.support_page import SupportPage
from tests.ui.helpers import click
from tests.ui.page_checks import SMALL_PAGE, clipped_widgets, larger_text, unnamed_controls

SCALED_PAGE = (530, 350)  # 800×600 at a scale of 1.5, in logical pixels


def show(qtbot, page: QWidget, size: tuple[int, int] = SMALL_PAGE) -> None:
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # keyboard focus needs an active window
    QApplication.processEvents()


@pytest.fixture
def grounding(qtbot) -> GroundingPage:
    page = GroundingPage()
    show(qtbot, page)
    page.begin("Return to the music", can_end=True)
    return page


def step_of(page: GroundingPage) -> int:
    return int(page.step_count.text().split()[0])


# -- grounding ------------------------------------------------------------------------------


def test_grounding_opens_at_its_top_on_next(qtbot):
    page = GroundingPage()
    show(qtbot, page, SCALED_PAGE)
    bar = page.findChild(QScrollArea).verticalScrollBar()
    assert bar.maximum() > 0, "small enough to scroll"
    bar.setValue(bar.maximum())
    page.begin("Return to the music", can_end=True)
    assert bar.value() == 0 and page.next_button.hasFocus()
    assert step_of(page) == 1
    bar.setValue(bar.maximum())
    page.focus_first()
    assert bar.value() == 0 and page.next_button.hasFocus()


def test_left_and_right_move_between_steps_and_never_reach_end(qtbot, grounding):
    page = grounding
    next_button = page.next_button
    qtbot.keyClick(next_button, Qt.Key.Key_Right)
    assert step_of(page) == 2 and next_button.hasFocus()
    qtbot.keyClick(next_button, Qt.Key.Key_Left)
    assert step_of(page) == 1 and next_button.hasFocus()
    for _ in range(10):
        focused = QApplication.focusWidget()
        assert focused is not page.end_button, "an arrow never lands on End"
        qtbot.keyClick(focused, Qt.Key.Key_Right)
    assert step_of(page) == len(page.steps)
    assert page.return_button.hasFocus(), "at the last step, the way back (not End)"
    assert page.return_button.property("role") == "primary"
    assert not page.next_button.isEnabled()
    page.end_button.setFocus()
    qtbot.keyClick(page.end_button, Qt.Key.Key_Left)
    assert page.end_button.hasFocus() and step_of(page) == len(page.steps) - 1


def test_next_pressed_to_the_last_step_gives_the_focus_to_the_way_back(qtbot, grounding):
    page = grounding
    for _ in range(len(page.steps) - 1):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert step_of(page) == len(page.steps)
    assert page.return_button.hasFocus()
    qtbot.keyClick(page.return_button, Qt.Key.Key_Left)
    qtbot.keyClick(page.return_button, Qt.Key.Key_Left)
    assert step_of(page) == len(page.steps) - 2
    assert page.next_button.property("role") == "primary"


def test_only_tab_reaches_end_and_it_sits_apart_as_a_secondary_button(qtbot, grounding):
    page = grounding
    order = [page.next_button]
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [page.next_button, page.return_button, page.end_button, page.next_button]
    assert page.end_button.property("role") in ("", None), "outlined, never filled"
    steps_bottom = page.next_button.mapTo(page, QPoint(0, page.next_button.height())).y()
    assert page.end_button.mapTo(page, QPoint(0, 0)).y() > steps_bottom + 24
    with qtbot.waitSignal(page.end_requested):
        click(qtbot, page.end_button)


def test_without_music_there_is_nothing_to_end(qtbot, grounding):
    grounding.begin("Go back", can_end=False)
    assert not grounding.end_button.isVisible()
    assert grounding.return_button.text() == "Go back"


# -- the offer before a hard session ---------------------------------------------------------


def test_the_safer_choice_is_filled_first_and_focused(qtbot):
    page = SupportPage()
    show(qtbot, page)
    page.focus_first()
    assert page.ground_button.hasFocus()
    assert page.ground_button.property("role") == "primary" and page.ground_button.isDefault()
    assert page.carry_on_button.property("role") in ("", None)
    left_of = page.ground_button.mapTo(page, QPoint(0, 0)).x()
    assert left_of < page.carry_on_button.mapTo(page, QPoint(0, 0)).x(), "first in reading order"
    qtbot.keyClick(page.ground_button, Qt.Key.Key_Tab)
    assert page.carry_on_button.hasFocus()
    page.ground_button.setFocus()
    with qtbot.waitSignal(page.grounding_requested):
        qtbot.keyClick(page.ground_button, Qt.Key.Key_Return)


def test_the_offer_has_room_for_the_persons_contacts_under_it(qtbot):
    page = SupportPage()
    show(qtbot, page)
    assert not page.contacts.isVisible(), "empty until contacts exist"
    for number in range(12):
        page.contacts_layout.addWidget(QLabel(f"Contact {number}"))
    page.contacts.show()
    QApplication.processEvents()
    column = page.contacts.parentWidget()
    assert column is not None
    below = page.ground_button.mapTo(column, QPoint(0, 0)).y()
    assert page.contacts.y() > below, "under the offer"
    assert page.findChild(QScrollArea).verticalScrollBar().maximum() > 0, "the page scrolls"
    page.focus_first()
    assert page.findChild(QScrollArea).verticalScrollBar().value() == 0


# -- both pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [GroundingPage, SupportPage], ids=["grounding", "support"])
@pytest.mark.parametrize("scale", ["800x600", "text x1.5", "800x600 at scale 1.5"])
def test_named_and_nothing_cut_off_at_small_sizes(qtbot, qapp, make, scale):
    size = SCALED_PAGE if scale == "800x600 at scale 1.5" else SMALL_PAGE
    with larger_text(qapp, 1.5 if scale == "text x1.5" else 1.0):
        page = make()
        show(qtbot, page, size)
        if isinstance(page, GroundingPage):
            page.begin("Return to the music", can_end=True)
        QApplication.processEvents()
        assert unnamed_controls(page) == []
        assert clipped_widgets(page) == []
        for label in page.findChildren(QLabel):
            assert label.textFormat() == Qt.TextFormat.PlainText
