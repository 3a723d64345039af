"""Guided imagery on screen: the words in time with the music, the keys, the intro and home.

The listening page is driven with made-up player statuses, as the window drives it with real
ones (~every 50 ms), so every check is exact.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from mtcalm.audio.events import PlayerState, PlayerStatus
from mtcalm.playlists import Playlist, load_playlist
from mtcalm.scripts import MAX_CUE_TEXT, Cue, Script, Section, SectionKind
from mtcalm.ui.cue_view import CueView
from mtcalm.ui.home_page import HomePage
from mtcalm.ui.listening_page import ListeningPage
from mtcalm.ui.script_intro_page import ScriptIntroPage
from mtcalm.ui.theme import HEADER_HEIGHT
from tests.ui.helpers import click

SETTLE, IMAGERY, RETURN = SectionKind.SETTLE, SectionKind.IMAGERY, SectionKind.RETURN
LONG_CUE = ("Let your breath find its own easy pace, and notice the weight of your hands. " * 5)[
    :MAX_CUE_TEXT
]


def make_script(
    cues: tuple[Cue, ...] | None = None, playlist: str = "test", title: str = "A quiet shore"
) -> Script:
    """12½ minutes: settle 0–3:00, imagery 3:00–11:00, return 11:00–12:30."""
    return Script(
        id="quiet-shore",
        source=Path("quiet-shore.toml"),
        title=title,
        summary="Picture a calm shoreline, the water coming and going.",
        playlist=playlist,
        not_for="If you often feel unreal or far away from yourself, talk to your therapist first.",
        reflection="What did you notice at the shore?",
        sections=(Section(SETTLE, 0, 180), Section(IMAGERY, 180, 660), Section(RETURN, 660, 750)),
        cues=cues
        or (
            Cue(5, 30, "Find a comfortable way to sit.", SETTLE),
            Cue(30, 60, "<b>x</b> & <img src=x>", SETTLE),  # from a file: shown as written
            Cue(200, 260, "You might picture a shoreline.", IMAGERY),  # a silence before it
            Cue(670, 740, "Feel the chair beneath you.", RETURN),
        ),
    )


@pytest.fixture
def playlist(make_tone, make_playlist) -> Playlist:
    return load_playlist(make_playlist([make_tone("long.wav", seconds=2)], title="Shore music"))


def heard(
    listened: float,
    position: float | None = None,
    state: PlayerState = PlayerState.PLAYING,
    timer_left: float | None = None,
    track_length: float = 900.0,
) -> PlayerStatus:
    """What the player says after ``listened`` seconds, by default in one long track."""
    place = listened if position is None else position
    return PlayerStatus(state, 0, place, track_length, listened, 0.7, timer_left)


@pytest.fixture
def page(qtbot, playlist) -> ListeningPage:
    """A guided session of :func:`make_script`, shown at the size the window gives it."""
    made = ListeningPage()
    qtbot.addWidget(made)
    made.resize(1024, 700 - HEADER_HEIGHT)
    made.start_guided(make_script(), playlist, 0.7)
    made.show()
    qtbot.waitExposed(made)
    made.activateWindow()
    qtbot.waitUntil(made.isActiveWindow)
    return made


class Recorder:
    """Every value the page's signals send, by signal name."""

    def __init__(self, page: ListeningPage) -> None:
        self.sent: dict[str, list[float]] = {}
        for name in ("cue_jump_requested", "seek_requested", "timer_changed", "timer_chosen"):
            getattr(page, name).connect(
                lambda value, n=name: self.sent.setdefault(n, []).append(value)
            )

    def __getitem__(self, name: str) -> list[float]:
        return self.sent.get(name, [])


# -- the words in time ----------------------------------------------------------------------


