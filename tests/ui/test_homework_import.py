"""A homework package brought in from the window: dropped on it or chosen under Your data,
shown first, imported only when the person says so, all in plain text."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QLocale, QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from mtcalm.assets import assets_dir, bundled_playlists_dir
from mtcalm.homework.manifest import MANIFEST_NAME, Homework, read_manifest
from mtcalm.homework.package import write_package
from mtcalm.journal.personal import chosen_items
from mtcalm.playlists import load_playlist
from mtcalm.ui.homework_import import HomeworkImporter, HomeworkPreview, preview_sections
from mtcalm.ui.homework_week import HomeworkWeek
from tests.test_homework_manifest import MINIMAL
from tests.ui.helpers import WAIT_MS, click, open_window

EXAMPLE_PACKAGE = assets_dir() / "homework" / "example.mtcalm-homework"


@pytest.fixture
def playlist(make_tone, make_playlist):
    return load_playlist(make_playlist([make_tone("t.wav", seconds=0.8)]))


@pytest.fixture
def window(qtbot, data_dir, playlist):
    return open_window(qtbot, data_dir, [playlist])


class Answers:
    """What the preview was shown, and what the person answers."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.shown: list[Homework] = []
        self.titles: list[dict[str, str]] = []

    def __call__(self, homework: Homework, titles: Mapping[str, str]) -> bool:
        self.shown.append(homework)
        self.titles.append(dict(titles))
        return self.answer


def importer(window, answer: bool) -> tuple[HomeworkImporter, Answers, list[tuple[str, str]]]:
    answers = Answers(answer)
    told: list[tuple[str, str]] = []
    window.tell = lambda short, long, **_: told.append((short, long))
    window._homework_importer = HomeworkImporter(window, ask=answers)
    return window._homework_importer, answers, told


def window_with_homework_this_week(qtbot, data_dir: Path, tmp_path: Path):
    """The window with Settle, and a two-week programme of it starting today, added."""
    settle = load_playlist(bundled_playlists_dir() / "settle.toml")
    window = open_window(qtbot, data_dir, [settle])
    raw = MINIMAL.replace("starts = 2026-12-07", f"starts = {date.today().isoformat()}")
    package = tmp_path / "this-week.mtcalm-homework"
    write_package(package, raw.encode())
    homework_importer, _, _ = importer(window, True)
    with qtbot.waitSignal(homework_importer.imported, timeout=WAIT_MS):
        window.import_homework(package)
    return window


