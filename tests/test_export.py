"""The journal's CSV and JSON exports, read back as a spreadsheet or a program would read them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from mtcalm.checkin import CRAVING, CheckIn, Phase, custom_item, items_for
from mtcalm.drawing import Drawing, Stroke, from_json
from mtcalm.journal import export_csv, export_json
from mtcalm.journal.export_csv import write_csv
from mtcalm.journal.export_json import ExportPeriod, write_json
from mtcalm.journal.store import EventKind, Journal, Outcome

ONE_HOUR = timezone(timedelta(hours=1))
TWO_HOURS = timezone(timedelta(hours=2))
SLEEP = custom_item("custom-sleep", "Slept well", "not at all", "deeply")
OPTIONAL = (CRAVING, SLEEP)
EXPORTED_AT = datetime(2026, 12, 1, 9, 30, tzinfo=ONE_HOUR)
DRAWING = Drawing(
    (
        Stroke("sage", 0.012, ((0.1, 0.2), (0.35, 0.4), (0.5, 0.55))),
        Stroke("dusk", 0.004, ((0.7, 0.7),)),
    )
)
FIRST_NOTE = '=HYPERLINK("http://example.invalid") rough day,\n"quoted", second line ☾'


def at(day: int, hour: int = 21, minute: int = 0, zone: timezone = ONE_HOUR) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=zone)


def before(
    values: dict[str, int | None], emotions: tuple[str, ...] = (), note: str = ""
) -> CheckIn:
    return CheckIn(Phase.BEFORE, values, emotions, note, items=items_for(Phase.BEFORE, OPTIONAL))


def after(values: dict[str, int | None], emotions: tuple[str, ...] = (), note: str = "") -> CheckIn:
    return CheckIn(Phase.AFTER, values, emotions, note, items=items_for(Phase.AFTER, OPTIONAL))


def fill_journal(journal: Journal) -> list[int]:
    """Everything a journal keeps, the way the app writes it; the sessions' ids, oldest first."""
    first = journal.start_session(
        "playlist:settle",
        "Settle, évening",
        before(
            {"distress": 7, "pleasantness": 3, "craving": 8, "custom-sleep": 2},
            emotions=("anxious", "tense"),
            note=FIRST_NOTE,
        ),
        planned_seconds=600,
        started_at=at(2),
    )
    journal.set_ambience(first, "rain")
    journal.record_track_heard(first, 0, "/music/one.flac", "-One", 241.25)
    journal.record_track_heard(first, 1, "/music/two.flac", "Two", 0)
    journal.record_event(first, EventKind.TRACK_STARTED, "/music/one.flac")
    journal.record_event(first, EventKind.GROUNDING, "5-4-3-2-1")
    journal.finish_session(first, Outcome.COMPLETED, 590.5, ended_at=at(2, 21, 10))
    journal.record_after(
        first,
        after(
            {"distress": 3, "craving": 4, "helpfulness": 4, "stirred_up": 1},
            emotions=("calm",),
            note="+better now",
        ),
    )
    journal.record_reflection(first, "What did you see?", "@a lake, still", DRAWING)
    rose = journal.start_session(
        "script:beach",
        "A beach at dawn",
        before({"distress": 2, "energy": 5}),
        started_at=at(3, 0, 0),  # the first second of the day
    )
    journal.finish_session(rose, Outcome.ENDED_EARLY, 75.0, ended_at=at(3, 0, 5))
    journal.record_after(rose, after({"distress": 5, "energy": 4}, note="-worse"))
    alone = journal.record_checkin(
        CheckIn(Phase.BEFORE, {"distress": 4}, ("tired",), note="Just checking in"),
        recorded_at=at(3, 23, 59, TWO_HOURS),
    )
    skipped = journal.start_session(
        "playlist:settle",
        "Settle, évening",
        CheckIn.skipped_in(Phase.BEFORE),
        started_at=at(4, 8),
    )
    journal.flag_track("/music/two.flac", "Two")
    return [first, rose, alone, skipped]


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(tmp_path / "journal.sqlite3") as opened:
        yield opened