def test_the_right_words_at_the_right_time_with_the_section_and_the_time_left(page):
    view = page.cue_view
    assert view.isVisible()
    assert page.playlist_title.text() == "A quiet shore"
    assert view.text() == "" and view.section_label.text() == "Settling"

    page.show_progress(heard(15.0))
    assert view.text() == "Find a comfortable way to sit."
    assert view.opacity() == 1.0
    assert page.remaining.text() == "Ends in 13 min"  # 12:15 left, rounded up
    page.show_progress(heard(100.0))
    assert view.text() == "" and view.opacity() == 0.0, "a silence between cues"
    page.show_progress(heard(230.0))
    assert view.text() == "You might picture a shoreline."
    assert view.section_label.text() == "Imagery"
    page.show_progress(heard(680.0))
    assert view.text() == "Feel the chair beneath you."
    assert view.section_label.text() == "Returning"
    assert page.remaining.text() == "Ends in 2 min"
    page.show_progress(heard(760.0, state=PlayerState.FADING))
    assert view.text() == "" and page.remaining.text() == "Ends in under a minute"


def test_the_words_fade_in_then_out(page):
    opacities = []
    for tenth in range(50, 301):
        page.show_progress(heard(tenth / 10))
        opacities.append(page.cue_view.opacity())
    peak = opacities.index(1.0)
    rising, falling = opacities[: peak + 1], opacities[peak:]
    assert opacities[0] == 0.0 and opacities[-1] < 0.05
    assert 0.0 < opacities[10] < 1.0, "a second in, still fading in"
    assert rising == sorted(rising), "it only grows while fading in"
    assert falling == sorted(falling, reverse=True), "and only fades while fading out"
    assert len(set(rising)) > 5, "a gradual fade, not a switch"


def test_with_reduced_motion_the_words_switch_without_fading(page):
    page.set_reduced_motion(True)
    page.show_progress(heard(5.05))
    assert page.cue_view.text() == "Find a comfortable way to sit."
    assert page.cue_view.opacity() == 1.0
    page.show_progress(heard(100.0))
    assert page.cue_view.opacity() == 0.0
    page.set_reduced_motion(False)
    page.show_progress(heard(5.05))
    assert page.cue_view.opacity() < 0.1


def test_pause_holds_the_words_still(page):
    page.show_progress(heard(6.0))
    page.set_state(PlayerState.PAUSED)
    shown = (page.cue_view.text(), page.cue_view.opacity())
    assert 0.0 < shown[1] < 1.0, "caught mid-fade, so any change would show"
    for _ in range(5):  # the player keeps reporting while paused, with time heard standing still
        page.show_progress(heard(6.0, state=PlayerState.PAUSED))
        assert (page.cue_view.text(), page.cue_view.opacity()) == shown
    assert page.pause_button.text() == "Resume"


def test_cue_text_from_files_is_shown_as_written_never_as_markup(page):
    page.show_progress(heard(45.0))
    assert page.cue_view.text() == "<b>x</b> & <img src=x>"
    for label in page.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


# -- keys -----------------------------------------------------------------------------------


def test_keys_go_back_and_forward_between_cues_and_keep_the_music_and_its_end_with_them(
    qtbot, page
):
    sent = Recorder(page)
    view = page.cue_view
    page.show_progress(heard(40.0, position=40.0))  # ten seconds into the second cue
    view.setFocus()
    assert view.hasFocus()

    def press(key: Qt.Key) -> None:
        qtbot.keyClick(view, key)

    press(Qt.Key.Key_Right)
    assert sent["cue_jump_requested"] == [200.0]
    assert sent["timer_changed"] == [-160.0], "the music's end moves with the return section"
    assert sent["seek_requested"] == [200.0], "the music moves as far, within its track"
    assert view.text() == "You might picture a shoreline."
    assert page.remaining.text() == "Ends in 10 min"  # 9:10 left

    page.show_progress(heard(40.5, position=200.5))  # half a second later
    assert view.text() == "You might picture a shoreline."

    press(Qt.Key.Key_Left)  # just after the cue began: back to the one before
    assert sent["cue_jump_requested"][-1] == 30.0
    assert sent["timer_changed"][-1] == pytest.approx(170.5)
    assert sent["seek_requested"][-1] == pytest.approx(30.0)
    assert view.text() == "<b>x</b> & <img src=x>"

    press(Qt.Key.Key_PageUp)
    assert sent["cue_jump_requested"][-1] == 5.0
    press(Qt.Key.Key_PageUp)  # before the first cue: the start
    assert sent["cue_jump_requested"][-1] == 0.0
    assert sent["seek_requested"][-1] == 0.0
    press(Qt.Key.Key_PageDown)
    assert sent["cue_jump_requested"][-1] == 5.0
    for _ in range(3):
        press(Qt.Key.Key_Right)
    assert sent["cue_jump_requested"][-1] == 670.0
    assert view.section_label.text() == "Returning"
    jumps = len(sent["cue_jump_requested"])
    press(Qt.Key.Key_Right)  # after the last cue there is nowhere further to go
    assert len(sent["cue_jump_requested"]) == jumps
    # Every move of the words moved the end by as much: the end is still the script's end.
    assert sum(sent["timer_changed"]) == pytest.approx(-(670.0 - 40.5))
    assert page.remaining.text() == "Ends in 2 min"


