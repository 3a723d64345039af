"""The check-in's optional questions: chosen by the person, asked before and after, kept with
what they meant, and craving of 8 or more met like high distress."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from mtcalm.checkin import CRAVING, MAX_OPTIONAL_ITEMS, TENSION, Phase, custom_item
from mtcalm.journal.personal import choose_items, chosen_items
from mtcalm.playlists import load_playlist
from mtcalm.ui.checkin_items_dialog import CheckInItemsDialog, new_key
from mtcalm.ui.checkin_page import CheckInPage
from tests.ui.helpers import WAIT_MS, click, open_window, type_rating, wait_for_page

LONELY = custom_item("custom-lonely", "How lonely do you feel?", "not at all", "very lonely")


@pytest.fixture
def playlist(make_tone, make_playlist):
    return load_playlist(make_playlist([make_tone("t.wav", seconds=0.8)]))


def keys(page: CheckInPage) -> list[str]:
    return [question.item.key for question in page.questions]


def test_the_dialog_adds_craving_and_a_question_of_ones_own(qtbot):
    dialog = CheckInItemsDialog([])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.craving.setChecked(True)
    qtbot.keyClicks(dialog.new_label, "How lonely do you feel?")
    qtbot.keyClicks(dialog.new_low, "not at all")
    qtbot.keyClicks(dialog.new_high, "very lonely")
    dialog.new_label.setFocus()
    qtbot.keyClick(dialog.new_label, Qt.Key.Key_Return)  # Enter adds; it does not save yet
    assert dialog.isVisible() and len(dialog.rows) == 1
    assert dialog.new_label.text() == ""
    click(qtbot, dialog.save_button)
    assert dialog.result() == CheckInItemsDialog.DialogCode.Accepted
    chosen = dialog.chosen()
    assert chosen[0] == CRAVING
    assert chosen[1].label == "How lonely do you feel?"
    assert (chosen[1].low_anchor, chosen[1].high_anchor) == ("not at all", "very lonely")
    assert chosen[1].key == "custom-how-lonely-do-you-feel"


def test_a_question_of_ones_own_is_shown_whole_with_its_words(qtbot):
    """A walkthrough found the question squeezed beside its words, shown as 'ht are my…'."""
    question = custom_item("custom-s", "How tight are my shoulders today?", "loose", "rock hard")
    dialog = CheckInItemsDialog([question])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    row = dialog.rows[0]
    needed = row.label.fontMetrics().horizontalAdvance(question.label)
    assert row.label.width() > needed + 16, "the whole question fits in its field"
    assert row.low.y() > row.label.y(), "the words at 0 and 10 sit on the line below"
    ends = [label.text() for label in row.findChildren(QLabel)]
    assert ends == ["At 0", "At 10"]
    assert [label.buddy() for label in row.findChildren(QLabel)] == [row.low, row.high]


def test_a_dialog_taller_than_the_screen_scrolls_and_keeps_save_in_view(qtbot):
    """At 1.5x text on a small screen the fields were squeezed until their text was cut."""
    own = [custom_item(f"custom-{n}", f"Question {n}", "low", "high") for n in range(3)]
    dialog = CheckInItemsDialog([CRAVING, *own])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.resize(dialog.width(), 300)
    qtbot.waitUntil(lambda: dialog.height() == 300, timeout=WAIT_MS)

    fields = [
        dialog.new_label,
        dialog.new_low,
        dialog.new_high,
        *dialog.rows[0].findChildren(QLineEdit),
    ]
    assert all(field.height() >= field.sizeHint().height() for field in fields), "none squeezed"
    assert not dialog.scroll_area.widget().isAncestorOf(dialog.save_button)
    assert dialog.save_button.visibleRegion().boundingRect().height() == dialog.save_button.height()
    dialog.activateWindow()
    dialog.new_high.setFocus()
    qtbot.waitUntil(lambda: dialog.scroll_area.verticalScrollBar().value() > 0, timeout=WAIT_MS)
    assert not dialog.new_high.visibleRegion().isEmpty(), "the focused field is scrolled into view"


def test_the_dialog_says_what_is_missing_and_keeps_the_check_in_short(qtbot):
    dialog = CheckInItemsDialog([CRAVING, TENSION])
    qtbot.addWidget(dialog)
    dialog.show()
    click(qtbot, dialog.add_button)
    assert dialog.problem.text() == "Write the question first."
    for number in range(MAX_OPTIONAL_ITEMS):
        dialog.new_label.setText(f"Question {number}")
        click(qtbot, dialog.add_button)
    assert len(dialog.rows) == MAX_OPTIONAL_ITEMS - 2
    assert "At most" in dialog.problem.text()
    dialog.rows[0].label.setText("  ")  # a name emptied: said, not saved
    click(qtbot, dialog.save_button)
    assert dialog.isVisible() and "needs a name" in dialog.problem.text()


def test_keys_for_new_questions_are_lasting_and_distinct():
    assert new_key("¿Cómo está tu ánimo?", set()) == "custom-como-esta-tu-animo"
    assert new_key("孤独", set()) == "custom-question"
    assert new_key("Lonely", {"custom-lonely"}) == "custom-lonely-2"


def test_optional_questions_come_after_the_core_and_keep_answers(qtbot):
    page = CheckInPage(Phase.BEFORE)
    qtbot.addWidget(page)
    page.resize(800, 2400)
    page.show()
    qtbot.waitExposed(page)
    type_rating(qtbot, page.questions[0].scale, 6)
    page.set_optional_items((CRAVING, LONELY))
    assert keys(page) == ["distress", "pleasantness", "energy", "craving", "custom-lonely"]
    assert page.questions[0].value() == 6  # kept across the change
    assert page.questions[4].question.text() == "How lonely do you feel?"
    type_rating(qtbot, page.questions[3].scale, 7)
    checkin = page.check_in()
    assert checkin.value("craving") == 7 and checkin.item("custom-lonely") == LONELY
    # Tab still reads the page from the top down, new questions in their place.
    places = []
    widget = page.nextInFocusChain()
    while widget is not page:
        assert widget is not None
        reached = page.isAncestorOf(widget) and widget.isVisibleTo(page)
        if reached and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            corner = widget.mapTo(page, QPoint(0, 0))
            places.append((corner.y() // 20, corner.x()))
        widget = widget.nextInFocusChain()
    assert places == sorted(places)


def test_a_person_named_question_is_shown_as_plain_text(qtbot):
    page = CheckInPage(Phase.BEFORE)
    qtbot.addWidget(page)
    page.set_optional_items((custom_item("custom-x", "<b>Alone</b>", "<i>no</i>", "yes"),))
    question = page.questions[-1]
    assert question.question.textFormat() == Qt.TextFormat.PlainText
    texts = [label.text() for label in question.findChildren(QLabel)]
    assert "<b>Alone</b>" in texts and "<i>no</i>" in texts


def test_chosen_questions_are_asked_before_and_after_and_kept(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    journal = window.workspace.journal
    assert journal is not None
    choose_items(journal, [TENSION, LONELY])
    click(qtbot, window.home.cards[0].begin_button)
    before = window.screens.checkin_before
    assert keys(before)[3:] == ["tension", "custom-lonely"]
    for question in before.questions:
        type_rating(qtbot, question.scale, 5)
    click(qtbot, before.continue_button)
    wait_for_page(qtbot, window, window.screens.listening)
    click(qtbot, window.screens.listening.end_button)
    after = window.screens.checkin_after
    qtbot.waitUntil(lambda: window.pages.currentWidget() is after, timeout=WAIT_MS)
    assert "custom-lonely" in keys(after) and "tension" in keys(after)
    for question in after.questions:
        if question.scale is not None and question.item.key != "helpfulness":
            type_rating(qtbot, question.scale, 2)
        else:
            click(qtbot, question.skip_button)
    click(qtbot, after.continue_button)
    wait_for_page(qtbot, window, window.screens.summary)
    [record] = journal.sessions()
    changes = {change.key: change.difference for change in record.changes}
    assert changes["tension"] == -3 and changes["custom-lonely"] == -3
    rows = sqlite3.connect(journal.path).execute(
        "SELECT DISTINCT d.label, d.low_anchor FROM answers a"
        " JOIN item_definitions d ON d.id = a.definition_id WHERE a.item = 'custom-lonely'"
    )
    assert rows.fetchall() == [("How lonely do you feel?", "not at all")]


def test_questions_changed_from_the_check_in_apply_at_once_and_later(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.home.cards[0].begin_button)
    before = window.screens.checkin_before
    assert keys(before) == ["distress", "pleasantness", "energy"]

    def choose_craving() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CheckInItemsDialog)
        dialog.craving.setChecked(True)
        dialog.save_button.click()

    for question in before.questions:  # the core questions answered first
        type_rating(qtbot, question.scale, 5)
    QTimer.singleShot(0, choose_craving)
    click(qtbot, before.change_questions)
    assert keys(before)[-1] == "craving"
    assert [question.value() for question in before.questions] == [5, 5, 5, None]
    craving = before.questions[-1].focus_target()
    qtbot.waitUntil(lambda: window.focusWidget() is craving, timeout=WAIT_MS)  # ready to answer
    # Tab goes on in reading order (a walkthrough found it jumping to the header instead)
    qtbot.keyClick(craving, Qt.Key.Key_Tab)
    assert window.focusWidget() is before.change_questions
    qtbot.keyClick(before.change_questions, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert window.focusWidget() is craving
    journal = window.workspace.journal
    assert journal is not None and chosen_items(journal) == (CRAVING,)


def test_craving_of_8_before_is_met_like_high_distress(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    journal = window.workspace.journal
    assert journal is not None
    choose_items(journal, [CRAVING])
    click(qtbot, window.home.cards[0].begin_button)
    before = window.screens.checkin_before
    for question in before.questions:
        if question.item.key == "craving":
            type_rating(qtbot, question.scale, 8)
        else:
            click(qtbot, question.skip_button)
    click(qtbot, before.continue_button)
    assert window.pages.currentWidget() is window.screens.support
    texts = " ".join(label.text() for label in window.screens.support.findChildren(QLabel))
    assert "risk" not in texts.lower() and "diagnos" not in texts.lower()


def test_questions_a_therapist_added_say_so_and_stay_theirs_until_changed(
    qtbot, data_dir, playlist
):
    """Homework's questions are marked in the dialog; saving it after another change keeps
    them marked as the therapist's, and a question the person rewrites becomes theirs."""
    window = open_window(qtbot, data_dir, [playlist])
    journal = window.workspace.journal
    assert journal is not None
    choose_items(journal, [CRAVING, LONELY], set_by="therapist")
    click(qtbot, window.home.cards[0].begin_button)
    before = window.screens.checkin_before
    seen: list[list[str]] = []

    def add_tension_and_rewrite() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CheckInItemsDialog)
        seen.append(
            [
                label.text()
                for label in dialog.findChildren(QLabel)
                if label.text() == "Added by your therapist’s homework" and label.isVisible()
            ]
        )
        dialog.tension.setChecked(True)
        dialog.rows[0].low.setText("not lonely")
        dialog.save_button.click()

    QTimer.singleShot(0, add_tension_and_rewrite)
    click(qtbot, before.change_questions)
    assert seen == [["Added by your therapist’s homework"] * 2]  # craving and the question
    rows = journal.reading("SELECT item, set_by FROM chosen_items")
    assert {row[0]: row[1] for row in rows} == {
        "craving": "therapist",
        "tension": "person",
        "custom-lonely": "person",  # the person changed its words: now theirs
    }
