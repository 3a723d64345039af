"""What survives: a killed process, a clean restart, two windows on one journal."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from mtcalm.checkin import CheckIn, Phase
from mtcalm.journal.file import now
from mtcalm.journal.store import EventKind, Journal, Outcome

BEFORE_ANSWERS = {"distress": 8, "pleasantness": 2, "energy": 7}
BEFORE_EMOTIONS = ("anxious", "restless", "craving")
BEFORE_NOTE = "Rough evening. Trying the music instead."
LAST_PROGRESS = 95.5

# Runs in a child process: starts a session, then waits to be killed.
SESSION_THEN_WAIT = textwrap.dedent(
    f"""
    import sys, time
    from pathlib import Path
    from mtcalm.checkin import CheckIn, Phase
    from mtcalm.datadir import ensure_private_dir
    from mtcalm.journal.store import Journal

    data_dir = ensure_private_dir(Path(sys.argv[1]))
    journal = Journal.open(data_dir / "journal.sqlite3")
    before = CheckIn(
        Phase.BEFORE, {BEFORE_ANSWERS!r}, emotions={BEFORE_EMOTIONS!r}, note={BEFORE_NOTE!r}
    )
    session_id = journal.start_session("playlist:settle", "Settle", before, planned_seconds=600)
    journal.record_progress(session_id, 30.0)
    journal.record_progress(session_id, {LAST_PROGRESS!r})
    print("ready", session_id, flush=True)
    time.sleep(120)
    """
)

# Runs in a fresh child process: reads the journal with the core alone.
READ_WITHOUT_UI = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from mtcalm.journal.store import Journal

    with Journal.open(Path(sys.argv[1])) as journal:
        [record] = journal.sessions()
    print(json.dumps({
        "outcome": record.outcome.value,
        "listened": record.listened_seconds,
        "distress": record.before.value("distress"),
        "ui_loaded": any(name.startswith(("mtcalm.ui", "PySide6")) for name in sys.modules),
    }))
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_a_process_killed_mid_session_keeps_its_checkin(data_dir: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", SESSION_THEN_WAIT, str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.startswith("ready"), child.stderr.read() if child.stderr else line
        session_id = int(line.split()[1])
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=20)
    assert child.returncode == -signal.SIGKILL
    journal_path = data_dir / "journal.sqlite3"
    assert journal_path.with_name("journal.sqlite3-wal").exists()  # it really died mid-way

    with Journal.open(journal_path) as journal:
        [record] = journal.sessions()
    assert record.id == session_id
    assert record.content_ref == "playlist:settle"
    assert record.planned_seconds == 600
    assert record.outcome is Outcome.IN_PROGRESS  # shown as "ended early" in the journal view
    assert record.ended_at is None
    assert record.listened_seconds == LAST_PROGRESS
    assert record.before is not None
    assert record.before.all_answers() == BEFORE_ANSWERS
    assert record.before.emotions == BEFORE_EMOTIONS
    assert record.before.note == BEFORE_NOTE
    assert record.after is None

    reader = subprocess.run(
        [sys.executable, "-c", READ_WITHOUT_UI, str(journal_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(reader.stdout) == {
        "outcome": "in_progress",
        "listened": LAST_PROGRESS,
        "distress": 8,
        "ui_loaded": False,
    }


def test_a_clean_close_and_reopen_keeps_everything(data_dir: Path) -> None:
    data_dir.mkdir()
    path = data_dir / "journal.sqlite3"
    before = CheckIn(Phase.BEFORE, BEFORE_ANSWERS, emotions=BEFORE_EMOTIONS, note=BEFORE_NOTE)
    after = CheckIn(
        Phase.AFTER,
        {"distress": 5, "pleasantness": 5, "energy": 4, "helpfulness": 2, "stirred_up": 1},
        emotions=("tired",),
        note="The second track brought back memories.",
    )
    started = now() - timedelta(minutes=20)
    with Journal.open(path) as journal:
        session_id = journal.start_session("playlist:a", "A", before, started_at=started)
        journal.record_event(session_id, EventKind.TRACK_FAILED, "missing.ogg")
        journal.finish_session(session_id, Outcome.ENDED_EARLY, 240.0)
        journal.record_after(session_id, after)
        recorded = journal.sessions()
        events = journal.events(session_id)

    for _ in range(3):
        with Journal.open(path) as journal:
            assert journal.sessions() == recorded
            assert journal.events(session_id) == events
    [record] = recorded
    assert record.started_at == started
    assert record.outcome is Outcome.ENDED_EARLY
    assert record.after is not None and record.after.value("stirred_up") == 1
    assert record.after.note == after.note
    assert [event.detail for event in events] == ["missing.ogg"]


def test_two_windows_on_one_journal_both_write_safely(data_dir: Path) -> None:
    data_dir.mkdir()
    path = data_dir / "journal.sqlite3"
    first = Journal.open(path)
    second = Journal.open(path)
    try:
        ids = []
        for round_number in range(5):
            for window, journal in (("first", first), ("second", second)):
                checkin = CheckIn(
                    Phase.BEFORE, {"distress": round_number}, note=f"{window} {round_number}"
                )
                session_id = journal.start_session(f"playlist:{window}", window, checkin)
                journal.record_progress(session_id, 10.0 * round_number)
                ids.append(session_id)
        # Each window finishes a session the other one started.
        first.finish_session(ids[1], Outcome.COMPLETED, 100)
        second.finish_session(ids[0], Outcome.ENDED_EARLY, 5)
        second.record_after(ids[0], CheckIn(Phase.AFTER, {"distress": 1}))

        assert len(set(ids)) == 10
        assert first.sessions() == second.sessions()
        records = {record.id: record for record in first.sessions()}
    finally:
        first.close()
        second.close()

    with Journal.open(path) as journal:
        assert journal.sessions() == list(
            sorted(records.values(), key=lambda r: (r.started_at, r.id), reverse=True)
        )
        assert journal._connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    notes = sorted(record.before.note for record in records.values() if record.before is not None)
    assert notes == sorted(f"{w} {n}" for w in ("first", "second") for n in range(5))
    assert records[ids[0]].outcome is Outcome.ENDED_EARLY
    assert records[ids[0]].after is not None
    assert records[ids[1]].outcome is Outcome.COMPLETED
    assert records[ids[1]].listened_seconds == 100
    assert records[ids[9]].listened_seconds == 40
