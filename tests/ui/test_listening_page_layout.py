"""The listening page on its own: a calm layout that never jumps, and words that tell the truth.

The page is driven as the window drives it (start, show_sound, show_track, set_flagged,
show_problem, show_progress), with made-up tracks and statuses, so every check is exact.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QWidget

from mtcalm.audio.events import PlayerState, PlayerStatus
from mtcalm.audio.metadata import AudioInfo
from mtcalm.playlists import Playlist, Track
from mtcalm.ui.listening_page import CONTENT_WIDTH, ListeningPage
from mtcalm.ui.listening_parts import OneLine
from mtcalm.ui.theme import HEADER_HEIGHT
from tests.ui.helpers import click
from tests.ui.page_checks import SMALL_PAGE, clipped_widgets, larger_text, unnamed_controls
from tests.ui.test_cue_view import make_script

WIDE_PAGE = (1280, 800 - HEADER_HEIGHT)
SCALED_PAGE = (530, 350)  # 800×600 at QT_SCALE_FACTOR=1.5, in logical pixels


def track(title: str, seconds: float, note: str = "") -> Track:
    path = Path(f"/music/{title}.ogg")
    return Track(path, title, note, AudioInfo(path, seconds, "ogg"))


@pytest.fixture
def playlist() -> Playlist:
    """17 minutes of music in three tracks."""
    tracks = (
        track("Harbour at dawn", 370, "Slow, open chords."),
        track("Low tide", 340),
        track("Evening field", 320),
    )
    return Playlist("settle", Path("settle.toml"), "Settle", "Arrive", "Evening", 4.0, tracks)


def playing(position: float, index: int = 0, timer_left: float | None = None) -> PlayerStatus:
    return PlayerStatus(PlayerState.PLAYING, index, position, 370.0, position, 0.7, timer_left)


def show(qtbot, page: QWidget, size: tuple[int, int]) -> None:
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # keyboard focus needs an active window
    QApplication.processEvents()


def make_page(qtbot, playlist: Playlist, size: tuple[int, int] = SMALL_PAGE) -> ListeningPage:
    """A listening session as the window starts it, with Rain and Sea to choose from."""
    page = ListeningPage()
    qtbot.addWidget(page)
    page.set_ambience_choices([("rain", "Rain"), ("sea", "Sea")])
    page.start(playlist, 0.7)
    page.show_sound(0, "", 0.5)
    page.show_track(0)
    page.show_progress(playing(83.0))
    show(qtbot, page, size)
    return page


@pytest.fixture
def page(qtbot, playlist) -> ListeningPage:
    return make_page(qtbot, playlist)


def where(widget: QWidget) -> QPoint:
    """Where ``widget`` is laid out on its page (in the page's scrolling body)."""
    page = widget.window()
    scroll = page.findChild(QScrollArea)
    body = scroll.widget() if scroll is not None else None
    return widget.mapTo(body or page, QPoint(0, 0))


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def main_controls(page: ListeningPage) -> list[QWidget]:
    return [
        page.position,
        page.pause_button,
        page.volume,
        page.end_button,
        page.next_button,
        page.more_button,
    ]


def places(widgets: list[QWidget]) -> list[QPoint]:
    settle()
    return [where(widget) for widget in widgets]


def nearly(now: list[QPoint], before: list[QPoint]) -> bool:
    """The same heights, and sideways no more than the width of a scroll bar that appeared."""
    return all(
        a.y() == b.y() and abs(a.x() - b.x()) <= 10 for a, b in zip(now, before, strict=True)
    )


# -- one thing to look at, the rest one step away --------------------------------------------


def test_the_music_pause_volume_and_end_show_and_the_rest_waits_under_more(page):
    for widget in (page.now_playing, page.position, page.remaining, page.elapsed):
        assert widget.isVisible()
    for widget in (page.pause_button, page.volume, page.end_button):
        assert widget.isVisible()
    for widget in (page.next_button, page.breathe_button, page.more_button):
        assert widget.isVisible() and widget.property("role") == "quiet", widget.text()
    for widget in (page.timer_choice, page.ambience_choice, page.ambience_volume, page.flag_button):
        assert not widget.isVisible()
    assert page.pause_button.property("role") == "primary", "the one filled button"
    assert page.end_button.property("role") in ("", None), "outlined: secondary"
    page.set_more_shown(True)
    for widget in (page.timer_choice, page.ambience_choice, page.ambience_volume, page.flag_button):
        assert widget.isVisible()


def test_the_content_is_a_readable_column_centred_on_a_wide_window(qtbot, playlist):
    page = make_page(qtbot, playlist, WIDE_PAGE)
    page.set_more_shown(True)
    settle()
    card = page.track_card
    left = card.mapTo(page, QPoint(0, 0)).x()
    right = page.width() - (left + card.width())
    assert card.width() <= CONTENT_WIDTH
    assert abs(left - right) <= 12, "centred (a scroll bar's width aside)"
    assert page.position.width() < 650 and page.volume.width() <= 300
    for widget in (page.timer_choice, page.flag_button, page.ambience_volume):
        x = widget.mapTo(page, QPoint(0, 0)).x()
        assert left <= x and x + widget.width() <= left + card.width(), widget


def test_more_is_a_keyboard_toggle_that_says_its_state(qtbot, page):
    more = page.more_button
    assert more.isCheckable() and not more.isChecked()
    assert more.accessibleName() == "More controls"
    assert more.accessibleDescription().startswith("Closed")
    more.setFocus()
    qtbot.keyClick(more, Qt.Key.Key_Space)
    assert more.isChecked() and page.more_panel.isVisible()
    assert more.text() == "Less" and more.accessibleDescription().startswith("Open")
    qtbot.keyClick(more, Qt.Key.Key_Tab)
    assert page.timer_choice.hasFocus(), "what More opened comes next in Tab's order"
    qtbot.keyClick(page.timer_choice, Qt.Key.Key_Backtab)
    assert more.hasFocus()
    qtbot.keyClick(more, Qt.Key.Key_Return)  # Enter presses a focused button, as Space does
    qtbot.waitUntil(lambda: not more.isChecked())
    assert not page.more_panel.isVisible() and more.text() == "More"
    page.set_more_shown(True)
    page.ambience_choice.setFocus()
    page.set_more_shown(False)
    assert more.hasFocus(), "closing More never leaves the focus on something hidden"


# -- no layout jumps -------------------------------------------------------------------------


def test_messages_and_more_never_move_the_controls(qtbot, page):
    controls = main_controls(page)
    before = places(controls)
    page.show_problem("“Low tide” could not be played. Going on with the next track.")
    assert page.message.isVisible()
    assert places(controls) == before, "a problem shows in the kept place"
    page.show_problem("No sound device was found, so sessions play silently.", "ALSA: no PCM")
    assert places(controls) == before
    page.show_problem("")
    assert not page.message.isVisible()
    page.set_flagged([0])
    assert page.flag_notice.isVisible()
    assert places(controls) == before, "flagging pushes nothing down"
    page.set_flagged([])
    assert places(controls) == before
    page.show_track(1)
    page.show_progress(playing(3.0, index=1))
    assert places(controls) == before, "another track, another title: the same places"
    page.set_state(PlayerState.PAUSED)
    assert page.pause_button.text() == "Resume"
    assert places(controls) == before, "Pause becoming Resume moves nothing"
    page.set_state(PlayerState.PLAYING)
    page.set_more_shown(True)
    assert nearly(places(controls), before), "More opens below, moving nothing above it"


def test_showing_the_timer_steps_moves_nothing_under_them(qtbot, page):
    page.set_more_shown(True)
    below = [page.ambience_choice, page.ambience_volume, page.flag_button]
    before = places(below)
    page.timer_choice.setCurrentIndex(page.timer_choice.findData(10))
    page.show_progress(playing(84.0, timer_left=600.0))
    assert page.timer_steps.isVisible()
    assert places(below) == before


def test_a_long_title_is_cut_to_one_line_with_the_whole_of_it_in_a_tooltip(qtbot, playlist):
    long_title = "A very long title for a piece of music that goes on and on " * 3
    tracks = (*playlist.tracks, track(long_title, 300))
    page = make_page(qtbot, Playlist("x", Path("x.toml"), "Settle", "", "", 0, tracks))
    controls = main_controls(page)
    before = places(controls)
    page.show_track(3)
    settle()
    assert page.now_playing.text() == long_title, "the whole title, for a screen reader"
    assert isinstance(page.now_playing, OneLine) and page.now_playing.is_elided()
    assert page.now_playing.toolTip() == long_title
    assert places(controls) == before


# -- flagging, and skipping ------------------------------------------------------------------


def test_the_flag_notice_tells_the_truth_and_offers_to_skip_now(qtbot, page):
    assert not page.flag_notice.isVisible()
    with qtbot.waitSignal(page.flag_requested) as asked:
        page.set_more_shown(True)
        click(qtbot, page.flag_button)
    assert asked.args == [0, True]
    page.set_flagged([0])  # as the window does once the flag is kept
    assert page.flag_notice.isVisible()
    assert (
        page.flag_notice.text() == "“Harbour at dawn” is flagged and will be skipped from now on."
    )
    assert page.flag_notice.textFormat() == Qt.TextFormat.PlainText
    assert page.flag_button.text() == "Remove the flag"
    with qtbot.waitSignal(page.skip_requested):
        click(qtbot, page.skip_now_button)

    page.set_flagged([])  # the flag removed: the notice goes at once
    assert not page.flag_notice.isVisible() and not page.skip_now_button.isVisible()
    assert page.flag_button.text() == "Flag this track"

    page.set_flagged([0])
    page.skip_now_button.setFocus()
    page.show_track(1)  # skipped: the next track is not flagged
    assert not page.flag_notice.isVisible()
    assert page.pause_button.hasFocus(), "the focus goes to Pause, not somewhere unseen"
    page.show_track(0)  # round again to the flagged one
    assert page.flag_notice.isVisible()


def test_next_track_asks_to_skip_and_is_off_once_the_music_fades(qtbot, page):
    with qtbot.waitSignal(page.skip_requested):
        click(qtbot, page.next_button)
    page.show_progress(playing(30.0, timer_left=600.0))
    assert page.remaining.text() == "Ends in 10 min"
    page.set_state(PlayerState.FADING)
    assert not page.next_button.isEnabled() and not page.skip_now_button.isEnabled()
    page.show_progress(playing(31.0, timer_left=599.0))
    assert page.remaining.text() == "Ending now", "no longer 'Ends in 10 min' while it fades"
    page.set_state(PlayerState.PAUSED)
    assert page.next_button.isEnabled()


# -- what carried over ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "sound", "timer_words", "sound_words"),
    [
        (
            10,
            "rain",
            "Stops after 10 minutes, as last time (the music is 17 minutes).",
            "Rain in the background, as last time.",
        ),
        (
            30,
            "",
            "Plays for 30 minutes, as last time: the music (17 minutes) starts again until then.",
            None,
        ),
        (0, "sea", None, "Sea in the background, as last time."),
        (0, "", None, None),
    ],
)
def test_what_carried_over_is_said_where_it_applies(
    qtbot, playlist, minutes, sound, timer_words, sound_words
):
    page = make_page(qtbot, playlist)
    page.show_sound(minutes, sound, 0.5)
    assert page.timer_carry.isVisible() == (timer_words is not None)
    assert page.ambience_carry.isVisible() == (sound_words is not None)
    assert page.carry_over.isVisible() == bool(timer_words or sound_words)
    if timer_words:
        assert page.timer_carry.text() == timer_words
    if sound_words:
        assert page.ambience_carry.text() == sound_words
    assert not page.more_panel.isVisible(), "said on the main view, not behind More"


