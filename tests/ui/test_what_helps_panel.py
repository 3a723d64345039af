"""What helps me, as the person reads it: plain sentences, honest ranges, no streaks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from mtcalm.checkin import CheckIn, Phase
from mtcalm.journal.store import Journal, Outcome
from mtcalm.ui.what_helps_panel import WhatHelpsPanel

TODAY = date(2026, 11, 25)  # a Wednesday


def listened(
    journal: Journal, title: str, when: datetime, before: int, after: int, sound: str = ""
) -> None:
    session_id = journal.start_session(
        f"playlist:{title.lower()}",
        title,
        CheckIn(Phase.BEFORE, {"distress": before}),
        started_at=when,
    )
    if sound:
        journal.set_ambience(session_id, sound)
    journal.finish_session(session_id, Outcome.COMPLETED, 600)
    journal.record_after(session_id, CheckIn(Phase.AFTER, {"distress": after}))


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    path = tmp_path / "journal.sqlite3"
    evening = datetime(2026, 11, 24, 20, 0).astimezone()
    with Journal.open(path) as journal:
        for day in range(6):  # Settle, six evenings: distress 6 → 4
            listened(journal, "Settle", evening - timedelta(days=day), 6, 4, sound="rain")
        for day in range(2):
            listened(journal, "<b>Shore</b>", evening - timedelta(days=day, hours=12), 5, 5)
    return path


def panel_texts(panel: WhatHelpsPanel) -> list[str]:
    return [label.text() for label in panel.sentences]


def test_findings_read_as_plain_sentences_with_their_range(qtbot, journal_path: Path):
    panel = WhatHelpsPanel(journal_path, today=lambda: TODAY)
    qtbot.addWidget(panel)
    panel.refresh()
    qtbot.waitUntil(lambda: bool(panel.sentences), timeout=10000)
    texts = panel_texts(panel)
    assert "Settle: distress down 2.0 on average over 6 sessions" in texts
    assert "<b>Shore</b>: not enough sessions yet for distress (2 of 5)" in texts
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in panel.sentences)
    assert texts.index("Settle: distress down 2.0 on average over 6 sessions") < texts.index(
        "<b>Shore</b>: not enough sessions yet for distress (2 of 5)"
    )
    assert any(text.startswith("Evening: distress down 2.0") for text in texts)
    assert panel.week.text() == "This week: 2 days with listening, 40 minutes listened."
    assert "streak" not in " ".join([panel.week.text(), *texts]).lower()


def test_an_empty_journal_says_what_will_appear(qtbot, tmp_path: Path):
    path = tmp_path / "journal.sqlite3"
    Journal.open(path).close()
    panel = WhatHelpsPanel(path, today=lambda: TODAY)
    qtbot.addWidget(panel)
    panel.refresh()
    qtbot.waitUntil(lambda: "Nothing to show yet" in panel.status.text(), timeout=10000)
    assert panel.sentences == []
    assert panel.week.text() == "This week: 0 days with listening, 0 minutes listened."


def test_a_journal_that_cannot_be_read_is_said_plainly(qtbot, tmp_path: Path):
    panel = WhatHelpsPanel(tmp_path / "missing.sqlite3", today=lambda: TODAY)
    qtbot.addWidget(panel)
    panel.refresh()
    qtbot.waitUntil(lambda: "could not be read" in panel.status.text(), timeout=10000)
