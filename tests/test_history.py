"""The journal page's reads (mtcalm.journal.history): filters, keyset pages, counts, slices,
the detail of one session, and the same answers at 100,000 sessions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from mtcalm.checkin import CRAVING, CheckIn, Phase, custom_item, items_for
from mtcalm.drawing import Drawing, Stroke
from mtcalm.journal import history
from mtcalm.journal.file import JournalError
from mtcalm.journal.history import (
    ANY_FLAG,
    Entries,
    Flag,
    HistoryCount,
    JournalFilter,
    PageKey,
)
from mtcalm.journal.store import EventKind, Journal, Outcome, SessionKind

START = datetime(2026, 3, 1, 9, 30).astimezone()
LONELY = custom_item("custom-lonely", "Loneliness", "not at all", "very lonely")


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


def session(
    journal: Journal,
    at: datetime,
    title: str = "Evening calm",
    *,
    before: Mapping[str, int | None] | None = None,
    after: Mapping[str, int | None] | None = None,
    ref: str | None = None,
    before_note: str = "",
    after_note: str = "",
) -> int:
    """A finished listening session with its check-ins; returns its id."""
    checkin = CheckIn(Phase.BEFORE, before or {"distress": 5}, note=before_note)
    session_id = journal.start_session(ref or f"playlist:{title}", title, checkin, started_at=at)
    journal.finish_session(session_id, Outcome.COMPLETED, 600)
    if after is not None:
        journal.record_after(session_id, CheckIn(Phase.AFTER, after, note=after_note))
    return session_id


def ids(rows: Sequence[history.HistoryRow]) -> list[int]:
    return [row.id for row in rows]


def everything_in_order(journal: Journal) -> list[int]:
    rows = journal.reading("SELECT id FROM sessions ORDER BY started_at DESC, id DESC")
    return [int(str(row[0])) for row in rows]


def walk(journal: Journal, journal_filter: JournalFilter, limit: int) -> list[int]:
    """Every matching id, page by page."""
    found: list[int] = []
    before: PageKey | None = None
    while True:
        rows = history.page(journal, journal_filter, before=before, limit=limit)
        found += ids(rows)
        if len(rows) < limit:
            return found
        before = rows[-1].key


# -- filters --------------------------------------------------------------------------------------


def test_dates_are_local_days_and_inclusive(journal: Journal) -> None:
    late = session(journal, datetime(2026, 3, 1, 23, 59).astimezone())
    early = session(journal, datetime(2026, 3, 2, 0, 0).astimezone())
    later = session(journal, datetime(2026, 3, 4, 8, 0).astimezone())
    second = JournalFilter(since=date(2026, 3, 2), until=date(2026, 3, 2))
    assert ids(history.page(journal, second)) == [early]
    assert ids(history.page(journal, JournalFilter(since=date(2026, 3, 2)))) == [later, early]
    assert ids(history.page(journal, JournalFilter(until=date(2026, 3, 1)))) == [late]
    assert history.count(journal, second) == HistoryCount(1, 0)


def test_content_and_kind_filters(journal: Journal) -> None:
    calm = session(journal, START, "Evening calm", ref="playlist:calm")
    place = session(journal, START + timedelta(hours=1), "A safe place", ref="script:place")
    alone = journal.record_checkin(
        CheckIn(Phase.BEFORE, {"distress": 4}), recorded_at=START + timedelta(hours=2)
    )
    assert ids(history.page(journal, JournalFilter(content_ref="script:place"))) == [place]
    listening = JournalFilter(entries=Entries.LISTENING)
    assert ids(history.page(journal, listening)) == [place, calm]
    checkins = JournalFilter(entries=Entries.CHECKINS)
    assert ids(history.page(journal, checkins)) == [alone]
    assert history.count(journal, JournalFilter()) == HistoryCount(2, 1)
    assert history.count(journal, checkins) == HistoryCount(0, 1)
    [row] = history.page(journal, checkins)
    assert row.kind is SessionKind.CHECKIN and row.change("distress").before == 4
    contents = history.contents(journal)
    assert [(c.ref, c.title) for c in contents] == [
        ("script:place", "A safe place"),
        ("playlist:calm", "Evening calm"),
    ], "by title, without the check-ins on their own"


def test_contents_name_each_playlist_by_its_newest_title(journal: Journal) -> None:
    session(journal, START, "Old name", ref="playlist:a")
    session(journal, START + timedelta(days=1), "New name", ref="playlist:a")
    assert [(c.ref, c.title) for c in history.contents(journal)] == [("playlist:a", "New name")]


def test_distress_flag_is_a_rise_of_two_or_more(journal: Journal) -> None:
    rose = session(journal, START, before={"distress": 3}, after={"distress": 5})
    session(journal, START + timedelta(hours=1), before={"distress": 3}, after={"distress": 4})
    session(journal, START + timedelta(hours=2), before={"distress": None}, after={"distress": 9})
    session(journal, START + timedelta(hours=3), before={"distress": 8}, after={"distress": 2})
    flagged = JournalFilter(flags=frozenset({Flag.DISTRESS_ROSE}))
    assert ids(history.page(journal, flagged)) == [rose]
    assert history.count(journal, flagged) == HistoryCount(1, 0)
    by_id = {row.id: row for row in history.page(journal, JournalFilter())}
    assert by_id[rose].flags == {Flag.DISTRESS_ROSE}
    assert journal.session(rose).distress_rose, "the same rule as the journal's own"


def test_urges_flag_is_a_yes(journal: Journal) -> None:
    yes = session(journal, START, after={"distress": 4, "stirred_up": 1})
    session(journal, START + timedelta(hours=1), after={"distress": 4, "stirred_up": 0})
    session(journal, START + timedelta(hours=2), after={"distress": 4, "stirred_up": None})
    urges = JournalFilter(flags=frozenset({Flag.URGES}))
    assert ids(history.page(journal, urges)) == [yes]
    found = history.find(journal, JournalFilter(), yes)
    assert found is not None and found.flags == {Flag.URGES}


def test_a_session_that_played_a_flagged_track_is_flagged(journal: Journal) -> None:
    heard = session(journal, START, "Heard")
    journal.record_track_heard(heard, 0, "bundled:playlists/evening/rain.ogg", "Rain", 90.0)
    old = session(journal, START + timedelta(hours=1), "From before tracks were kept")
    journal.record_event(old, EventKind.TRACK_STARTED, "rain.ogg")
    other = session(journal, START + timedelta(hours=2), "Another rain.ogg")
    journal.record_event(other, EventKind.TRACK_STARTED, "rain.ogg")  # its tracks say which
    journal.record_track_heard(other, 0, "/home/me/music/rain.ogg", "Someone's rain", 30.0)
    quiet = session(journal, START + timedelta(hours=3), "Nothing flagged")
    journal.record_event(quiet, EventKind.TRACK_STARTED, "dawn.ogg")
    triggers = JournalFilter(flags=frozenset({Flag.TRIGGER_TRACK}))
    assert history.page(journal, triggers) == [], "nothing is flagged yet"

    journal.flag_track("bundled:playlists/evening/rain.ogg", "Rain")
    assert ids(history.page(journal, triggers)) == [old, heard]
    assert history.detail(journal, heard).trigger_tracks == ("Rain",)
    assert history.detail(journal, old).trigger_tracks == ("Rain",)
    assert history.detail(journal, other).flags == frozenset()
    journal.unflag_track("bundled:playlists/evening/rain.ogg")
    assert history.page(journal, triggers) == [], "a flag taken off is off the list"


def test_only_flagged_matches_any_reason(journal: Journal) -> None:
    rose = session(journal, START, before={"distress": 2}, after={"distress": 6})
    urges = session(journal, START + timedelta(hours=1), after={"distress": 5, "stirred_up": 1})
    session(journal, START + timedelta(hours=2), after={"distress": 5})
    assert ids(history.page(journal, JournalFilter(flags=ANY_FLAG))) == [urges, rose]


def test_with_notes_counts_words_and_drawings_but_not_blank_space(journal: Journal) -> None:
    before = session(journal, START, before_note="Rough day at work")
    after = session(journal, START + timedelta(hours=1), after={"distress": 2}, after_note="Ok")
    blank = session(journal, START + timedelta(hours=2), before_note="   \n ")
    written = session(journal, START + timedelta(hours=3))
    journal.record_reflection(written, "", "A quiet beach", Drawing())
    drawn = session(journal, START + timedelta(hours=4))
    drawing = Drawing((Stroke("rose", 0.04, ((0.2, 0.5), (0.8, 0.5))),))
    journal.record_reflection(drawn, "", "", drawing)
    notes = JournalFilter(with_notes=True)
    assert ids(history.page(journal, notes)) == [drawn, written, after, before]
    assert blank not in ids(history.page(journal, notes))
    rows = {row.id: row for row in history.page(journal, JournalFilter())}
    assert rows[before].has_checkin_note and not rows[blank].has_checkin_note
    assert rows[written].has_reflection_note and not rows[written].has_drawing
    assert rows[drawn].has_drawing and not rows[drawn].has_reflection_note


def test_filters_combine(journal: Journal) -> None:
    keep = session(journal, START, ref="playlist:a", before={"distress": 1}, after={"distress": 4})
    session(journal, START + timedelta(hours=1), ref="playlist:b", before={"distress": 1},
            after={"distress": 4})  # fmt: skip
    session(journal, START + timedelta(days=3), ref="playlist:a", before={"distress": 1},
            after={"distress": 4})  # fmt: skip
    both = JournalFilter(
        since=START.date(), until=START.date(), content_ref="playlist:a", flags=ANY_FLAG
    )
    assert ids(history.page(journal, both)) == [keep]
    assert history.count(journal, both) == HistoryCount(1, 0)


def test_hostile_text_is_only_ever_a_value(journal: Journal) -> None:
    ref = "playlist:'); DROP TABLE sessions; --"
    hostile = session(journal, START, "<b>x</b> ' \" %", ref=ref)
    assert ids(history.page(journal, JournalFilter(content_ref=ref))) == [hostile]
    assert history.page(journal, JournalFilter(content_ref="%")) == []
    [row] = history.page(journal, JournalFilter())
    assert row.title == "<b>x</b> ' \" %"


# -- what a row says --------------------------------------------------------------------------


def test_a_row_carries_what_the_list_shows(journal: Journal) -> None:
    session_id = session(
        journal,
        START,
        before={"distress": 7, "pleasantness": 3, "energy": None},
        after={"distress": 4, "pleasantness": 6, "energy": 3, "helpfulness": 3},
    )
    skipped = journal.start_session("playlist:a", "Skipped", CheckIn.skipped_in(Phase.BEFORE))
    [row_skipped, row] = history.page(journal, JournalFilter())
    assert row.id == session_id and row.title == "Evening calm"
    assert row.kind is SessionKind.LISTENING and row.outcome is Outcome.COMPLETED
    assert row.listened_seconds == 600
    assert [(c.key, c.before, c.after) for c in row.changes] == [
        ("distress", 7, 4),
        ("pleasantness", 3, 6),
        ("energy", None, 3),
    ]
    assert row.started_at == START and row.after_taken and not row.after_skipped
    assert row_skipped.id == skipped and row_skipped.before_skipped
    assert not row_skipped.after_taken and row_skipped.outcome is Outcome.IN_PROGRESS


def test_answers_the_journal_would_not_show_are_not_shown(journal: Journal) -> None:
    session_id = session(journal, START, before={"distress": 6}, after={"distress": 2})
    with sqlite3.connect(journal.path) as raw:  # another tool changed the file
        raw.execute("UPDATE answers SET value = 99 WHERE item = 'distress' AND value = 6")
        raw.execute("UPDATE answers SET value = 'two' WHERE item = 'distress' AND value = 2")
    raw.close()
    [row] = history.page(journal, JournalFilter())
    assert row.change("distress").before is None and row.change("distress").after is None
    shown = history.detail(journal, session_id)  # never a crash, never a made-up number
    before, after = shown.record.before, shown.record.after
    assert before is not None and before.value("distress") is None
    assert after is not None and after.value("distress") is None


# -- keyset pages -------------------------------------------------------------------------------


def test_pages_have_no_gaps_or_repeats_when_sessions_share_a_start(journal: Journal) -> None:
    with journal.writing() as cursor:
        cursor.executemany(
            "INSERT INTO sessions (uid, started_at, updated_at, content_ref, content_title)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (f"u{n}", (START + timedelta(minutes=n // 7)).isoformat(), "", "p:a", f"S{n}")
                for n in range(460)
            ],
        )
    expected = everything_in_order(journal)
    for limit in (1, 7, 50, 200, 459, 460, 1000):
        found = walk(journal, JournalFilter(), limit)
        assert found == expected, limit
    assert len(set(expected)) == 460


def test_newer_rows_find_and_position(journal: Journal) -> None:
    first = [session(journal, START + timedelta(hours=n)) for n in range(5)]
    top = history.page(journal, JournalFilter(), limit=1)[0].key
    later = [session(journal, START + timedelta(days=1, hours=n)) for n in range(3)]
    newer = history.newer(journal, JournalFilter(), than=top)
    assert ids(newer) == later[::-1], "newest first, only those above the top"
    assert ids(history.newer(journal, JournalFilter(), than=top, limit=2)) == later[:2][::-1]
    row = history.find(journal, JournalFilter(), first[1])
    assert row is not None and history.position(journal, JournalFilter(), row.key) == 6
    assert history.find(journal, JournalFilter(entries=Entries.CHECKINS), first[1]) is None


def test_slices_find_the_same_rows_and_counts_as_one_query(journal: Journal) -> None:
    for n in range(120):
        after = {"distress": 8 if n % 9 == 0 else 2}
        session(journal, START + timedelta(minutes=n), before={"distress": 3}, after=after)
    flagged = JournalFilter(flags=ANY_FLAG)
    expected = ids(history.page(journal, flagged, limit=1000))
    assert len(expected) == 14
    found: list[int] = []
    counted = HistoryCount(0, 0)
    below: PageKey | None = None
    slices = 0
    while True:
        part = history.scan(journal, flagged, below=below, span=11, limit=3)
        assert len(part.rows) <= 3
        found += ids(part.rows)
        counted = HistoryCount(counted.sessions + part.matched.sessions, 0)
        slices += 1
        if part.resume is None:
            break
        below = part.resume
    assert found == expected, "in order, none missed, none twice"
    assert counted == history.count(journal, flagged) == HistoryCount(14, 0)
    assert slices > 10, "each slice looked at a few sessions only"


def test_a_journal_that_cannot_be_read_says_so(journal: Journal) -> None:
    journal.close()
    with pytest.raises(JournalError):
        history.page(journal, JournalFilter())
    with pytest.raises(JournalError):
        history.count(journal, JournalFilter(flags=ANY_FLAG))


# -- the detail -----------------------------------------------------------------------------------


def test_the_detail_has_everything(journal: Journal) -> None:
    extra = (CRAVING, LONELY)
    before = CheckIn(
        Phase.BEFORE,
        {"distress": 6, "pleasantness": 3, "craving": 8, "custom-lonely": 7},
        emotions=("anxious", "lonely"),
        note="Rough day at work <b>x</b>",
        items=items_for(Phase.BEFORE, extra),
    )
    session_id = journal.start_session("script:place", "A safe place", before, started_at=START)
    journal.record_event(session_id, EventKind.TRACK_STARTED, "rain.ogg")
    journal.record_event(session_id, EventKind.GROUNDING)
    journal.record_track_heard(session_id, 0, "bundled:rain.ogg", "Rain", 125.0)
    journal.record_track_heard(session_id, 1, "bundled:dawn.ogg", "Dawn", 40.0)
    journal.set_ambience(session_id, "waves")
    journal.finish_session(session_id, Outcome.ENDED_EARLY, 165)
    after = CheckIn(
        Phase.AFTER,
        {"distress": 8, "craving": 4, "custom-lonely": 5, "helpfulness": 1, "stirred_up": 1},
        emotions=("calm",),
        note="Lighter",
        items=items_for(Phase.AFTER, extra),
    )
    journal.record_after(session_id, after)
    drawing = Drawing((Stroke("rose", 0.04, ((0.2, 0.5), (0.8, 0.5))),))
    journal.record_reflection(session_id, "What did you notice?", "A beach", drawing)
    journal.flag_track("bundled:rain.ogg", "Rain")

    detail = history.detail(journal, session_id)
    record = detail.record
    assert record.content_title == "A safe place" and record.ambience == "waves"
    assert record.before == before and record.after == after
    assert record.before is not None and record.before.item("custom-lonely") == LONELY
    changes = {c.key: (c.before, c.after) for c in detail.changes}
    assert changes == {
        "distress": (6, 8),
        "pleasantness": (3, None),
        "energy": (None, None),
        "craving": (8, 4),
        "custom-lonely": (7, 5),
    }
    assert detail.flags == {Flag.DISTRESS_ROSE, Flag.URGES, Flag.TRIGGER_TRACK}
    assert detail.trigger_tracks == ("Rain",)
    assert detail.tracks == (("Rain", 125.0), ("Dawn", 40.0))
    assert [(e.kind, e.detail) for e in detail.events] == [
        ("track_started", "rain.ogg"),
        ("grounding", ""),
    ]
    assert detail.reflection is not None and detail.reflection.note == "A beach"
    assert detail.reflection.drawing == drawing
    [row] = history.page(journal, JournalFilter())
    assert row.flags == detail.flags, "the list and the detail agree"


def test_the_detail_of_a_session_not_there(journal: Journal) -> None:
    with pytest.raises(KeyError):
        history.detail(journal, 12345)


# -- 100,000 sessions -----------------------------------------------------------------------------

BIG = 100_000


def fill_big_journal(journal: Journal, sessions: int = BIG) -> dict[str, int]:
    """``sessions`` entries in one transaction: three share each start time, every 13th is a
    check-in on its own, every 10th has check-ins (distress rising in every 40th), every
    1000th a note. Returns what the filters should find.
    """
    rows, checkins, answers = [], [], []
    expected = {"checkins": 0, "rose": 0, "notes": 0}
    checkin_id = 0
    for n in range(1, sessions + 1):
        stamp = (START + timedelta(minutes=n // 3)).isoformat()
        alone = n % 13 == 0
        expected["checkins"] += alone
        kind, ref = ("checkin", "checkin") if alone else ("listening", f"playlist:{n % 7}")
        rows.append((n, f"u{n}", kind, stamp, stamp, ref, f"Playlist {n % 7}", "completed"))
        if n % 10 or alone:
            continue
        note = "a note" if n % 1000 == 0 else ""
        expected["notes"] += bool(note)
        rise = n % 40 == 0
        expected["rose"] += rise
        for phase, value in (("before", 3), ("after", 6 if rise else 1)):
            checkin_id += 1
            checkins.append((checkin_id, n, phase, stamp, note if phase == "before" else ""))
            answers.append((checkin_id, "distress", value, "sud-0-10", 0, 10))
    with journal.writing() as cursor:
        cursor.executemany(
            "INSERT INTO sessions (id, uid, kind, started_at, updated_at, content_ref,"
            " content_title, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        cursor.executemany(
            "INSERT INTO checkins (id, session_id, phase, recorded_at, note)"
            " VALUES (?, ?, ?, ?, ?)",
            checkins,
        )
        cursor.executemany(
            "INSERT INTO answers (checkin_id, item, value, scale, scale_min, scale_max)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            answers,
        )
    return expected


def test_a_hundred_thousand_sessions(journal: Journal) -> None:
    expected = fill_big_journal(journal)
    everything = history.count(journal, JournalFilter())
    assert everything == HistoryCount(BIG - expected["checkins"], expected["checkins"])
    assert history.stamp(journal).entries == BIG

    order = everything_in_order(journal)
    first = history.page(journal, JournalFilter())
    assert ids(first) == order[: history.PAGE_SIZE]
    deep = history.page(journal, JournalFilter(), before=first[-1].key)
    assert ids(deep) == order[history.PAGE_SIZE : 2 * history.PAGE_SIZE]
    middle = history.find(journal, JournalFilter(), order[50_000])
    assert middle is not None
    assert history.position(journal, JournalFilter(), middle.key) == 50_000
    after_middle = history.page(journal, JournalFilter(), before=middle.key, limit=500)
    assert ids(after_middle) == order[50_001:50_501]
    last = history.page(journal, JournalFilter(), before=history.find(
        journal, JournalFilter(), order[-4]).key)  # fmt: skip
    assert ids(last) == order[-3:]

    rose = JournalFilter(flags=frozenset({Flag.DISTRESS_ROSE}))
    assert history.count(journal, rose) == HistoryCount(expected["rose"], 0)
    assert history.count(journal, JournalFilter(with_notes=True)).total == expected["notes"]
    checkins = JournalFilter(entries=Entries.CHECKINS)
    assert history.count(journal, checkins) == HistoryCount(0, expected["checkins"])
    assert all(row.kind is SessionKind.CHECKIN for row in history.page(journal, checkins))
    assert len(history.contents(journal)) == 7
    assert history.count(journal, JournalFilter(content_ref="playlist:3")).total == sum(
        1 for n in range(1, BIG + 1) if n % 13 and n % 7 == 3
    )

    counted, below = 0, None
    while True:  # the page's way to count a slow filter: slices, each of a few thousand
        part = history.scan(journal, rose, below=below)
        counted += part.matched.total
        if part.resume is None:
            break
        below = part.resume
    assert counted == expected["rose"]
    part = history.scan(journal, rose, limit=50)  # one slice finds what its span holds
    assert 0 < len(part.rows) <= 50 and part.resume is not None
    assert ids(part.rows) == ids(history.page(journal, rose))[: len(part.rows)]