def csv_of(journal: Journal, period: ExportPeriod | None = None, **options: bool) -> bytes:
    stream = io.BytesIO()
    write_csv(journal, stream, period, **options)
    return stream.getvalue()


def json_of(journal: Journal, period: ExportPeriod | None = None, **options: bool) -> bytes:
    stream = io.BytesIO()
    write_json(journal, stream, period, exported_at=EXPORTED_AT, **options)
    return stream.getvalue()


def rows_of(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the byte order mark spreadsheets need
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# -- CSV -------------------------------------------------------------------------------------


def test_the_csv_has_one_row_per_session_with_numbers_not_labels(journal: Journal) -> None:
    ids = fill_journal(journal)
    rows = rows_of(csv_of(journal))
    assert [row["uid"] for row in rows] == [journal.session(i).uid for i in ids]
    first, rose, alone, skipped = rows
    assert first["kind"] == "listening" and alone["kind"] == "checkin"
    assert first["started_at"] == "2026-03-02T21:00:00+01:00"
    assert first["ended_at"] == "2026-03-02T21:10:00+01:00"
    assert alone["started_at"] == "2026-03-03T23:59:00+02:00"
    assert (first["content_ref"], first["content_title"]) == ("playlist:settle", "Settle, évening")
    assert first["ambience"] == "rain"
    assert (first["planned_seconds"], first["listened_seconds"]) == ("600", "590.5")
    assert (first["outcome"], rose["outcome"], skipped["outcome"]) == (
        "completed",
        "ended_early",
        "in_progress",
    )
    assert (first["distress_before"], first["distress_after"]) == ("7", "3")
    assert (first["pleasantness_before"], first["pleasantness_after"]) == ("3", "")
    assert (first["craving_before"], first["craving_after"]) == ("8", "4")
    assert (first["custom-sleep_before"], first["custom-sleep_after"]) == ("2", "")
    assert (first["helpfulness_after"], first["stirred_up_after"]) == ("4", "1")
    assert "helpfulness_before" not in first
    assert (first["words_before"], first["words_after"]) == ("anxious;tense", "calm")
    assert (first["has_drawing"], first["grounding_events"]) == ("1", "1")
    assert (first["distress_rose"], rose["distress_rose"], alone["distress_rose"]) == ("0", "1", "")
    assert (first["before_skipped"], first["after_skipped"]) == ("0", "0")
    assert (skipped["before_skipped"], skipped["after_skipped"]) == ("1", "")
    assert skipped["distress_before"] == "" and alone["after_skipped"] == ""
    assert (alone["distress_before"], alone["words_before"]) == ("4", "tired")
    assert alone["note_before"] == "Just checking in"


def test_every_item_gets_a_column_before_and_after_in_a_stable_order(journal: Journal) -> None:
    fill_journal(journal)
    header = next(csv.reader(io.StringIO(csv_of(journal).decode("utf-8-sig"))))
    answers = header[header.index("after_skipped") + 1 : header.index("distress_rose")]
    assert answers == [
        "distress_before",
        "distress_after",
        "pleasantness_before",
        "pleasantness_after",
        "energy_before",
        "energy_after",
        "craving_before",
        "craving_after",
        "tension_before",
        "tension_after",
        "custom-sleep_before",
        "custom-sleep_after",
        "helpfulness_after",
        "stirred_up_after",
    ]


def test_text_a_spreadsheet_would_run_is_written_as_text(journal: Journal) -> None:
    fill_journal(journal)
    first, rose = rows_of(csv_of(journal))[:2]
    assert first["note_before"] == "'" + FIRST_NOTE  # newlines and quotes survive the quoting
    assert first["note_after"] == "'+better now"
    assert first["reflection_note"] == "'@a lake, still"
    assert rose["note_after"] == "'-worse"
    assert all(not row["content_title"].startswith("=") for row in rows_of(csv_of(journal)))


def test_the_period_takes_whole_local_days_at_both_ends(journal: Journal) -> None:
    fill_journal(journal)
    one_day = ExportPeriod(date(2026, 3, 3), date(2026, 3, 3))
    rows = rows_of(csv_of(journal, one_day))
    # 00:00 and 23:59 of that day, each in the offset it was recorded in
    assert [row["started_at"] for row in rows] == [
        "2026-03-03T00:00:00+01:00",
        "2026-03-03T23:59:00+02:00",
    ]
    assert len(rows_of(csv_of(journal, ExportPeriod(since=date(2026, 3, 4))))) == 1
    assert len(rows_of(csv_of(journal, ExportPeriod(until=date(2026, 3, 2))))) == 1
    assert rows_of(csv_of(journal, ExportPeriod(date(2027, 1, 1), date(2027, 1, 2)))) == []


def test_no_notes_leaves_every_note_out(journal: Journal) -> None:
    fill_journal(journal)
    data = csv_of(journal, include_notes=False)
    rows = rows_of(data)
    assert len(rows) == 4
    assert not {"note_before", "note_after", "reflection_note"} & set(rows[0])
    text = data.decode("utf-8-sig")
    for note in ("rough day", "better now", "a lake", "worse", "Just checking in"):
        assert note not in text
    assert rows[0]["has_drawing"] == "1"  # the drawing is not a note


def test_an_answer_the_journal_would_not_show_is_left_empty(journal: Journal) -> None:
    [first, *_] = fill_journal(journal)
    with journal.writing() as cursor:  # another tool: distress 42 on its own scale, a stray 7.5
        cursor.execute(
            "UPDATE answers SET value = 42 WHERE item = 'distress' AND checkin_id ="
            " (SELECT id FROM checkins WHERE session_id = ? AND phase = 'before')",
            (first,),
        )
        cursor.execute(
            "UPDATE answers SET value = 7.5 WHERE item = 'craving' AND checkin_id ="
            " (SELECT id FROM checkins WHERE session_id = ? AND phase = 'after')",
            (first,),
        )
    row = rows_of(csv_of(journal))[0]
    shown = journal.session(first)
    assert shown.before is not None and shown.before.item("distress") is None
    assert row["distress_before"] == "" and row["craving_after"] == ""
    assert row["distress_rose"] == ""
    assert row["craving_before"] == "8"  # the rest of the check-in is as it was
    exported = json.loads(json_of(journal))["sessions"][0]
    assert "distress" not in [item["key"] for item in exported["before"]["items"]]


def test_an_empty_journal_gives_valid_empty_files(journal: Journal) -> None:
    data = csv_of(journal)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0][:3] == ["uid", "kind", "started_at"]
    document = json.loads(json_of(journal))
    assert document["sessions"] == [] and document["track_flags"] == []
    assert document["homework"] == [] and document["adherence"] == []
    assert document["format"] == "mtcalm-journal-export" and document["version"] == 2