def test_a_jump_moves_the_music_only_within_its_track_and_not_once_the_end_has_begun(qtbot, page):
    sent = Recorder(page)
    page.show_progress(heard(10.0, track_length=60.0))
    page.cue_view.setFocus()
    qtbot.keyClick(page.cue_view, Qt.Key.Key_Right)
    assert sent["seek_requested"] == [30.0]
    page.show_progress(heard(10.0, position=30.0, track_length=60.0))
    qtbot.keyClick(page.cue_view, Qt.Key.Key_PageDown)
    assert sent["cue_jump_requested"] == [30.0, 200.0]
    assert sent["seek_requested"] == [30.0, 60.0], "to the end of this track, no further"
    assert sent["timer_changed"] == [-20.0, -170.0], "the words and the end moved all the way"

    page.set_state(PlayerState.FADING)  # the person ended the session
    qtbot.keyClick(page.cue_view, Qt.Key.Key_Left)
    assert sent["cue_jump_requested"] == [30.0, 200.0], "ending is not undone by a key"


def test_the_track_slider_keeps_its_keys_and_a_seek_moves_the_words_as_far(qtbot, page):
    sent = Recorder(page)
    page.show_progress(heard(20.0, position=20.0))
    page.position.setFocus()
    qtbot.keyClick(page.position, Qt.Key.Key_Right)
    assert sent["seek_requested"] == [25.0]
    assert sent["timer_changed"] == [-5.0]
    assert not sent["cue_jump_requested"], "the slider's keys move the music, not the cues"
    page.show_progress(heard(20.0, position=20.0))  # the seek is not heard yet
    assert page.remaining.text() == "Ends in 13 min"
    page.show_progress(heard(28.0, position=33.0))
    assert page.cue_view.text() == "<b>x</b> & <img src=x>", "33 s into the script"


def test_h_hides_and_shows_the_words_from_the_words_or_the_buttons(qtbot, page):
    view = page.cue_view
    page.show_progress(heard(15.0))
    assert view.toggle_button.text() == "Hide the words"
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_H)
    assert view.words_hidden
    assert not view.cue_label.isVisible()
    assert view.hidden_label.isVisible() and view.hidden_label.text() == "Words hidden"
    assert view.section_label.isVisible() and view.section_label.text() == "Settling"
    assert view.toggle_button.text() == "Show the words"
    page.show_progress(heard(16.0))
    assert not view.cue_label.isVisible(), "stays hidden as the music goes on"

    page.pause_button.setFocus()
    qtbot.keyClick(page.pause_button, Qt.Key.Key_H)
    assert not view.words_hidden and view.cue_label.isVisible()
    click(qtbot, view.toggle_button)
    assert view.words_hidden
    click(qtbot, view.toggle_button)
    assert not view.words_hidden
    assert view.cue_label.isVisible() and view.text() == "Find a comfortable way to sit."


