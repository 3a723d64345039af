"""Every page of the real window, reached the way a person reaches it: every control has a
name for a screen reader, and sliders say their question and value.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractSlider, QWidget

from mtcalm.playlists import load_playlist
from mtcalm.session.flow import Step
from tests.ui.helpers import click, open_window, type_rating, wait_for_page
from tests.ui.page_checks import unnamed_controls


@pytest.fixture
def playlist(make_tone, make_playlist):
    return load_playlist(make_playlist([make_tone("t.wav", seconds=20.0)], title="Calm"))


def describe(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.objectName() or ''}".strip()


def check_page(page: QWidget, seen: dict[str, list[str]], name: str) -> None:
    seen[name] = [describe(widget) for widget in unnamed_controls(page)]
    for slider in page.findChildren(QAbstractSlider):
        if slider.isVisibleTo(page) and slider.focusPolicy():
            assert slider.accessibleName(), f"a slider on {name} says what it is"


def test_every_page_names_its_controls(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    missing: dict[str, list[str]] = {}
    check_page(window.home, missing, "home")
    for section in ("pacer", "library", "journal", "data"):
        click(qtbot, window.header.buttons[section])
        page = window.pages.currentWidget()
        assert page is not None
        check_page(page, missing, section)
        click(qtbot, window.header.buttons["home"])
    check_page(window.header, missing, "header")

    screens = window.screens
    click(qtbot, window.home.cards[0].begin_button)
    check_page(screens.checkin_before, missing, "check-in before")
    type_rating(qtbot, screens.checkin_before.questions[0].scale, 9)
    for question in screens.checkin_before.questions[1:]:
        click(qtbot, question.skip_button)
    click(qtbot, screens.checkin_before.continue_button)
    wait_for_page(qtbot, window, screens.support)
    check_page(screens.support, missing, "support")
    click(qtbot, screens.support.carry_on_button)
    wait_for_page(qtbot, window, screens.listening)
    screens.listening.set_more_shown(True)
    check_page(screens.listening, missing, "listening")
    click(qtbot, window.header.ground_button)
    check_page(screens.grounding, missing, "grounding")
    click(qtbot, screens.grounding.end_button)
    wait_for_page(qtbot, window, screens.support)
    assert window.flow.step is Step.SUPPORT_AFTER
    check_page(screens.support, missing, "support after")
    click(qtbot, screens.support.carry_on_button)
    wait_for_page(qtbot, window, screens.checkin_after)
    check_page(screens.checkin_after, missing, "check-in after")
    click(qtbot, screens.checkin_after.skip_all)
    wait_for_page(qtbot, window, screens.summary)
    check_page(screens.summary, missing, "summary")

    assert {name: found for name, found in missing.items() if found} == {}