# -- JSON ------------------------------------------------------------------------------------


def test_the_json_holds_everything_the_journal_does(journal: Journal) -> None:
    ids = fill_journal(journal)
    document = json.loads(json_of(journal))
    assert document["exported_at"] == "2026-12-01T09:30:00+01:00"
    assert document["exported_by"].startswith("mtcalm ")
    assert document["period"] == {"from": None, "to": None}
    assert document["notes_included"] is True
    flags = journal.flagged_tracks()
    assert [flag["track_key"] for flag in document["track_flags"]] == list(flags)
    assert (
        document["track_flags"][0]["flagged_at"] == flags["/music/two.flac"].flagged_at.isoformat()
    )
    assert len(document["sessions"]) == len(ids)
    for session_id, exported in zip(ids, document["sessions"], strict=True):
        kept = journal.session(session_id)
        assert exported["uid"] == kept.uid and exported["kind"] == kept.kind.value
        assert exported["started_at"] == kept.started_at.isoformat()
        assert exported["ended_at"] == (kept.ended_at.isoformat() if kept.ended_at else None)
        assert (exported["content_ref"], exported["content_title"]) == (
            kept.content_ref,
            kept.content_title,
        )
        assert exported["ambience"] == kept.ambience
        assert exported["planned_seconds"] == kept.planned_seconds
        assert exported["listened_seconds"] == kept.listened_seconds
        assert exported["outcome"] == kept.outcome.value
        for phase, checkin in (("before", kept.before), ("after", kept.after)):
            if checkin is None:
                assert exported[phase] is None
                continue
            written = exported[phase]
            assert written["skipped"] == checkin.skipped
            assert written["words"] == list(checkin.emotions)
            assert written["note"] == checkin.note
            assert [item["key"] for item in written["items"]] == [i.key for i in checkin.items]
            for item, asked in zip(written["items"], checkin.items, strict=True):
                assert item["value"] == checkin.value(asked.key)
                assert item["label"] == asked.label
                assert (item["low_anchor"], item["high_anchor"]) == (
                    asked.low_anchor,
                    asked.high_anchor,
                )
                assert item["scale"] == {
                    "key": asked.scale.key,
                    "min": asked.scale.minimum,
                    "max": asked.scale.maximum,
                }
        assert [(e["kind"], e["detail"]) for e in exported["events"]] == [
            (event.kind, event.detail) for event in journal.events(session_id)
        ]
        assert [(t["title"], t["heard_seconds"]) for t in exported["tracks"]] == (
            journal.tracks_heard(session_id)
        )
        reflection = journal.reflection(session_id)
        if reflection is None:
            assert exported["reflection"] is None
        else:
            assert exported["reflection"]["prompt"] == reflection.prompt
            assert exported["reflection"]["note"] == reflection.note
            assert from_json(json.dumps(exported["reflection"]["drawing"])) == reflection.drawing
    first = document["sessions"][0]
    assert first["before"]["items"][4] == {
        "key": "custom-sleep",
        "label": "Slept well",
        "scale": {"key": "custom-0-10", "min": 0, "max": 10},
        "low_anchor": "not at all",
        "high_anchor": "deeply",
        "value": 2,
    }
    assert first["tracks"][0] == {
        "position": 0,
        "track_key": "/music/one.flac",
        "title": "-One",
        "heard_seconds": 241.25,
    }


