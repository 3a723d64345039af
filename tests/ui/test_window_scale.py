"""The window opens inside the screen (800×600 offscreen) at any text scale, with every
section reachable and no button squeezed below its words.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = """
import json, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from mtcalm.ui.app import create_main_window
from mtcalm.ui.keys import install_key_behaviour
from mtcalm.ui.theme import apply_theme

app = QApplication(sys.argv[:1])
apply_theme(app)
install_key_behaviour(app)
window = create_main_window(Path(sys.argv[1]))
window.fit_to_screen()
window.show()
for _ in range(20):
    app.processEvents()
room = window.screen().availableGeometry()
frame = window.geometry()
header = window.header
buttons = [*header.buttons.values(), header.support_button, header.ground_button]
inside = [
    b.text() for b in buttons
    if b.isVisible() and window.rect().contains(b.geometry().translated(b.parentWidget().pos()))
]
print(json.dumps({
    "room": [room.width(), room.height()],
    "window": [frame.width(), frame.height()],
    "inside": inside,
    "squeezed": [b.text() for b in buttons if b.width() < b.sizeHint().width()],
    "begin_first": window.home.begin_buttons()[0].isVisible(),
}))
window.close()
"""


@pytest.mark.parametrize("scale", ["1", "1.5", "2"])
def test_the_window_fits_the_screen_at_a_large_text_scale(tmp_path: Path, scale: str) -> None:
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QT_SCALE_FACTOR": scale,
        "SDL_AUDIODRIVER": "dummy",
    }
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "data")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    room_width, room_height = facts["room"]
    width, height = facts["window"]
    assert width <= room_width and height <= room_height, facts
    assert facts["inside"] == [
        "Listen",
        "Breathe",
        "My music",
        "Journal",
        "Your data",
        "Get support",
        "Stop and ground",
    ], "every section and the ways out are on screen"
    assert facts["squeezed"] == [], "no button is squeezed below its words"
    assert facts["begin_first"]