def drop(window, path: Path) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    action = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(
        QPoint(20, 20), action, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted(), "the window takes a homework package"
    dropped = QDropEvent(
        QPointF(20, 20), action, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, dropped)


def test_a_package_dropped_on_the_window_is_shown_then_added(qtbot, window) -> None:
    homework_importer, answers, told = importer(window, True)
    with qtbot.waitSignal(homework_importer.imported, timeout=WAIT_MS):
        drop(window, EXAMPLE_PACKAGE)

    assert [homework.title for homework in answers.shown] == ["Four weeks of settling"]
    journal = window.workspace.journal
    assert journal is not None
    assert [item.key for item in chosen_items(journal)] == [
        "craving",
        "custom-how-lonely-do-you-feel",
    ]
    assert told == [
        ("The homework was added", "“Four weeks of settling” from Your therapist is now in mtcalm.")
    ]
    flagged = journal.reading("SELECT track_key, set_by FROM track_flags")
    assert flagged == [("bundled:music/settle/02-slow-tide.ogg", "therapist")]


def test_saying_no_to_the_preview_adds_nothing(qtbot, window) -> None:
    homework_importer, answers, told = importer(window, False)
    window.import_homework(EXAMPLE_PACKAGE)
    assert len(answers.shown) == 1 and told == []
    assert not homework_importer.busy
    journal = window.workspace.journal
    assert journal is not None and chosen_items(journal) == ()
    assert journal.reading("SELECT count(*) FROM homework") == [(0,)]


def test_a_hostile_package_is_refused_before_any_preview(qtbot, window, tmp_path) -> None:
    escaping = tmp_path / "escaping.mtcalm-homework"
    with zipfile.ZipFile(escaping, "w") as archive:
        archive.writestr(MANIFEST_NAME, MINIMAL)
        archive.writestr("audio/../../x.wav", b"RIFF")
    homework_importer, answers, told = importer(window, True)
    with qtbot.waitSignal(homework_importer.failed, timeout=WAIT_MS):
        window.import_homework(escaping)
    assert answers.shown == []
    assert [short for short, _ in told] == ["This homework package cannot be used"]


def test_other_files_dropped_on_the_window_are_not_taken(qtbot, window, tmp_path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(other))])
    enter = QDragEnterEvent(
        QPoint(20, 20),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def test_your_data_offers_a_package_from_a_file(qtbot, window) -> None:
    homework_importer, answers, _ = importer(window, True)
    window.sections.show_data()
    page = window.sections.data_page
    page.dialogs.choose_homework_file = lambda: EXAMPLE_PACKAGE
    with qtbot.waitSignal(homework_importer.imported, timeout=WAIT_MS):
        click(qtbot, page.homework_button)
    assert len(answers.shown) == 1


def test_the_preview_shows_everything_as_plain_text_and_cancel_has_the_focus(
    qtbot, tmp_path
) -> None:
    raw = MINIMAL.replace('title = "Settle"', 'title = "<b>Bold</b> & <i>x</i>"')
    raw += '[[contact]]\nname = "<a href=\'http://x\'>Sam</a>"\nreach = "555 0100"\n'
    package = tmp_path / "odd.mtcalm-homework"
    write_package(package, raw.encode())
    homework = read_manifest(raw.encode())
    preview = HomeworkPreview(homework)
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitExposed(preview)

    labels = preview.findChildren(QLabel)
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    texts = [label.text() for label in labels]
    assert "<b>Bold</b> & <i>x</i>" in texts
    assert "<a href='http://x'>Sam</a> · 555 0100" in texts
    assert preview.cancel_button.isDefault() and not preview.add_button.isDefault()
    assert preview.focusWidget() is preview.cancel_button


def test_the_preview_says_how_often_in_words() -> None:
    homework = read_manifest((assets_dir() / "homework" / "example" / MANIFEST_NAME).read_bytes())
    sections = dict(preview_sections(homework, {"playlist:settle": "Settle"}))
    monday = QLocale().toString(QDate(2026, 12, 7), QLocale.FormatType.LongFormat)
    assert "2026" in monday, "the date as the person's language writes it"
    assert sections["How often"] == [
        f"3 sessions a week for 4 weeks, from the week of {monday}, at least 15 minutes each;"
        " reminders at 08:30, 20:00."
    ]
    assert sections["To listen to"] == ["Settle", "script:grounding"]
    assert sections["Asked in your check-in"] == [
        "Craving or urge to use",
        "How lonely do you feel?",
    ]
    assert sections["Flagged to avoid"] == ["Slow Tide"]


def test_home_shows_this_weeks_homework_and_begins_it(qtbot, data_dir, tmp_path) -> None:
    settle = load_playlist(bundled_playlists_dir() / "settle.toml")
    window = open_window(qtbot, data_dir, [settle])
    raw = MINIMAL.replace("starts = 2026-12-07", f"starts = {date.today().isoformat()}")
    package = tmp_path / "this-week.mtcalm-homework"
    write_package(package, raw.encode())
    homework_importer, _, _ = importer(window, True)
    assert not window.home.findChildren(HomeworkWeek), "nothing shown before any homework"
    with qtbot.waitSignal(homework_importer.imported, timeout=WAIT_MS):
        window.import_homework(package)

    card = window.home.homework_week
    assert card is not None and card.isVisibleTo(window.home)
    # Home at its top, the focus on the homework just added (a walkthrough found Home scrolled
    # with its title out of sight)
    assert window.pages.currentWidget() is window.home
    assert window.home.scroll_area is not None
    assert window.home.scroll_area.verticalScrollBar().value() == 0
    assert window.focusWidget() is card.begin_buttons[0]
    window.show_section("data")
    window.show_home()  # Home opened again: the homework is still the first Begin on it
    assert window.focusWidget() is card.begin_buttons[0]
    texts = [label.text() for label in card.findChildren(QLabel)]
    assert "Settle, from Dr A" in texts
    assert card.status.text() == ("Week 1 of 2: 3 sessions of 10 minutes or more this week.")
    assert [button.text() for button in card.begin_buttons] == ["Begin “Settle”"]
    # Tab reads the page in order (a walkthrough at 1.5x found the card's Begin left out)
    assert window.home.checkin_button.nextInFocusChain() is card.begin_buttons[0]
    assert card.begin_buttons[0].nextInFocusChain() is card.reminders_button
    assert card.reminders_button.nextInFocusChain() is card.leave_button
    click(qtbot, card.begin_buttons[0])
    assert window.pages.currentWidget() is window.screens.checkin_before


def test_stopping_homework_asks_first_and_keeps_its_history(qtbot, data_dir, tmp_path) -> None:
    window = window_with_homework_this_week(qtbot, data_dir, tmp_path)
    card = window.home.homework_week
    assert card is not None
    asked: list[tuple[str, str, str]] = []

    def answer(button_text: str) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append((box.text(), box.informativeText(), box.defaultButton().text()))
        next(b for b in box.buttons() if b.text() == button_text).click()

    QTimer.singleShot(0, lambda: answer("Keep it"))
    click(qtbot, card.leave_button)
    assert window.home.homework_week is card, "kept: nothing changed"
    assert asked[0][0] == "Stop “Settle”?"
    assert "Every session you listened to stays in your journal" in asked[0][1]
    assert asked[0][2] == "Keep it", "the careful answer is the default"

    QTimer.singleShot(0, lambda: answer("Stop this homework"))
    click(qtbot, card.leave_button)
    qtbot.waitUntil(lambda: window.home.homework_week is None, timeout=WAIT_MS)
    journal = window.workspace.journal
    assert journal is not None
    (left_at,) = journal.reading("SELECT left_at FROM homework")[0]
    assert isinstance(left_at, str) and left_at.startswith(date.today().isoformat())


def test_reminders_open_from_the_homework_card(qtbot, data_dir, tmp_path) -> None:
    from mtcalm.ui.reminders import RemindersDialog

    window = window_with_homework_this_week(qtbot, data_dir, tmp_path)
    card = window.home.homework_week
    assert card is not None
    click(qtbot, card.reminders_button)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), RemindersDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, RemindersDialog)
    assert window.reminders is not None and window.reminders.week is not None
    dialog.reminders_box.setChecked(False)
    qtbot.waitUntil(lambda: not window.workspace.settings.reminders_on, timeout=WAIT_MS)
    dialog.close()