def test_keys_and_the_toggle_are_told_in_tooltips_and_named(page):
    tip = page.cue_view.toolTip()
    for key in ("Left", "Right", "Page Up", "Page Down", "H"):
        assert key in tip
    assert "(H)" in page.cue_view.toggle_button.toolTip()
    assert page.cue_view.accessibleName()
    assert page.cue_view.focusPolicy() & Qt.FocusPolicy.TabFocus


# -- layout ---------------------------------------------------------------------------------


def inside(widget: QWidget, area: QWidget) -> bool:
    """``widget`` is on screen and wholly within ``area``'s visible rectangle."""
    top_left = widget.mapTo(area, QPoint(0, 0))
    return widget.isVisible() and area.rect().contains(QRect(top_left, widget.size()))


def test_guided_mode_fits_1024_by_700_without_clipping_even_with_the_longest_cue(qtbot, playlist):
    page = ListeningPage()
    qtbot.addWidget(page)
    page.resize(1024, 700 - HEADER_HEIGHT)
    long_cues = (Cue(0, 170, LONG_CUE, SETTLE), Cue(200, 260, "Short.", IMAGERY))
    page.start_guided(make_script(long_cues), playlist, 0.7, "No sound device: playing silently.")
    page.show()
    qtbot.waitExposed(page)
    page.show_track(0)
    page.show_progress(heard(60.0))
    qtbot.wait(50)
    assert page.cue_view.text() == LONG_CUE
    scroll = page.findChild(QScrollArea)
    assert not scroll.verticalScrollBar().isVisible(), "nothing is pushed out of sight"
    viewport = scroll.viewport()
    for widget in (
        page.playlist_title,
        page.cue_view.section_label,
        page.cue_view.cue_label,
        page.cue_view.toggle_button,
        page.compact_track,
        page.remaining,
        page.message,
        page.pause_button,
        page.end_button,
        page.more_button,
    ):
        assert inside(widget, viewport), widget
    # The rest of the player is one step away, under More.
    for control in (page.position, page.volume, page.ambience_choice, page.flag_button):
        assert not control.isVisible(), control
    label = page.cue_view.cue_label
    assert page.cue_view.text_fits(), "every line of the cue shows"
    body = page.end_button.font().pointSizeF()
    assert label.font().pointSizeF() >= 1.25 * body, "set smaller to fit, yet still large"
    page.show_progress(heard(230.0))
    assert page.cue_view.text() == "Short."
    assert label.font().pointSizeF() == pytest.approx(2 * body), "short words: twice body size"
    # The track is one quiet line, with the time, Pause and End; the script sets the length.
    assert page.compact_track.text() == "Track 1" and not page.now_playing.isVisible()
    line = [page.compact_track, page.remaining, page.pause_button, page.end_button]
    middles = {widget.mapTo(page, widget.rect().center()).y() for widget in line}
    assert max(middles) - min(middles) <= 2, "one line"
    assert not page.timer_choice.isVisible() and not page.timer_steps.isVisible()


def test_the_layout_does_not_jump_when_the_words_change(page):
    page.show_progress(heard(15.0))
    where = page.pause_button.mapTo(page, QPoint(0, 0))
    for listened in (45.0, 100.0, 230.0, 700.0):
        page.show_progress(heard(listened))
        assert page.pause_button.mapTo(page, QPoint(0, 0)) == where


def test_a_plain_session_after_a_guided_one_looks_as_before(page, playlist):
    page.set_more_shown(True)
    page.start(playlist, 0.7)
    assert not page.more_panel.isVisible(), "each session starts with More closed"
    page.show_progress(heard(5.0, timer_left=600.0))
    assert not page.cue_view.isVisible() and not page.guided_line.isVisible()
    assert page.playlist_title.text() == "Shore music"
    assert page.now_playing.isVisible() and page.elapsed.isVisible()
    assert page.position.isVisible() and page.volume.isVisible()
    assert page.pause_button.property("role") == "primary", "the main action again"
    page.set_more_shown(True)
    assert page.timer_choice.isVisible() and page.timer_steps.isVisible()
    assert page.remaining.text() == "Ends in 10 min", "the timer's end, not a script's"


