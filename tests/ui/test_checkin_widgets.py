"""The check-in widgets: nothing preset, everything reachable by keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractButton, QWidget

from mtcalm.checkin import Phase
from mtcalm.ui.checkin_page import CheckInPage
from mtcalm.ui.rating_scale import RatingScale, WordScale


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
    assert scale.accessibleDescription() == "not answered"


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
    submitted = []
    page.submitted.connect(submitted.append)
    assert page.skip_all.text() == "Skip these questions"
    page.skip_all.click()
    assert submitted[0].skipped
    assert all(value is None for value in submitted[0].all_answers().values())


def test_skipping_the_rest_keeps_the_answers_already_given(qtbot):
    """Found in a walkthrough: "Skip these questions" once threw answers away."""
    page = CheckInPage(Phase.AFTER)
    qtbot.addWidget(page)
    page.questions[0].scale.set_value(2)
    page.emotion_buttons["calm"].click()
    submitted = []
    page.submitted.connect(submitted.append)
    page.skip_all.click()
    assert not submitted[0].skipped
    assert submitted[0].value("distress") == 2 and submitted[0].emotions == ("calm",)
    assert submitted[0].value("energy") is None


def test_reset_clears_everything_for_the_next_check_in(qtbot):
    page = CheckInPage(Phase.BEFORE)
    qtbot.addWidget(page)
    page.questions[0].scale.set_value(5)
    page.emotion_buttons["calm"].click()
    page.note.setPlainText("hello")
    page.reset()
    assert page.check_in().all_answers() == {"distress": None, "pleasantness": None, "energy": None}
    assert page.check_in().emotions == () and page.check_in().note == ""


# -- opening, scrolling and focus --------------------------------------------------------------


def small_page(qtbot, phase: Phase = Phase.BEFORE, height: int = 420) -> CheckInPage:
    """A page much shorter than its content, shown and active, as on a small screen."""
    page = CheckInPage(phase)
    qtbot.addWidget(page)
    page.resize(800, height)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    return page


def scroll_value(page: CheckInPage) -> int:
    return page.scroll_area.verticalScrollBar().value()


def in_view(page: CheckInPage, widget: QWidget | None) -> bool:
    """The whole of ``widget`` is inside the visible part of the page."""
    assert widget is not None
    viewport = page.scroll_area.viewport()
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    rect = QRect(top_left, widget.size())
    return viewport.rect().contains(rect)


def test_focus_first_opens_at_the_top_on_the_first_question(qtbot):
    page = small_page(qtbot)
    bar = page.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0, "the page is taller than the window"
    bar.setValue(bar.maximum())
    page.focus_first()
    assert scroll_value(page) == 0
    first = page.questions[0].scale
    qtbot.waitUntil(first.hasFocus)
    assert scroll_value(page) == 0, "focusing the first question keeps the top in view"


def test_reset_goes_back_to_the_top(qtbot):
    page = small_page(qtbot)
    bar = page.scroll_area.verticalScrollBar()
    bar.setValue(bar.maximum())
    page.reset()
    assert scroll_value(page) == 0


def test_enter_goes_to_the_next_question_then_to_continue_in_view(qtbot):
    page = small_page(qtbot, height=360)
    page.focus_first()
    distress, pleasantness, energy = (question.scale for question in page.questions)
    qtbot.waitUntil(distress.hasFocus)
    qtbot.keyClick(distress, Qt.Key.Key_3)
    qtbot.keyClick(distress, Qt.Key.Key_Return)
    assert pleasantness.hasFocus()
    assert in_view(page, pleasantness), "the next question is scrolled into view"
    qtbot.keyClick(pleasantness, Qt.Key.Key_Return)  # unanswered: Enter still goes on
    assert energy.hasFocus() and in_view(page, energy)
    pleasantness.set_value(6)
    qtbot.keyClick(energy, Qt.Key.Key_7)
    qtbot.keyClick(energy, Qt.Key.Key_Enter)
    assert page.continue_button.hasFocus()
    assert in_view(page, page.continue_button), "the main button is brought into view"


def test_enter_on_the_last_question_with_one_open_goes_back_to_it(qtbot):
    page = small_page(qtbot, height=360)
    page.questions[0].scale.set_value(2)
    energy = page.questions[2].scale
    energy.setFocus()
    qtbot.waitUntil(energy.hasFocus)
    qtbot.keyClick(energy, Qt.Key.Key_5)
    qtbot.keyClick(energy, Qt.Key.Key_Return)
    assert not page.continue_button.isEnabled()
    assert page.questions[1].scale.hasFocus(), "the question still open, not a disabled button"
    assert in_view(page, page.questions[1].scale)


def test_a_focused_control_is_always_in_view(qtbot):
    page = small_page(qtbot, height=360)
    page.focus_first()
    for widget in (page.note, page.emotion_buttons["craving"], page.questions[0].skip_button):
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(widget.hasFocus)
        assert in_view(page, widget), widget.accessibleName()


# -- a way back, and an optional after check-in --------------------------------------------------


def test_before_the_session_there_is_a_way_back(qtbot):
    page = CheckInPage(Phase.BEFORE)
    qtbot.addWidget(page)
    page.show()
    assert page.back_button is not None and page.back_button.isVisible()
    assert page.back_button.text() == "Choose something else"
    assert page.back_button.property("role") == "quiet", "clearly less than Continue"
    assert page.continue_button.property("role") == "primary"
    with qtbot.waitSignal(page.cancel_requested, timeout=1000):
        page.back_button.click()


def test_after_the_session_everything_can_be_skipped_at_once(qtbot):
    page = CheckInPage(Phase.AFTER)
    qtbot.addWidget(page)
    page.show()
    assert page.back_button is None
    assert page.skip_all.isVisible() and page.skip_all.property("role") == "quiet"
    with qtbot.waitSignal(page.submitted, timeout=1000) as signal:
        page.skip_all.click()
    after = signal.args[0]
    assert after.phase is Phase.AFTER and after.skipped
    assert all(value is None for value in after.all_answers().values())


# -- answers read as they were given -------------------------------------------------------------


def test_answers_read_as_given(qtbot):
    page = CheckInPage(Phase.AFTER)
    qtbot.addWidget(page)
    distress, _, _, helpfulness, stirred_up = page.questions
    stirred_up.choice.yes_button.click()
    assert stirred_up.hint.text() == "Your answer: Yes"
    stirred_up.choice.no_button.click()
    assert stirred_up.hint.text() == "Your answer: No"
    distress.scale.set_value(0)
    assert distress.hint.text() == "Your answer: 0 · completely calm"
    distress.scale.set_value(10)
    assert distress.hint.text() == "Your answer: 10 · the worst you can imagine"
    distress.scale.set_value(6)
    assert distress.hint.text() == "Your answer: 6"
    helpfulness.scale.set_value(3)
    assert helpfulness.hint.text() == "Your answer: quite"
    assert page.check_in().value("stirred_up") == 0
    assert page.check_in().value("helpfulness") == 3


def test_helpfulness_is_a_row_of_words_worked_by_keys_and_pointer(qtbot):
    page = small_page(qtbot, Phase.AFTER, height=2000)
    scale = page.questions[3].scale
    assert isinstance(scale, WordScale), "a 0–4 scale does not look like the 0–10 ones"
    assert scale.words == ("not at all", "a little", "somewhat", "quite", "very")
    assert scale.value() is None and scale.accessibleDescription() == "not answered"
    scale.setFocus()
    qtbot.keyClick(scale, Qt.Key.Key_7)
    assert scale.value() is None, "no such answer"
    qtbot.keyClick(scale, Qt.Key.Key_4)
    assert scale.value() == 4
    qtbot.keyClick(scale, Qt.Key.Key_Left)
    assert scale.value() == 3
    assert scale.accessibleDescription() == "quite, 3 of 4"
    qtbot.keyClick(scale, Qt.Key.Key_Home)
    assert scale.value() == 0
    qtbot.keyClick(scale, Qt.Key.Key_Delete)
    assert scale.value() is None
    cell_width = scale.width() / 5
    qtbot.mouseClick(
        scale, Qt.MouseButton.LeftButton, pos=QPoint(int(cell_width * 1.5), scale.height() // 2)
    )
    assert scale.value() == 1
    qtbot.keyClick(scale, Qt.Key.Key_Return)
    assert page.questions[4].choice.no_button.hasFocus(), "Enter goes on to the next question"


# -- names for assistive technology --------------------------------------------------------------


@pytest.mark.parametrize("phase", list(Phase))
def test_every_tab_stop_has_a_name(qtbot, phase: Phase):
    page = CheckInPage(phase)
    qtbot.addWidget(page)
    page.show()
    stops = [
        widget
        for widget in page.findChildren(QWidget)
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(page)
    ]
    assert len(stops) >= 20
    for widget in stops:
        name = widget.accessibleName() or (
            widget.text() if isinstance(widget, QAbstractButton) else ""
        )
        assert name.strip(), f"{type(widget).__name__} has no accessible name"


def test_scales_and_chips_say_their_question_value_and_state(qtbot):
    page = CheckInPage(Phase.AFTER)
    qtbot.addWidget(page)
    distress = page.questions[0]
    assert distress.scale.accessibleName() == distress.question.text()
    assert distress.scale.accessibleDescription() == "not answered"
    distress.scale.set_value(0)
    assert distress.scale.accessibleDescription() == "0 of 10, completely calm"
    distress.scale.set_value(4)
    assert distress.scale.accessibleDescription() == "4 of 10"
    calm = page.emotion_buttons["calm"]
    assert calm.accessibleName() == "calm"
    assert calm.accessibleDescription() == "not selected"
    calm.click()
    assert calm.isChecked() and calm.accessibleDescription() == "selected"
    yes = page.questions[4].choice.yes_button
    assert yes.accessibleName() == "Yes" and yes.accessibleDescription() == "not selected"
    yes.click()
    assert yes.accessibleDescription() == "selected"
    assert distress.skip_button.accessibleDescription() == distress.question.text()
    page.reset()
    assert calm.accessibleDescription() == "not selected"


@pytest.mark.parametrize("phase", list(Phase))
def test_tab_goes_in_reading_order(qtbot, phase: Phase):
    page = CheckInPage(phase)
    qtbot.addWidget(page)
    page.resize(800, 2400)
    page.show()
    qtbot.waitExposed(page)
    places = []
    widget = page.nextInFocusChain()
    while widget is not page:
        assert widget is not None
        if (
            page.isAncestorOf(widget)
            and widget.isVisibleTo(page)
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            corner = widget.mapTo(page, QPoint(0, 0))
            places.append((corner.y() // 20, corner.x()))  # rows of 20px: same line
        widget = widget.nextInFocusChain()
    assert places == sorted(places)


@pytest.mark.parametrize("phase", list(Phase))
def test_nothing_needs_a_sideways_scroll_when_narrow(qtbot, phase: Phase):
    """400 px wide: an 800 px window at 2× text scale. Words and buttons wrap instead."""
    page = CheckInPage(phase)
    qtbot.addWidget(page)
    page.resize(400, 300)
    page.show()
    qtbot.waitExposed(page)
    assert page.scroll_area.horizontalScrollBar().maximum() == 0
    for button in page.emotion_buttons.values():
        assert button.width() >= button.sizeHint().width(), "a word is cut"