def test_the_journal_shows_each_week_of_homework_kindly(qtbot, data_dir, tmp_path) -> None:
    from mtcalm.ui.homework_history import HomeworkPage

    window = window_with_homework_this_week(qtbot, data_dir, tmp_path)
    window.show_section("journal")
    journal_page = window.sections.journal
    qtbot.waitUntil(journal_page.homework_button.isVisible, timeout=WAIT_MS)
    click(qtbot, journal_page.homework_button)
    page = window.pages.currentWidget()
    assert isinstance(page, HomeworkPage)
    texts = page.view.texts()
    assert "Settle" in " ".join(texts)
    assert any("No listening yet this week." in text for text in texts), texts
    click(qtbot, page.back_button)
    assert window.pages.currentWidget() is journal_page


def test_the_preview_names_a_packages_own_playlist_by_its_title(
    qtbot, window, tmp_path, make_tone
) -> None:
    """Not by its file name (the editor's helper found "rain (comes with this homework)")."""
    from tests.test_homework_import import with_music

    package = with_music(tmp_path, make_tone)
    homework_importer, answers, _ = importer(window, False)
    homework_importer.import_file(package)
    assert answers.titles == [{"playlists/rain.toml": "Rain", "playlist:settle": "Settle"}]
    sections = dict(preview_sections(answers.shown[0], answers.titles[0]))
    assert sections["To listen to"] == ["Settle", "Rain (comes with this homework)"]