def test_the_words_read_as_text_with_no_box_until_the_keyboard_is_used(qtbot, page):
    from PySide6.QtGui import QColor

    from mtcalm.ui.theme import BACKGROUND

    view = page.cue_view
    page.show_progress(heard(15.0))
    view.setFocus(Qt.FocusReason.OtherFocusReason)  # as the window does when the music starts
    assert view.hasFocus() and not view.focus_ring_shown()

    def edge_colours() -> set[str]:
        image = view.grab().toImage()
        middle = image.height() // 2
        return {QColor(image.pixel(x, middle)).name().upper() for x in range(4)}

    assert edge_colours() == {BACKGROUND.upper()}, "no field's border or background"
    qtbot.keyClick(view, Qt.Key.Key_Right)  # the keyboard is in use: show where it acts
    assert view.focus_ring_shown()
    assert edge_colours() != {BACKGROUND.upper()}
    page.pause_button.setFocus(Qt.FocusReason.MouseFocusReason)
    view.setFocus(Qt.FocusReason.MouseFocusReason)
    assert not view.focus_ring_shown(), "a click shows no ring"
    page.pause_button.setFocus(Qt.FocusReason.MouseFocusReason)
    view.setFocus(Qt.FocusReason.TabFocusReason)
    assert view.focus_ring_shown(), "Tab does"


def test_the_player_recedes_to_one_quiet_line_and_more_opens_above_it(qtbot, page):
    page.show_track(0)
    page.show_progress(heard(15.0))
    assert page.guided_line.isVisible() and page.guided_line.side_by_side()
    for hidden in (page.track_card, page.main_row, page.quiet_row, page.more_panel):
        assert not hidden.isVisible()
    assert page.pause_button.property("role") in ("", None), "outlined, not the filled one"
    assert page.end_button.property("role") == "quiet"
    line_at = page.more_button.mapTo(page, QPoint(0, 0))
    click(qtbot, page.more_button)
    qtbot.wait(20)
    assert page.more_panel.isVisible()
    for shown in (page.position, page.volume, page.ambience_choice, page.flag_button):
        assert shown.isVisible(), shown
    assert page.volume_label.text() == "Music volume"
    assert page.next_button.isVisible() and page.breathe_button.isVisible()
    assert page.more_panel.y() < page.guided_line.y(), "it opens above the line"
    assert page.more_button.mapTo(page, QPoint(0, 0)) == line_at, "More stays where it was"
    assert page.cue_view.text_fits()


def test_a_narrow_page_keeps_room_for_the_longest_words(qtbot, playlist):
    page = ListeningPage()
    qtbot.addWidget(page)
    page.resize(530, 350)
    long_cues = (Cue(0, 170, LONG_CUE, SETTLE), Cue(200, 260, "Short.", IMAGERY))
    page.start_guided(make_script(long_cues), playlist, 0.7)
    page.show()
    qtbot.waitExposed(page)
    page.show_track(0)
    page.show_progress(heard(60.0))
    qtbot.wait(50)
    assert page.cue_view.text() == LONG_CUE
    assert page.cue_view.text_fits(), "every line shows, even this narrow"
    assert not page.guided_line.side_by_side(), "the buttons go under the track"
    where = page.pause_button.mapTo(page, QPoint(0, 0))
    page.show_progress(heard(230.0))
    assert page.pause_button.mapTo(page, QPoint(0, 0)) == where, "short words: nothing moves"


# -- before the first use, and on the home page ---------------------------------------------