def test_a_change_in_this_session_drops_as_last_time_and_the_line_stays(qtbot, page):
    page.show_sound(10, "rain", 0.5)
    controls = main_controls(page)
    before = places(controls)
    click(qtbot, page.timer_carry_button)
    assert page.more_panel.isVisible() and page.timer_choice.hasFocus()
    assert page.timer_carry_button.accessibleName() == "Change the session length"
    page.timer_choice.setCurrentIndex(page.timer_choice.findData(15))  # as the person does
    assert (
        page.timer_carry.text()
        == "Stops at the session length you chose (the music is 17 minutes)."
    )
    page.timer_choice.setCurrentIndex(0)
    assert page.timer_carry.text() == "Plays until the music ends (17 minutes)."
    assert page.timer_carry.isVisible(), "the line stays: nothing under it moves"
    click(qtbot, page.ambience_carry_button)
    assert page.ambience_choice.hasFocus()
    page.ambience_choice.setCurrentIndex(page.ambience_choice.findData("sea"))
    assert page.ambience_carry.text() == "Sea in the background."
    page.ambience_choice.setCurrentIndex(0)
    assert page.ambience_carry.text() == "No background sound."
    assert nearly(places(controls), before)


def test_a_sound_that_stopped_is_said_as_none(page):
    page.show_sound(0, "rain", 0.5)
    page.show_ambience_stopped()
    assert page.ambience_carry.text() == "No background sound."


