"""The homework screens for tools/screenshots.py: the therapist's editor, the client's import
preview, Home's "This week's homework", Journal > Homework, and review mode.

The programme starts on this week's Monday and asks for "Settle", so the example sessions of
the last days (seeded by screenshots.py) count for it, as they would for a client.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from mtcalm.assets import assets_dir
from mtcalm.homework.draft import Draft, OwnAudio, Question
from mtcalm.homework.manifest import AvoidTrack, Contact
from mtcalm.journal.export_json import write_export_file, write_json
from mtcalm.ui.homework_editor import HomeworkEditor
from mtcalm.ui.homework_import import HomeworkPreview
from mtcalm.ui.main_window import MainWindow
from mtcalm.ui.review_open import review_file

Wait = Callable[[int], None]
Shoot = Callable[[QWidget, Path, str], None]


def example_draft(today: date) -> Draft:
    """What a therapist might fill in: every part of the form used once."""
    return Draft(
        id="evening-settling",
        title="Evening settling",
        instructions=(
            "Three times a week, find a quiet twenty minutes, ideally in the evening. Check in, "
            "listen, and check in again. If a track stirs up cravings or hard memories, stop, "
            "ground yourself, and flag it. We will look at the journal together on Tuesday."
        ),
        therapist_name="Dr. Ana Ruiz",
        therapist_reach="ana.ruiz@example.org, or the clinic on 555 0142",
        starts=today - timedelta(days=today.weekday()),
        weeks=4,
        sessions_per_week=3,
        minimum_minutes=15,
        preferred_times=[time(8, 30), time(20, 0)],
        refs=["playlist:settle", "script:grounding"],
        own_audio=[
            OwnAudio(assets_dir() / "music" / "sleep" / "01-lanterns-out.ogg", "Lanterns Out")
        ],
        own_playlist_title="From our session",
        craving=True,
        questions=[Question("How lonely do you feel?", "not at all", "very lonely")],
        contacts=[Contact("Clinic reception", "555 0142", "Weekdays 9 to 5")],
        avoid=[AvoidTrack("Slow Tide", "bundled:music/settle/02-slow-tide.ogg")],
    )


def grab(widget: QWidget, folder: Path, name: str) -> None:
    """A window of its own (no window manager under Xvfb: grab it alone)."""
    path = folder / f"{name}.png"
    widget.grab().save(str(path))
    print(path)


def loop_until(wait: Wait, condition: Callable[[], bool], limit_ms: int = 60000) -> None:
    waited = 0
    while not condition() and waited < limit_ms:
        wait(100)
        waited += 100
    if not condition():
        raise RuntimeError("the screen did not get there in time")


def shoot_homework(
    window: MainWindow, folder: Path, temporary: Path, wait: Wait, shoot: Shoot
) -> None:
    """23-… onwards: make a package, add it as the client, follow it, and review the export."""
    package = shoot_editor(window, folder, temporary, wait)
    shoot_import(window, folder, package, wait)
    window.show_home()
    loop_until(wait, lambda: window.home.homework_week is not None)
    shoot(window, folder, "25-home-this-weeks-homework")
    window.sections.show_homework()
    shoot(window, folder, "26-journal-homework")
    shoot_review(window, folder, temporary, wait)


def shoot_editor(window: MainWindow, folder: Path, temporary: Path, wait: Wait) -> Path:
    """The editor filled in, at its top and scrolled to the schedule; saved as a package."""
    catalogue = window.catalogue
    editor = HomeworkEditor(catalogue.all_playlists(), catalogue.scripts, window)
    editor.form.fill(example_draft(date.today()))
    editor.show()
    wait(800)
    grab(editor, folder, "23-homework-editor")
    schedule = editor.form.weeks
    editor.scroll_area.ensureWidgetVisible(schedule, 0, 200)
    wait(300)
    grab(editor, folder, "23-homework-editor-schedule")
    editor.show_preview()
    wait(800)
    if editor.preview is not None:
        grab(editor.preview, folder, "23-homework-editor-preview")
        editor.preview.close()
    package = temporary / "Evening settling.mtcalm-homework"
    editor.choose_output = lambda _title: package
    editor.save()
    loop_until(wait, lambda: editor.save_button.isEnabled() and package.exists())
    editor.close()
    editor.deleteLater()
    return package


def shoot_import(window: MainWindow, folder: Path, package: Path, wait: Wait) -> None:
    """The client's preview over the window (as a file manager opens the file), then "Add"."""
    added: list[bool] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, HomeworkPreview):
            QTimer.singleShot(200, answer)
            return
        grab(dialog, folder, "24-homework-import-preview")
        added.append(True)
        dialog.add_button.click()

    window.show_home()
    QTimer.singleShot(1200, answer)
    window.open_file(package)
    loop_until(wait, lambda: bool(added) and not window.homework_importer.busy)
    wait(500)


def shoot_review(window: MainWindow, folder: Path, temporary: Path, wait: Wait) -> None:
    """The client's export opened in review mode: the sessions, then the homework."""
    journal = window.workspace.journal
    assert journal is not None
    export = temporary / "client-journal.json"

    def fill(path: Path) -> None:
        with path.open("wb") as stream:
            write_json(journal, stream)

    write_export_file(export, fill)
    review = review_file(export, window)
    if review is None:
        raise RuntimeError("the export did not open for review")
    review.resize(window.size())
    wait(1000)
    grab(review, folder, "27-review-sessions")
    review.show_section("homework")
    wait(1000)
    grab(review, folder, "28-review-homework")
    review.close()
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.close()
