"""The "My music" page with real widgets, real audio files and a real journal."""

from __future__ import annotations

import shutil
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QPushButton, QScrollArea, QTableView
from pytestqt.qtbot import QtBot

from mtcalm import library
from mtcalm.audio.info_cache import AudioInfoCache
from mtcalm.audio.metadata import AudioInfo
from mtcalm.journal.store import Journal
from mtcalm.track_flags import track_key
from mtcalm.ui import library_page
from mtcalm.ui.library_dialogs import LibraryDialogs
from mtcalm.ui.library_models import LibraryTracksModel
from mtcalm.ui.library_page import LibraryPage
from mtcalm.workspace import Workspace
from tests.conftest import ToneMaker
from tests.ui.helpers import click

WAIT_MS = 15000
SCAN_THREAD = "mtcalm-library-scan"


class AnsweringDialogs(LibraryDialogs):
    """Answers the page's questions from lists, and remembers what was asked."""

    def __init__(self) -> None:  # no parent: never opens a window
        self.folders: list[Path | None] = []
        self.files: list[list[Path]] = []
        self.titles: list[str | None] = []
        self.confirmations: list[bool] = []
        self.imports: list[Path | None] = []
        self.exports: list[Path | None] = []
        self.asked: list[str] = []

    def choose_folder(self) -> Path | None:
        return self.folders.pop(0)

    def choose_audio_files(self) -> list[Path]:
        return self.files.pop(0)

    def ask_title(self, caption: str, label: str, current: str = "") -> str | None:
        self.asked.append(f"{caption}: {label} [{current}]")
        return self.titles.pop(0)

    def confirm(self, caption: str, text: str, action: str) -> bool:
        self.asked.append(text)
        return self.confirmations.pop(0)

    def choose_m3u_to_import(self) -> Path | None:
        return self.imports.pop(0)

    def choose_m3u_to_export(self, suggested_name: str) -> Path | None:
        self.asked.append(f"export as {suggested_name}")
        return self.exports.pop(0)


@pytest.fixture
def workspace(data_dir: Path) -> Iterator[Workspace]:
    opened = Workspace.open(data_dir)
    yield opened
    opened.close()


@pytest.fixture
def dialogs() -> AnsweringDialogs:
    return AnsweringDialogs()


PageMaker = Callable[..., LibraryPage]


@pytest.fixture
def make_page(qtbot: QtBot, workspace: Workspace, dialogs: AnsweringDialogs) -> Iterator[PageMaker]:
    made: list[LibraryPage] = []

    def make(journal: Journal | str | None = "open", **options: Any) -> LibraryPage:
        chosen = workspace.journal if journal == "open" else journal
        assert not isinstance(chosen, str)
        page = LibraryPage(workspace.data_dir, chosen, dialogs=dialogs, **options)
        qtbot.addWidget(page)
        page.resize(1024, 700)
        page.show()
        qtbot.waitExposed(page)
        made.append(page)
        return page

    yield make
    for page in made:
        page.shutdown()


@pytest.fixture
def music(make_tone: ToneMaker, tmp_path: Path) -> Path:
    """A folder with three tones (one in a subfolder), a damaged file and an empty one."""
    make_tone("music/harbour.wav", seconds=0.4, frequency=330)
    make_tone("music/tide.wav", seconds=0.3, frequency=440)
    make_tone("music/deeper/rain.wav", seconds=0.2, frequency=550)
    folder = tmp_path / "audio" / "music"
    (folder / "damaged.ogg").write_bytes(b"<b>not</b> audio at all " * 20)
    (folder / "empty.mp3").write_bytes(b"")
    (folder / "notes.txt").write_text("not music", encoding="utf-8")
    return folder


def wait_for_scan(qtbot: QtBot, page: LibraryPage) -> None:
    qtbot.waitUntil(lambda: page.scan is None, timeout=WAIT_MS)


def table_column(
    view: QTableView, column: int, role: int = Qt.ItemDataRole.DisplayRole
) -> list[Any]:
    model = view.model()
    return [model.index(row, column).data(role) for row in range(model.rowCount())]


def titles(page: LibraryPage) -> list[str]:
    return table_column(page.tracks_table, 1)


def select_rows(view: QTableView, *rows: int) -> None:
    selection = view.selectionModel()
    selection.clearSelection()
    for row in rows:
        selection.select(
            view.model().index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    selection.setCurrentIndex(
        view.model().index(rows[-1], 0), QItemSelectionModel.SelectionFlag.NoUpdate
    )


def row_titled(page: LibraryPage, title: str) -> int:
    return titles(page).index(title)


def scan_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == SCAN_THREAD]


def slow_scans(
    monkeypatch: pytest.MonkeyPatch, seconds_per_file: float, reads: list[Path] | None = None
) -> list[int]:
    """Make each file take a while to read (noted in ``reads``); returns the ids of the
    threads that scanned."""
    real_scan = library.scan_library
    threads: list[int] = []

    class SlowCache:
        def __init__(self, cache: AudioInfoCache) -> None:
            self.cache = cache

        def read(self, path: Path, status: Any = None) -> AudioInfo:
            if reads is not None:
                reads.append(path)
            time.sleep(seconds_per_file)
            return self.cache.read(path, status)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.cache, name)

    def scan(roots: Any, cache: AudioInfoCache, **options: Any) -> library.ScanResult:
        threads.append(threading.get_ident())
        return real_scan(roots, SlowCache(cache), **options)  # type: ignore[arg-type]

    monkeypatch.setattr(library_page, "scan_library", scan)
    return threads


