"""Screenshots of every screen, from the real app in a real window (run under Xvfb).

    xvfb-run -a -s '-screen 0 1280x800x24' env QT_QPA_PLATFORM=xcb \
        .venv/bin/python tools/screenshots.py docs/screenshots

Drives the real window through a session with the bundled playlists; the journal is a
temporary one with a few example sessions written through the journal API first. The
homework screens (23-… onwards) are in tools/screenshots_homework.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from mtcalm.assets import assets_dir
from mtcalm.checkin import CheckIn, Phase
from mtcalm.drawing import Drawing, Stroke
from mtcalm.journal.file import now
from mtcalm.journal.store import Journal, Outcome
from mtcalm.ui.app import create_main_window
from mtcalm.ui.keys import install_key_behaviour
from mtcalm.ui.main_window import MainWindow
from mtcalm.ui.theme import apply_theme

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script or imported
from screenshots_homework import shoot_homework

Points = tuple[tuple[float, float], ...]


def wait(milliseconds: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def shoot(window: QWidget, folder: Path, name: str) -> None:
    wait(400)
    path = folder / f"{name}.png"
    window.grab().save(str(path))
    print(path)


def seed_examples(data_dir: Path) -> None:
    """A few earlier sessions, so the journal screenshot shows what it is for."""
    examples: list[tuple[int, str, dict[str, int | None], dict[str, int | None], Outcome, int]] = [
        (3, "Settle", {"distress": 7, "pleasantness": 3, "energy": 6}, {"distress": 4,
         "pleasantness": 6, "energy": 4}, Outcome.COMPLETED, 1260),
        (2, "Settle", {"distress": 5, "pleasantness": 4, "energy": 3}, {"distress": 5,
         "pleasantness": 5, "energy": 3}, Outcome.ENDED_EARLY, 420),
        (1, "Settle", {"distress": 6, "pleasantness": None, "energy": 5}, {"distress": 3,
         "pleasantness": 7, "energy": None}, Outcome.COMPLETED, 1180),
    ]  # fmt: skip
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        for days_ago, title, before, after, outcome, seconds in examples:
            started = now() - timedelta(days=days_ago, hours=2)
            session_id = journal.start_session(
                "playlist:settle", title, CheckIn(Phase.BEFORE, before), started_at=started
            )
            journal.finish_session(
                session_id, outcome, seconds, ended_at=started + timedelta(seconds=seconds)
            )
            journal.record_after(session_id, CheckIn(Phase.AFTER, after))


def main(argv: list[str]) -> int:
    folder = Path(argv[1] if len(argv) > 1 else "docs/screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    app = QApplication(argv[:1])
    apply_theme(app)
    install_key_behaviour(app)
    with tempfile.TemporaryDirectory() as temporary:
        data_dir = Path(temporary) / "data"
        data_dir.mkdir(mode=0o700)
        seed_examples(data_dir)
        window = create_main_window(data_dir)
        window.fit_to_screen()  # as the app opens: inside the screen, at any size and scale
        window.show()
        wait(800)
        shoot(window, folder, "1-home")

        window.screens.begin(window.catalogue.playlists[0])
        before = window.screens.checkin_before
        for question, value in zip(before.questions[:2], (6, 4), strict=True):
            assert question.scale is not None
            question.scale.set_value(value)
        before.emotion_buttons["tense"].click()
        before.emotion_buttons["tired"].click()
        shoot(window, folder, "2-check-in-before")
        before.questions[2].skip_button.click()
        before.continue_button.click()
        wait(5000)
        shoot(window, folder, "3-listening")

        # The same session with a 20-minute timer running and rain under the music.
        listening = window.screens.listening
        listening.set_more_shown(True)
        listening.timer_choice.setCurrentIndex(listening.timer_choice.findData(20))
        listening.ambience_choice.setCurrentIndex(listening.ambience_choice.findData("rain"))
        wait(3500)
        shoot(window, folder, "3-listening-timer-and-sound")

        window.header.ground_button.click()
        window.screens.grounding.next_button.click()
        shoot(window, folder, "4-grounding")
        window.screens.grounding.return_button.click()
        wait(1500)
        window.flow.end()
        wait(5500)
        after = window.screens.checkin_after
        for question, value in zip(after.questions[:4], (3, 6, 4, 3), strict=True):
            assert question.scale is not None
            question.scale.set_value(value)
        choice = after.questions[4].choice
        assert choice is not None
        choice.no_button.click()
        after.emotion_buttons["calm"].click()
        shoot(window, folder, "5-check-in-after")
        after.continue_button.click()
        shoot(window, folder, "6-summary")
        window.screens.summary.journal_button.click()
        shoot(window, folder, "7-journal")
        shoot_journal_views(window, folder, Path(temporary))
        shoot_guided_imagery(window, folder)
        shoot_pacer(window, folder)
        shoot_library(window, folder, Path(temporary))
        shoot_your_data(window, folder)
        shoot_homework(window, folder, Path(temporary), wait, shoot)
        window.close()
        shoot_journal_problem(folder, Path(temporary) / "damaged")
    return 0


def shoot_guided_imagery(window: MainWindow, folder: Path) -> None:
    """The first-use note, a cue over the music, and a reflection with a drawing."""
    window.show_home()
    script = next(script for script in window.catalogue.scripts if script.id == "safe-place")
    window.screens.begin_script(script)
    shoot(window, folder, "8-imagery-first-use")
    window.screens.script_intro.accept_button.click()
    window.screens.checkin_before.skip_all.click()
    wait(9000)  # the first cue comes at 0:05 and fades in over 2.5 s
    shoot(window, folder, "9-imagery-cue")
    window.flow.end()
    wait(5500)
    reflection = window.screens.reflection
    reflection.note.setPlainText("A quiet beach at dusk. The sound of small waves, warm sand.")
    reflection.canvas.set_drawing(example_drawing())
    shoot(window, folder, "10-imagery-reflection")
    reflection.keep_button.click()
    window.screens.checkin_after.skip_all.click()
    window.screens.summary.journal_button.click()
    shoot(window, folder, "11-journal-with-reflection")


def example_drawing() -> Drawing:
    """A horizon, a sun and a few waves, as someone might draw them."""
    import math

    def arc(
        cx: float, cy: float, r: float, start: float, end: float
    ) -> tuple[tuple[float, float], ...]:
        steps = 40
        return tuple(
            (cx + r * math.cos(start + (end - start) * i / steps),
             cy + r * math.sin(start + (end - start) * i / steps))
            for i in range(steps + 1)
        )  # fmt: skip

    def wave(y: float) -> Points:
        return tuple((0.18 + 0.64 * i / 40, y + 0.02 * math.sin(i / 3.0)) for i in range(41))

    strokes = [
        Stroke("sand", 0.02, tuple((0.12 + 0.76 * i / 20, 0.74) for i in range(21))),
        Stroke("rose", 0.016, arc(0.5, 0.5, 0.12, math.pi, 2 * math.pi)),
        Stroke("sky", 0.012, wave(0.58)),
        Stroke("sky", 0.012, wave(0.64)),
        Stroke("sage", 0.014, wave(0.82)),
    ]
    drawing = Drawing()
    for stroke in strokes:
        drawing = drawing.add(stroke)
    return drawing


def shoot_pacer(window: MainWindow, folder: Path) -> None:
    window.show_home()
    window.header.buttons["pacer"].click()
    wait(2600)  # most of the way through the in-breath
    shoot(window, folder, "12-breathing-guide")
    window.sections.pacer.done_button.click()


def shoot_journal_views(window: MainWindow, folder: Path, temporary: Path) -> None:
    """A session read whole, changes over time, what helps me, support, a check-in on its own,
    and the first page of the PDF summary (when poppler's pdftoppm is there to draw it).
    """
    journal_page = window.sections.journal
    journal_page.open_row(0)
    shoot(window, folder, "17-journal-session")
    journal_page.back_to_list()
    window.sections.show_changes()
    wait(800)
    shoot(window, folder, "18-changes-over-time")
    window.sections.show_what_helps()
    wait(1500)
    shoot(window, folder, "19-what-helps-me")
    window.show_home()
    window.home.checkin_button.click()
    shoot(window, folder, "20-just-check-in")
    window.show_home()
    QTimer.singleShot(900, lambda: grab_dialog(folder, "21-get-support"))
    window.header.support_button.click()
    wait(1500)
    journal = window.workspace.journal
    pdftoppm = shutil.which("pdftoppm")
    if journal is not None and pdftoppm is not None:
        from mtcalm.ui.report_pdf import write_report_pdf

        pdf = temporary / "summary.pdf"
        write_report_pdf(journal, pdf, since=None, until=None, include_notes=True)
        subprocess.run(
            [
                pdftoppm,
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(folder / "22-pdf-summary"),
            ],
            check=True,
        )
        print(folder / "22-pdf-summary.png")


def grab_dialog(folder: Path, name: str) -> None:
    """The dialog open over the window (no window manager under Xvfb: grab it alone), closed."""
    dialog = QApplication.activeModalWidget() or next(
        (
            w
            for w in QApplication.topLevelWidgets()
            if w.isVisible() and w.isWindow() and w.windowTitle() and not isinstance(w, MainWindow)
        ),
        None,
    )
    if dialog is None:
        return
    path = folder / f"{name}.png"
    dialog.grab().save(str(path))
    print(path)
    dialog.close()


def shoot_library(window: MainWindow, folder: Path, temporary: Path) -> None:
    """My music with the bundled music added as a library, a broken file and one flag."""
    library = temporary / "Music"
    shutil.copytree(assets_dir() / "music", library)
    (library / "voice memo.mp3").write_bytes(b"not really audio")
    window.header.buttons["library"].click()
    page = window.sections.library
    page.dialogs.choose_folder = lambda: library  # type: ignore[method-assign]
    page.add_folder()
    loop_until(lambda: not page.scanning)
    wait(500)
    page.flag_tracks([(library / "settle" / "01-harbour-at-dawn.ogg", "Harbour at Dawn")])
    shoot(window, folder, "13-my-music")
    scroll = page.findChild(QScrollArea)
    assert scroll is not None
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    shoot(window, folder, "14-my-playlists-and-flags")


def shoot_your_data(window: MainWindow, folder: Path) -> None:
    """Your data after "Back up now": where things are, the copies, the result in words."""
    window.header.buttons["data"].click()
    page = window.sections.data_page
    page.back_up_now()
    loop_until(lambda: not page.busy)
    wait(300)
    shoot(window, folder, "15-your-data")


def shoot_journal_problem(folder: Path, data_dir: Path) -> None:
    """A damaged journal with a backup beside it: what is wrong, and the ways forward."""
    from mtcalm.journal.backups import manual_backup

    data_dir.mkdir(mode=0o700)
    journal = data_dir / "journal.sqlite3"
    with Journal.open(journal) as opened:
        opened.start_session("playlist:settle", "Settle", CheckIn(Phase.BEFORE, {"distress": 5}))
    manual_backup(journal)
    journal.write_bytes(b"SQLite format 3\x00" + b"\x42" * 9000)
    window = create_main_window(data_dir)
    window.fit_to_screen()
    window.show()
    wait(800)
    shoot(window, folder, "16-journal-problem")
    window.close()


def loop_until(condition: Callable[[], bool], limit_ms: int = 30000) -> None:
    waited = 0
    while not condition() and waited < limit_ms:
        wait(100)
        waited += 100


if __name__ == "__main__":
    sys.exit(main(sys.argv))
