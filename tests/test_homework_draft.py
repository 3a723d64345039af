"""A homework package made in the editor: the manifest written for hostile text and read back
unchanged, the therapist's own audio gathered into the package, limits and bad files refused
with the part to change, and a package opened again as its next revision."""

from __future__ import annotations

import zipfile
from datetime import date, time
from pathlib import Path

import pytest

from mtcalm.assets import assets_dir
from mtcalm.homework import archive
from mtcalm.homework.draft import (
    Draft,
    DraftProblem,
    OwnAudio,
    Question,
    manifest_text,
    new_draft,
    next_monday,
    own_playlist_name,
)
from mtcalm.homework.draft_package import build_package, draft_from_package
from mtcalm.homework.install import install_package, read_package
from mtcalm.homework.manifest import ID_PATTERN, AvoidTrack, Contact, read_manifest
from mtcalm.homework.package import PackageExists, check_package
from mtcalm.journal.store import Journal
from mtcalm.playlists import load_playlist
from tests.conftest import write_tone

EXAMPLE_PACKAGE = assets_dir() / "homework" / "example.mtcalm-homework"

HOSTILE = [
    'She said "stop"',
    "C:\\Users\\me\\back\\slash \\n not a line break",
    "'''three single quotes''' and \"\"\"three double\"\"\"",
    "Ünïcödé: café, 日本語, ☕ and 🎧",
    "tab\there",
    '[homework]\nid = "injected"',
    "\\u0041 stays as typed",
    "# not a comment",
]


def draft(**changes: object) -> Draft:
    made = Draft(
        id="evening-calm-a1b2c3",
        title="Evening calm",
        therapist_name="Dr A",
        starts=date(2026, 12, 9),
        refs=["playlist:settle"],
    )
    for name, value in changes.items():
        setattr(made, name, value)
    return made


def problem(made: Draft) -> DraftProblem:
    with pytest.raises(DraftProblem) as raised:
        manifest_text(made)
    return raised.value


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_written_so_it_reads_back_unchanged(text: str) -> None:
    made = draft(
        title=text.replace("\n", " ")[:120],
        instructions=text,
        therapist_reach=text.replace("\n", " "),
        questions=[Question(" ".join(text.split())[:60], "low", "high")],
        contacts=[Contact("Sam", text.replace("\n", " ")[:200], text)],
        avoid=[AvoidTrack(text.replace("\n", " ")[:120], "bundled:music/settle/02-slow-tide.ogg")],
    )
    homework = read_manifest(manifest_text(made).encode("utf-8"))

    assert homework.id == "evening-calm-a1b2c3", "nothing in the text changed the document"
    assert homework.title == text.replace("\n", " ")[:120].strip()
    assert homework.instructions == text
    assert homework.therapist.reach == text.replace("\n", " ")
    assert homework.checkin_items[0].label == " ".join(text.split())[:60].strip()
    assert homework.contacts[0].note == text
    assert homework.avoid[0].title == text.replace("\n", " ")[:120].strip()


def test_windows_line_breaks_are_kept_as_line_breaks() -> None:
    homework = read_manifest(manifest_text(draft(instructions="one\r\ntwo\rthree")).encode())
    assert homework.instructions == "one\ntwo\nthree"


@pytest.mark.parametrize(
    ("changes", "part"),
    [
        ({"title": "bell\x07"}, "title"),
        ({"instructions": "escape \x1b[31m red"}, "instructions"),
        ({"contacts": [Contact("Sam\x00")]}, "contacts"),
        ({"questions": [Question("nul \x00 here")]}, "checkin"),
        ({"questions": [Question("two\nlines")]}, "checkin"),
        ({"questions": [Question("Calm?", "tab\there")]}, "checkin"),
        ({"title": "lone \ud800 surrogate"}, "title"),
    ],
)
def test_control_characters_and_broken_text_are_refused_where_they_are(
    changes: dict[str, object], part: str
) -> None:
    assert problem(draft(**changes)).part == part