def many_tones(make_tone: ToneMaker, count: int) -> Path:
    first = make_tone("many/tone-000.wav", seconds=0.05)
    for number in range(1, count):
        shutil.copy(first, first.with_name(f"tone-{number:03d}.wav"))
    return first.parent


# -- your music -----------------------------------------------------------------------------------


def test_an_empty_library_explains_kindly_and_offers_nothing_it_cannot_do(
    make_page: PageMaker,
) -> None:
    page = make_page()
    assert page.empty.isVisible()
    assert "add a folder" in page.empty.text()
    # One clear, filled action; nothing disabled and no unlabelled box waiting for music.
    assert page.add_folder_button.property("role") == "primary"
    assert page.add_folder_button.isVisible() and page.add_files_button.isVisible()
    for hidden in (
        page.remove_root_button,
        page.rescan_button,
        page.roots_list,
        page.tracks_table,
        page.track_actions,
        page.add_target,
        page.broken_table,
    ):
        assert not hidden.isVisible(), hidden.accessibleName()
    section = page.playlists_section
    assert section.empty.isVisible()
    assert "New playlist…" in section.empty.text()
    for hidden in (section.list, section.rename_button, section.delete_button):
        assert not hidden.isVisible(), hidden.accessibleName()
    assert not section.export_button.isVisible()
    assert section.new_button.isEnabled() and section.import_button.isEnabled()
    assert section.import_button.text() == "Add a playlist file (M3U)…"
    assert section.export_button.text() == "Save as a playlist file (M3U)…"
    assert page.no_flags.isVisible()
    shown = [button for button in page.findChildren(QPushButton) if button.isVisible()]
    assert shown and all(button.isEnabled() for button in shown), [
        button.text() for button in shown if not button.isEnabled()
    ]


def test_once_music_is_added_the_folder_button_is_no_longer_the_main_action(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path
) -> None:
    page = scanned_page(qtbot, make_page, dialogs, music)
    assert page.add_folder_button.property("role") is None
    assert page.roots_list.currentRow() == 0 and page.remove_root_button.isEnabled()
    assert page.track_actions.isVisible()
    assert not page.add_group.isVisible(), "no playlist to add to yet"
    dialogs.titles.append("Evening")
    click(qtbot, page.playlists_section.new_button)
    assert page.add_group.isVisible()


def test_adding_a_folder_scans_it_off_the_ui_thread_and_lists_tracks_and_broken_files(
    qtbot: QtBot,
    make_page: PageMaker,
    dialogs: AnsweringDialogs,
    music: Path,
    monkeypatch: pytest.MonkeyPatch,
    data_dir: Path,
) -> None:
    scanning_threads = slow_scans(monkeypatch, 0.05)
    page = make_page()
    dialogs.folders.append(music)
    click(qtbot, page.add_folder_button)

    assert page.scan_row.isVisible()
    assert page.cancel_button.isEnabled()
    assert not page.rescan_button.isEnabled()
    qtbot.waitUntil(lambda: " of 5 files" in page.scan_status.text(), timeout=WAIT_MS)
    wait_for_scan(qtbot, page)

    assert scanning_threads and threading.get_ident() not in scanning_threads
    assert not page.scan_row.isVisible()
    assert sorted(titles(page)) == ["harbour", "rain", "tide"]
    assert set(table_column(page.tracks_table, 4)) == {"WAV"}
    assert page.tracks_table.isVisible()
    assert not page.empty.isVisible()
    files = table_column(page.broken_table, 0)
    reasons = dict(zip(files, table_column(page.broken_table, 1), strict=True))
    assert set(reasons) == {str(music / "damaged.ogg"), str(music / "empty.mp3")}
    assert all(reason for reason in reasons.values())
    assert page.broken_table.isVisible()
    assert "3 tracks" in page.summary.text()
    assert "2 files could not be read" in page.summary.text()
    assert [page.roots_list.item(0).text()] == [str(music)]
    assert (data_dir / "library.json").is_file()


def test_the_track_table_sorts_by_any_column(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path
) -> None:
    page = make_page()
    dialogs.folders.append(music)
    click(qtbot, page.add_folder_button)
    wait_for_scan(qtbot, page)
    assert titles(page) == ["harbour", "rain", "tide"]
    page.tracks_table.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # length
    assert titles(page) == ["rain", "tide", "harbour"]
    page.tracks_table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert titles(page) == ["tide", "rain", "harbour"]


def test_a_rescan_of_an_unchanged_folder_shows_the_same(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path
) -> None:
    page = make_page()
    dialogs.folders.append(music)
    click(qtbot, page.add_folder_button)
    wait_for_scan(qtbot, page)
    before = (titles(page), table_column(page.broken_table, 0), page.summary.text())
    click(qtbot, page.rescan_button)
    wait_for_scan(qtbot, page)
    assert (titles(page), table_column(page.broken_table, 0), page.summary.text()) == before


