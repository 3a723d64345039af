"""One measured start, run by ``benchmarks/startup.py`` in a fresh process. Not for direct use.

Usage: ``python benchmarks/_startup_child.py {floor|page|mtcalm} DATA_DIR``

Both variants run this same file and are observed the same way: an event filter on the top-level
window waits for its first ``QEvent.Paint``; a zero-delay timer posted from there fires once that
whole first frame (the window and every child widget) has been painted and flushed, and that is
the end of the measurement. Then the application quits.

Every timestamp is ``time.clock_gettime_ns(CLOCK_MONOTONIC)``: on Linux one system-wide clock, so
the parent's reading just before it spawned this process and ours can be subtracted directly.
The marks are printed, one per line, after the event loop has ended (outside the measured span):
``MARK <name> <nanoseconds>``, then ``INFO <key> <value>`` lines.

- ``floor``: import PySide6.QtWidgets, create a QApplication and a bare QMainWindow, show it.
- ``page``: a bare PySide6 window that shows what mtcalm's first frame shows (the header, the
  home page's headings and rows of wrapped plain text with a Begin button each), built with
  plain Qt calls from ``DATA_DIR/page.json``, which ``startup.py`` writes from the bundled
  content and mtcalm's style sheet. No mtcalm code runs: it is the cost of the content itself,
  the floor that any app showing that page pays.
- ``mtcalm``: the real entry point, ``mtcalm.cli.main(["--data-dir", DATA_DIR])``, i.e. the same
  code the ``mtcalm`` command runs (argument parsing, data folder, ``run_app``: QApplication set-up,
  ``apply_theme``, ``create_main_window``, ``show``, ``exec``). To see inside it, three functions
  that ``run_app`` looks up in ``mtcalm.ui.app`` at call time (``apply_theme``,
  ``create_main_window``, ``open_audio``) are wrapped with pass-through timers; the wrapper around
  ``create_main_window`` also installs the paint filter on the window it returns. The wrappers add
  microseconds and change nothing else. Importing ``mtcalm.ui.app`` first (to wrap it) only moves
  the import that ``cli.main`` would otherwise do a moment later.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

CLOCK = getattr(time, "CLOCK_MONOTONIC", None)


def now_ns() -> int:
    if CLOCK is None:  # no POSIX clocks (Windows): fall back to the shared wall clock
        return time.time_ns()
    return time.clock_gettime_ns(CLOCK)


MARKS: list[tuple[str, int]] = [("child_start", now_ns())]
INFO: dict[str, str] = {}


def mark(name: str) -> None:
    MARKS.append((name, now_ns()))


def watch_first_frame(window: Any) -> None:
    """Quit the application once ``window`` has finished its first paint."""
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def __init__(self) -> None:
            super().__init__(window)
            self.seen = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
            if event.type() == QEvent.Type.Paint and not self.seen:
                self.seen = True
                mark("first_paint")
                QTimer.singleShot(0, self.frame_done)
            return False

        def frame_done(self) -> None:
            mark("first_frame")
            QCoreApplication.quit()

    window.installEventFilter(FirstPaint())


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        mark(f"{name}_start")
        try:
            return function(*args, **kwargs)
        finally:
            mark(f"{name}_end")

    return wrapper


def wrap(module: ModuleType, attribute: str, label: str) -> Callable[..., Any]:
    """Replace ``module.attribute`` by a timed pass-through; return the original."""
    original: Callable[..., Any] = getattr(module, attribute)
    setattr(module, attribute, timed(label, original))
    return original


def run_floor() -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow

    mark("imported")
    app = QApplication(sys.argv[:1])
    mark("app_created")
    window = QMainWindow()
    window.resize(1040, 760)  # the size mtcalm's window opens at: the same pixels to paint
    watch_first_frame(window)
    mark("window_created")
    window.show()
    mark("shown")
    return app.exec()


def run_page(data_dir: str) -> int:
    import json
    from pathlib import Path

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (
        QApplication,
        QFrame,
        QHBoxLayout,
        QLabel,
        QMainWindow,
        QPushButton,
        QScrollArea,
        QVBoxLayout,
        QWidget,
    )

    page = json.loads((Path(data_dir) / "page.json").read_text(encoding="utf-8"))
    mark("imported")
    app = QApplication(sys.argv[:1])
    font = app.font()
    font.setPointSizeF(max(font.pointSizeF(), page["point_size"]))
    app.setFont(font)
    app.setStyleSheet(page["style_sheet"])
    mark("app_created")

    def label(text: str, role: str = "") -> QLabel:
        shown = QLabel()
        shown.setTextFormat(Qt.TextFormat.PlainText)
        shown.setText(text)
        shown.setWordWrap(True)
        if role:
            shown.setProperty("role", role)
        return shown

    window = QMainWindow()
    window.resize(1040, 760)
    central = QWidget()
    column = QVBoxLayout(central)
    column.setContentsMargins(0, 0, 0, 0)
    header = QFrame()
    header.setProperty("role", "header")
    header.setFixedHeight(58)
    top = QHBoxLayout(header)
    top.addWidget(label(page["wordmark"], "wordmark"))
    top.addStretch(1)
    for name in page["sections"]:
        top.addWidget(QPushButton(name))
    column.addWidget(header)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    body = QWidget()
    scroll.setWidget(body)
    centring = QHBoxLayout(body)
    content = QWidget()
    content.setMaximumWidth(760)
    centring.addStretch(1)
    centring.addWidget(content, 100)
    centring.addStretch(1)
    rows = QVBoxLayout(content)
    rows.addWidget(label(page["title"], "title"))
    rows.addWidget(label(page["intro"], "muted"))
    for action in page.get("actions", []):
        rows.addWidget(QPushButton(action))
    for section in page["groups"]:
        rows.addWidget(label(section["heading"], "heading"))
        rows.addWidget(label(section["intro"], "muted"))
        for lines in section["rows"]:
            card = QFrame()
            card.setProperty("role", "card")
            row = QHBoxLayout(card)
            text = QVBoxLayout()
            for line in lines:
                text.addWidget(label(line))
            row.addLayout(text, 1)
            row.addWidget(QPushButton(page["begin"]), 0, Qt.AlignmentFlag.AlignVCenter)
            rows.addWidget(card)
    rows.addStretch(1)
    column.addWidget(scroll, 1)
    window.setCentralWidget(central)
    watch_first_frame(window)
    mark("window_created")
    window.show()
    mark("shown")
    return app.exec()


def run_mtcalm(data_dir: str) -> int:
    import mtcalm.cli
    import mtcalm.ui.app as app_module

    mark("imported")
    wrap(app_module, "apply_theme", "theme")
    wrap(app_module, "open_audio", "audio")
    create_main_window = wrap(app_module, "create_main_window", "window")

    def create_and_watch(*args: Any, **kwargs: Any) -> Any:
        window = create_main_window(*args, **kwargs)
        INFO["playlists"] = str(len(window.catalogue.playlists))
        INFO["tracks"] = str(sum(len(playlist.tracks) for playlist in window.catalogue.playlists))
        watch_first_frame(window)
        return window

    app_module.create_main_window = timed("window", create_and_watch)
    return mtcalm.cli.main(["--data-dir", data_dir])


def main() -> int:
    variant, data_dir = sys.argv[1], sys.argv[2]
    if variant == "floor":
        status = run_floor()
    elif variant == "page":
        status = run_page(data_dir)
    elif variant == "mtcalm":
        status = run_mtcalm(data_dir)
    else:
        print(f"unknown variant {variant!r}", file=sys.stderr)
        return 2
    mark("exec_returned")
    for name, value in MARKS:
        print(f"MARK {name} {value}")
    for key, text in INFO.items():
        print(f"INFO {key} {text}")
    sys.stdout.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
