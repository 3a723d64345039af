"""The check-in widgets: nothing preset, everything reachable by keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from mtcalm.checkin import Phase
from mtcalm.ui.checkin_page import CheckInPage
from mtcalm.ui.rating_scale import RatingScale


@pytest.fixture
def scale(qtbot):
    widget = RatingScale(0, 10)
    widget.resize(400, 60)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_a_scale_starts_with_no_value(scale):
    assert scale.value() is None
    assert scale.accessibleDescription() in ("", "not set")


def test_arrow_keys_place_then_move(qtbot, scale):
    qtbot.keyClick(scale, Qt.Key.Key_Right)
    assert scale.value() == 5, "the first arrow places the handle mid-scale"
    qtbot.keyClick(scale, Qt.Key.Key_Right)
    qtbot.keyClick(scale, Qt.Key.Key_Up)
    assert scale.value() == 7
    qtbot.keyClick(scale, Qt.Key.Key_Left)
    assert scale.value() == 6
    qtbot.keyClick(scale, Qt.Key.Key_End)
    qtbot.keyClick(scale, Qt.Key.Key_Right)
    assert scale.value() == 10, "never past the end"
    qtbot.keyClick(scale, Qt.Key.Key_Home)
    qtbot.keyClick(scale, Qt.Key.Key_Down)
    assert scale.value() == 0


def test_number_keys_set_and_one_zero_means_ten(qtbot, scale):
    qtbot.keyClick(scale, Qt.Key.Key_3)
    assert scale.value() == 3
    qtbot.keyClick(scale, Qt.Key.Key_1)
    qtbot.keyClick(scale, Qt.Key.Key_0)
    assert scale.value() == 10
    assert scale.accessibleDescription() == "10 of 10"


def test_delete_clears_back_to_unanswered(qtbot, scale):
    qtbot.keyClick(scale, Qt.Key.Key_4)
    values = []
    scale.value_changed.connect(values.append)
    qtbot.keyClick(scale, Qt.Key.Key_Delete)
    assert scale.value() is None
    assert values == [None]


def test_digits_outside_a_short_scale_are_ignored(qtbot):
    short = RatingScale(0, 4)
    qtbot.addWidget(short)
    short.show()
    qtbot.keyClick(short, Qt.Key.Key_7)
    assert short.value() is None
    qtbot.keyClick(short, Qt.Key.Key_2)
    assert short.value() == 2


def test_mouse_sets_the_nearest_value(qtbot, scale):
    left = RatingScale.SIDE_MARGIN
    qtbot.mouseClick(scale, Qt.MouseButton.LeftButton, pos=QPoint(left, 20))
    assert scale.value() == 0
    right = scale.width() - RatingScale.SIDE_MARGIN
    qtbot.mouseClick(scale, Qt.MouseButton.LeftButton, pos=QPoint(right, 20))
    assert scale.value() == 10


def test_continue_waits_until_each_item_is_answered_or_skipped(qtbot):
    page = CheckInPage(Phase.BEFORE)
    qtbot.addWidget(page)
    page.show()
    assert not page.continue_button.isEnabled()
    assert page.waiting.text() == "3 questions to answer or skip"
    page.questions[0].scale.set_value(2)
    page.questions[1].skip_button.click()
    assert page.waiting.text() == "1 question to answer or skip"
    page.questions[2].scale.set_value(8)
    assert page.continue_button.isEnabled()
    submitted = []
    page.submitted.connect(submitted.append)
    page.continue_button.click()
    checkin = submitted[0]
    assert checkin.all_answers() == {"distress": 2, "pleasantness": None, "energy": 8}


def test_answering_a_skipped_item_unskips_it(qtbot):
    page = CheckInPage(Phase.BEFORE)
    qtbot.addWidget(page)
    question = page.questions[0]
    question.skip_button.click()
    assert question.hint.text().startswith("Skipped")
    question.scale.set_value(3)
    assert not question.skip_button.isChecked()
    assert question.value() == 3
    question.skip_button.click()
    assert question.value() is None and question.scale.value() is None


def test_skip_check_in_submits_a_skipped_check_in(qtbot):
    page = CheckInPage(Phase.AFTER)
    qtbot.addWidget(page)
    page.questions[0].scale.set_value(5)
    submitted = []
    page.submitted.connect(submitted.append)
    page.skip_all.click()
    assert submitted[0].skipped
    assert all(value is None for value in submitted[0].all_answers().values())


def test_reset_clears_everything_for_the_next_check_in(qtbot):
    page = CheckInPage(Phase.BEFORE)
    qtbot.addWidget(page)
    page.questions[0].scale.set_value(5)
    page.emotion_buttons["calm"].click()
    page.note.setPlainText("hello")
    page.reset()
    assert page.check_in().all_answers() == {"distress": None, "pleasantness": None, "energy": None}
    assert page.check_in().emotions == () and page.check_in().note == ""