def test_a_page_opened_later_scans_the_saved_library_by_itself(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path
) -> None:
    first = make_page()
    dialogs.folders.append(music)
    click(qtbot, first.add_folder_button)
    wait_for_scan(qtbot, first)
    second = make_page()
    wait_for_scan(qtbot, second)
    assert sorted(titles(second)) == ["harbour", "rain", "tide"]


def test_cancelling_a_long_scan_stops_it_midway_and_keeps_the_page_usable(
    qtbot: QtBot,
    make_page: PageMaker,
    dialogs: AnsweringDialogs,
    make_tone: ToneMaker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = many_tones(make_tone, 200)
    slow_scans(monkeypatch, 0.03)  # about 6 s for the whole folder
    page = make_page()
    dialogs.folders.append(folder)
    click(qtbot, page.add_folder_button)
    qtbot.waitUntil(lambda: page.progress.value() >= 10, timeout=WAIT_MS)
    assert " of 200 files" in page.scan_status.text()
    # The page answers while the scan runs: a playlist can be made meanwhile.
    dialogs.titles.append("During the scan")
    click(qtbot, page.playlists_section.new_button)
    assert page.playlists_section.list.count() == 1

    click(qtbot, page.cancel_button)
    wait_for_scan(qtbot, page)
    assert not scan_threads()
    shown = page.tracks_model.rowCount()
    assert 0 < shown < 200
    assert "stopped before the end" in page.summary.text()
    assert page.rescan_button.isEnabled()


def test_adding_files_one_by_one_and_removing_a_place(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path, tmp_path: Path
) -> None:
    page = make_page()
    missing = tmp_path / "nowhere.ogg"
    dialogs.files.append([music / "tide.wav", missing])
    click(qtbot, page.add_files_button)
    assert "Some files were not added" in page.notice.text()
    assert str(missing) in page.notice.text()
    wait_for_scan(qtbot, page)
    assert titles(page) == ["tide"]

    page.roots_list.setCurrentRow(0)
    click(qtbot, page.remove_root_button)
    wait_for_scan(qtbot, page)
    assert page.roots_list.count() == 0
    assert page.tracks_model.rowCount() == 0
    assert page.empty.isVisible()
    assert (music / "tide.wav").is_file()  # the music itself is never touched


def test_choosing_something_that_is_not_a_folder_is_said_calmly(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path
) -> None:
    page = make_page()
    dialogs.folders.append(music / "tide.wav")
    click(qtbot, page.add_folder_button)
    assert page.notice.isVisible()
    assert "is not a folder" in page.notice.text()
    assert page.scan is None
    dialogs.folders.append(None)  # cancelled: nothing changes
    click(qtbot, page.add_folder_button)
    assert page.roots_list.count() == 0


def test_a_scan_that_fails_is_said_calmly_and_can_be_tried_again(
    qtbot: QtBot,
    make_page: PageMaker,
    dialogs: AnsweringDialogs,
    music: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_scan(*_: object, **__: object) -> library.ScanResult:
        raise OSError("the disk went away")

    monkeypatch.setattr(library_page, "scan_library", broken_scan)
    page = make_page()
    dialogs.folders.append(music)
    click(qtbot, page.add_folder_button)
    wait_for_scan(qtbot, page)
    assert "could not be looked through: the disk went away" in page.notice.text()
    assert not page.scan_row.isVisible()
    assert page.rescan_button.isEnabled()
    monkeypatch.setattr(library_page, "scan_library", library.scan_library)
    click(qtbot, page.rescan_button)
    wait_for_scan(qtbot, page)
    assert page.tracks_model.rowCount() == 3


def test_shutdown_during_a_scan_leaves_no_thread_running(
    qtbot: QtBot,
    make_page: PageMaker,
    dialogs: AnsweringDialogs,
    make_tone: ToneMaker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = many_tones(make_tone, 100)
    reads: list[Path] = []
    slow_scans(monkeypatch, 0.05, reads)
    page = make_page()
    dialogs.folders.append(folder)
    click(qtbot, page.add_folder_button)
    qtbot.waitUntil(lambda: page.progress.value() >= 2, timeout=WAIT_MS)
    assert scan_threads()
    read_before = len(reads)
    page.shutdown()
    assert len(reads) <= read_before + 1, "closing does not wait for the rest of the scan"
    assert not scan_threads()
    assert page.scan is None
    page.start_scan()  # after shutdown nothing starts again
    assert page.scan is None and not scan_threads()


def test_closing_the_page_during_a_scan_cancels_it(
    qtbot: QtBot,
    make_page: PageMaker,
    dialogs: AnsweringDialogs,
    make_tone: ToneMaker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = many_tones(make_tone, 100)
    slow_scans(monkeypatch, 0.05)
    page = make_page()
    dialogs.folders.append(folder)
    click(qtbot, page.add_folder_button)
    qtbot.waitUntil(lambda: page.progress.value() >= 2, timeout=WAIT_MS)
    page.close()
    assert not scan_threads()
    qtbot.wait(100)  # news still queued from the thread is dropped, not shown


def test_thousands_of_tracks_sort_with_their_flags_kept_on_the_right_rows() -> None:
    tracks = [
        library.LibraryTrack(Path(f"/music/{n:05d}.ogg"), f"Track {n:05d}", "", "", n % 997, "Opus")
        for n in range(5000)
    ]
    model = LibraryTracksModel()
    model.set_tracks(tracks, [str(track.path) for track in tracks])
    model.set_flagged({"/music/00996.ogg"})
    model.sort(model.column_of("length"), Qt.SortOrder.DescendingOrder)
    assert model.rowCount() == 5000
    assert model.track(0).duration == 996
    flagged = [row for row in range(5000) if model.is_flagged(row)]
    assert [model.track(row).title for row in flagged] == ["Track 00996"]
    assert model.index(flagged[0], 0).data() == "Flagged"
    model.sort(model.column_of("flag"), Qt.SortOrder.AscendingOrder)
    assert model.track(0).title == "Track 00996"


# -- playlists ------------------------------------------------------------------------------------


def playlist_file(data_dir: Path, playlist_id: str) -> dict[str, Any]:
    return tomllib.loads((data_dir / "playlists" / f"{playlist_id}.toml").read_text("utf-8"))


def scanned_page(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path
) -> LibraryPage:
    page = make_page()
    dialogs.folders.append(music)
    click(qtbot, page.add_folder_button)
    wait_for_scan(qtbot, page)
    return page


def test_make_fill_rename_reorder_and_delete_a_playlist(
    qtbot: QtBot,
    make_page: PageMaker,
    dialogs: AnsweringDialogs,
    music: Path,
    data_dir: Path,
) -> None:
    page = scanned_page(qtbot, make_page, dialogs, music)
    section = page.playlists_section
    changes: list[None] = []
    page.playlists_changed.connect(lambda: changes.append(None))

    dialogs.titles.append("Evening calm")
    click(qtbot, section.new_button)
    assert section.list.currentItem().text().startswith("Evening calm")
    assert playlist_file(data_dir, "evening-calm")["playlist"]["title"] == "Evening calm"
    assert page.add_target.currentText() == "Evening calm"

    select_rows(page.tracks_table, 0, 1, 2)  # harbour, rain, tide
    click(qtbot, page.add_button)
    entries = [track["file"] for track in playlist_file(data_dir, "evening-calm")["track"]]
    assert [Path(entry).stem for entry in entries] == ["harbour", "rain", "tide"]
    assert table_column(section.tracks, 2) == ["harbour", "rain", "tide"]

    # Move down with the button, then back up with Ctrl+Up from the keyboard.
    select_rows(section.tracks, 0)
    click(qtbot, section.down_button)
    assert table_column(section.tracks, 2) == ["rain", "harbour", "tide"]
    assert section.selected_track_row() == 1
    section.tracks.setFocus()
    qtbot.keyClick(section.tracks, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert table_column(section.tracks, 2) == ["rain", "tide", "harbour"]
    qtbot.keyClick(section.tracks, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(section.tracks, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert table_column(section.tracks, 2) == ["harbour", "rain", "tide"]
    assert not section.up_button.isEnabled()  # the first track goes no higher
    entries = [track["file"] for track in playlist_file(data_dir, "evening-calm")["track"]]
    assert [Path(entry).stem for entry in entries] == ["harbour", "rain", "tide"]

    select_rows(section.tracks, 1)
    click(qtbot, section.remove_button)
    assert table_column(section.tracks, 2) == ["harbour", "tide"]
    assert (music / "deeper" / "rain.wav").is_file()

    dialogs.titles.append("Quiet evening")
    click(qtbot, section.rename_button)
    assert "[Evening calm]" in dialogs.asked[-1]
    assert playlist_file(data_dir, "evening-calm")["playlist"]["title"] == "Quiet evening"
    assert section.list.currentItem().text().startswith("Quiet evening")
    assert page.add_target.currentText() == "Quiet evening"

    dialogs.confirmations.append(False)
    click(qtbot, section.delete_button)
    assert "deleted folder" in dialogs.asked[-1] and "restored by hand" in dialogs.asked[-1]
    assert (data_dir / "playlists" / "evening-calm.toml").is_file()
    dialogs.confirmations.append(True)
    click(qtbot, section.delete_button)
    assert not (data_dir / "playlists" / "evening-calm.toml").exists()
    kept = list((data_dir / "playlists" / "deleted").glob("evening-calm.*.toml"))
    assert len(kept) == 1
    assert section.list.count() == 0 and section.empty.isVisible()
    assert page.add_target.count() == 0 and not page.add_button.isEnabled()
    assert len(changes) >= 6
    assert page.own_playlists() == []


def test_playlist_mistakes_are_said_calmly(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs
) -> None:
    page = make_page()
    section = page.playlists_section
    dialogs.titles.append("   ")
    click(qtbot, section.new_button)
    assert section.notice.isVisible() and "needs a title" in section.notice.text()
    dialogs.titles.append("x" * 500)
    click(qtbot, section.new_button)
    assert "at most" in section.notice.text()
    dialogs.titles.append(None)  # cancelled
    click(qtbot, section.new_button)
    assert section.list.count() == 0


def test_a_missing_track_stays_listed_as_missing(
    qtbot: QtBot,
    make_page: PageMaker,
    dialogs: AnsweringDialogs,
    music: Path,
) -> None:
    page = scanned_page(qtbot, make_page, dialogs, music)
    dialogs.titles.append("Mixed")
    click(qtbot, page.playlists_section.new_button)
    select_rows(page.tracks_table, row_titled(page, "harbour"), row_titled(page, "tide"))
    click(qtbot, page.add_button)
    (music / "tide.wav").unlink()
    page.playlists_section.reload()
    section = page.playlists_section
    assert table_column(section.tracks, 2) == ["harbour", "tide"]
    status = table_column(section.tracks, 3)
    assert status[0] == "0:00"
    assert status[1].startswith("Missing")


def test_titles_from_files_are_shown_as_plain_text(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs
) -> None:
    page = make_page()
    dialogs.titles.append("<b>Bold</b> & calm")
    click(qtbot, page.playlists_section.new_button)
    assert page.playlists_section.list.currentItem().text().startswith("<b>Bold</b> & calm")
    assert page.playlists_section.tracks_heading.textFormat() == Qt.TextFormat.PlainText
    assert page.playlists_section.tracks_heading.text() == "<b>Bold</b> & calm"


def test_m3u_export_and_import_round_trip(
    qtbot: QtBot,
    make_page: PageMaker,
    dialogs: AnsweringDialogs,
    music: Path,
    tmp_path: Path,
    data_dir: Path,
) -> None:
    page = scanned_page(qtbot, make_page, dialogs, music)
    section = page.playlists_section
    dialogs.titles.append("Travel")
    click(qtbot, section.new_button)
    select_rows(page.tracks_table, row_titled(page, "tide"), row_titled(page, "harbour"))
    click(qtbot, page.add_button)
    order = table_column(section.tracks, 2)

    exported = tmp_path / "export" / "travel"
    exported.parent.mkdir()
    dialogs.exports.append(exported)  # no suffix: .m3u8 is added
    click(qtbot, section.export_button)
    written = exported.with_name("travel.m3u8")
    assert written.is_file()
    assert "export as Travel.m3u8" in dialogs.asked
    assert "#PLAYLIST:Travel" in written.read_text("utf-8")
    assert "Saved as" in section.notice.text()

    dialogs.exports.append(written)
    dialogs.confirmations.append(False)  # asked before replacing: no
    before = written.read_bytes()
    written.write_text("#EXTM3U\n", encoding="utf-8")
    click(qtbot, section.export_button)
    assert "exists already" in dialogs.asked[-1]
    assert written.read_text("utf-8") == "#EXTM3U\n"
    dialogs.exports.append(written)
    dialogs.confirmations.append(True)
    click(qtbot, section.export_button)
    assert written.read_bytes() == before

    dialogs.imports.append(written)
    click(qtbot, section.import_button)
    assert "was added from the playlist file" in section.notice.text()
    imported = section.selected()
    assert imported is not None and imported.id != "travel"
    assert imported.title == "Travel"
    assert [track.path for track in imported.tracks] == [
        track.path for track in page.own_playlists()[0].tracks
    ]
    assert table_column(section.tracks, 2) == order
    assert len(list((data_dir / "playlists").glob("*.toml"))) == 2


def test_bad_m3u_files_and_unwritable_exports_are_said_calmly(
    qtbot: QtBot,
    make_page: PageMaker,
    dialogs: AnsweringDialogs,
    music: Path,
    tmp_path: Path,
) -> None:
    page = make_page()
    section = page.playlists_section
    binary = tmp_path / "binary.m3u"
    binary.write_bytes(bytes(range(256)) * 4)
    dialogs.imports.append(binary)
    click(qtbot, section.import_button)
    assert "could not be added" in section.notice.text()
    assert section.list.count() == 0

    web_only = tmp_path / "web.m3u8"
    web_only.write_text("#EXTM3U\nhttps://example.org/stream.mp3\n", encoding="utf-8")
    dialogs.imports.append(web_only)
    click(qtbot, section.import_button)
    assert "nothing to import" in section.notice.text()

    with_missing = tmp_path / "some.m3u8"
    with_missing.write_text(f"#EXTM3U\n{music / 'tide.wav'}\ngone.ogg\n", encoding="utf-8")
    dialogs.imports.append(with_missing)
    click(qtbot, section.import_button)
    assert "need a look" in section.notice.text() and "gone.ogg" in section.notice.text()
    assert table_column(section.tracks, 2) == ["tide", "gone"]
    assert table_column(section.tracks, 3)[1].startswith("Missing")

    dialogs.exports.append(tmp_path / "no" / "such" / "folder" / "out.m3u8")
    click(qtbot, section.export_button)
    assert "could not be saved" in section.notice.text()


# -- trigger flags --------------------------------------------------------------------------------


def test_flagging_a_track_marks_it_everywhere_and_keeps_it_in_the_journal(
    qtbot: QtBot,
    make_page: PageMaker,
    dialogs: AnsweringDialogs,
    music: Path,
    workspace: Workspace,
) -> None:
    page = scanned_page(qtbot, make_page, dialogs, music)
    journal = workspace.journal
    assert journal is not None
    dialogs.titles.append("Evening")
    click(qtbot, page.playlists_section.new_button)
    select_rows(page.tracks_table, row_titled(page, "harbour"), row_titled(page, "tide"))
    click(qtbot, page.add_button)
    flag_news: list[None] = []
    page.flags_changed.connect(lambda: flag_news.append(None))

    select_rows(page.tracks_table, row_titled(page, "tide"))
    assert page.flag_button.isEnabled() and not page.unflag_button.isEnabled()
    click(qtbot, page.flag_button)

    key = track_key(music / "tide.wav", page._assets_root)
    assert set(journal.flagged_tracks()) == {key}
    assert journal.flagged_tracks()[key].title == "tide"
    assert flag_news == [None]
    row = row_titled(page, "tide")
    marks = table_column(page.tracks_table, 0)
    assert marks[row] == "Flagged"
    assert [mark for index, mark in enumerate(marks) if index != row] == [None, None]
    chip = page.tracks_model.index(row, 0).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(chip, QColor)
    assert table_column(page.playlists_section.tracks, 1) == [None, "Flagged"]
    assert table_column(page.flagged_table, 1) == ["tide"]
    assert table_column(page.flagged_table, 0) == ["Flagged"]
    assert not page.no_flags.isVisible()
    assert page.unflag_button.isEnabled() and not page.flag_button.isEnabled()

    # Flag the other one from the playlist, then take it off from the list of flags.
    select_rows(page.playlists_section.tracks, 0)
    click(qtbot, page.playlists_section.flag_button)
    assert len(journal.flagged_tracks()) == 2
    assert table_column(page.flagged_table, 1) == ["harbour", "tide"]
    select_rows(page.flagged_table, 0)
    click(qtbot, page.remove_flag_button)
    assert set(journal.flagged_tracks()) == {key}
    assert table_column(page.playlists_section.tracks, 1) == [None, "Flagged"]

    select_rows(page.tracks_table, row_titled(page, "tide"))
    click(qtbot, page.unflag_button)
    assert journal.flagged_tracks() == {}
    assert table_column(page.tracks_table, 0) == [None, None, None]
    assert table_column(page.playlists_section.tracks, 1) == [None, None]
    assert page.no_flags.isVisible() and not page.flagged_table.isVisible()
    assert len(flag_news) == 4


def test_flags_from_elsewhere_including_bundled_tracks_are_listed_and_removable(
    qtbot: QtBot, make_page: PageMaker, workspace: Workspace
) -> None:
    journal = workspace.journal
    assert journal is not None
    page = make_page()
    journal.flag_track("bundled:music/settle/02-slow-tide.ogg", "Slow tide")
    with journal.writing() as cursor:  # as a therapist's homework flags a track
        cursor.execute(
            "INSERT INTO track_flags (track_key, title, flagged_at, set_by) VALUES (?, ?, ?, ?)",
            ("bundled:music/settle/01-x.ogg", "Harbour", "2026-12-01T10:00:00", "therapist"),
        )
    page.hide()
    page.show()  # showing the page again reads the flags afresh
    assert table_column(page.flagged_table, 1) == [
        "Harbour (flagged by your therapist’s homework)",
        "Slow tide",
    ]
    select_rows(page.flagged_table, 0, 1)
    click(qtbot, page.remove_flag_button)  # the person may unflag the therapist's too
    assert journal.flagged_tracks() == {}


def test_without_a_journal_flagging_is_disabled_with_a_plain_reason(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path
) -> None:
    page = make_page(None, journal_problem="the journal file is damaged")
    dialogs.folders.append(music)
    click(qtbot, page.add_folder_button)
    wait_for_scan(qtbot, page)
    select_rows(page.tracks_table, 0)
    assert not page.flag_button.isEnabled()
    assert not page.unflag_button.isEnabled()
    assert page.flag_problem.isVisible()
    assert "journal could not be opened" in page.flag_problem.text()
    assert "damaged" in page.flag_problem.text()
    assert page.flag_problem.textFormat() == Qt.TextFormat.PlainText
    dialogs.titles.append("Still works")
    click(qtbot, page.playlists_section.new_button)
    select_rows(page.tracks_table, 0)
    click(qtbot, page.add_button)
    select_rows(page.playlists_section.tracks, 0)
    assert not page.playlists_section.flag_button.isEnabled()


def test_a_journal_that_cannot_be_written_is_said_calmly(
    qtbot: QtBot,
    make_page: PageMaker,
    dialogs: AnsweringDialogs,
    music: Path,
    workspace: Workspace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mtcalm.journal.file import JournalWriteFailed

    page = scanned_page(qtbot, make_page, dialogs, music)

    def refuse(*_: object) -> None:
        raise JournalWriteFailed("The journal could not be saved", "The disk is full.")

    monkeypatch.setattr(workspace.journal, "flag_track", refuse)
    select_rows(page.tracks_table, 0)
    click(qtbot, page.flag_button)
    assert page.flag_problem.isVisible()
    assert "could not be saved" in page.flag_problem.text()
    assert table_column(page.tracks_table, 0) == [None, None, None]


def test_the_play_flagged_tracks_box_shows_and_reports_the_setting(
    qtbot: QtBot, make_page: PageMaker
) -> None:
    page = make_page(play_flagged_tracks=True)
    assert page.play_flagged.isChecked()
    assert "Play flagged tracks too" in page.play_flagged.text()
    with qtbot.waitSignal(page.play_flagged_changed) as blocker:
        page.play_flagged.setFocus()
        qtbot.keyClick(page.play_flagged, Qt.Key.Key_Space)
    assert blocker.args == [False]
    page.set_play_flagged_tracks(True)  # shown without being reported again
    assert page.play_flagged.isChecked()


# -- look and keyboard ----------------------------------------------------------------------------


def test_the_page_fits_1024_by_700_without_sideways_scrolling(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path
) -> None:
    page = scanned_page(qtbot, make_page, dialogs, music)
    dialogs.titles.append("A playlist with a rather long name for a small window")
    click(qtbot, page.playlists_section.new_button)
    qtbot.wait(50)
    scroll = page.findChild(QScrollArea)
    assert scroll is not None
    assert scroll.horizontalScrollBar().maximum() == 0
    assert scroll.verticalScrollBar().maximum() > 0  # the rest is reached by scrolling


def test_every_control_is_reachable_with_tab_and_named(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path
) -> None:
    page = scanned_page(qtbot, make_page, dialogs, music)
    dialogs.titles.append("Keys")
    click(qtbot, page.playlists_section.new_button)
    page.activateWindow()
    page.add_folder_button.setFocus()
    reached = set()
    for _ in range(60):
        widget = page.focusWidget()
        if widget is not None:
            reached.add(widget)
        qtbot.keyClick(page.focusWidget() or page, Qt.Key.Key_Tab)
    section = page.playlists_section
    for widget in (
        page.add_files_button,
        page.rescan_button,
        page.tracks_table,
        page.play_flagged,
        section.new_button,
        section.import_button,
        section.list,
        section.tracks,
    ):
        assert widget in reached, widget.accessibleName()
    for widget in (page.tracks_table, page.flagged_table, section.tracks, section.list):
        assert widget.accessibleName()


# -- previews, small windows, names --------------------------------------------------------------


def index_of(view: QTableView, row: int, column: int = 1) -> Any:
    return view.model().index(row, column)


def double_click(qtbot: QtBot, view: QTableView, row: int, column: int = 1) -> None:
    """A real double-click: a press and release, then the double-click."""
    place = view.visualRect(index_of(view, row, column)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=place)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=place)


def test_a_double_click_or_enter_on_a_track_asks_for_a_preview(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path
) -> None:
    page = scanned_page(qtbot, make_page, dialogs, music)
    table = page.tracks_table
    tide = row_titled(page, "tide")
    with qtbot.waitSignal(page.preview_requested) as asked:
        double_click(qtbot, table, tide)
    assert asked.args == [music / "tide.wav"]

    harbour = row_titled(page, "harbour")
    table.setFocus()
    table.setCurrentIndex(index_of(table, harbour))
    with qtbot.waitSignal(page.preview_requested) as asked:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert asked.args == [music / "harbour.wav"]
    with qtbot.waitSignal(page.preview_requested) as asked:
        qtbot.keyClick(table, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert asked.args == [music / "harbour.wav"]
    with qtbot.waitSignal(page.preview_requested) as asked:
        click(qtbot, page.preview_button)
    assert asked.args == [music / "harbour.wav"]


def test_a_track_in_a_playlist_can_be_previewed_too(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path
) -> None:
    page = scanned_page(qtbot, make_page, dialogs, music)
    section = page.playlists_section
    dialogs.titles.append("Evening")
    click(qtbot, section.new_button)
    select_rows(page.tracks_table, row_titled(page, "rain"))
    click(qtbot, page.add_button)
    tracks = section.tracks
    with qtbot.waitSignal(page.preview_requested) as asked:
        double_click(qtbot, tracks, 0, 2)
    assert asked.args == [music / "deeper" / "rain.wav"]
    tracks.setFocus()
    tracks.setCurrentIndex(index_of(tracks, 0, 2))
    with qtbot.waitSignal(page.preview_requested) as asked:
        qtbot.keyClick(tracks, Qt.Key.Key_Return)
    assert asked.args == [music / "deeper" / "rain.wav"]


def test_a_preview_shows_what_plays_can_be_stopped_and_ends_when_the_page_is_left(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path
) -> None:
    page = scanned_page(qtbot, make_page, dialogs, music)
    stops: list[None] = []
    page.preview_stop_requested.connect(lambda: stops.append(None))
    assert not page.preview_bar.isVisible()
    page._preview_row(row_titled(page, "tide"))
    page.show_preview(music / "tide.wav")  # as the window answers once it plays
    assert page.preview_bar.isVisible()
    assert "tide" in page.preview_text.text()
    assert page.stop_preview_button.accessibleName() == "Stop the preview"
    click(qtbot, page.stop_preview_button)
    assert stops == [None]
    assert not page.preview_bar.isVisible()
    page.show_preview(None)

    page.show_preview(music / "tide.wav")
    page.hide()
    assert stops == [None, None], "leaving My music ends its preview"
    page.show()
    page.show_preview(None, "No sound device was found, so previews are silent.")
    assert page.preview_bar.isVisible()
    assert "No sound device" in page.preview_text.text()
    page.hide()
    assert stops == [None, None], "nothing was playing: nothing to stop"


def test_a_track_flagged_as_a_trigger_is_not_previewed_unless_flagged_tracks_play(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path
) -> None:
    page = scanned_page(qtbot, make_page, dialogs, music)
    select_rows(page.tracks_table, row_titled(page, "tide"))
    click(qtbot, page.flag_button)
    asked: list[object] = []
    page.preview_requested.connect(asked.append)
    page._preview_row(row_titled(page, "tide"))
    assert asked == []
    assert page.preview_bar.isVisible()
    assert "flagged as a trigger" in page.preview_text.text()
    page.play_flagged.setChecked(True)
    page._preview_row(row_titled(page, "tide"))
    assert asked == [music / "tide.wav"]


def test_columns_fit_the_table_and_elide_with_the_whole_text_in_a_tooltip(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path
) -> None:
    page = scanned_page(qtbot, make_page, dialogs, music)
    table = page.tracks_table
    model = page.tracks_model
    header = table.horizontalHeader()
    shown = [column for column in range(model.columnCount()) if not table.isColumnHidden(column)]
    assert shown == [0, 1, 2, 3, 4]
    assert sum(header.sectionSize(column) for column in shown) == table.viewport().width()
    metrics = table.fontMetrics()
    assert header.sectionSize(4) >= metrics.horizontalAdvance("Ogg Vorbis") + 20
    for column in shown[1:]:
        text = model.index(0, column).data()
        assert text in model.index(0, column).data(Qt.ItemDataRole.ToolTipRole)
    title_tip = model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "WAV" in title_tip and str(model.track(0).path) in title_tip

    page.resize(420, 520)  # narrower than any window: less important columns give way
    qtbot.waitUntil(lambda: table.isColumnHidden(4))
    assert table.horizontalScrollBar().maximum() == 0
    visible = [c for c in range(model.columnCount()) if not table.isColumnHidden(c)]
    assert sum(header.sectionSize(column) for column in visible) == table.viewport().width()


@pytest.mark.parametrize("larger", [False, True], ids=["text 1x", "text 1.5x"])
def test_nothing_scrolls_sideways_or_is_clipped_at_780_by_520(
    qtbot: QtBot,
    qapp: Any,
    make_page: PageMaker,
    dialogs: AnsweringDialogs,
    music: Path,
    larger: bool,
) -> None:
    from tests.ui.page_checks import SMALL_PAGE, clipped_widgets, larger_text

    page = scanned_page(qtbot, make_page, dialogs, music)
    dialogs.titles.append("A playlist with a rather long name for a small window, longer still")
    click(qtbot, page.playlists_section.new_button)
    select_rows(page.tracks_table, 0)
    page.show_preview(music / "tide.wav")
    page.resize(*SMALL_PAGE)
    if larger:
        with larger_text(qapp):
            qtbot.wait(50)
            assert clipped_widgets(page) == []
    else:
        qtbot.wait(50)
        assert clipped_widgets(page) == []
    scroll = page.findChild(QScrollArea)
    assert scroll is not None and scroll.horizontalScrollBar().maximum() == 0


def test_the_empty_page_fits_780_by_520_too(qtbot: QtBot, make_page: PageMaker) -> None:
    from tests.ui.page_checks import SMALL_PAGE, clipped_widgets

    page = make_page()
    page.resize(*SMALL_PAGE)
    qtbot.wait(50)
    assert clipped_widgets(page) == []


def test_focus_first_opens_at_the_top_on_the_first_control(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path
) -> None:
    page = scanned_page(qtbot, make_page, dialogs, music)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    scroll = page.findChild(QScrollArea)
    assert scroll is not None
    bar = scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    page.playlists_section.new_button.setFocus()
    page.focus_first()
    assert bar.value() == 0
    assert page.add_folder_button.hasFocus()


def test_every_control_has_a_name_for_a_screen_reader(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path
) -> None:
    from PySide6.QtWidgets import QAbstractScrollArea, QWidget

    page = scanned_page(qtbot, make_page, dialogs, music)
    dialogs.titles.append("Named")
    click(qtbot, page.playlists_section.new_button)
    page.show_preview(music / "tide.wav")
    for widget in page.findChildren(QWidget):
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or widget.window() is not page:
            continue
        parent = widget.parentWidget()
        if isinstance(parent, QAbstractScrollArea) and widget is parent.viewport():
            continue
        assert widget.accessibleName().strip(), repr(widget)
    assert page.tracks_table.accessibleName() == "Your tracks"
    assert page.playlists_section.import_button.accessibleName() == (
        "Add a playlist from a playlist file (M3U)"
    )


def test_a_missing_playlist_track_says_why_it_cannot_be_previewed(
    qtbot: QtBot, make_page: PageMaker, dialogs: AnsweringDialogs, music: Path
) -> None:
    page = scanned_page(qtbot, make_page, dialogs, music)
    section = page.playlists_section
    dialogs.titles.append("Gone")
    click(qtbot, section.new_button)
    select_rows(page.tracks_table, row_titled(page, "tide"))
    click(qtbot, page.add_button)
    (music / "tide.wav").unlink()
    section.reload()
    asked: list[object] = []
    page.preview_requested.connect(asked.append)
    select_rows(section.tracks, 0)
    assert not section.preview_button.isEnabled()
    section.preview_row(0)
    assert asked == []
    assert "cannot be played" in section.notice.text()
