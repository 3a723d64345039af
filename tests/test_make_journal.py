"""The synthetic journal the benchmarks use: the same file for the same seed, shaped like years
of real use, and a journal the app opens and reads like any other.
"""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import json
import re
import sqlite3
import stat
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from types import ModuleType

import pytest

from mtcalm.checkin import MAX_NOTE_LENGTH, CheckIn, Phase
from mtcalm.journal.personal import chosen_items, support_contacts
from mtcalm.journal.store import Journal, Outcome, SessionKind

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "make_journal.py"
SESSIONS = 1_500  # about two years of use: every shape shows up, and it takes a second


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_journal", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return load_generator()


@pytest.fixture(scope="module")
def made(generator: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generated journal shared by the tests that only read it."""
    folder = tmp_path_factory.mktemp("made") / "data"
    path: Path = generator.generate(folder, SESSIONS, seed=11)
    return path


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_same_seed_gives_the_same_file_and_another_seed_another(
    generator: ModuleType, tmp_path: Path
) -> None:
    first = generator.generate(tmp_path / "a", 300, seed=5)
    again = generator.generate(tmp_path / "b", 300, seed=5)
    other = generator.generate(tmp_path / "c", 300, seed=6)
    assert digest(first) == digest(again)
    assert digest(first) != digest(other)


def test_the_app_opens_it_and_lists_the_newest_first(made: Path) -> None:
    with Journal.open(made) as journal:
        page = journal.sessions(limit=200)
        summary = journal.summary()
    assert summary.sessions == SESSIONS
    assert len(page) == 200
    assert [record.started_at for record in page] == sorted(
        (record.started_at for record in page), reverse=True
    )
    assert summary.newest is not None and summary.newest.date() == date(2026, 11, 30)
    listening = [record for record in page if record.kind is SessionKind.LISTENING]
    assert any(record.changes and record.before and record.after for record in listening)


def test_every_session_has_its_own_lasting_identity(made: Path) -> None:
    uids = [str(uid) for (uid,) in rows(made, "SELECT uid FROM sessions")]
    assert len(uids) == SESSIONS == len(set(uids))
    assert all(re.fullmatch(r"[0-9a-f]{32}", uid) for uid in uids)


def test_use_is_spread_over_years_with_gaps_and_hard_weeks(made: Path) -> None:
    days = Counter(
        datetime.fromisoformat(str(stamp)).date()
        for (stamp,) in rows(made, "SELECT started_at FROM sessions")
    )
    first, last = min(days), max(days)
    assert (last - first).days > 365
    assert 1.2 < SESSIONS / ((last - first).days + 1) < 2.5  # about twice a day, on average
    ordered = sorted(days)
    assert max((b - a).days for a, b in itertools.pairwise(ordered)) >= 7  # a gap
    assert max(days.values()) >= 4  # a hard day
    offsets = {str(s)[-6:] for (s,) in rows(made, "SELECT started_at FROM sessions")}
    assert offsets == {"+01:00", "+02:00"}  # winter and summer time, as the clock showed


def test_outcomes_kinds_and_check_ins_look_like_real_use(made: Path) -> None:
    with Journal.open(made) as journal:
        records = journal.sessions()
    kinds = Counter(record.kind for record in records)
    outcomes = Counter(record.outcome for record in records if record.kind is SessionKind.LISTENING)
    assert 0.05 < kinds[SessionKind.CHECKIN] / SESSIONS < 0.2
    assert outcomes[Outcome.COMPLETED] > outcomes[Outcome.ENDED_EARLY] > 0
    alone = [record for record in records if record.kind is SessionKind.CHECKIN]
    assert all(record.before is not None and record.after is None for record in alone)
    assert any(r.before and r.before.skipped for r in records)
    assert any(r.after and r.after.skipped for r in records)
    assert any(r.kind is SessionKind.LISTENING and r.after is None for r in records)
    answers = [
        value
        for record in records
        for checkin in (record.before, record.after)
        if checkin is not None and not checkin.skipped
        for value in checkin.answers.values()
    ]
    assert 0.01 < answers.count(None) / len(answers) < 0.1  # some left unanswered
    assert any(record.distress_rose for record in records)
    assert any(record.ambience for record in records) and any(not r.ambience for r in records)


def test_optional_items_are_asked_for_part_of_the_history_with_their_meaning_kept(
    made: Path,
) -> None:
    with Journal.open(made) as journal:
        records = journal.sessions()  # newest first
        switched_on = [item.key for item in chosen_items(journal)]
    asked_craving = [
        record.before is not None and record.before.item("craving") is not None
        for record in reversed(records)
        if record.before is not None and not record.before.skipped
    ]
    assert any(asked_craving) and not all(asked_craving)
    anchors = {
        (item.low_anchor, item.high_anchor)
        for record in records
        for checkin in (record.before, record.after)
        if checkin is not None and (item := checkin.item("custom-shoulders")) is not None
    }
    assert anchors == {("loose", "like stone"), ("loose", "locked up")}  # each as it was asked
    assert switched_on == ["craving", "custom-shoulders", "custom-worry"]
    definitions = rows(
        made, "SELECT count(*) FROM item_definitions WHERE item = 'custom-shoulders'"
    )
    assert definitions == [(2,)]


def test_notes_words_reflections_and_drawings_read_back_as_written(made: Path) -> None:
    notes = [str(note) for (note,) in rows(made, "SELECT note FROM checkins WHERE note != ''")]
    assert len(notes) / SESSIONS > 0.1
    assert min(map(len, notes)) < 40 and max(map(len, notes)) > 1_000
    assert max(map(len, notes)) <= MAX_NOTE_LENGTH
    assert any(not note.isascii() for note in notes)
    with Journal.open(made) as journal:
        marks = journal.reflection_marks()
        drawn = [sid for sid, mark in marks.items() if mark.has_drawing]
        assert drawn and any(mark.has_note for mark in marks.values())
        for session_id in drawn[:20]:
            reflection = journal.reflection(session_id)
            assert reflection is not None and reflection.drawing_problem == ""
            assert not reflection.drawing.is_empty
        words = Counter(
            word
            for record in journal.sessions()
            for checkin in (record.before, record.after)
            if checkin is not None
            for word in checkin.emotions
        )
    assert len(words) > 10


def test_tracks_heard_and_events_match_what_was_listened(made: Path) -> None:
    with Journal.open(made) as journal:
        listened = [
            record
            for record in journal.sessions(limit=300)
            if record.kind is SessionKind.LISTENING and record.listened_seconds > 0
        ]
        for record in listened:
            heard = journal.tracks_heard(record.id)
            assert heard, record
            assert sum(seconds for _, seconds in heard) == pytest.approx(
                record.listened_seconds, abs=1
            )
            started = [e for e in journal.events(record.id) if e.kind == "track_started"]
            assert len(started) == len(heard)
    kinds = {kind for (kind,) in rows(made, "SELECT DISTINCT kind FROM session_events")}
    assert kinds >= {"track_started", "grounding"}
    flagged = rows(made, "SELECT count(*) FROM track_flags")[0][0]
    assert isinstance(flagged, int) and flagged >= 1
    with Journal.open(made) as journal:
        assert [contact.name for contact in support_contacts(journal)]


def test_the_data_folder_is_made_owner_only(made: Path) -> None:
    assert stat.S_IMODE(made.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(made.stat().st_mode) & 0o077 == 0


def test_an_existing_journal_is_never_written_over(
    generator: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    with Journal.open(folder / "journal.sqlite3") as journal:
        journal.record_checkin(CheckIn(Phase.BEFORE, {"distress": 3}))
    before = digest(folder / "journal.sqlite3")

    status = generator.main(["--sessions", "20", "--data-dir", str(folder)])

    assert status == 1
    assert "exists already" in capsys.readouterr().err
    assert digest(folder / "journal.sqlite3") == before
    with Journal.open(folder / "journal.sqlite3") as journal:
        assert journal.summary().sessions == 1


def test_no_sessions_gives_an_empty_journal(generator: ModuleType, tmp_path: Path) -> None:
    path = generator.generate(tmp_path / "data", 0)
    with Journal.open(path) as journal:
        assert journal.sessions() == []


def test_it_runs_on_the_apps_own_dependencies(tmp_path: Path) -> None:
    """No Qt, no development extras: a machine with mtcalm installed can make one."""
    code = (
        "import json, runpy, sys\n"
        f"sys.argv = ['make_journal.py', '--sessions', '30', '--data-dir', {str(tmp_path)!r}]\n"
        "try:\n"
        f"    runpy.run_path({str(SCRIPT)!r}, run_name='__main__')\n"
        "except SystemExit as done:\n"
        "    assert done.code == 0, done.code\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    assert not loaded & {"PySide6", "pytest", "hypothesis", "mypy", "ruff", "numpy"}
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        assert journal.summary().sessions == 30
