"""Journal format 3: a stable identity per session, check-ins on their own, optional items kept
with what they meant, support contacts, the background sound and the tracks heard."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mtcalm.checkin import (
    CRAVING,
    TENSION,
    CheckIn,
    CheckInError,
    Phase,
    compare,
    custom_item,
    items_for,
    suggests_support_first,
)
from mtcalm.journal.file import SCHEMA_STEPS
from mtcalm.journal.personal import (
    SupportContact,
    choose_items,
    chosen_items,
    save_support_contacts,
    support_contacts,
)
from mtcalm.journal.store import Journal, SessionKind
from tests.legacy_journals import write_old_session

START = datetime(2026, 3, 1, 9, 30).astimezone()
LONELY = custom_item("custom-lonely", "Loneliness", "not at all", "very lonely")


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


def with_items(phase: Phase, answers: dict[str, int | None], *extra: object) -> CheckIn:
    return CheckIn(phase, answers, items=items_for(phase, extra))  # type: ignore[arg-type]


def test_optional_items_are_asked_after_the_core_and_compared() -> None:
    before = with_items(Phase.BEFORE, {"distress": 6, "craving": 7}, CRAVING, LONELY)
    after = with_items(
        Phase.AFTER, {"distress": 3, "craving": 4, "custom-lonely": 2}, CRAVING, LONELY
    )
    assert [item.key for item in before.items] == [
        "distress",
        "pleasantness",
        "energy",
        "craving",
        "custom-lonely",
    ]
    assert [item.key for item in after.items][-2:] == ["helpfulness", "stirred_up"]
    changes = {change.key: change.difference for change in compare(before, after)}
    assert changes["craving"] == -3
    assert changes["custom-lonely"] is None  # not answered before: no change is made up
    assert "helpfulness" not in changes


def test_an_answer_to_an_item_not_asked_is_refused() -> None:
    with pytest.raises(CheckInError):
        CheckIn(Phase.BEFORE, {"craving": 5})  # craving is not switched on


def test_custom_items_are_checked() -> None:
    for key, label in (("lonely", "Lonely"), ("custom-", "Lonely"), ("custom-a b", "Lonely")):
        with pytest.raises(CheckInError):
            custom_item(key, label)
    with pytest.raises(CheckInError):
        custom_item("custom-x", "  ")
    with pytest.raises(CheckInError):
        custom_item("custom-x", "two\nlines")
    with pytest.raises(CheckInError):
        custom_item("custom-x", "x" * 61)


def test_craving_of_8_before_gets_the_same_offer_as_distress() -> None:
    assert suggests_support_first(with_items(Phase.BEFORE, {"craving": 8}, CRAVING))
    assert not suggests_support_first(with_items(Phase.BEFORE, {"craving": 7}, CRAVING))
    assert suggests_support_first(CheckIn(Phase.BEFORE, {"distress": 8}))


def test_what_an_item_meant_is_kept_with_its_answers(journal: Journal) -> None:
    before = with_items(Phase.BEFORE, {"distress": 5, "custom-lonely": 7}, LONELY)
    first = journal.start_session("playlist:a", "A", before, started_at=START)
    # Later the person renames the item and changes its ends: the old answer keeps its words.
    renamed = custom_item("custom-lonely", "Feeling alone", "with people", "all alone")
    later = with_items(Phase.BEFORE, {"custom-lonely": 2}, renamed)
    second = journal.start_session("playlist:a", "A", later, started_at=START + timedelta(1))

    old = journal.session(first).before
    new = journal.session(second).before
    assert old is not None and new is not None
    assert old.item("custom-lonely") == LONELY and old.value("custom-lonely") == 7
    assert new.item("custom-lonely") == renamed and new.value("custom-lonely") == 2
    rows = sqlite3.connect(journal.path).execute("SELECT count(*) FROM item_definitions")
    assert rows.fetchone()[0] == 5  # three core items and both meanings of the own item


def test_a_check_in_on_its_own_is_kept_in_the_same_history(journal: Journal) -> None:
    listened = journal.start_session("playlist:a", "A", CheckIn(Phase.BEFORE, {"distress": 4}))
    alone = journal.record_checkin(CheckIn(Phase.BEFORE, {"distress": 7}, note="after the call"))
    records = {record.id: record for record in journal.sessions()}
    assert records[alone].kind is SessionKind.CHECKIN
    assert records[alone].before is not None and records[alone].before.note == "after the call"
    assert records[alone].after is None and records[alone].listened_seconds == 0
    assert records[listened].kind is SessionKind.LISTENING
    with pytest.raises(CheckInError):
        journal.record_checkin(CheckIn(Phase.AFTER, {"distress": 3}))


def test_every_session_has_its_own_lasting_identity(journal: Journal) -> None:
    ids = [journal.start_session("playlist:a", "A", CheckIn(Phase.BEFORE)) for _ in range(50)]
    uids = [journal.session(session_id).uid for session_id in ids]
    assert len(set(uids)) == 50 and all(len(uid) == 32 for uid in uids)
    assert journal.session(ids[0]).uid == uids[0]  # read again: the same


def test_an_older_journal_gets_identities_and_reads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    before = CheckIn(Phase.BEFORE, {"distress": 6, "energy": 3}, ("tense",), "long day")
    with Journal.open(path, schema_steps=SCHEMA_STEPS[:2]) as old:
        write_old_session(old, "playlist:a", "A", before)
        write_old_session(old, "playlist:b", "B", before)
    with Journal.open(path) as journal:
        records = journal.sessions()
        assert [record.before for record in records] == [before, before]
        assert len({record.uid for record in records}) == 2
        assert all(record.kind is SessionKind.LISTENING for record in records)


def test_many_sessions_read_back_past_sqlites_variable_limit(journal: Journal) -> None:
    connection = sqlite3.connect(journal.path)
    with connection:
        connection.executemany(
            "INSERT INTO sessions (uid, started_at, updated_at, content_ref, content_title)"
            " VALUES (?, '2026-01-01T10:00:00+00:00', '2026-01-01T10:00:00+00:00', 'p', 'P')",
            [(f"{index:032x}",) for index in range(40_000)],
        )
    connection.close()
    assert len(journal.sessions()) == 40_000


def test_background_sound_and_tracks_heard_are_kept(journal: Journal) -> None:
    session_id = journal.start_session("playlist:a", "A", CheckIn(Phase.BEFORE))
    journal.set_ambience(session_id, "rain")
    journal.record_track_heard(session_id, 0, "bundled:a.ogg", "Dawn", 120.0)
    journal.record_track_heard(session_id, 0, "bundled:a.ogg", "Dawn", 80.0)  # never less
    journal.record_track_heard(session_id, 1, "bundled:b.ogg", "Shore", 30.5)
    assert journal.session(session_id).ambience == "rain"
    assert journal.tracks_heard(session_id) == [("Dawn", 120.0), ("Shore", 30.5)]
    with pytest.raises(KeyError):
        journal.set_ambience(999, "rain")


def test_chosen_items_are_kept_in_order(journal: Journal) -> None:
    assert chosen_items(journal) == ()
    choose_items(journal, [LONELY, CRAVING])
    assert chosen_items(journal) == (LONELY, CRAVING)
    choose_items(journal, [TENSION])
    assert chosen_items(journal) == (TENSION,)
    with pytest.raises(CheckInError):
        choose_items(journal, [CRAVING, CRAVING])
    with pytest.raises(CheckInError):
        choose_items(journal, [items_for(Phase.BEFORE)[0]])  # distress is always asked
    assert chosen_items(journal) == (TENSION,)  # a refused change changes nothing


def test_support_contacts_are_the_persons_own(journal: Journal) -> None:
    assert support_contacts(journal) == []  # none ship with mtcalm
    sam = SupportContact("Sam (sponsor)", "07700 900123", "any time")
    clinic = SupportContact("<b>Clinic</b>", "Tuesday group", "", set_by="therapist")
    save_support_contacts(journal, [sam, clinic])
    assert support_contacts(journal) == [sam, clinic]  # kept as typed, in order
    save_support_contacts(journal, [clinic])
    assert support_contacts(journal) == [clinic]
    with pytest.raises(ValueError):
        SupportContact("   ")
    with pytest.raises(ValueError):
        SupportContact("Sam", note="x" * 501)


def test_an_answer_another_tool_stored_as_text_is_not_shown(journal: Journal) -> None:
    session_id = journal.start_session("playlist:a", "A", CheckIn(Phase.BEFORE, {"distress": 4}))
    connection = sqlite3.connect(journal.path)
    with connection:
        connection.execute("UPDATE answers SET value = 'seven' WHERE item = 'distress'")
    connection.close()
    before = journal.session(session_id).before
    assert before is not None and before.value("distress") is None


def test_the_journal_page_lists_and_counts_check_ins_by_index(journal: Journal) -> None:
    plan = journal.reading(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM sessions WHERE kind = 'checkin'"
    )
    assert any("sessions_by_kind" in str(row[-1]) for row in plan)