def test_what_is_missing_or_too_much_is_said_with_its_part() -> None:
    assert problem(draft(title="  ")).part == "title"
    assert problem(draft(therapist_name="")).part == "therapist_name"
    nothing = problem(draft(refs=[]))
    assert (nothing.part, nothing.message) == ("content", "Choose at least one thing to listen to.")
    assert problem(draft(title="x" * 121)).part == "title"
    assert problem(draft(questions=[Question(f"Q{n}") for n in range(9)])).part == "checkin"
    assert problem(draft(craving=True, questions=[Question(f"Q{n}") for n in range(8)])).message
    assert problem(draft(contacts=[Contact("")])).part == "contacts"
    # limits the manifest reader holds are found on the line they are on
    assert problem(draft(weeks=53)).part == "schedule"
    assert problem(draft(preferred_times=[time(8, n) for n in range(7)])).part == "preferred_times"
    assert problem(draft(refs=["playlist:Not Valid"])).part == "content"
    assert problem(draft(avoid=[AvoidTrack("x", "/etc/passwd")])).part == "avoid"


def test_a_new_draft_has_a_fresh_id_and_starts_next_monday() -> None:
    first, second = new_draft("Sleep better", date(2026, 12, 2)), new_draft("Sleep better")
    assert ID_PATTERN.fullmatch(first.id) and first.id.startswith("sleep-better-")
    assert first.id != second.id
    assert (first.revision, first.starts) == (1, date(2026, 12, 7))
    assert next_monday(date(2026, 12, 7)) == date(2026, 12, 14), "a Monday: the next one"
    assert ID_PATTERN.fullmatch(new_draft("").id), "no title: still a valid id"


def test_own_audio_is_gathered_into_one_playlist_of_the_package(tmp_path: Path) -> None:
    first = write_tone(tmp_path / "in" / "My Song (1).wav", 0.4)
    clash = write_tone(tmp_path / "in" / "other" / "My Song (1).WAV", 0.3)
    made = draft(
        own_audio=[OwnAudio(first, "Morning"), OwnAudio(clash)],
        own_playlist_title="Recorded in session",
        avoid=[AvoidTrack("The other one", "audio/My-Song-1-2.wav")],
    )
    built = build_package(made, tmp_path / "out.mtcalm-homework")

    assert (built.files, built.path.stat().st_mode & 0o777) == (4, 0o600)
    assert check_package(built.path) == []
    with zipfile.ZipFile(built.path) as package:
        assert sorted(package.namelist()) == [
            "audio/My-Song-1-2.wav",
            "audio/My-Song-1.wav",
            "homework.toml",
            "playlists/recorded-in-session.toml",
        ]
        assert package.read("audio/My-Song-1.wav") == first.read_bytes()
    homework, _ = read_package(built.path)
    assert [item.value for item in homework.content] == [
        "playlist:settle",
        "playlists/recorded-in-session.toml",
    ]
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        imported = install_package(built.path, tmp_path / "data", journal)
    assert imported.folder is not None
    playlist = load_playlist(imported.folder / "playlists" / "recorded-in-session.toml")
    assert playlist.title == "Recorded in session"
    assert [(t.title, t.playable) for t in playlist.tracks] == [
        ("Morning", True),
        ("My Song (1)", True),
    ]


def test_an_own_playlist_is_never_named_as_a_bundled_one(tmp_path: Path) -> None:
    made = draft(own_audio=[OwnAudio(tmp_path / "a.wav")], own_playlist_title="Settle")
    assert own_playlist_name(made) == "playlists/settle-own.toml"


def test_audio_mtcalm_cannot_play_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    fake = tmp_path / "voice memo.ogg"
    fake.write_bytes(b"not audio at all" * 100)
    output = tmp_path / "out.mtcalm-homework"
    with pytest.raises(DraftProblem) as raised:
        build_package(draft(own_audio=[OwnAudio(fake)]), output)
    assert raised.value.part == "own_audio" and "voice memo.ogg" in raised.value.message
    missing = tmp_path / "gone.wav"
    with pytest.raises(DraftProblem, match=r"gone\.wav cannot be"):
        build_package(draft(own_audio=[OwnAudio(missing)]), output)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["voice memo.ogg"]


def test_audio_beyond_what_a_package_may_hold_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tone = write_tone(tmp_path / "long.wav", 0.5)
    monkeypatch.setattr(archive, "MAX_PACKAGE_BYTES", tone.stat().st_size - 1)
    with pytest.raises(DraftProblem) as raised:
        build_package(draft(own_audio=[OwnAudio(tone)]), tmp_path / "out.mtcalm-homework")
    assert raised.value.part == "own_audio" and "at most" in raised.value.message
    monkeypatch.setattr(archive, "MAX_ENTRIES", 3)
    with pytest.raises(DraftProblem, match="at most 1 audio file"):
        build_package(draft(own_audio=[OwnAudio(tone)] * 2), tmp_path / "out.mtcalm-homework")


