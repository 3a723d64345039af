"""The breathing pacer page, driven by keys and clicks with a clock the test moves."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QHideEvent, QImage, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLayout,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from mtcalm.ui.pacer_page import PacerPage
from tests.ui.helpers import click


class FakeClock:
    """A monotonic clock that moves only when the test says."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def show_active(qtbot, widget: QWidget) -> None:
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)  # keyboard focus needs an active window


@pytest.fixture
def page(qtbot, clock: FakeClock) -> PacerPage:
    page = PacerPage(clock)
    qtbot.addWidget(page)
    page.resize(1024, 642)
    show_active(qtbot, page)
    page.start()
    qtbot.waitUntil(page.pause_button.hasFocus)
    return page


def press(qtbot, page: PacerPage, key: Qt.Key) -> None:
    """A key press where the keyboard is: on the page's focused control."""
    target = QWidget.focusWidget(page) or page
    qtbot.keyClick(target, key)


def painted_radius(page: PacerPage) -> int:
    """How far the painted circle reaches above its centre, measured in a grab of the widget."""
    image: QImage = page.pacer.grab().toImage()
    centre_x, centre_y = image.width() // 2, image.height() // 2
    page_colour = image.pixelColor(2, 2)
    for y in range(centre_y, -1, -1):
        if colour_distance(image.pixelColor(centre_x, y), page_colour) < 8:
            return centre_y - y
    return centre_y