def test_the_intro_shows_who_it_is_not_for_and_its_buttons_answer(qtbot):
    page = ScriptIntroPage()
    qtbot.addWidget(page)
    script = make_script(title="<i>A quiet shore</i>")
    page.show_script(script, "Shore music")
    page.resize(1024, 700 - HEADER_HEIGHT)
    page.show()
    qtbot.waitExposed(page)
    texts = [label.text() for label in page.findChildren(QLabel)]
    assert "<i>A quiet shore</i>" in texts
    assert script.summary in texts
    assert script.not_for in texts
    assert "Who this is not for" in texts
    assert "12 min · with the “Shore music” music" in texts
    for label in page.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText
    assert not page.findChild(QScrollArea).verticalScrollBar().isVisible()

    with qtbot.waitSignal(page.accepted) as accepted:
        click(qtbot, page.accept_button)
    assert accepted.args == [script]
    with qtbot.waitSignal(page.declined):
        click(qtbot, page.decline_button)
    assert page.accept_button.text() == "Go on"
    assert page.decline_button.text() == "Choose something else"


def test_home_offers_script_cards_and_says_why_one_cannot_begin(qtbot):
    home = HomePage()
    qtbot.addWidget(home)
    home.resize(1024, 700 - HEADER_HEIGHT)
    home.show()
    qtbot.waitExposed(home)
    assert not home.scripts_section.isVisible(), "no section without scripts"

    ready = make_script(title="A quiet shore")
    orphan = make_script(playlist="gone-away", title="<b>Forest</b>")
    home.set_scripts([ready, orphan], {"test": "Shore music"})
    assert home.scripts_section.isVisible()
    first, second = home.script_cards
    first_texts = [label.text() for label in first.findChildren(QLabel) if label.isVisible()]
    assert "A quiet shore" in first_texts
    assert ready.summary in first_texts
    assert "12 min · with the “Shore music” music" in first_texts
    assert first.begin_button.accessibleName() == "Begin guided imagery: A quiet shore"
    with qtbot.waitSignal(home.script_requested) as requested:
        click(qtbot, first.begin_button)
    assert requested.args == [ready]

    assert not second.begin_button.isEnabled()
    assert second.reason.isVisible()
    assert "gone-away" in second.reason.text() and "cannot begin" in second.reason.text()
    assert any(label.text() == "<b>Forest</b>" for label in second.findChildren(QLabel))
    for label in home.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText

    home.set_scripts([], {})
    qtbot.waitUntil(lambda: not home.script_cards and not home.scripts_section.isVisible())


def test_a_cue_view_on_its_own_hides_its_words_with_h(qtbot):
    view = CueView()
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.setFocus()
    with qtbot.waitSignal(view.words_hidden_changed) as changed:
        qtbot.keyClick(view, Qt.Key.Key_H)
    assert changed.args == [True]


# -- with a real player, wired as the window wires it ---------------------------------------


def test_a_key_jump_moves_the_real_music_and_its_end_with_the_words(
    qtbot, make_tone, make_playlist
):
    from mtcalm.audio.null_backend import NullOutput
    from mtcalm.audio.player import Player

    music = load_playlist(make_playlist([make_tone("ten.wav", seconds=10)]))
    script = make_script()
    player = Player(NullOutput(), volume=0.5)
    page = ListeningPage()
    qtbot.addWidget(page)
    page.seek_requested.connect(player.seek)
    page.timer_changed.connect(player.change_timer)
    try:
        page.start_guided(script, music, 0.5)
        page.show()
        qtbot.waitExposed(page)
        player.play([music.tracks[0].path], fade_in=0.1, timer=script.duration)

        def poll() -> PlayerStatus:
            status = player.status()
            page.show_progress(status)
            return status

        qtbot.waitUntil(lambda: poll().listened > 0.5, timeout=5000)
        jumped_at = poll().listened
        page.cue_view.setFocus()
        qtbot.keyClick(page.cue_view, Qt.Key.Key_Right)  # to the first cue, at 0:05
        assert page.cue_view.text() == "Find a comfortable way to sit."

        def together() -> bool:
            status = poll()
            clock = 5.0 + status.listened - jumped_at  # the script's time since the jump
            return (
                abs(status.position - clock) < 0.3
                and status.timer_left is not None
                and abs(status.timer_left - (script.duration - clock)) < 0.3
            )

        qtbot.waitUntil(together, timeout=5000)
        assert page.cue_view.text() == "Find a comfortable way to sit."
    finally:
        player.close()
