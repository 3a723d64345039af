"""Home on its own: the order of what is offered, the keyboard, the notice, small windows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from mtcalm.assets import bundled_playlists_dir, bundled_scripts_dir
from mtcalm.playlists import Playlist, load_playlist, load_playlists
from mtcalm.scripts import Script, load_scripts
from mtcalm.ui.home_page import FIRST_STEP_SCRIPT, HomePage
from tests.conftest import PlaylistMaker, ToneMaker
from tests.ui.page_checks import SMALL_PAGE, clipped_widgets, larger_text, unnamed_controls

HomeMaker = Callable[..., HomePage]


@pytest.fixture(scope="module")
def bundled() -> tuple[list[Playlist], list[Script]]:
    """mtcalm's own playlists and scripts, read once for the module."""
    return load_playlists(bundled_playlists_dir()), load_scripts(bundled_scripts_dir())


@pytest.fixture
def own_playlist(make_tone: ToneMaker, make_playlist: PlaylistMaker) -> Playlist:
    tone = make_tone("mine.wav", seconds=0.5)
    return load_playlist(make_playlist([tone], title="Evening wind-down", name="mine.toml"))


@pytest.fixture
def make_home(
    qtbot: QtBot, bundled: tuple[list[Playlist], list[Script]], own_playlist: Playlist
) -> HomeMaker:
    """A shown home page with the bundled content and one playlist of the person's own."""

    def make(size: tuple[int, int] = SMALL_PAGE) -> HomePage:
        playlists, scripts = bundled
        home = HomePage()
        qtbot.addWidget(home)
        everything = [*playlists, own_playlist]
        home.set_playlists(everything, {"settle": 1})
        home.set_scripts(scripts, {playlist.id: playlist.title for playlist in everything})
        home.resize(*size)
        home.show()
        qtbot.waitExposed(home)
        home.activateWindow()
        qtbot.waitUntil(home.isActiveWindow)
        return home

    return make


def top_of(widget: QWidget, page: QWidget | None) -> int:
    assert page is not None
    return widget.mapTo(page, QPoint(0, 0)).y()


