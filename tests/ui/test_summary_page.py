"""The summary after a session: kind words, answers as given, grounding first after a hard time."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from mtcalm.checkin import CheckIn, ItemChange, Phase
from mtcalm.journal.store import Outcome
from mtcalm.session.record import SessionSummary
from mtcalm.ui.summary_page import SummaryPage, answer_text, listened_text
from tests.ui.helpers import click
from tests.ui.page_checks import SMALL_PAGE, clipped_widgets, larger_text, unnamed_controls

ANSWERED = (
    ItemChange("distress", 7, 4),
    ItemChange("pleasantness", 5, 6),
    ItemChange("energy", None, 3),
)
SKIPPED = (
    ItemChange("distress", None, None),
    ItemChange("pleasantness", None, None),
    ItemChange("energy", None, None),
)


def summary(
    changes: tuple[ItemChange, ...] = ANSWERED,
    outcome: Outcome = Outcome.ENDED_EARLY,
    seconds: float = 371.0,
    rose: bool = False,
    after: CheckIn | None = None,
) -> SessionSummary:
    return SessionSummary(changes, outcome, seconds, rose, after)


@pytest.fixture
def page(qtbot: QtBot) -> SummaryPage:
    widget = SummaryPage()
    qtbot.addWidget(widget)
    widget.resize(1024, 642)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)  # keyboard focus needs an active window
    return widget


def shown_texts(page: QWidget) -> list[str]:
    return [label.text() for label in page.findChildren(QLabel) if label.isVisible()]


def top_of(widget: QWidget, page: QWidget) -> int:
    return widget.mapTo(page, QPoint(0, 0)).y()


# -- how long -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "seconds", "words"),
    [
        (Outcome.ENDED_EARLY, 371.0, "You listened for 6 minutes"),
        (Outcome.ENDED_EARLY, 75.0, "You listened for 1 minute"),
        (Outcome.ENDED_EARLY, 42.0, "You listened for less than a minute"),
        (Outcome.ENDED_EARLY, 0.0, "You listened for less than a minute"),
        (Outcome.COMPLETED, 1030.0, "You listened to the end: 17 minutes"),
        (Outcome.COMPLETED, 3.0, "You listened to the end: less than a minute"),
    ],
)
def test_it_says_how_long_the_person_listened(outcome, seconds, words) -> None:
    assert listened_text(outcome, seconds) == words


def test_stopping_early_is_never_the_headline(page: SummaryPage) -> None:
    page.show_summary(summary(outcome=Outcome.ENDED_EARLY, seconds=371.0))
    assert page.outcome.text() == "You listened for 6 minutes"
    assert not any("early" in text.lower() for text in shown_texts(page))


# -- what changed -------------------------------------------------------------------------------


def test_only_items_answered_before_and_after_are_listed(page: SummaryPage) -> None:
    page.show_summary(summary(ANSWERED))
    texts = shown_texts(page)
    assert "Distress: 7 → 4" in texts and "down 3" in texts
    assert "Pleasantness: 5 → 6" in texts and "up 1" in texts
    assert not any(text.startswith("Energy") for text in texts), "half-answered: not listed"
    assert not any("not answered" in text for text in texts)
    assert texts.count("Some questions were skipped, and that’s fine.") == 1
    assert not page.kind_line.isVisible()


def test_nothing_answered_is_one_kind_line(page: SummaryPage) -> None:
    page.show_summary(summary(SKIPPED, Outcome.COMPLETED, 1030.0))
    texts = shown_texts(page)
    assert texts == [
        "After your session",
        "You listened to the end: 17 minutes",
        page.kind_line.text(),
    ]
    assert page.kind_line.text() == "Thank you for taking this time."
    assert not page.changes_panel.isVisible() and not page.skipped_line.isVisible()


def test_answers_only_after_and_nothing_before_is_still_one_kind_line(page: SummaryPage) -> None:
    only_after = (
        ItemChange("distress", None, 3),
        ItemChange("pleasantness", None, None),
        ItemChange("energy", None, 5),
    )
    page.show_summary(summary(only_after))
    assert page.kind_line.isVisible()
    assert not any("→" in text for text in shown_texts(page))


def test_every_item_answered_has_no_skipped_line(page: SummaryPage) -> None:
    changes = tuple(ItemChange(key, 4, 4) for key in ("distress", "pleasantness", "energy"))
    page.show_summary(summary(changes))
    assert "no change" in shown_texts(page)
    assert not page.skipped_line.isVisible()


def test_a_yes_or_no_answer_reads_as_given(page: SummaryPage) -> None:
    after = CheckIn(Phase.AFTER, {"distress": 4, "helpfulness": 3, "stirred_up": 1})
    page.show_summary(summary(after=after))
    texts = shown_texts(page)
    assert "Brought up urges or memories: Yes" in texts
    assert "Helpfulness: quite" in texts
    after = CheckIn(Phase.AFTER, {"distress": 4, "helpfulness": 0, "stirred_up": 0})
    page.show_summary(summary(after=after))
    texts = shown_texts(page)
    assert "Brought up urges or memories: No" in texts
    assert "Helpfulness: not at all" in texts
    assert not any(text.endswith((": 1", ": 0")) for text in texts)
    assert answer_text("stirred_up", 1) == "Yes" and answer_text("stirred_up", 0) == "No"
    assert answer_text("distress", 1) == "1"


def test_showing_a_new_summary_replaces_the_old_rows(page: SummaryPage) -> None:
    page.show_summary(summary(ANSWERED))
    page.show_summary(summary((ItemChange("distress", 2, 2),)))
    rows = [text for text in shown_texts(page) if "→" in text]
    assert rows == ["Distress: 2 → 2"]


# -- after a hard moment ------------------------------------------------------------------------


def test_without_a_hard_moment_done_is_the_main_action(page: SummaryPage) -> None:
    page.show_summary(summary())
    assert not page.care_panel.isVisible() and not page.ground_button.isVisible()
    assert page.done_button.hasFocus()
    assert page.done_button.property("role") == "primary"


def test_after_a_hard_moment_grounding_comes_first_and_has_the_focus(page: SummaryPage) -> None:
    page.show_summary(summary(), hard_moment=True)
    assert page.care_panel.isVisible() and page.flag.isVisible()
    assert "ground" in page.flag.text()
    assert page.ground_button.hasFocus()
    assert page.ground_button.property("role") == "primary"
    assert page.done_button.property("role") != "primary", "one main action"
    first = top_of(page.care_panel, page)
    assert first < top_of(page.outcome, page) < top_of(page.changes_panel, page)
    grounded = []
    page.grounding_requested.connect(lambda: grounded.append(True))
    QTest.keyClick(page.ground_button, Qt.Key.Key_Return)
    QTest.qWait(200)
    assert grounded == [True], "Enter on the focused offer grounds"


def test_distress_that_rose_offers_grounding_first_and_says_so_kindly(page: SummaryPage) -> None:
    rose = (ItemChange("distress", 3, 6),)
    page.show_summary(summary(rose, rose=True))
    assert page.care_panel.isVisible()
    assert "went up" in page.flag.text()
    assert page.ground_button.hasFocus()
    assert top_of(page.care_panel, page) < top_of(page.outcome, page)


def test_the_next_calm_session_has_no_grounding_offer(page: SummaryPage) -> None:
    page.show_summary(summary(), hard_moment=True)
    page.show_summary(summary())
    assert not page.care_panel.isVisible()
    assert page.done_button.hasFocus()
    assert page.ground_button.property("role") != "primary"


# -- opening ------------------------------------------------------------------------------------


def test_it_opens_at_its_top_with_the_main_action_focused_and_seen(
    qtbot: QtBot, page: SummaryPage
) -> None:
    page.resize(*SMALL_PAGE)
    page.show_summary(summary(after=CheckIn(Phase.AFTER, {"stirred_up": 1})), hard_moment=True)
    page.offer_flags([(index, f"Track {index}", False) for index in range(8)])
    qtbot.waitUntil(lambda: page.findChild(QScrollArea).verticalScrollBar().maximum() > 0)
    scroll = page.findChild(QScrollArea).verticalScrollBar()
    scroll.setValue(scroll.maximum())
    page.focus_first()
    assert scroll.value() == 0
    assert page.ground_button.hasFocus()
    page.show_summary(summary())
    page.offer_flags([(index, f"Track {index}", False) for index in range(8)])
    scroll.setValue(scroll.maximum())
    page.focus_first()
    assert scroll.value() == 0
    assert page.done_button.hasFocus()
    corner = page.done_button.mapTo(page, page.done_button.rect().bottomRight())
    assert page.rect().contains(corner), "Done stays in view below the scrolling summary"


# -- flags --------------------------------------------------------------------------------------


def test_the_flag_button_says_truthfully_what_it_will_do(qtbot: QtBot, page: SummaryPage) -> None:
    asked: list[tuple[int, bool]] = []
    page.flag_requested.connect(lambda index, flag: asked.append((index, flag)))
    page.show_summary(summary())
    page.offer_flags([(0, "Morning <b>light</b>", False), (2, "Rain", True)])
    assert page.flags_panel.isVisible()
    first, third = page.flag_buttons[0], page.flag_buttons[2]
    assert first.text() == "Flag this track"
    assert first.accessibleName() == "Flag “Morning <b>light</b>” as a trigger"
    assert third.text() == "Remove the flag"
    assert third.accessibleName() == "Remove the flag from “Rain”"
    width = first.width()
    click(qtbot, first)
    assert asked == [(0, True)]
    page.show_flagged(0, True)
    assert first.text() == "Remove the flag"
    assert first.accessibleName() == "Remove the flag from “Morning <b>light</b>”"
    assert first.width() == width, "the row does not move"
    click(qtbot, first)
    assert asked[-1] == (0, False)
    page.show_flagged(0, False)
    assert first.text() == "Flag this track"
    assert "Morning <b>light</b>" in shown_texts(page), "a title is plain text"


def test_a_new_summary_clears_the_flag_offers(page: SummaryPage) -> None:
    page.show_summary(summary())
    page.offer_flags([(0, "Rain", False)])
    page.show_summary(summary())
    assert not page.flags_panel.isVisible() and page.flag_buttons == {}


# -- for everyone -------------------------------------------------------------------------------


def test_every_control_has_a_name(page: SummaryPage) -> None:
    page.show_summary(summary(), hard_moment=True)
    page.offer_flags([(0, "Rain", False)])
    assert unnamed_controls(page) == []


@pytest.mark.parametrize("size", [(1280, 740), SMALL_PAGE])
@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_nothing_is_cut_off_or_scrolls_sideways(
    qtbot: QtBot, qapp: QApplication, size: tuple[int, int], scale: float
) -> None:
    after = CheckIn(Phase.AFTER, {"distress": 6, "helpfulness": 1, "stirred_up": 1})
    with larger_text(qapp, scale):
        page = SummaryPage()
        qtbot.addWidget(page)
        page.resize(*size)
        page.show()
        qtbot.waitExposed(page)
        page.show_summary(summary((ItemChange("distress", 3, 6),), rose=True, after=after))
        page.offer_flags([(0, "A rather long track title that wraps onto a second line", False)])
        QTest.qWait(50)
        assert page.size().width() == size[0], "the page can be this narrow"
        assert clipped_widgets(page) == []
