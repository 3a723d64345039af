"""The journal: health data that is never lost, never half-written, never reinterpreted."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mtcalm.checkin import CheckIn, CheckInError, Phase
from mtcalm.journal import backups as backups_module
from mtcalm.journal import store as journal_module
from mtcalm.journal.file import (
    APPLICATION_ID,
    SCHEMA_STEPS,
    JournalError,
    JournalTooNew,
    JournalUnreadable,
    JournalWriteFailed,
    SchemaStep,
)
from mtcalm.journal.store import EventKind, Journal, Outcome

BEFORE = CheckIn(
    Phase.BEFORE,
    {"distress": 7, "pleasantness": 3, "energy": 2},
    emotions=("anxious", "tired"),
    note="Long day; hard to settle.",
)
AFTER = CheckIn(
    Phase.AFTER,
    {"distress": 4, "pleasantness": 6, "energy": 3, "helpfulness": 3, "stirred_up": 0},
    emotions=("calm",),
    note="Better after the second track.",
)
START = datetime(2024, 5, 6, 20, 15, 0).astimezone()


@pytest.fixture
def journal_path(data_dir: Path) -> Path:
    data_dir.mkdir(mode=0o700)
    return data_dir / "journal.sqlite3"


@pytest.fixture
def journal(journal_path: Path) -> Iterator[Journal]:
    with Journal.open(journal_path) as opened:
        yield opened


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def raw_rows(path: Path, sql: str, parameters: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Read the file with plain sqlite3, as another tool (or a therapist's export) would."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, parameters).fetchall()
    finally:
        connection.close()


def sidecars(path: Path) -> set[str]:
    return {
        candidate.name
        for candidate in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))
        if candidate.exists()
    }


def make_real_journal(path: Path, sessions: int = 3) -> None:
    """A journal with some sessions in it, closed cleanly (no -wal file left)."""
    with Journal.open(path) as journal:
        for index in range(sessions):
            session_id = journal.start_session(
                f"playlist:p{index}",
                f"Playlist {index}",
                BEFORE,
                started_at=START + timedelta(days=index),
            )
            journal.finish_session(session_id, Outcome.COMPLETED, 600)
            journal.record_after(session_id, AFTER)
    assert not sidecars(path)


# -- the whole life of a session --------------------------------------------------------------


def test_a_session_is_read_back_exactly_as_it_was_recorded(journal: Journal) -> None:
    session_id = journal.start_session(
        "playlist:settle", "Settle", BEFORE, planned_seconds=900.0, started_at=START
    )
    journal.record_progress(session_id, 120.5)
    journal.record_event(session_id, EventKind.TRACK_STARTED, "01-harbour.ogg")
    journal.record_event(session_id, EventKind.GROUNDING, "5-4-3-2-1")
    ended = START + timedelta(minutes=15)
    journal.finish_session(session_id, Outcome.COMPLETED, 880.0, ended_at=ended)
    journal.record_after(session_id, AFTER)

    [record] = journal.sessions()
    assert record.id == session_id
    assert record.started_at == START
    assert record.ended_at == ended
    assert record.content_ref == "playlist:settle"
    assert record.content_title == "Settle"
    assert record.planned_seconds == 900.0
    assert record.listened_seconds == 880.0
    assert record.outcome is Outcome.COMPLETED
    assert record.before == BEFORE
    assert record.after == AFTER
    assert [change.difference for change in record.changes] == [-3, 3, 1]
    assert not record.distress_rose
    events = journal.events(session_id)
    assert [(event.kind, event.detail) for event in events] == [
        ("track_started", "01-harbour.ogg"),
        ("grounding", "5-4-3-2-1"),
    ]
    assert journal.session(session_id) == record


def test_sessions_come_newest_first(journal: Journal) -> None:
    first = journal.start_session("playlist:a", "A", BEFORE, started_at=START)
    third = journal.start_session("playlist:c", "C", BEFORE, started_at=START + timedelta(days=2))
    second = journal.start_session("playlist:b", "B", BEFORE, started_at=START + timedelta(days=1))
    assert [record.id for record in journal.sessions()] == [third, second, first]
    assert [record.content_title for record in journal.sessions(limit=2)] == ["C", "B"]


def test_a_session_whose_distress_rose_is_flagged(journal: Journal) -> None:
    session_id = journal.start_session("playlist:a", "A", CheckIn(Phase.BEFORE, {"distress": 3}))
    journal.finish_session(session_id, Outcome.ENDED_EARLY, 30)
    journal.record_after(session_id, CheckIn(Phase.AFTER, {"distress": 5}))
    record = journal.session(session_id)
    assert record.distress_rose
    assert record.outcome is Outcome.ENDED_EARLY


def test_a_new_session_is_in_progress_until_finished(journal: Journal) -> None:
    session_id = journal.start_session("playlist:a", "A", BEFORE)
    record = journal.session(session_id)
    assert record.outcome is Outcome.IN_PROGRESS
    assert record.ended_at is None
    assert record.after is None
    assert record.listened_seconds == 0


def test_an_unknown_session_id_is_a_key_error(journal: Journal) -> None:
    with pytest.raises(KeyError):
        journal.session(12345)
    with pytest.raises(KeyError):
        journal.record_progress(12345, 10)
    with pytest.raises(KeyError):
        journal.finish_session(12345, Outcome.COMPLETED, 10)
    assert journal.sessions() == []


def test_an_event_or_checkin_for_an_unknown_session_is_refused(journal: Journal) -> None:
    with pytest.raises(JournalWriteFailed):
        journal.record_event(999, EventKind.GROUNDING)
    with pytest.raises(JournalWriteFailed):
        journal.record_after(999, AFTER)
    assert raw_rows(journal.path, "SELECT count(*) FROM checkins") == [(0,)]


def test_finishing_a_session_as_in_progress_is_refused(journal: Journal) -> None:
    session_id = journal.start_session("playlist:a", "A", BEFORE)
    with pytest.raises(ValueError, match="completed or ended early"):
        journal.finish_session(session_id, Outcome.IN_PROGRESS, 10)
    assert journal.session(session_id).outcome is Outcome.IN_PROGRESS


def test_checkins_must_be_from_the_right_phase(journal: Journal) -> None:
    with pytest.raises(CheckInError):
        journal.start_session("playlist:a", "A", AFTER)
    assert journal.sessions() == []
    session_id = journal.start_session("playlist:a", "A", BEFORE)
    with pytest.raises(CheckInError):
        journal.record_after(session_id, BEFORE)
    assert journal.session(session_id).after is None


def test_a_second_after_checkin_does_not_overwrite_the_first(journal: Journal) -> None:
    session_id = journal.start_session("playlist:a", "A", BEFORE)
    journal.record_after(session_id, AFTER)
    with pytest.raises(JournalWriteFailed):
        journal.record_after(session_id, CheckIn(Phase.AFTER, {"distress": 0}))
    assert journal.session(session_id).after == AFTER


# -- how values are stored --------------------------------------------------------------------


def test_a_skipped_item_is_stored_as_sql_null(journal: Journal) -> None:
    session_id = journal.start_session("playlist:a", "A", CheckIn(Phase.BEFORE, {"distress": 5}))
    rows = raw_rows(
        journal.path,
        "SELECT item, value FROM answers JOIN checkins ON checkins.id = answers.checkin_id"
        " WHERE session_id = ? ORDER BY item",
        (session_id,),
    )
    assert rows == [("distress", 5), ("energy", None), ("pleasantness", None)]
    assert journal.session(session_id).before == CheckIn(
        Phase.BEFORE, {"distress": 5, "pleasantness": None, "energy": None}
    )


def test_a_skipped_checkin_is_stored_as_skipped(journal: Journal) -> None:
    session_id = journal.start_session("playlist:a", "A", CheckIn.skipped_in(Phase.BEFORE))
    journal.record_after(session_id, CheckIn.skipped_in(Phase.AFTER))
    assert raw_rows(journal.path, "SELECT phase, skipped FROM checkins ORDER BY phase") == [
        ("after", 1),
        ("before", 1),
    ]
    values = raw_rows(journal.path, "SELECT DISTINCT value FROM answers")
    assert values == [(None,)]
    record = journal.session(session_id)
    assert record.before is not None and record.before.skipped
    assert record.after is not None and record.after.skipped
    assert record.before.all_answers() == {"distress": None, "pleasantness": None, "energy": None}


def test_raw_values_are_stored_with_their_scale(journal: Journal) -> None:
    session_id = journal.start_session("playlist:a", "A", BEFORE)
    journal.record_after(session_id, AFTER)
    rows = raw_rows(
        journal.path,
        "SELECT phase, item, value, scale, scale_min, scale_max FROM answers"
        " JOIN checkins ON checkins.id = answers.checkin_id ORDER BY phase DESC, item",
    )
    assert rows == [
        ("before", "distress", 7, "sud-0-10", 0, 10),
        ("before", "energy", 2, "slider-0-10", 0, 10),
        ("before", "pleasantness", 3, "slider-0-10", 0, 10),
        ("after", "distress", 4, "sud-0-10", 0, 10),
        ("after", "energy", 3, "slider-0-10", 0, 10),
        ("after", "helpfulness", 3, "helpful-0-4", 0, 4),
        ("after", "pleasantness", 6, "slider-0-10", 0, 10),
        ("after", "stirred_up", 0, "no-yes-0-1", 0, 1),
    ]


def test_an_answer_on_another_scale_is_kept_but_never_reinterpreted(journal: Journal) -> None:
    session_id = journal.start_session("playlist:a", "A", BEFORE)
    # As if an older mtcalm had asked distress on a 0-100 line.
    connection = sqlite3.connect(journal.path)
    with connection:
        connection.execute(
            "UPDATE answers SET value = 73, scale = 'sud-0-100', scale_max = 100"
            " WHERE item = 'distress'"
        )
    connection.close()

    before = journal.session(session_id).before
    assert before is not None
    assert before.value("distress") is None  # not read as 73 on a 0-10 scale
    assert before.value("pleasantness") == 3
    assert raw_rows(journal.path, "SELECT value, scale FROM answers WHERE item = 'distress'") == [
        (73, "sud-0-100")
    ]


def test_emotion_words_and_the_note_are_kept(journal: Journal) -> None:
    note = "Ünïcode, quotes ' \" and ; DROP TABLE sessions; --\nsecond line"
    checkin = CheckIn(Phase.BEFORE, emotions=("lonely", "hopeful"), note=note)
    session_id = journal.start_session("playlist:a", "A", checkin)
    before = journal.session(session_id).before
    assert before is not None
    assert before.note == note
    assert before.emotions == ("lonely", "hopeful")


# -- the file itself --------------------------------------------------------------------------


def test_the_journal_file_is_owner_only_and_uses_wal(journal: Journal) -> None:
    journal.start_session("playlist:a", "A", BEFORE)
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    mode = journal._connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert raw_rows(journal.path, "PRAGMA journal_mode") == [("wal",)]  # kept in the file


def test_the_journal_is_marked_as_mtcalm_with_the_current_schema(journal: Journal) -> None:
    assert journal.schema_version == len(SCHEMA_STEPS)
    assert raw_rows(journal.path, "PRAGMA user_version") == [(len(SCHEMA_STEPS),)]
    assert raw_rows(journal.path, "PRAGMA application_id") == [(APPLICATION_ID,)]


def test_an_existing_world_readable_journal_is_made_owner_only(journal_path: Path) -> None:
    make_real_journal(journal_path)
    journal_path.chmod(0o644)
    with Journal.open(journal_path) as journal:
        assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
        assert len(journal.sessions()) == 3


# -- journals that must be left alone ---------------------------------------------------------


def assert_left_untouched(path: Path, digest: str, before_sidecars: set[str]) -> None:
    assert sha256(path) == digest
    assert sidecars(path) == before_sidecars


def test_a_journal_from_a_newer_mtcalm_is_refused_untouched(journal_path: Path) -> None:
    make_real_journal(journal_path)
    connection = sqlite3.connect(journal_path)
    connection.execute(f"PRAGMA user_version = {len(SCHEMA_STEPS) + 1}")
    connection.close()
    digest = sha256(journal_path)
    assert not sidecars(journal_path)

    with pytest.raises(JournalTooNew) as raised:
        Journal.open(journal_path)

    assert "newer" in raised.value.short
    assert "untouched" in raised.value.long
    assert_left_untouched(journal_path, digest, set())
    assert not (journal_path.parent / "backups").exists()


def crash_left_copy(source: Path, destination: Path, *, newer: bool = False) -> None:
    """Copy a journal as a crash leaves it: recent sessions still only in its -wal file."""
    journal = Journal.open(source)
    journal._connection.execute("PRAGMA wal_autocheckpoint = 0")
    for index in range(5):
        journal.start_session(f"playlist:late{index}", "Only in the -wal", BEFORE)
    if newer:
        journal._connection.execute(f"PRAGMA user_version = {len(SCHEMA_STEPS) + 1}")
    for suffix in ("", "-wal", "-shm"):
        shutil.copyfile(f"{source}{suffix}", f"{destination}{suffix}")
    journal.close()
    assert Path(f"{destination}-wal").stat().st_size > 0


def test_a_newer_journal_left_with_a_wal_is_refused_untouched(tmp_path: Path) -> None:
    """Closing a writable connection would fold the -wal into the file: that is a write."""
    source = tmp_path / "source.sqlite3"
    make_real_journal(source)
    crashed = tmp_path / "crashed" / "journal.sqlite3"
    crashed.parent.mkdir()
    crash_left_copy(source, crashed, newer=True)
    wal = crashed.with_name("journal.sqlite3-wal")
    digests = (sha256(crashed), sha256(wal))

    with pytest.raises(JournalTooNew):
        Journal.open(crashed)

    assert (sha256(crashed), sha256(wal)) == digests


def test_a_damaged_journal_left_with_a_wal_is_refused_untouched(tmp_path: Path) -> None:
    source = tmp_path / "source.sqlite3"
    make_real_journal(source, sessions=40)
    crashed = tmp_path / "crashed" / "journal.sqlite3"
    crashed.parent.mkdir()
    crash_left_copy(source, crashed)
    page_size = raw_rows(source, "PRAGMA page_size")[0][0]
    # A page the sessions in the -wal never touched, so the -wal cannot hide the damage.
    root_page = raw_rows(source, "SELECT rootpage FROM sqlite_schema WHERE name = 'session_events'")
    page = root_page[0][0]
    assert isinstance(page_size, int) and isinstance(page, int)
    data = bytearray(crashed.read_bytes())
    data[(page - 1) * page_size : page * page_size] = random.Random(6).randbytes(page_size)
    crashed.write_bytes(bytes(data))
    wal = crashed.with_name("journal.sqlite3-wal")
    digests = (sha256(crashed), sha256(wal))

    with pytest.raises(JournalUnreadable):
        Journal.open(crashed)

    assert (sha256(crashed), sha256(wal)) == digests


def test_a_journal_left_with_a_wal_opens_with_everything(tmp_path: Path) -> None:
    source = tmp_path / "source.sqlite3"
    make_real_journal(source)
    crashed = tmp_path / "crashed" / "journal.sqlite3"
    crashed.parent.mkdir()
    crash_left_copy(source, crashed)
    with Journal.open(crashed) as journal:
        titles = [record.content_title for record in journal.sessions()]
    assert titles.count("Only in the -wal") == 5
    assert len(titles) == 8


def test_random_bytes_are_refused_untouched(journal_path: Path) -> None:
    journal_path.write_bytes(random.Random(1).randbytes(8192))
    digest = sha256(journal_path)
    with pytest.raises(JournalUnreadable) as raised:
        Journal.open(journal_path)
    assert "damaged" in raised.value.short
    assert_left_untouched(journal_path, digest, set())


def test_a_text_file_is_refused_untouched(journal_path: Path) -> None:
    journal_path.write_text("my notes\n", encoding="utf-8")
    digest = sha256(journal_path)
    with pytest.raises(JournalUnreadable):
        Journal.open(journal_path)
    assert_left_untouched(journal_path, digest, set())


@pytest.mark.parametrize("keep", [0.5, 0.25, 60])
def test_a_truncated_journal_is_refused_untouched(journal_path: Path, keep: float) -> None:
    make_real_journal(journal_path, sessions=40)
    whole = journal_path.read_bytes()
    cut = int(len(whole) * keep) if keep < 1 else int(keep)
    journal_path.write_bytes(whole[:cut])
    digest = sha256(journal_path)

    with pytest.raises(JournalUnreadable) as raised:
        Journal.open(journal_path)

    assert "cannot" in raised.value.long or "damaged" in raised.value.long
    assert_left_untouched(journal_path, digest, set())


def test_a_journal_with_a_corrupted_page_is_refused_untouched(journal_path: Path) -> None:
    make_real_journal(journal_path, sessions=40)
    page_size = raw_rows(journal_path, "PRAGMA page_size")[0][0]
    assert isinstance(page_size, int)
    data = bytearray(journal_path.read_bytes())
    assert len(data) >= 4 * page_size
    garbage = random.Random(2).randbytes(page_size)
    data[2 * page_size : 3 * page_size] = garbage  # the third page: a table's b-tree
    journal_path.write_bytes(bytes(data))
    digest = sha256(journal_path)

    with pytest.raises(JournalUnreadable) as raised:
        Journal.open(journal_path)

    assert "damaged" in raised.value.short
    assert_left_untouched(journal_path, digest, set())


@pytest.mark.parametrize("application_id", [0, 1234])
def test_another_programs_database_is_refused_untouched(
    journal_path: Path, application_id: int
) -> None:
    connection = sqlite3.connect(journal_path)
    connection.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    connection.execute("INSERT INTO contacts VALUES ('Sam', '555-0100')")
    connection.execute(f"PRAGMA application_id = {application_id}")
    connection.commit()
    connection.close()
    digest = sha256(journal_path)

    with pytest.raises(JournalUnreadable) as raised:
        Journal.open(journal_path)

    assert "not an mtcalm journal" in raised.value.short
    assert_left_untouched(journal_path, digest, set())
    assert raw_rows(journal_path, "SELECT * FROM contacts") == [("Sam", "555-0100")]


def test_journal_errors_carry_a_short_and_a_long_text(journal_path: Path) -> None:
    journal_path.write_bytes(b"\x00" * 100)
    with pytest.raises(JournalError) as raised:
        Journal.open(journal_path)
    assert raised.value.short
    assert raised.value.path == journal_path  # named apart from the words
    assert str(journal_path) not in raised.value.long
    assert str(journal_path) in str(raised.value)


# -- migrations -------------------------------------------------------------------------------


def add_mood_tag(connection: sqlite3.Connection) -> None:
    connection.execute("ALTER TABLE sessions ADD COLUMN mood_tag TEXT NOT NULL DEFAULT ''")


def add_column_then_fail(connection: sqlite3.Connection) -> None:
    connection.execute("ALTER TABLE sessions ADD COLUMN mood_tag TEXT NOT NULL DEFAULT ''")
    connection.execute("UPDATE sessions SET mood_tag = 'half-done'")
    raise sqlite3.OperationalError("simulated failure half-way through a migration")


def session_columns(path: Path) -> list[str]:
    return [str(row[1]) for row in raw_rows(path, "PRAGMA table_info(sessions)")]


CURRENT = len(SCHEMA_STEPS)
NEXT_STEPS: list[SchemaStep] = [*SCHEMA_STEPS, add_mood_tag]  # as if a later mtcalm came


def one_step_journal(path: Path, sessions: int = 2) -> list[int]:
    """A journal of the current version, one upgrade step behind ``NEXT_STEPS``."""
    ids = []
    with Journal.open(path) as journal:
        assert journal.schema_version == CURRENT
        for index in range(sessions):
            ids.append(
                journal.start_session(
                    "playlist:a", f"Session {index}", BEFORE, started_at=START + timedelta(index)
                )
            )
        journal.record_after(ids[0], AFTER)
    return ids


def test_a_migration_backs_up_first_and_keeps_the_data(journal_path: Path) -> None:
    ids = one_step_journal(journal_path)
    old_digest = sha256(journal_path)

    steps = NEXT_STEPS
    with Journal.open(journal_path, schema_steps=steps) as journal:
        assert journal.schema_version == CURRENT + 1
        assert sorted(record.id for record in journal.sessions()) == ids
        assert journal.session(ids[0]).before == BEFORE
        assert journal.session(ids[0]).after == AFTER

    assert "mood_tag" in session_columns(journal_path)
    [backup] = list((journal_path.parent / "backups").iterdir())
    assert backup.name.startswith(f"journal-v{CURRENT}-")
    assert backup.suffix == ".sqlite3"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert raw_rows(backup, "PRAGMA user_version") == [(CURRENT,)]
    assert "mood_tag" not in session_columns(backup)
    titles = raw_rows(backup, "SELECT content_title FROM sessions ORDER BY id")
    assert titles == [("Session 0",), ("Session 1",)]
    assert raw_rows(backup, "SELECT note FROM checkins WHERE phase = 'after'") == [(AFTER.note,)]
    with Journal.open(backup, schema_steps=SCHEMA_STEPS) as restored:
        assert restored.session(ids[0]).before == BEFORE
    assert old_digest != sha256(journal_path)


def test_a_backup_can_go_to_a_folder_of_choice(journal_path: Path, tmp_path: Path) -> None:
    one_step_journal(journal_path)
    elsewhere = tmp_path / "elsewhere"
    Journal.open(journal_path, backup_dir=elsewhere, schema_steps=NEXT_STEPS)
    assert len(list(elsewhere.iterdir())) == 1
    assert not (journal_path.parent / "backups").exists()


def test_a_failed_migration_leaves_the_old_version_and_data(journal_path: Path) -> None:
    ids = one_step_journal(journal_path)

    with pytest.raises(JournalWriteFailed):
        Journal.open(journal_path, schema_steps=[*SCHEMA_STEPS, add_column_then_fail])

    assert raw_rows(journal_path, "PRAGMA user_version") == [(CURRENT,)]
    assert "mood_tag" not in session_columns(journal_path)  # not half-migrated
    [backup] = list((journal_path.parent / "backups").iterdir())
    assert raw_rows(backup, "SELECT count(*) FROM sessions") == [(2,)]
    with Journal.open(journal_path, schema_steps=SCHEMA_STEPS) as journal:
        assert sorted(record.id for record in journal.sessions()) == ids
        assert journal.session(ids[0]).after == AFTER
    # Once the step is fixed, the upgrade goes through.
    with Journal.open(journal_path, schema_steps=NEXT_STEPS) as journal:
        assert journal.schema_version == CURRENT + 1
        assert len(journal.sessions()) == 2


def test_a_migration_step_with_a_bug_leaves_the_old_version(journal_path: Path) -> None:
    one_step_journal(journal_path)

    def buggy_step(connection: sqlite3.Connection) -> None:
        add_mood_tag(connection)
        raise RuntimeError("a bug in the step")

    with pytest.raises(RuntimeError):
        Journal.open(journal_path, schema_steps=[*SCHEMA_STEPS, buggy_step])
    assert raw_rows(journal_path, "PRAGMA user_version") == [(CURRENT,)]
    assert "mood_tag" not in session_columns(journal_path)
    assert raw_rows(journal_path, "SELECT count(*) FROM sessions") == [(2,)]


def test_a_migration_that_fills_the_disk_says_so_and_keeps_the_old_version(
    journal_path: Path,
) -> None:
    one_step_journal(journal_path)

    def step_on_a_full_disk(connection: sqlite3.Connection) -> None:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")
        add_mood_tag(connection)
        connection.execute(
            "INSERT INTO session_events (session_id, at, kind, detail)"
            " VALUES (1, '2024-05-06T21:00:00', 'migrated', zeroblob(1000000))"
        )

    with pytest.raises(JournalWriteFailed) as raised:
        Journal.open(journal_path, schema_steps=[*SCHEMA_STEPS, step_on_a_full_disk])

    assert "disk is full" in raised.value.long
    assert raw_rows(journal_path, "PRAGMA user_version") == [(CURRENT,)]
    assert "mood_tag" not in session_columns(journal_path)
    assert raw_rows(journal_path, "SELECT count(*) FROM sessions") == [(2,)]


def test_two_migrations_in_the_same_second_keep_both_backups(
    journal_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    moment = datetime(2024, 5, 6, 21, 0, 0).astimezone()
    monkeypatch.setattr(backups_module, "now", lambda: moment)
    one_step_journal(journal_path, sessions=1)
    first_copy = journal_path.read_bytes()
    steps = NEXT_STEPS
    Journal.open(journal_path, schema_steps=steps).close()
    backups = journal_path.parent / "backups"
    [first_backup] = list(backups.iterdir())
    first_digest = sha256(first_backup)

    # The same journal again (restored by hand), with a session added, then upgraded.
    journal_path.write_bytes(first_copy)
    with Journal.open(journal_path, schema_steps=SCHEMA_STEPS) as journal:
        journal.start_session("playlist:b", "Added later", BEFORE)
    Journal.open(journal_path, schema_steps=steps).close()

    assert sorted(path.name for path in backups.iterdir()) == [
        f"journal-v{CURRENT}-20240506-210000-1.sqlite3",
        f"journal-v{CURRENT}-20240506-210000.sqlite3",
    ]
    assert sha256(first_backup) == first_digest
    second_backup = backups / f"journal-v{CURRENT}-20240506-210000-1.sqlite3"
    assert raw_rows(first_backup, "SELECT count(*) FROM sessions") == [(1,)]
    assert raw_rows(second_backup, "SELECT count(*) FROM sessions") == [(2,)]


def test_creating_a_journal_takes_no_backup(journal_path: Path) -> None:
    Journal.open(journal_path).close()
    assert not (journal_path.parent / "backups").exists()


# -- a full disk ------------------------------------------------------------------------------


def fill_the_disk(journal: Journal) -> None:
    """Let the journal grow by no more pages: every write that needs space now fails."""
    connection = journal._connection
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")


def test_a_full_disk_fails_the_write_and_keeps_everything_before(journal: Journal) -> None:
    kept = journal.start_session("playlist:a", "Before the disk filled", BEFORE, started_at=START)
    journal.record_progress(kept, 300)
    fill_the_disk(journal)
    big = CheckIn(Phase.BEFORE, {"distress": 6}, note="n" * 5000)

    with pytest.raises(JournalWriteFailed) as raised:
        for _ in range(100):
            journal.start_session("playlist:b", "Too much", big)

    assert "disk is full" in raised.value.long
    assert "could not be saved" in raised.value.short
    titles = [record.content_title for record in journal.sessions()]
    assert "Before the disk filled" in titles
    # Each session that was saved has its check-in: no session row without it.
    orphans = raw_rows(
        journal.path,
        "SELECT count(*) FROM sessions WHERE id NOT IN (SELECT session_id FROM checkins)",
    )
    assert orphans == [(0,)]
    for record in journal.sessions():
        assert record.before is not None
    record = journal.session(kept)
    assert record.before == BEFORE
    assert record.listened_seconds == 300


def test_after_a_full_disk_the_journal_still_works(journal: Journal) -> None:
    session_id = journal.start_session("playlist:a", "A", BEFORE)
    connection = journal._connection
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    fill_the_disk(journal)
    big = CheckIn(Phase.AFTER, {"distress": 2}, note="n" * 5000)
    with pytest.raises(JournalWriteFailed):
        for _ in range(100):
            journal.record_event(session_id, EventKind.TRACK_STARTED, "x" * 5000)
    connection.execute(f"PRAGMA max_page_count = {pages + 1000}")  # space freed
    journal.record_after(session_id, big)
    after = journal.session(session_id).after
    assert after is not None
    assert after.all_answers() == big.all_answers()
    assert after.note == big.note
    assert not connection.in_transaction


def test_a_journal_in_a_read_only_place_is_not_written(journal: Journal) -> None:
    session_id = journal.start_session("playlist:a", "A", BEFORE)
    journal._connection.execute("PRAGMA query_only = ON")
    with pytest.raises(JournalWriteFailed) as raised:
        journal.record_progress(session_id, 50)
    assert "Nothing was lost" in raised.value.long
    assert journal.session(session_id).listened_seconds == 0


def test_sqlite_files_left_beside_the_journal_are_owner_only(journal: Journal) -> None:
    journal.start_session("playlist:a", "A", BEFORE)
    for name in sidecars(journal.path):
        sidecar = journal.path.with_name(name)
        assert stat.S_IMODE(sidecar.stat().st_mode) & 0o077 == 0, name


def test_a_session_is_never_saved_without_its_checkin(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills between the session row and its check-in: neither is kept."""
    kept = journal.start_session("playlist:a", "Kept", BEFORE)

    def disk_fills(*_: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(journal_module, "insert_checkin", disk_fills)
    with pytest.raises(JournalWriteFailed, match="disk is full"):
        journal.start_session("playlist:b", "Half", BEFORE)

    assert [record.id for record in journal.sessions()] == [kept]
    assert raw_rows(journal.path, "SELECT count(*) FROM sessions") == [(1,)]
    assert not journal._connection.in_transaction


def test_a_new_journal_is_owner_only_before_anything_is_written(journal_path: Path) -> None:
    """Not only once opened: while the first data goes in, the files are already private."""
    modes: dict[str, int] = {}

    def watching_create(connection: sqlite3.Connection) -> None:
        SCHEMA_STEPS[0](connection)
        # The journal is built under a temporary name first: every file there is private.
        for candidate in journal_path.parent.iterdir():
            modes[candidate.name] = stat.S_IMODE(candidate.stat().st_mode)

    old_umask = os.umask(0o022)  # the usual default: new files readable by everyone
    try:
        Journal.open(journal_path, schema_steps=[watching_create]).close()
    finally:
        os.umask(old_umask)
    assert any(name.endswith("-wal") for name in modes), modes  # it was watched mid-way
    assert modes == {name: 0o600 for name in modes}
    assert stat.S_IMODE(journal_path.stat().st_mode) == 0o600
    assert sorted(path.name for path in journal_path.parent.iterdir()) == ["journal.sqlite3"]