def tab_cycle(qtbot: QtBot, page: QWidget, limit: int = 60) -> list[QWidget]:
    """Every stop Tab makes, from the focused control round to it again."""
    first = QApplication.focusWidget()
    assert first is not None
    stops = [first]
    for _ in range(limit):
        qtbot.keyClick(QApplication.focusWidget() or page, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        assert widget is not None, "Tab left the focus nowhere"
        if widget is first:
            return stops
        stops.append(widget)
    raise AssertionError("Tab never came back to where it started")


def test_grounding_comes_first_then_guided_imagery_music_and_your_own(
    make_home: HomeMaker, own_playlist: Playlist
) -> None:
    home = make_home((1280, 740))
    scripts = [card.script for card in home.script_cards]
    assert scripts[0].id == FIRST_STEP_SCRIPT
    assert scripts[0].title == "Here and now: grounding"
    assert [script.title for script in scripts[1:]] == sorted(
        (script.title for script in scripts[1:]), key=str.casefold
    )
    sections = [home.scripts_section, home.music_section, home.own_section]
    assert all(section.isVisible() for section in sections)
    tops = [top_of(section, home.scroll_area.widget()) for section in sections]
    assert tops == sorted(tops), "guided imagery, then music, then the person's own"
    assert [card.playlist for card in home.cards][-1] == own_playlist
    own_cards = home.own_section.findChildren(type(home.cards[0]))
    assert [card.playlist for card in own_cards] == [own_playlist]


def test_one_begin_is_filled_and_the_others_are_outlined(make_home: HomeMaker) -> None:
    home = make_home()
    buttons = home.begin_buttons()
    assert len(buttons) == 11
    primary = [button for button in buttons if button.property("role") == "primary"]
    assert primary == [home.script_cards[0].begin_button]
    assert all(button.property("role") is None for button in buttons[1:])


def test_tab_goes_through_every_begin_in_reading_order_with_no_invisible_stop(
    qtbot: QtBot, make_home: HomeMaker
) -> None:
    home = make_home()
    home.show_notice("Something to know.", detail="A technical line.")
    home.set_playlists([card.playlist for card in home.cards])  # as the window does, again
    qtbot.waitUntil(lambda: all(button.isVisible() for button in home.begin_buttons()))
    home.focus_first()
    assert QApplication.focusWidget() is home.begin_buttons()[0]
    stops = tab_cycle(qtbot, home)
    expected = [home.checkin_button, home.details_button, *home.begin_buttons()]
    assert set(stops) == set(expected)
    start = stops.index(home.checkin_button)
    assert stops[start:] + stops[:start] == expected, "the page's own order, top to bottom"
    tops = [top_of(widget, home.scroll_area.widget()) for widget in expected]
    assert tops == sorted(tops)
    for widget in stops:
        assert isinstance(widget, QPushButton) and widget.isVisible() and widget.isEnabled()
        assert widget.accessibleName()
    assert home.scroll_area.focusPolicy() == Qt.FocusPolicy.NoFocus


def test_each_focused_begin_is_scrolled_into_view_and_enter_begins_it(
    qtbot: QtBot, make_home: HomeMaker, bundled: tuple[list[Playlist], list[Script]]
) -> None:
    home = make_home()
    home.focus_first()
    viewport = home.scroll_area.viewport()
    for button in home.begin_buttons()[1:]:
        qtbot.keyClick(QApplication.focusWidget() or home, Qt.Key.Key_Tab)
        assert button.hasFocus()
        top = button.mapTo(viewport, QPoint(0, 0)).y()
        assert top >= 0 and top + button.height() <= viewport.height(), button.accessibleName()
    music = home.cards[0]
    music.begin_button.setFocus()
    with qtbot.waitSignal(home.begin_requested) as begun:
        qtbot.keyClick(music.begin_button, Qt.Key.Key_Return)
    assert begun.args == [music.playlist]
    script = home.script_cards[0]
    script.begin_button.setFocus()
    with qtbot.waitSignal(home.script_requested) as chosen:
        qtbot.keyClick(script.begin_button, Qt.Key.Key_Space)
    assert chosen.args == [script.script]


def test_focus_first_opens_at_the_top_on_the_first_begin(make_home: HomeMaker) -> None:
    home = make_home()
    bar = home.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0
    home.begin_buttons()[-1].setFocus()
    bar.setValue(bar.maximum())
    home.focus_first()
    assert bar.value() == 0
    assert home.begin_buttons()[0].hasFocus()
    assert home.begin_buttons()[0].accessibleName() == (
        "Begin guided imagery: Here and now: grounding"
    )


def test_a_notice_keeps_its_detail_behind_details_and_shows_it_as_plain_text(
    qtbot: QtBot, make_home: HomeMaker
) -> None:
    home = make_home()
    assert not home.notice.isVisible()
    home.show_notice(
        "No sound device was found, so sessions play silently.",
        detail="ALSA lib <pcm.c>: Unknown PCM default",
    )
    assert home.notice.isVisible()
    assert home.notice.text() == "No sound device was found, so sessions play silently."
    assert home.details_button.isVisible() and not home.notice_box.detail.isVisible()
    assert home.details_button.accessibleName() == "Show the details"
    qtbot.mouseClick(home.details_button, Qt.MouseButton.LeftButton)
    assert home.notice_box.detail.isVisible()
    assert home.notice_box.detail.text() == "ALSA lib <pcm.c>: Unknown PCM default"
    assert home.details_button.accessibleName() == "Hide the details"
    for label in home.notice_box.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText

    home.show_notice("Another message, with nothing technical.")
    assert not home.notice_box.detail.isVisible(), "a new notice starts folded"
    assert not home.details_button.isVisible(), "no Details when there are none"
    home.show_notice("")
    assert not home.notice.isVisible()


@pytest.mark.parametrize("which", [0, 4])
def test_a_notice_that_appears_does_not_move_the_focused_begin(
    qtbot: QtBot, make_home: HomeMaker, which: int
) -> None:
    home = make_home()
    home.focus_first()
    button = home.begin_buttons()[which]
    button.setFocus()
    home.scroll_area.ensureWidgetVisible(button, 16, 24)
    before = button.mapTo(home, QPoint(0, 0)).y()
    home.show_notice("One line.\nA second line.\nAnd a third.", detail="details")
    assert button.mapTo(home, QPoint(0, 0)).y() == before
    assert button.hasFocus()
    home.show_notice("")
    assert button.mapTo(home, QPoint(0, 0)).y() == before


@pytest.mark.parametrize("larger", [False, True], ids=["text 1x", "text 1.5x"])
def test_no_sideways_scrolling_nothing_clipped_at_a_small_window(
    qtbot: QtBot, qapp: QApplication, make_home: HomeMaker, larger: bool
) -> None:
    home = make_home()
    home.show_notice("No sound device was found, so sessions play silently.", "ALSA said no.")
    if larger:
        with larger_text(qapp):
            qtbot.wait(50)
            assert clipped_widgets(home) == []
            assert home.scroll_area.horizontalScrollBar().maximum() == 0
    else:
        qtbot.wait(50)
        assert clipped_widgets(home) == []
        assert home.scroll_area.horizontalScrollBar().maximum() == 0


def test_the_content_is_a_centred_column_on_a_wide_window(make_home: HomeMaker) -> None:
    home = make_home((1280, 740))
    card = home.script_cards[0]
    left = card.mapTo(home, QPoint(0, 0)).x()
    right = home.width() - (left + card.width())
    assert card.width() <= 760
    assert abs(left - right) <= home.scroll_area.verticalScrollBar().width() + 2


def test_every_control_is_named_for_what_it_does(make_home: HomeMaker) -> None:
    home = make_home()
    home.show_notice("A notice.", detail="With details.")
    assert unnamed_controls(home) == []
    for widget in home.findChildren(QWidget):
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus and widget.isVisibleTo(home):
            assert widget.accessibleName().strip(), repr(widget)
    names = [button.accessibleName() for button in home.begin_buttons()]
    assert "Begin Settle" in names and "Begin Evening wind-down" in names
    assert "Begin guided imagery: A safe place" in names


def test_flagged_tracks_are_counted_quietly_and_own_ids_can_be_given(
    qtbot: QtBot, bundled: tuple[list[Playlist], list[Script]]
) -> None:
    playlists, _ = bundled
    home = HomePage()
    qtbot.addWidget(home)
    home.set_playlists(playlists, {"settle": 2}, own_ids={"sleep"})
    settle = next(card for card in home.cards if card.playlist.id == "settle")
    assert "2 flagged as triggers" in settle.facts.text()
    assert settle.facts.property("role") == "muted"
    own_cards = home.own_section.findChildren(type(settle))
    assert [card.playlist.id for card in own_cards] == ["sleep"]
    assert home.own_section.isVisibleTo(home) and home.music_section.isVisibleTo(home)
    home.set_playlists([], {})
    assert home.empty.isVisibleTo(home) and not home.music_section.isVisibleTo(home)
    assert not home.own_section.isVisibleTo(home)
    assert home.cards == []