def test_a_guided_script_sets_the_length_so_no_timer_carries_over(qtbot, playlist):
    page = make_page(qtbot, playlist)
    page.start_guided(make_script(), playlist, 0.7)
    page.show_sound(10, "rain", 0.5)
    assert not page.timer_carry.isVisible()
    assert page.ambience_carry.text() == "Rain in the background, as last time."
    assert page.ambience_carry.isVisible()


# -- problems, in plain words -----------------------------------------------------------------


def test_a_problem_is_said_plainly_with_its_detail_under_details(qtbot, page):
    detail = "ALSA lib pcm.c:2664: <b>Unknown</b> PCM default"
    page.show_problem("No sound device was found, so sessions play silently.", detail)
    assert page.message.text() == "No sound device was found, so sessions play silently."
    assert page.details_button.isVisible() and not page.message_detail.isVisible()
    click(qtbot, page.details_button)
    assert page.message_detail.isVisible() and page.message_detail.text() == detail
    assert page.message_detail.textFormat() == Qt.TextFormat.PlainText, "never rich text"
    assert page.details_button.accessibleDescription() == "The details are shown"
    page.show_problem("The background sound “Rain” could not be played. The music goes on.")
    assert not page.details_button.isVisible() and not page.message_detail.isVisible()


def test_a_starting_notice_may_come_with_detail(qtbot, page, playlist):
    page.start(playlist, 0.7, "No sound device was found.", notice_detail="ALSA: no card")
    assert page.message.isVisible() and page.message.text() == "No sound device was found."
    assert page.details_button.isVisible()
    page.start_guided(make_script(), playlist, 0.7, "Playing silently.")  # positional, as before
    assert page.message.text() == "Playing silently." and not page.details_button.isVisible()
    page.start(playlist, 0.7)
    assert not page.message.isVisible()


