"""Support contacts: the person's own, kept in the journal, shown by "Get support" from every
screen and under the offers after a hard moment; none shipped; and what mtcalm is, said once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from mtcalm.audio.events import PlayerState
from mtcalm.checkin import CRAVING, CheckIn, Phase, items_for
from mtcalm.journal.file import JournalWriteFailed
from mtcalm.journal.personal import MAX_CONTACTS, SupportContact, save_support_contacts
from mtcalm.journal.personal import support_contacts as stored_contacts
from mtcalm.journal.store import Journal, Outcome
from mtcalm.playlists import load_playlist
from mtcalm.session.flow import Step
from mtcalm.settings import SETTINGS_FILE, load_settings
from mtcalm.ui import contacts_page
from mtcalm.ui.about import AboutDialog, Welcome
from mtcalm.ui.contacts_page import ContactsPage, SupportDialog
from mtcalm.ui.main_window import MainWindow
from tests.ui.helpers import WAIT_MS, click, open_window, start_listening, wait_for_page
from tests.ui.page_checks import clipped_widgets, larger_text, unnamed_controls

THREE = [
    SupportContact("Sam", "07700 900123", "Call any time"),
    SupportContact("Dr Okafor's clinic", "0161 496 0000", "Weekdays", set_by="therapist"),
    SupportContact("Tuesday group", "St Anne's hall, 7 pm", ""),
]


@pytest.fixture
def playlist(make_tone, make_playlist):
    return load_playlist(make_playlist([make_tone("t.wav", seconds=0.8)]))


@pytest.fixture
def long_playlist(make_tone, make_playlist):
    return load_playlist(make_playlist([make_tone("long.wav", seconds=30.0)], title="Long"))


@pytest.fixture
def journal(tmp_path: Path):
    with Journal.open(tmp_path / "journal.sqlite3") as opened:
        yield opened


def editor(qtbot: QtBot, journal: Journal | None, size: tuple[int, int] = (700, 640)):
    page = ContactsPage(journal)
    qtbot.addWidget(page)
    page.resize(*size)
    page.load()
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    return page


def kept(path: Path) -> list[SupportContact]:
    """What the journal file holds now, read through a connection of its own."""
    with Journal.open(path) as other:
        return stored_contacts(other)


def shown_texts(widget: QWidget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel) if label.isVisible()]


def add(qtbot: QtBot, page: ContactsPage, name: str, reach: str = "", note: str = "") -> None:
    """Add someone the way a keyboard user does: Add, type, Enter."""
    page.add_button.setFocus()
    qtbot.keyClick(page.add_button, Qt.Key.Key_Return)  # pressed for a moment, as with Space
    qtbot.waitUntil(lambda: page.form.isVisible() and page.form.name_field.hasFocus())
    qtbot.keyClicks(page.form.name_field, name)
    qtbot.keyClick(page.form.name_field, Qt.Key.Key_Tab)
    qtbot.keyClicks(page.form.reach_field, reach)
    page.form.note_field.setPlainText(note)
    qtbot.keyClick(page.form.reach_field, Qt.Key.Key_Return)  # Enter in a field saves


def open_support(qtbot: QtBot, window: MainWindow) -> SupportDialog:
    click(qtbot, window.header.support_button)
    return shown_dialog(qtbot, window)


def shown_dialog(qtbot: QtBot, window: MainWindow) -> SupportDialog:
    found: list[SupportDialog] = []

    def shown() -> bool:
        found[:] = [d for d in window.findChildren(SupportDialog) if d.isVisible()]
        return bool(found)

    qtbot.waitUntil(shown, timeout=WAIT_MS)
    return found[-1]


def no_dialog(window: MainWindow) -> bool:
    return not any(d.isVisible() for d in window.findChildren(SupportDialog))


# -- the editor: every change kept in the journal -------------------------------------------


def test_a_fresh_journal_has_no_contacts_and_the_view_says_so(qtbot, journal):
    assert stored_contacts(journal) == [], "mtcalm ships no contact"
    page = editor(qtbot, journal)
    assert page.rows == []
    assert page.empty.isVisible()
    assert "no phone numbers of its own" in page.empty.text()
    assert page.add_button.isVisible() and page.add_button.property("role") == "primary"
    digits = [text for text in shown_texts(page) if re.search(r"\d{3}", text)]
    assert digits == [], "no number of any kind is shown"
    page.focus_first()
    assert page.add_button.hasFocus(), "the one thing to do has the focus"


def test_adding_changing_reordering_and_removing_are_kept(qtbot, journal):
    page = editor(qtbot, journal)
    add(qtbot, page, "Sam", "07700 900123", "Call any time")
    assert kept(journal.path) == [SupportContact("Sam", "07700 900123", "Call any time")]
    assert not page.form.isVisible() and "“Sam” was added." in page.status.text()
    assert page.rows[0].edit_button.hasFocus(), "the focus is on the one just added"
    add(qtbot, page, "  Alex  ", "alex@example.org")
    assert [c.name for c in kept(journal.path)] == ["Sam", "Alex"], "kept without the spaces"

    click(qtbot, page.rows[1].edit_button)
    assert page.form.name_field.text() == "Alex"
    page.form.reach_field.setText("0161 496 0000")
    click(qtbot, page.form.save_button)
    assert kept(journal.path)[1].reach == "0161 496 0000"

    page.rows[1].up_button.setFocus()
    qtbot.keyClick(page.rows[1].up_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: [c.name for c in page.contacts] == ["Alex", "Sam"])
    assert [c.name for c in kept(journal.path)] == ["Alex", "Sam"]
    assert page.rows[0].down_button.hasFocus(), "the focus moves with the contact"
    assert "number 1 of 2" in page.status.text()

    click(qtbot, page.rows[0].remove_button)
    assert [c.name for c in kept(journal.path)] == ["Sam"]
    assert page.undo_button.isVisible() and page.undo_button.hasFocus()
    qtbot.keyClick(page.undo_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(page.contacts) == 2)
    assert [c.name for c in kept(journal.path)] == ["Alex", "Sam"], "back in its place"


def test_a_name_is_needed_and_the_form_says_so_plainly(qtbot, journal):
    page = editor(qtbot, journal)
    click(qtbot, page.add_button)
    page.form.name_field.setText("   ")
    page.form.reach_field.setText("07700 900123")
    save_top = page.form.save_button.y()
    click(qtbot, page.form.save_button)
    assert page.status.isVisible()
    assert page.status.text() == "A name is needed, so you know who this is."
    assert page.form.name_field.hasFocus()
    assert page.form.save_button.y() == save_top, "the message never moves Save"
    assert kept(journal.path) == []
    page.form.name_field.setText("Sam")
    page.form.note_field.setPlainText("x" * 501)
    click(qtbot, page.form.save_button)
    assert "up to 500 characters; this one has 501" in page.status.text()
    assert page.form.note_field.hasFocus()
    assert kept(journal.path) == []


def test_cancel_and_esc_keep_nothing_typed(qtbot, journal):
    save_support_contacts(journal, THREE[:1])
    page = editor(qtbot, journal)
    click(qtbot, page.rows[0].edit_button)
    page.form.name_field.setText("Somebody else")
    click(qtbot, page.form.cancel_button)
    assert not page.form.isVisible() and page.rows[0].edit_button.hasFocus()
    assert kept(journal.path) == THREE[:1]


def test_esc_leaves_the_form_first_then_closes_the_dialog(qtbot, journal):
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(900, 700)
    host.show()
    dialog = SupportDialog(journal, host)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    click(qtbot, dialog.page.add_button)
    qtbot.keyClicks(dialog.page.form.name_field, "Half typed")
    qtbot.keyClick(dialog.page.form.name_field, Qt.Key.Key_Escape)
    assert dialog.isVisible() and not dialog.page.form.isVisible(), "back to the list"
    assert dialog.page.add_button.hasFocus()
    qtbot.keyClick(dialog.page.add_button, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert kept(journal.path) == []


def test_text_is_shown_exactly_as_typed_never_as_markup(qtbot, journal):
    hostile = SupportContact(
        "<b>Sam</b>", "<a href='tel:999'>call</a> &amp;", "<img src=x> \u202eevil\u202c"
    )
    long_reach = SupportContact("Long", "x" * 200, "y" * 500)
    save_support_contacts(journal, [hostile, long_reach])
    page = editor(qtbot, journal, (560, 520))
    texts = shown_texts(page)
    assert "<b>Sam</b>" in texts
    assert "<a href='tel:999'>call</a> &amp;" in texts
    for label in page.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText
    QApplication.processEvents()
    assert clipped_widgets(page) == [], "a 200-character address wraps, nothing goes sideways"
    click(qtbot, page.rows[0].edit_button)
    assert page.form.name_field.text() == "<b>Sam</b>"
    assert "“<b>Sam</b>”" in page.form.heading.text()


def test_a_contact_from_homework_is_marked_and_the_person_can_change_it(qtbot, journal):
    save_support_contacts(journal, [THREE[1]])
    page = editor(qtbot, journal)
    assert "Added by your therapist’s homework" in shown_texts(page)
    click(qtbot, page.rows[0].edit_button)
    assert page.form.homework_line.isVisible()
    click(qtbot, page.form.save_button)  # nothing changed: still from the homework
    assert kept(journal.path)[0].set_by == "therapist"
    click(qtbot, page.rows[0].edit_button)
    page.form.note_field.setPlainText("Ask for the duty worker")
    click(qtbot, page.form.save_button)
    assert kept(journal.path)[0] == SupportContact(
        "Dr Okafor's clinic", "0161 496 0000", "Ask for the duty worker", set_by="person"
    )


def test_a_write_that_fails_keeps_the_form_and_says_why(qtbot, journal, monkeypatch):
    page = editor(qtbot, journal)

    def full_disk(*_args: object) -> None:
        raise JournalWriteFailed("This could not be saved", "The disk is full.")

    monkeypatch.setattr(contacts_page, "save_support_contacts", full_disk)
    add(qtbot, page, "Sam", "07700 900123")
    assert page.form.isVisible(), "what was typed stays on screen"
    assert page.form.name_field.text() == "Sam"
    assert "The disk is full." in page.status.text()
    assert page.contacts == [] and kept(journal.path) == []


def test_at_most_twenty_and_it_says_so(qtbot, journal):
    save_support_contacts(journal, [SupportContact(f"Person {n}") for n in range(MAX_CONTACTS)])
    page = editor(qtbot, journal)
    assert len(page.rows) == MAX_CONTACTS
    assert not page.add_button.isEnabled()
    assert page.full_line.isVisible() and "up to 20 people" in page.full_line.text()


def test_without_a_journal_it_says_the_contacts_cannot_be_read(qtbot, journal):
    page = editor(qtbot, None)
    assert not page.add_button.isVisible()
    assert "cannot be read just now" in page.empty.text()
    assert "no phone numbers of its own" in page.empty.text()
    with journal.writing() as cursor:  # another tool broke the table
        cursor.execute("DROP TABLE support_contacts")
    broken = editor(qtbot, journal)
    assert not broken.readable and "cannot be read just now" in broken.empty.text()


@pytest.mark.parametrize("scale", ["800x600", "text x1.5"])
def test_the_dialog_is_named_and_nothing_cut_off_when_small(qtbot, qapp, journal, scale):
    save_support_contacts(journal, [*THREE, SupportContact("<b>Sam</b>", "z" * 120, "n" * 300)])
    with larger_text(qapp, 1.5 if scale == "text x1.5" else 1.0):
        host = QWidget()
        qtbot.addWidget(host)
        host.resize(780, 520)
        host.show()
        dialog = SupportDialog(journal, host, in_session=True)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        QApplication.processEvents()
        assert dialog.width() <= host.width() and dialog.height() <= host.height()
        assert unnamed_controls(dialog) == []
        assert clipped_widgets(dialog) == []
        assert dialog.session_line.isVisible()
        dialog.page.start_adding()
        dialog.page.save_form()  # no name yet
        QApplication.processEvents()
        assert clipped_widgets(dialog) == []
        status = dialog.page.status
        assert status.isVisible() and status.text().startswith("A name is needed")
        scroller = dialog.page.findChild(QScrollArea)
        assert scroller is not None and not scroller.isAncestorOf(status), "always in view"
        dialog.close()


# -- "Get support" from every screen ---------------------------------------------------------


def tab_to(qtbot: QtBot, target: QPushButton, limit: int = 80) -> None:
    """Press Tab from wherever the focus is until ``target`` has it."""
    for _ in range(limit):
        focused = QApplication.focusWidget()
        if focused is target:
            return
        assert focused is not None, "something always has the focus"
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target.text()!r}")


def at_home(qtbot, window):
    return window.home


def at_checkin(qtbot, window):
    click(qtbot, window.home.cards[0].begin_button)
    return window.screens.checkin_before


def while_listening(qtbot, window):
    start_listening(qtbot, window)
    return window.screens.listening


def at_grounding(qtbot, window):
    click(qtbot, window.header.ground_button)
    return window.screens.grounding


PLACES: dict[str, Callable[[QtBot, MainWindow], QWidget]] = {
    "home": at_home,
    "check-in": at_checkin,
    "listening": while_listening,
    "grounding": at_grounding,
}


@pytest.mark.parametrize("place", PLACES)
def test_get_support_is_reached_by_keyboard_from_every_screen(
    qtbot, data_dir, long_playlist, place
):
    window = open_window(qtbot, data_dir, [long_playlist])
    page = PLACES[place](qtbot, window)
    wait_for_page(qtbot, window, page)
    step = window.flow.step if window.in_session else None
    tab_to(qtbot, window.header.support_button)
    qtbot.keyClick(window.header.support_button, Qt.Key.Key_Return)
    dialog = shown_dialog(qtbot, window)
    assert window.pages.currentWidget() is page, "the page stays as it was, under it"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.page.add_button)
    qtbot.keyClick(dialog.page.add_button, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: no_dialog(window), timeout=WAIT_MS)
    assert window.pages.currentWidget() is page, "Esc closed only the contacts"
    assert (window.flow.step if window.in_session else None) is step
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.header.support_button)


def test_get_support_is_reached_from_the_journal_problem_page(qtbot, data_dir, playlist):
    data_dir.mkdir(mode=0o700)
    (data_dir / "journal.sqlite3").write_bytes(b"not a database" * 100)
    window = open_window(qtbot, data_dir, [playlist])
    assert window.pages.currentWidget() is window.problems.page
    tab_to(qtbot, window.header.support_button)
    qtbot.keyClick(window.header.support_button, Qt.Key.Key_Return)
    dialog = shown_dialog(qtbot, window)
    assert "cannot be read just now" in dialog.page.empty.text()
    assert not dialog.ground_button.isVisible(), "no grounding offered where there is none"
    qtbot.waitUntil(lambda: dialog.close_button.hasFocus(), timeout=WAIT_MS)
    qtbot.keyClick(dialog.close_button, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: no_dialog(window), timeout=WAIT_MS)
    assert window.pages.currentWidget() is window.problems.page


def test_opening_support_during_a_session_keeps_the_music_as_it_was(qtbot, data_dir, long_playlist):
    window = open_window(qtbot, data_dir, [long_playlist])
    start_listening(qtbot, window)
    audio = window.screens.audio
    assert audio is not None and audio.status().state is PlayerState.PLAYING
    dialog = open_support(qtbot, window)
    assert dialog.session_line.isVisible()
    assert "carries on" in dialog.session_line.text()
    started = audio.status().position
    qtbot.waitUntil(lambda: audio.status().position > started, timeout=WAIT_MS)
    assert audio.status().state is PlayerState.PLAYING, "still playing while it is open"
    assert window.flow.step is Step.LISTENING
    click(qtbot, dialog.close_button)
    qtbot.waitUntil(lambda: no_dialog(window), timeout=WAIT_MS)
    assert audio.status().state is PlayerState.PLAYING
    click(qtbot, window.screens.listening.pause_button)
    qtbot.waitUntil(lambda: audio.status().state is PlayerState.PAUSED, timeout=WAIT_MS)
    dialog = open_support(qtbot, window)
    qtbot.keyClick(dialog.close_button, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: no_dialog(window), timeout=WAIT_MS)
    assert audio.status().state is PlayerState.PAUSED, "a paused session stays paused"


def test_grounding_from_get_support_pauses_only_when_chosen(qtbot, data_dir, long_playlist):
    window = open_window(qtbot, data_dir, [long_playlist])
    start_listening(qtbot, window)
    dialog = open_support(qtbot, window)
    assert dialog.ground_button.text() == "Pause and ground myself"
    click(qtbot, dialog.ground_button)
    wait_for_page(qtbot, window, window.screens.grounding)
    assert no_dialog(window)
    audio = window.screens.audio
    assert audio is not None
    qtbot.waitUntil(lambda: audio.status().state is PlayerState.PAUSED, timeout=WAIT_MS)


# -- the offers after a hard moment list the contacts ----------------------------------------


def saved_in(data_dir: Path, contacts: list[SupportContact]) -> None:
    data_dir.mkdir(mode=0o700, exist_ok=True)
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        save_support_contacts(journal, contacts)


def contact_cards(page: QWidget) -> list[str]:
    return [label.text() for label in page.findChildren(QLabel) if label.isVisible()]


def test_the_high_distress_page_lists_the_contacts(qtbot, data_dir, playlist):
    saved_in(data_dir, [SupportContact("<b>Sam</b>", "07700 900123", "Call any time"), THREE[2]])
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.home.cards[0].begin_button)
    window.flow.check_in(CheckIn(Phase.BEFORE, {"distress": 9}))
    support = window.screens.support
    wait_for_page(qtbot, window, support)
    texts = contact_cards(support)
    assert "<b>Sam</b>" in texts, "the brackets show: plain text"
    assert "07700 900123" in texts and "Call any time" in texts and "Tuesday group" in texts
    assert texts.index("<b>Sam</b>") < texts.index("Tuesday group"), "in the person's order"
    assert QApplication.focusWidget() is support.ground_button, "grounding still comes first"


def test_a_craving_of_eight_gets_the_same_offer_with_the_contacts(qtbot, data_dir, playlist):
    saved_in(data_dir, THREE)
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.home.cards[0].begin_button)
    items = items_for(Phase.BEFORE, (CRAVING,))
    window.flow.check_in(CheckIn(Phase.BEFORE, {"distress": 2, "craving": 8}, items=items))
    support = window.screens.support
    wait_for_page(qtbot, window, support)
    assert "Sam" in contact_cards(support)
    words = " ".join(contact_cards(support)).lower()
    assert "risk" not in words and "diagnos" not in words


def test_with_no_one_added_the_offer_says_so_and_offers_to_add(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.home.cards[0].begin_button)
    window.flow.check_in(CheckIn(Phase.BEFORE, {"distress": 9}))
    support = window.screens.support
    wait_for_page(qtbot, window, support)
    listing = support.contacts_list
    assert listing.isVisible() and listing.none_line.isVisible()
    assert "no phone numbers of its own" in listing.none_line.text()
    click(qtbot, listing.edit_button)
    dialog = shown_dialog(qtbot, window)
    add(qtbot, dialog.page, "Sam", "07700 900123")
    click(qtbot, dialog.close_button)
    qtbot.waitUntil(lambda: no_dialog(window), timeout=WAIT_MS)
    assert "Sam" in contact_cards(support), "the offer shows who was just added"
    assert window.flow.step is Step.SUPPORT_BEFORE, "and the choice is still the person's"


def test_distress_that_rose_lists_the_contacts_under_grounding(qtbot, data_dir, playlist):
    saved_in(data_dir, THREE)
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.home.cards[0].begin_button)
    window.flow.check_in(CheckIn(Phase.BEFORE, {"distress": 3}))
    wait_for_page(qtbot, window, window.screens.checkin_after)
    window.flow.check_out(CheckIn(Phase.AFTER, {"distress": 5}))
    summary = window.screens.summary
    wait_for_page(qtbot, window, summary)
    assert summary.care_panel.isVisible() and summary.contacts_list.isVisible()
    texts = contact_cards(summary)
    assert [t for t in texts if t in ("Sam", "Dr Okafor's clinic", "Tuesday group")] == [
        "Sam",
        "Dr Okafor's clinic",
        "Tuesday group",
    ]
    top = summary.contacts_list.mapTo(summary, summary.contacts_list.rect().topLeft()).y()
    assert top > summary.ground_button.mapTo(summary, summary.ground_button.rect().topLeft()).y()


# -- what mtcalm is: first run and About -----------------------------------------------------


def welcome_of(window: MainWindow) -> Welcome | None:
    return next((w for w in window.home.findChildren(Welcome) if w.isVisible()), None)


def test_the_first_run_says_what_mtcalm_is_once(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    welcome = welcome_of(window)
    assert welcome is not None
    assert "not a medical device" in welcome.text.text()
    assert "does not diagnose" in welcome.text.text()
    assert "self-help tool, used alongside care" in welcome.text.text()
    first_begin = window.home.begin_buttons()[0]
    assert QApplication.focusWidget() is first_begin, "it takes no focus"
    assert (
        welcome.mapTo(window.home, welcome.rect().bottomLeft()).y()
        < first_begin.mapTo(window.home, first_begin.rect().topLeft()).y()
    ), "it reads before the choices, and covers none of them"
    click(qtbot, welcome.close_button)
    assert welcome_of(window) is None
    window.close()
    assert json.loads((data_dir / SETTINGS_FILE).read_text())["first_run_shown"] is True
    again = open_window(qtbot, data_dir, [playlist])
    assert welcome_of(again) is None, "once"


def test_a_journal_with_entries_is_no_first_run(qtbot, data_dir, playlist):
    data_dir.mkdir(mode=0o700)
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        session = journal.start_session("playlist:test", "Test", CheckIn(Phase.BEFORE, {}))
        journal.finish_session(session, Outcome.COMPLETED, 60.0)
    window = open_window(qtbot, data_dir, [playlist])
    assert welcome_of(window) is None
    assert window.workspace.settings.first_run_shown


def test_a_wrong_first_run_setting_sets_the_file_aside_like_any_other(data_dir):
    data_dir.mkdir(mode=0o700)
    (data_dir / SETTINGS_FILE).write_text(json.dumps({"version": 1, "first_run_shown": "yes"}))
    loaded = load_settings(data_dir)
    assert loaded.problem is not None and "first_run_shown" in loaded.problem
    assert loaded.settings.first_run_shown is False


def test_about_is_reached_from_your_data_and_says_what_mtcalm_is(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.header.buttons["data"])
    data_page = window.sections.data_page
    click(qtbot, data_page.about_button)
    qtbot.waitUntil(lambda: window.findChild(AboutDialog) is not None)
    about = window.findChild(AboutDialog)
    assert about is not None
    text = " ".join(label.text() for label in about.paragraphs)
    assert "relaxation and self-help tool, used alongside care" in text
    assert "not a medical device" in text and "does not diagnose" in text
    assert "no phone numbers of its own" in text
    for label in about.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText
    qtbot.waitUntil(lambda: about.close_button.hasFocus())
    qtbot.keyClick(about.close_button, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not any(d.isVisible() for d in window.findChildren(AboutDialog)))


# -- the header ------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [1040, 760, 520])
def test_get_support_sits_beside_stop_and_ground_and_looks_apart(
    qtbot, qapp, data_dir, playlist, width
):
    with larger_text(qapp, 1.5 if width == 760 else 1.0):
        window = open_window(qtbot, data_dir, [playlist])
        window.resize(max(width, 540), window.height())
        header = window.header
        header.resize(width, header.height())
        QApplication.processEvents()
        support, ground = header.support_button, header.ground_button
        assert support.isVisible() and ground.isVisible()
        assert support.width() >= support.sizeHint().width(), "never squeezed"
        assert support.geometry().right() < ground.geometry().left(), "just before it"
        assert support.geometry().top() == ground.geometry().top(), "on the same row"
        assert support.property("role") in (None, "") and ground.property("role") == "ground"
        assert support.toolTip() and support.accessibleDescription()