def test_a_package_opened_while_a_preview_is_up_waits_its_turn(qtbot, window, tmp_path) -> None:
    """A review found a second open (a file manager, a second launch) stacked a second preview
    on the first, and accepting both ran two imports at once."""
    nested: list[int] = []
    answers = Answers(False)

    def ask(homework: Homework, titles: Mapping[str, str]) -> bool:
        answers(homework, titles)
        nested.append(len(answers.shown))
        window.open_file(EXAMPLE_PACKAGE)  # arrives while this preview is open
        return False

    window.tell = lambda *_args, **_kw: None
    window._homework_importer = HomeworkImporter(window, ask=ask)
    window.open_file(EXAMPLE_PACKAGE)
    assert nested == [1], "the second open did not stack a preview on the first"
    window.open_file(EXAMPLE_PACKAGE)  # once the first is answered, the next one is offered
    assert len(answers.shown) == 2


def test_home_and_the_journal_count_a_week_the_same_way(qtbot) -> None:
    """A walkthrough found Home saying "1 of 3" while Journal › Homework said "2 times" and
    review "2 of 3": each counts sessions that reached the minimum against those asked."""
    from mtcalm.homework.adherence import ThisWeek, WeekAdherence
    from mtcalm.homework.programmes import Programme, State
    from mtcalm.ui.adherence_view import kind_week_words, plain_rows
    from mtcalm.ui.homework_week import week_words

    homework = read_manifest(MINIMAL.encode())
    week = WeekAdherence(1, date(2026, 12, 7), 3, 2, 1, 1, 1, 27.0)
    home = week_words(ThisWeek(homework, week))
    assert home == (
        "Week 1 of 2: 1 of 3 sessions of 10 minutes or more so far this week; "
        "27 minutes listened in all."
    )
    programme = Programme(
        id=homework.id,
        revision=1,
        title=homework.title,
        therapist="Dr A",
        imported_on=date(2026, 12, 1),
        state=State.IN_PROGRESS,
        homework=homework,
        weeks=(week,),
    )
    kind = kind_week_words(programme, week, date(2026, 12, 9))
    assert "1 of 3 sessions of 10 minutes or more" in kind and "twice" not in home
    assert plain_rows(programme, date(2026, 12, 9))[0][4] == "1 of 3 so far"


def test_a_packages_own_playlist_can_be_begun_from_home(
    qtbot, data_dir, tmp_path, make_tone
) -> None:
    """A walkthrough found the card offering only mtcalm's own music: the package's playlist,
    unpacked into the data folder, was never read."""
    from tests.test_homework_import import with_music

    settle = load_playlist(bundled_playlists_dir() / "settle.toml")
    window = open_window(qtbot, data_dir, [settle])
    homework_importer, _, _ = importer(window, True)
    with qtbot.waitSignal(homework_importer.imported, timeout=WAIT_MS):
        window.import_homework(with_music(tmp_path, make_tone))
    journal = window.workspace.journal
    assert journal is not None
    with journal.writing() as cursor:  # its one track is flagged to avoid: the person unflags it
        cursor.execute("DELETE FROM track_flags")
    window.sections.flags_changed_elsewhere()
    card = window.home.homework_week
    assert card is not None
    assert [button.text() for button in card.begin_buttons] == ["Begin “Settle”", "Begin “Rain”"]
    (rain,) = window.catalogue.homework_playlists
    assert rain.tracks[0].path.is_relative_to(data_dir / "homework")
    click(qtbot, card.begin_buttons[1])
    assert window.pages.currentWidget() is window.screens.checkin_before


def test_long_titles_on_the_homework_card_wrap_instead_of_being_cut(qtbot) -> None:
    """A screenshot showed 'n “Here and now: ground' squeezed between two other Begins."""
    from mtcalm.homework.adherence import ThisWeek

    homework = read_manifest(MINIMAL.encode())
    titles = ["Settle", "Here and now: grounding", "From our session in November"]
    card = HomeworkWeek(ThisWeek(homework, None), [(title, object()) for title in titles])
    qtbot.addWidget(card)
    card.setFixedWidth(520)  # as in a narrow window: the page is no wider
    card.show()
    qtbot.waitExposed(card)
    qtbot.waitUntil(lambda: card.begin_buttons[0].width() > 0)
    for button in card.begin_buttons:
        assert button.width() >= button.sizeHint().width(), button.text()
        assert button.mapTo(card, button.rect().topRight()).x() <= card.width()