def test_an_existing_file_is_replaced_only_when_asked(tmp_path: Path) -> None:
    output = tmp_path / "out.mtcalm-homework"
    output.write_bytes(b"the therapist's earlier file")
    with pytest.raises(PackageExists):
        build_package(draft(), output)
    assert output.read_bytes() == b"the therapist's earlier file"
    build_package(draft(), output, replace=True)
    assert read_package(output)[0].title == "Evening calm"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.mtcalm-homework"]


def test_the_example_opens_as_its_next_revision(tmp_path: Path) -> None:
    opened = draft_from_package(EXAMPLE_PACKAGE, tmp_path)
    assert (opened.id, opened.revision) == ("example-settling-weeks", 2)
    assert opened.title == "Four weeks of settling"
    assert opened.refs == ["playlist:settle", "script:grounding"]
    assert opened.preferred_times == [time(8, 30), time(20, 0)]
    assert (opened.craving, opened.tension) == (True, False)
    assert opened.questions == [Question("How lonely do you feel?", "not at all", "very lonely")]
    assert opened.avoid == [AvoidTrack("Slow Tide", "bundled:music/settle/02-slow-tide.ogg")]

    built = build_package(opened, tmp_path / "second.mtcalm-homework")
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        install_package(EXAMPLE_PACKAGE, tmp_path / "data", journal)
        replaced = install_package(built.path, tmp_path / "data", journal)
    assert (replaced.homework.revision, replaced.replaced_revision) == (2, 1)


def test_a_package_with_own_audio_opens_with_that_audio(tmp_path: Path) -> None:
    tone = write_tone(tmp_path / "in" / "rain.wav", 0.3)
    first = build_package(
        draft(own_audio=[OwnAudio(tone, "Rain")], own_playlist_title="Mine"),
        tmp_path / "first.mtcalm-homework",
    )
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    opened = draft_from_package(first.path, unpacked)
    assert opened.revision == 2
    assert opened.own_audio == [OwnAudio(unpacked / "rain.wav", "Rain")]
    assert (unpacked / "rain.wav").read_bytes() == tone.read_bytes()
    assert (opened.own_playlist_title, opened.own_playlist_name) == ("Mine", "playlists/mine.toml")
    opened.own_playlist_title = "Renamed"  # the file keeps its name: sessions still count
    second = build_package(opened, tmp_path / "second.mtcalm-homework")
    with zipfile.ZipFile(second.path) as package:
        assert "playlists/mine.toml" in package.namelist()


def test_a_package_that_is_not_sound_does_not_open(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mtcalm-homework"
    broken.write_bytes(b"PK\x03\x04 but nothing more")
    with pytest.raises(DraftProblem) as raised:
        draft_from_package(broken, tmp_path)
    assert raised.value.part == "package"


def test_tracks_in_subfolders_stay_two_files_when_a_package_is_opened(tmp_path: Path) -> None:
    """A review found "audio/a/b.wav" and "audio/a-b.wav" unpacked to one file: the next
    revision would have sent the first recording twice."""
    from mtcalm.homework.package import write_package

    one = write_tone(tmp_path / "in" / "one.wav", 0.3, frequency=330.0)
    two = write_tone(tmp_path / "in" / "two.wav", 0.3, frequency=550.0)
    manifest = manifest_text(draft()).replace(
        '[[content]]\nref = "playlist:settle"',
        '[[content]]\nref = "playlist:settle"\n\n[[content]]\nplaylist = "playlists/mine.toml"',
    )
    playlist = (
        'format = 1\n[playlist]\ntitle = "Mine"\n'
        '[[track]]\nfile = "../audio/a/b.wav"\ntitle = "One"\n'
        '[[track]]\nfile = "../audio/a-b.wav"\ntitle = "Two"\n'
    )
    package = tmp_path / "sub.mtcalm-homework"
    write_package(
        package,
        manifest.encode(),
        {
            "playlists/mine.toml": playlist.encode(),
            "audio/a/b.wav": one.read_bytes(),
            "audio/a-b.wav": two.read_bytes(),
        },
    )
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    opened = draft_from_package(package, unpacked)
    assert [item.path.read_bytes() for item in opened.own_audio] == [
        one.read_bytes(),
        two.read_bytes(),
    ]