def colour_distance(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


# -- pace and ratio by keyboard ----------------------------------------------------------------


def test_it_opens_at_six_breaths_a_minute_with_a_longer_out_breath(page):
    assert page.rate_label.text() == "6 breaths a minute"
    assert page.ratio.currentText() == "Out a little longer"
    assert page.timing.text() == "In for 4 seconds, out for 6"
    assert page.pause_button.text() == "Pause"
    assert page.done_button.text() == "Back home"


def test_up_and_down_change_the_pace_and_the_words_follow(qtbot, page):
    with qtbot.waitSignal(page.pattern_changed) as changed:
        press(qtbot, page, Qt.Key.Key_Up)
    assert changed.args == [6.5, 1.5]
    assert page.rate_label.text() == "6.5 breaths a minute"
    assert page.timing.text() == "In for 3.7 seconds, out for 5.5"
    press(qtbot, page, Qt.Key.Key_Down)
    press(qtbot, page, Qt.Key.Key_Down)
    assert page.rate_label.text() == "5.5 breaths a minute"
    assert page.pacer.pattern().breaths_per_minute == 5.5
    assert page.rate.accessibleDescription() == "5.5 breaths a minute"


def test_plus_and_minus_change_the_pace_and_it_stops_at_the_ends(qtbot, page):
    seen = []
    page.pattern_changed.connect(lambda rate, ratio: seen.append((rate, ratio)))
    for _ in range(10):
        press(qtbot, page, Qt.Key.Key_Plus)
    assert page.rate_label.text() == "7 breaths a minute"
    assert seen == [(6.5, 1.5), (7.0, 1.5)], "no signal once it can go no faster"
    for _ in range(10):
        press(qtbot, page, Qt.Key.Key_Minus)
    assert page.rate_label.text() == "4 breaths a minute"
    assert page.timing.text() == "In for 6 seconds, out for 9"
    assert seen[-1] == (4.0, 1.5)


def test_r_cycles_the_ratio_even_with_the_ratio_list_focused(qtbot, page):
    with qtbot.waitSignal(page.pattern_changed) as changed:
        press(qtbot, page, Qt.Key.Key_R)
    assert changed.args == [6.0, 2.0]
    assert page.ratio.currentText() == "Out twice as long"
    assert page.timing.text() == "In for 3.3 seconds, out for 6.7"

    page.ratio.setFocus()
    qtbot.waitUntil(page.ratio.hasFocus)
    press(qtbot, page, Qt.Key.Key_R)
    assert page.ratio.currentText() == "In and out the same"
    assert page.timing.text() == "In for 5 seconds, out for 5"
    press(qtbot, page, Qt.Key.Key_R)
    assert page.ratio.currentText() == "Out a little longer"


def test_the_ratio_list_and_the_slider_are_used_with_their_own_keys(qtbot, page):
    seen = []
    page.pattern_changed.connect(lambda rate, ratio: seen.append((rate, ratio)))
    page.ratio.setFocus()
    qtbot.waitUntil(page.ratio.hasFocus)
    qtbot.keyClick(page.ratio, Qt.Key.Key_Up)  # in the list, Up picks the item above
    assert page.ratio.currentText() == "In and out the same"
    assert page.rate_label.text() == "6 breaths a minute"
    page.rate.setFocus()
    qtbot.waitUntil(page.rate.hasFocus)
    qtbot.keyClick(page.rate, Qt.Key.Key_Right)
    assert page.rate_label.text() == "6.5 breaths a minute"
    assert seen == [(6.0, 1.0), (6.5, 1.0)]


def test_changing_the_pace_mid_breath_does_not_make_the_shape_jump(qtbot, page, clock):
    clock.now += 2.5  # well into the in-breath
    before = page.pacer.shape_radius()
    press(qtbot, page, Qt.Key.Key_Down)
    assert page.pacer.shape_radius() == pytest.approx(before)
    assert page.pacer.moment().phase == "in"
    clock.now += 0.5
    assert page.pacer.shape_radius() > before, "and it goes on breathing in, more slowly"


# -- pausing -----------------------------------------------------------------------------------


def test_space_pauses_the_shape_while_time_passes_and_resumes_it(qtbot, page, clock):
    page.rate.setFocus()  # Space on a focused button would press that button instead
    qtbot.waitUntil(page.rate.hasFocus)
    clock.now += 1.0
    press(qtbot, page, Qt.Key.Key_Space)
    assert page.pause_button.text() == "Resume"
    held = page.pacer.shape_radius()
    held_image = painted_radius(page)
    clock.now += 3.0
    assert page.pacer.shape_radius() == held
    assert painted_radius(page) == held_image
    assert not page.pacer.is_animating(), "no frames while paused"

    press(qtbot, page, Qt.Key.Key_Space)
    assert page.pause_button.text() == "Pause"
    assert page.pacer.is_animating()
    assert page.pacer.shape_radius() == held, "it carries on from where it stopped"
    clock.now += 1.0
    assert page.pacer.shape_radius() > held


def test_the_pause_button_pauses_and_resumes(qtbot, page, clock):
    click(qtbot, page.pause_button)
    assert page.pause_button.text() == "Resume"
    assert page.pacer.is_paused()
    qtbot.keyClick(page.pause_button, Qt.Key.Key_Space)  # the focused button, by keyboard
    assert page.pause_button.text() == "Pause"
    assert not page.pacer.is_paused()


def test_the_word_follows_the_breath(qtbot, page, clock):
    assert page.pacer.accessibleDescription() == "Breathe in"
    clock.now += 5.0
    qtbot.waitUntil(lambda: page.pacer.accessibleDescription() == "Breathe out", timeout=2000)


# -- reduced motion ----------------------------------------------------------------------------


def test_reduced_motion_keeps_the_circle_one_size_and_shows_the_breath_by_tone(qtbot, page, clock):
    moving = set()
    for step in range(0, 40):  # one whole breath of 10 s, a quarter second at a time
        clock.now = 100.0 + step * 0.25
        moving.add(painted_radius(page))
    assert max(moving) - min(moving) > 60, "with motion, the circle grows and shrinks"

    with qtbot.waitSignal(page.reduced_motion_changed) as changed:
        press(qtbot, page, Qt.Key.Key_M)
    assert changed.args == [True]
    assert page.reduce_motion.isChecked()
    assert "words" in page.hint.text()
    still = set()
    radii = set()
    tones = []
    counts = []
    for step in range(0, 40):
        clock.now = 100.0 + step * 0.25
        still.add(painted_radius(page))
        radii.add(page.pacer.shape_radius())
        tones.append(page.pacer.fill_colour())
        counts.append(page.pacer.seconds_text())
    assert len(radii) == 1
    assert max(still) - min(still) <= 2, "the painted circle keeps its size"
    faint, deep = tones[0], tones[16]  # breathed out, breathed in
    assert colour_distance(faint, deep) > 30, "the tone shows the breath instead"
    assert counts[:16] == ["4", "4", "4", "4", "3", "3", "3", "3"] + ["2"] * 4 + ["1"] * 4
    assert counts[16] == "6", "the out-breath's count starts"


def test_reduced_motion_applies_at_once_when_switched_back(qtbot, page, clock):
    page.reduce_motion.setFocus()
    qtbot.waitUntil(page.reduce_motion.hasFocus)
    qtbot.keyClick(page.reduce_motion, Qt.Key.Key_Space)  # the focused check box toggles
    assert page.pacer.reduced_motion()
    clock.now += 4.0  # the top of the in-breath
    assert painted_radius(page) < page.pacer.largest_radius() * 0.8
    with qtbot.waitSignal(page.reduced_motion_changed) as changed:
        press(qtbot, page, Qt.Key.Key_M)
    assert changed.args == [False]
    assert painted_radius(page) >= page.pacer.largest_radius() - 3


# -- the timer runs only when it is seen -------------------------------------------------------


def test_the_frame_timer_stops_when_the_page_is_hidden_or_stopped(qtbot, clock):
    pages = QStackedWidget()
    qtbot.addWidget(pages)
    other = QLabel("elsewhere")
    pacer_page = PacerPage(clock)
    pages.addWidget(other)
    pages.addWidget(pacer_page)
    pages.resize(800, 542)
    show_active(qtbot, pages)
    assert not pacer_page.pacer.is_animating(), "not shown yet: no frames"

    pages.setCurrentWidget(pacer_page)
    pacer_page.start()
    assert pacer_page.pacer.is_animating()
    pages.setCurrentWidget(other)
    assert not pacer_page.pacer.is_animating(), "hidden: no frames"
    pages.setCurrentWidget(pacer_page)
    assert pacer_page.pacer.is_animating()

    # A minimised window: Qt sends a hide event though isVisible() stays true.
    QApplication.sendEvent(pacer_page.pacer, QHideEvent())
    assert not pacer_page.pacer.is_animating(), "minimised: no frames"
    QApplication.sendEvent(pacer_page.pacer, QShowEvent())
    assert pacer_page.pacer.is_animating()

    pacer_page.stop()
    assert not pacer_page.pacer.is_animating()
    assert pacer_page.pause_button.text() == "Resume"
    pacer_page.start()
    assert pacer_page.pacer.is_animating()
    assert pacer_page.pacer.moment().size == 0.0, "start begins a fresh in-breath"


# -- leaving -----------------------------------------------------------------------------------


def test_the_done_button_emits_done_with_the_text_the_window_gave(qtbot, page):
    page.set_done_text("Back to the music")
    assert page.done_button.text() == "Back to the music"
    with qtbot.waitSignal(page.done):
        click(qtbot, page.done_button)


def test_escape_is_left_to_the_windows_stop_and_ground(qtbot, clock):
    window = QMainWindow()
    qtbot.addWidget(window)
    window_escapes = []
    QShortcut(QKeySequence(Qt.Key.Key_Escape), window, lambda: window_escapes.append(1))
    pacer_page = PacerPage(clock)
    window.setCentralWidget(pacer_page)
    window.resize(800, 600)
    show_active(qtbot, window)
    pacer_page.start()
    qtbot.waitUntil(pacer_page.pause_button.hasFocus)
    done = []
    pacer_page.done.connect(lambda: done.append(1))
    qtbot.keyClick(pacer_page.pause_button, Qt.Key.Key_Escape)
    assert window_escapes == [1], "Escape still reaches Stop and ground"
    assert done == []


# -- told by the window ------------------------------------------------------------------------


def test_remembered_settings_are_shown_without_being_announced_and_bad_ones_are_mended(qtbot, page):
    heard = []
    page.pattern_changed.connect(lambda *args: heard.append(args))
    page.reduced_motion_changed.connect(lambda *args: heard.append(args))
    page.set_pattern(4.5, 2.0)
    page.set_reduced_motion(True)
    assert page.rate_label.text() == "4.5 breaths a minute"
    assert page.ratio.currentText() == "Out twice as long"
    assert page.reduce_motion.isChecked() and page.pacer.reduced_motion()
    page.set_pattern(99.0, 0.1)
    assert page.rate_label.text() == "7 breaths a minute"
    assert page.ratio.currentText() == "In and out the same"
    page.set_pattern(float("nan"), float("inf"))
    assert page.rate_label.text() == "6 breaths a minute"
    assert page.ratio.currentText() == "Out a little longer"
    assert heard == []


# -- keyboard reach and fit --------------------------------------------------------------------


def test_every_control_is_reached_with_tab_and_named_with_its_key_in_the_tooltip(qtbot, page):
    controls = [page.rate, page.ratio, page.pause_button, page.reduce_motion, page.done_button]
    page.rate.setFocus()
    qtbot.waitUntil(page.rate.hasFocus)
    reached = [QWidget.focusWidget(page)]
    for _ in range(len(controls) - 1):
        qtbot.keyClick(QWidget.focusWidget(page), Qt.Key.Key_Tab)
        reached.append(QWidget.focusWidget(page))
    assert reached == controls
    for control, key in zip(controls, ["Up/Down", "(R)", "(Space)", "(M)", ""], strict=True):
        assert control.accessibleName() or control.text()
        assert key in control.toolTip()
    assert "Esc" not in page.done_button.toolTip(), "Escape is Stop and ground, not Done"


@pytest.mark.parametrize("size", [(1024, 700 - 58), (800, 600 - 58), (760, 560 - 58)])
def test_the_page_fits_without_clipping_and_the_shape_fills_it(qtbot, page, size):
    page.set_done_text("Back to the music")
    page.set_pattern(6.5, 1.5)  # the longest pace text
    page.resize(*size)
    qtbot.waitUntil(lambda: page.size().width() == size[0])
    for layout in (page.layout(), *page.findChildren(QLayout)):  # the centred column's too
        layout.activate()
    area = page.rect()
    shown = [
        page.hint,
        page.timing,
        page.rate,
        page.rate_label,
        page.ratio,
        page.pause_button,
        page.reduce_motion,
        page.done_button,
    ]
    for widget in shown:
        corner = widget.mapTo(page, QPoint(0, 0))
        placed = widget.rect().translated(corner)
        assert area.contains(placed), f"{widget!r} is inside the page at {size}"
        assert widget.width() >= widget.minimumSizeHint().width(), f"{widget!r} is not squeezed"
        assert widget.height() >= widget.minimumSizeHint().height()
    for label in (page.rate_label, page.timing):
        assert label.width() >= label.fontMetrics().horizontalAdvance(label.text())
    assert page.pacer.largest_radius() * 2 >= 0.55 * size[1], "the shape is large"


def test_up_and_down_on_a_button_change_the_pace_and_leave_the_focus_there(qtbot, page):
    for button in (page.pause_button, page.reduce_motion, page.done_button):
        button.setFocus()
        qtbot.waitUntil(button.hasFocus)
        before = page.pacer.pattern().breaths_per_minute
        qtbot.keyClick(button, Qt.Key.Key_Down)
        assert page.pacer.pattern().breaths_per_minute == before - 0.5
        assert button.hasFocus()
    assert page.rate_label.text() == "4.5 breaths a minute"


def test_escape_in_the_open_ratio_list_closes_the_list_and_stays(qtbot, page):
    left = []
    page.done.connect(lambda: left.append(1))
    page.ratio.setFocus()
    qtbot.waitUntil(page.ratio.hasFocus)
    page.ratio.showPopup()
    popup = page.ratio.view()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not popup.isVisible())
    assert left == []
    assert page.isVisible()