# -- keys, focus, names ----------------------------------------------------------------------


def test_left_and_right_never_move_the_focus_to_another_button(qtbot, page, playlist):
    for button in (page.pause_button, page.next_button, page.more_button):
        button.setFocus()
        for key in (Qt.Key.Key_Right, Qt.Key.Key_Left):
            qtbot.keyClick(button, key)
            assert button.hasFocus(), (button.text(), key)
    page.start_guided(make_script(), playlist, 0.7)
    page.show_progress(playing(15.0))
    jumps: list[float] = []
    page.cue_jump_requested.connect(jumps.append)
    page.pause_button.setFocus()
    qtbot.keyClick(page.pause_button, Qt.Key.Key_Right)
    assert page.pause_button.hasFocus() and jumps == [30.0], "in guided mode: the next words"


def test_the_page_opens_at_its_top_with_the_focus_on_pause(qtbot, playlist):
    page = make_page(qtbot, playlist, SCALED_PAGE)
    page.show_sound(10, "rain", 0.5)
    page.set_more_shown(True)
    settle()
    bar = page.findChild(QScrollArea).verticalScrollBar()
    bar.setValue(bar.maximum())
    assert bar.value() > 0
    page.focus_first()
    assert bar.value() == 0 and page.pause_button.hasFocus()