def test_the_json_without_notes_says_so_and_keeps_the_rest(journal: Journal) -> None:
    fill_journal(journal)
    data = json_of(journal, include_notes=False)
    document = json.loads(data)
    assert document["notes_included"] is False
    first = document["sessions"][0]
    assert first["before"]["note"] is None and first["after"]["note"] is None
    assert first["reflection"]["note"] is None
    assert first["reflection"]["drawing"]["strokes"]  # a drawing is not a note
    assert first["before"]["items"][0]["value"] == 7
    for note in ("rough day", "better now", "a lake", "worse", "Just checking in"):
        assert note.encode() not in data


def test_the_json_says_which_period_it_holds(journal: Journal) -> None:
    fill_journal(journal)
    period = ExportPeriod(date(2026, 3, 3), date(2026, 3, 4))
    document = json.loads(json_of(journal, period))
    assert document["period"] == {"from": "2026-03-03", "to": "2026-03-04"}
    assert len(document["sessions"]) == 3


def test_a_damaged_drawing_is_left_out_not_passed_on(journal: Journal) -> None:
    [first, *_] = fill_journal(journal)
    with journal.writing() as cursor:
        cursor.execute(
            'UPDATE reflections SET drawing = \'{"format":1,"strokes":[{"c":"red"}]}\''
            " WHERE session_id = ?",
            (first,),
        )
    reflection = json.loads(json_of(journal))["sessions"][0]["reflection"]
    assert reflection["drawing"] is None and reflection["note"] == "@a lake, still"


def test_sessions_are_read_in_pages_even_within_one_second(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keyset pages: ties in the start time across a page's edge lose and repeat nothing."""
    same_second = at(9, 7)
    ids = [
        journal.start_session("playlist:a", f"Tie {n}", before({}), started_at=same_second)
        for n in range(5)
    ]
    ids.append(journal.start_session("playlist:a", "Later", before({}), started_at=at(10)))
    monkeypatch.setattr(export_json, "PAGE_SIZE", 2)
    monkeypatch.setattr(export_csv, "PAGE_SIZE", 2)
    uids = [journal.session(session_id).uid for session_id in ids]
    assert [s["uid"] for s in json.loads(json_of(journal))["sessions"]] == uids
    assert [row["uid"] for row in rows_of(csv_of(journal))] == uids


def test_the_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError):
        ExportPeriod(date(2026, 3, 2), date(2026, 3, 1))