def test_focus_first_puts_the_keyboard_on_pause(qtbot, page):
    page.done_button.setFocus()
    qtbot.waitUntil(page.done_button.hasFocus)
    page.focus_first()
    assert page.pause_button.hasFocus()


def test_with_large_text_pace_and_breath_go_one_under_the_other(qtbot, qapp, clock):
    from tests.ui.page_checks import SMALL_PAGE, clipped_widgets, larger_text

    with larger_text(qapp, 1.5):
        page = PacerPage(clock)
        qtbot.addWidget(page)
        page.set_done_text("Back to the music")
        page.set_pattern(6.5, 1.5)
        page.resize(*SMALL_PAGE)
        show_active(qtbot, page)
        qtbot.waitUntil(page.pattern_row.is_stacked)
        QApplication.processEvents()
        assert page.size().width() == SMALL_PAGE[0], "the page is not wider than the window"
        assert page.ratio.mapTo(page, QPoint(0, 0)).y() > page.rate.mapTo(page, QPoint(0, 0)).y()
        assert clipped_widgets(page) == []
        page.rate.setFocus()
        qtbot.waitUntil(page.rate.hasFocus)
        qtbot.keyClick(page.rate, Qt.Key.Key_Tab)
        assert page.ratio.hasFocus(), "Tab still goes pace, then breath"
    page.resize(1024, 642)
    qtbot.waitUntil(lambda: not page.pattern_row.is_stacked())