def test_every_control_is_named_and_the_sliders_say_their_value(qtbot, page, playlist):
    page.show_sound(10, "rain", 0.5)
    page.show_problem("Something went wrong.", "details")
    page.set_flagged([0])
    for shown in (False, True):
        page.set_more_shown(shown)
        assert unnamed_controls(page) == []
    assert page.volume.accessibleName() == "Volume"
    assert page.volume.accessibleDescription() == "70 percent"
    page.volume.setValue(40)
    assert page.volume.accessibleDescription() == "40 percent"
    assert page.ambience_volume.accessibleName() == "Background sound volume"
    assert page.ambience_volume.accessibleDescription() == "50 percent"
    assert page.position.accessibleName() == "Place in the track"
    assert page.position.accessibleDescription() == "1:23 of 6:10"
    page.start_guided(make_script(), playlist, 0.7)
    for shown in (False, True):
        page.set_more_shown(shown)
        assert unnamed_controls(page) == []
    for label in page.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText


# -- small windows and larger text -----------------------------------------------------------


@pytest.mark.parametrize("guided", [False, True], ids=["listening", "guided"])
@pytest.mark.parametrize("more", [False, True], ids=["closed", "more"])
@pytest.mark.parametrize("scale", ["800x600", "text x1.5", "800x600 at scale 1.5"])
def test_nothing_is_cut_off_or_scrolls_sideways(qtbot, qapp, playlist, guided, more, scale):
    size = SCALED_PAGE if scale == "800x600 at scale 1.5" else SMALL_PAGE
    factor = 1.5 if scale == "text x1.5" else 1.0
    with larger_text(qapp, factor):
        page = make_page(qtbot, playlist, size)
        if guided:
            page.start_guided(make_script(), playlist, 0.7)
            page.show_track(0)
            page.show_progress(playing(15.0))
        page.show_sound(10, "rain", 0.5)
        page.show_problem("No sound device was found, so sessions play silently.", "ALSA")
        page.set_flagged([0])
        page.set_more_shown(more)
        settle()
        assert clipped_widgets(page) == []
        scroll = page.findChild(QScrollArea)
        assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width()


def test_at_800x600_the_music_and_its_controls_show_without_scrolling(qtbot, page):
    page.show_sound(10, "rain", 0.5)
    page.show_problem("No sound device was found, so sessions play silently.")
    page.set_flagged([0])
    settle()
    viewport = page.findChild(QScrollArea).viewport()
    for widget in (page.now_playing, *main_controls(page), page.timer_carry, page.ambience_carry):
        top_left = widget.mapTo(viewport, QPoint(0, 0))
        assert viewport.rect().contains(top_left), widget
        assert top_left.y() + widget.height() <= viewport.height(), widget


def test_a_wheel_over_an_unfocused_slider_scrolls_the_page_not_the_volume(qtbot):
    """Found in a walkthrough: scrolling past the volume raised it from 70 to 85%."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication, QScrollArea

    page = ListeningPage()
    qtbot.addWidget(page)
    page.resize(530, 350)  # small: the page scrolls
    page.show()
    qtbot.waitExposed(page)
    page.set_more_shown(True)
    page.pause_button.setFocus()
    before = page.volume.value()
    area = page.findChild(QScrollArea)
    assert area is not None and area.verticalScrollBar().maximum() > 0
    scrolled = area.verticalScrollBar().value()

    def wheel(widget, steps: int) -> None:
        centre = QPointF(widget.rect().center())
        event = QWheelEvent(
            centre,
            QPointF(widget.mapToGlobal(widget.rect().center())),
            QPoint(0, 0),
            QPoint(0, steps * 120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(widget, event)

    wheel(page.volume, -2)
    assert page.volume.value() == before, "the volume is left as it was"
    assert area.verticalScrollBar().value() != scrolled, "the page scrolled instead"
    page.volume.setFocus()
    qtbot.waitUntil(page.volume.hasFocus)
    wheel(page.volume, 2)
    assert page.volume.value() != before, "a focused slider still takes the wheel"
