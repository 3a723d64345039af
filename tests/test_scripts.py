"""Guided-imagery scripts: the bundled ones are sound, broken files are refused clearly,
and cues appear, fade and can be stepped through as a listener would expect."""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcalm.assets import bundled_playlists_dir, bundled_scripts_dir
from mtcalm.scripts import (
    BACK_GRACE_SECONDS,
    CUE_FADE_SECONDS,
    MAX_CUE_TEXT,
    MAX_CUES_PER_SECTION,
    MAX_SCRIPT_BYTES,
    Cue,
    Script,
    ScriptError,
    Section,
    SectionKind,
    cue_at,
    format_clock,
    load_script,
    load_scripts,
    next_cue_start,
    previous_cue_start,
)

# Line numbers below refer to this file: keep its layout.
VALID = """\
format = 1
[script]
title = "Test place"
summary = "For tests."
playlist = "settle"
not_for = "Not for tests."
reflection = "What did you notice?"
[settle]
end = "3:00"
[[settle.cue]]
at = "0:00"
text = "Settle in. You can open your eyes at any time."
[[settle.cue]]
at = "1:00"
text = "Breathe."
[imagery]
end = "11:00"
[[imagery.cue]]
at = "3:00"
text = "Picture a place."
hold = 20
[[imagery.cue]]
at = "5:00"
text = "Notice the light."
[return]
end = "12:00"
[[return.cue]]
at = "11:00"
text = "Feel the floor."
[[return.cue]]
at = 690
text = "Open your eyes."
"""

# The bundled scripts and the playlists they go with (some playlists are still being made).
PAIRINGS = {
    "safe-place": "settle",
    "forest-walk": "gentle-lift",
    "shoreline": "ease-tension",
    "body-scan": "ease-tension",
    "warm-light": "sleep",
    "grounding": "settle",
}
BUNDLED_PLAYLIST_IDS = {"settle", "ease-tension", "sleep", "gentle-lift"}
# Words a home script must not use: no clinical method's name, no promises, nothing about
# substances or trauma, no "going deep".
FORBIDDEN = re.compile(
    r"\b(bonny|deep\w*|cur(e|es|ed)|heal\w*|trauma\w*|drugs?|alcohol|drink\w*|relapse|"
    r"craving|sober\w*|hypno\w*|trance)\b",
    re.IGNORECASE,
)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def variant(old: str, new: str) -> str:
    assert VALID.count(old) == 1, old
    return VALID.replace(old, new)


def refusal(path: Path) -> ScriptError:
    with pytest.raises(ScriptError) as raised:
        load_script(path)
    error = raised.value
    assert error.path == path
    assert str(error).startswith(f"{path}:")
    assert "Traceback" not in str(error)
    return error


def scripts_dir() -> Path:
    return bundled_scripts_dir()


# -- a good script ----------------------------------------------------------------------------


def test_a_script_loads_with_its_sections_and_cues(tmp_path: Path) -> None:
    script = load_script(write(tmp_path, "Test Place!.toml", VALID))

    assert script.id == "test-place"
    assert script.ref == "script:test-place"
    assert script.title == "Test place"
    assert script.summary == "For tests."
    assert script.playlist == "settle"
    assert script.not_for == "Not for tests."
    assert script.reflection == "What did you notice?"
    assert script.sections == (
        Section(SectionKind.SETTLE, 0, 180),
        Section(SectionKind.IMAGERY, 180, 660),
        Section(SectionKind.RETURN, 660, 720),
    )
    assert script.duration == 720
    assert [(cue.at, cue.until, cue.section) for cue in script.cues] == [
        (0, 60, SectionKind.SETTLE),
        (60, 180, SectionKind.SETTLE),  # the last cue of a section ends with the section
        (180, 200, SectionKind.IMAGERY),  # held 20 s, then silence until the next cue
        (300, 660, SectionKind.IMAGERY),
        (660, 690, SectionKind.RETURN),
        (690, 720, SectionKind.RETURN),
    ]
    assert script.cues[0].text == "Settle in. You can open your eyes at any time."


def test_section_at_follows_the_clock(tmp_path: Path) -> None:
    script = load_script(write(tmp_path, "s.toml", VALID))
    assert script.section_at(-1) is None
    assert script.section_at(0).kind is SectionKind.SETTLE
    assert script.section_at(179.9).kind is SectionKind.SETTLE
    assert script.section_at(180).kind is SectionKind.IMAGERY
    assert script.section_at(719).kind is SectionKind.RETURN
    assert script.section_at(720) is None


def test_text_from_several_lines_is_joined_and_paragraphs_kept(tmp_path: Path) -> None:
    text = variant(
        'not_for = "Not for tests."',
        'not_for = """\nFirst line\n   goes on here.\n\nA second   paragraph.\n"""',
    )
    text = text.replace('text = "Breathe."', 'text = """\nBreathe in,\n  and out.\n"""')
    script = load_script(write(tmp_path, "multi.toml", text))
    assert script.not_for == "First line goes on here.\n\nA second paragraph."
    assert script.cues[1].text == "Breathe in, and out."


def test_times_may_be_seconds_or_minutes_with_fractions(tmp_path: Path) -> None:
    text = variant('at = "1:00"', 'at = "1:00.5"').replace('end = "3:00"', "end = 180.0")
    script = load_script(write(tmp_path, "times.toml", text))
    assert script.cues[1].at == 60.5
    assert script.sections[0].end == 180


def test_a_hold_longer_than_the_gap_ends_at_the_next_cue(tmp_path: Path) -> None:
    script = load_script(write(tmp_path, "hold.toml", variant("hold = 20", 'hold = "9:00"')))
    assert script.cues[2].until == 300


def test_the_error_text_has_path_line_and_message() -> None:
    path = Path("/somewhere/a.toml")
    assert str(ScriptError(path, "it is wrong", 7)) == "/somewhere/a.toml:7: it is wrong"
    assert str(ScriptError(path, "it is wrong")) == "/somewhere/a.toml: it is wrong"
    assert isinstance(ScriptError(path, "x"), ValueError)


# -- broken scripts: every complaint with its line ------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "needle", "line"),
    [
        # format
        ("format = 1", "format = 2", "'format = 1' is missing or different", 1),
        ("format = 1", 'format = "1"', "'format = 1' is missing or different", 1),
        ("format = 1", "", "'format = 1' is missing or different", 1),
        ("format = 1", "format = true", "'format = 1' is missing or different", 1),
        ("format = 1", "format = 1.0", "'format = 1' is missing or different", 1),
        # the [script] table
        ('title = "Test place"', "title = 3", "'title' must be text", 3),
        ('title = "Test place"', 'title = "   "', "'title' is empty", 3),
        ('title = "Test place"\n', "", "'title' is missing", 2),
        ('summary = "For tests."\n', "", "'summary' is missing", 2),
        ('not_for = "Not for tests."', "not_for = []", "'not_for' must be text", 6),
        ('reflection = "What did you notice?"\n', "", "'reflection' is missing", 2),
        ('playlist = "settle"\n', "", "'playlist' is missing", 2),
        ('playlist = "settle"', "playlist = 1", "'playlist' is missing or is not text", 5),
        ('playlist = "settle"', 'playlist = "Evening Calm"', "a playlist's id", 5),
        ('playlist = "settle"', 'playlist = "../../etc/passwd"', "a playlist's id", 5),
        ('title = "Test place"', 'titel = "Test place"', "[script]: unknown entry 'titel'", 3),
        ('title = "Test place"', f'title = "{"a" * 101}"', "'title' is longer than 100", 3),
        ('title = "Test place"', 'title = "Bell\\u0007"', "'title' contains a control", 3),
        # sections
        ('end = "3:00"', 'end = "2:59"', "[settle] runs from 0:00 to 2:59; it must last", 9),
        ('end = "3:00"', 'end = "5:01"', "from 3:00 to 5:00", 9),
        ('end = "11:00"', 'end = "10:59"', "[imagery] runs from 3:00 to 10:59", 17),
        ('end = "11:00"', 'end = "23:01"', "from 8:00 to 20:00", 17),
        ('end = "12:00"', 'end = "11:59"', "[return] runs from 11:00 to 11:59", 26),
        ('end = "12:00"', 'end = "13:01"', "from 1:00 to 2:00", 26),
        ('end = "3:00"\n', "", "[settle] needs an end time", 8),
        ('end = "3:00"', 'end = "three"', "[settle] end must be a time", 9),
        ('end = "3:00"', "end = -180", "[settle] end must be a time", 9),
        ('end = "3:00"', "end = nan", "[settle] end must be a time", 9),
        ('end = "3:00"', "end = true", "[settle] end must be a time", 9),
        ('end = "3:00"', "end = 00:03:00", "[settle] end must be a time", 9),
        ('end = "3:00"', 'end = "3:00"\nlength = 3', "[settle]: unknown entry 'length'", 10),
        ("[imagery]", "[imagine]", "unknown entry 'imagine'", 16),
        # cues
        ('at = "1:00"', 'at = "0:00"', "[settle] cue 2 at 0:00 must come after the cue", 14),
        ('at = "1:00"', 'at = "0:02"', "comes 2 seconds after the cue before it", 14),
        ('at = "5:00"', 'at = "2:00"', "[imagery] cue 2 at 2:00 must come after", 23),
        ('at = "3:00"', 'at = "2:50"', "[imagery] cue 1 at 2:50 is outside [imagery]", 19),
        ('at = "5:00"', 'at = "10:58"', "[imagery] cue 2 at 10:58 is outside [imagery]", 23),
        ("at = 690", "at = 720", "[return] cue 2 at 12:00 is after the script ends (12:00)", 31),
        ("at = 690", "at = 9000", "is after the script ends", 31),
        ('at = "1:00"', 'at = "1:60"', "[settle] cue 2: 'at' must be a time such as", 14),
        ('at = "1:00"', 'at = "soon"', "[settle] cue 2: 'at' must be a time", 14),
        ('at = "1:00"', "at = [60]", "[settle] cue 2: 'at' must be a time", 14),
        ('at = "1:00"\n', "", "[settle] cue 2 has no 'at' time", 13),
        ('text = "Breathe."', "text = 5", "[settle] cue 2: 'text' must be text", 15),
        ('text = "Breathe."\n', "", "[settle] cue 2: 'text' is missing", 13),
        ('text = "Breathe."', 'text = ""', "[settle] cue 2: 'text' is empty", 15),
        (
            'text = "Breathe."',
            f'text = "{"b" * (MAX_CUE_TEXT + 1)}"',
            f"[settle] cue 2: 'text' is longer than {MAX_CUE_TEXT} characters",
            15,
        ),
        ("hold = 20", "hold = 1", "[imagery] cue 1: 'hold' must be at least 3 seconds", 21),
        ("hold = 20", 'hold = "long"', "[imagery] cue 1: 'hold' must be a time", 21),
        ("hold = 20", "hold = 20\nwait = 5", "[imagery] cue 1: unknown entry 'wait'", 22),
    ],
)
def test_a_wrong_script_is_refused_with_its_message_and_line(
    tmp_path: Path, old: str, new: str, needle: str, line: int
) -> None:
    error = refusal(write(tmp_path, "wrong.toml", variant(old, new)))
    assert needle in error.message
    assert error.line == line
    assert f":{line}: " in str(error)


def test_a_section_without_cues_is_refused(tmp_path: Path) -> None:
    text = re.sub(r"\[\[settle\.cue\]\]\nat = [^\n]*\ntext = [^\n]*\n", "", VALID)
    error = refusal(write(tmp_path, "nocues.toml", text))
    assert error.message == "[settle] has no [[settle.cue]] entries"
    assert error.line == 8


def test_a_missing_section_is_refused(tmp_path: Path) -> None:
    text = VALID.split("[return]")[0]
    error = refusal(write(tmp_path, "noreturn.toml", text))
    assert error.message == "the [return] section is missing"


def test_sections_out_of_order_are_refused_at_the_first_misplaced_one(tmp_path: Path) -> None:
    head, rest = VALID.split("[settle]\n")
    settle, rest = rest.split("[imagery]\n")
    text = head + "[imagery]\n" + rest + "[settle]\n" + settle
    path = write(tmp_path, "order.toml", text)
    error = refusal(path)
    assert error.line is not None
    assert error.message == "the sections must come in this order: [settle], [imagery], [return]"
    assert text.splitlines()[error.line - 1] == "[imagery]"


def test_a_missing_script_table_is_refused(tmp_path: Path) -> None:
    text = "format = 1\n[settle]" + VALID.split("[settle]")[1]
    error = refusal(write(tmp_path, "nohead.toml", text))
    assert "[script]" in error.message


def test_a_cue_that_is_not_a_table_is_refused(tmp_path: Path) -> None:
    text = variant('[settle]\nend = "3:00"\n', '[settle]\nend = "3:00"\ncue = [1, 2]\n')
    text = re.sub(r"\[\[settle\.cue\]\]\nat = [^\n]*\ntext = [^\n]*\n", "", text)
    error = refusal(write(tmp_path, "cueint.toml", text))
    assert error.message == "[settle] cue 1 must be a table"
    assert error.line == 10


def test_a_section_that_is_not_a_table_is_refused(tmp_path: Path) -> None:
    text = "settle = 3\n" + VALID.split("[settle]")[0] + "[imagery]" + VALID.split("[imagery]")[1]
    error = refusal(write(tmp_path, "flat.toml", text))
    assert error.message == "[settle] must be a table"
    assert error.line == 1


def test_too_many_cues_are_refused(tmp_path: Path) -> None:
    cues = "".join(
        f'[[imagery.cue]]\nat = {180 + 4 * number}\ntext = "c"\n'
        for number in range(MAX_CUES_PER_SECTION + 1)
    )
    head, rest = VALID.split('end = "11:00"\n')
    text = head + 'end = "11:00"\n' + cues + "[return]" + rest.split("[return]")[1]
    error = refusal(write(tmp_path, "many.toml", text))
    assert error.message == f"[imagery] has more than {MAX_CUES_PER_SECTION} cues"
    assert error.line == 16


def test_a_complaint_about_a_later_cue_points_at_that_cue(tmp_path: Path) -> None:
    # the second [[return.cue]]'s text, not the first one's or a settle cue's
    error = refusal(write(tmp_path, "later.toml", variant('text = "Open your eyes."', "text = 1")))
    assert error.message == "[return] cue 2: 'text' must be text"
    assert error.line == 32


def test_malformed_toml_names_the_right_line(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "bad.toml", variant('text = "Breathe."', 'text = "Breathe.')))
    assert error.line == 15
    assert "line" not in error.message


def test_a_duplicate_key_names_its_line(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "dup.toml", variant('end = "3:00"', 'end = "3:00"\nend = 1')))
    assert error.line == 10


# -- hostile files ------------------------------------------------------------------------------


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    assert refusal(write(tmp_path, "empty.toml", "")).message == "the file is empty"
    assert refusal(write(tmp_path, "blank.toml", " \n\t\n")).message == "the file is empty"
    assert refusal(write(tmp_path, "nothing.toml", "# just a comment\n")).line == 1  # format


def test_a_byte_order_mark_is_allowed(tmp_path: Path) -> None:
    script = load_script(write(tmp_path, "bom.toml", b"\xef\xbb\xbf" + VALID.encode()))
    assert script.title == "Test place"


def test_unusual_line_breaks_inside_text_do_not_shift_line_numbers(tmp_path: Path) -> None:
    text = variant('summary = "For tests."', 'summary = "For\u2028tests" # a\u2029b\x85c')
    text = text.replace('at = "1:00"', "at = true")
    error = refusal(write(tmp_path, "breaks.toml", text))
    assert error.line == 14


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "image.toml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert "binary" in error.message


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    content = VALID.replace("Breathe.", "Respire, caf\u00e9.").encode("latin-1")
    error = refusal(write(tmp_path, "latin.toml", content))
    assert "UTF-8" in error.message
    assert error.line == 15


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    padding = "# " + "x" * 98 + "\n"
    content = VALID + padding * (MAX_SCRIPT_BYTES // len(padding) + 1)
    error = refusal(write(tmp_path, "huge.toml", content))
    assert "too large" in error.message


def test_a_number_with_thousands_of_digits_is_refused(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "digits.toml", variant("at = 690", "at = " + "7" * 5000)))
    assert "too long" in error.message


def test_deeply_nested_arrays_are_refused_promptly(tmp_path: Path) -> None:
    """Run in a child process: a stack overflow there cannot take the test run down with it."""
    path = write(tmp_path, "deep.toml", "a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert path.stat().st_size <= MAX_SCRIPT_BYTES  # gets past the size check
    child = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from mtcalm.scripts import ScriptError, load_script
        try:
            load_script(Path(sys.argv[1]))
        except ScriptError as error:
            print("refused:", error.message)
        """
    )
    result = subprocess.run(  # the timeout only catches a hang
        [sys.executable, "-c", child, str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("refused: the file is nested too deeply")
    assert "RecursionError" not in result.stderr


def test_deeply_nested_tables_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "deep.toml", "a = " + "{b = " * 20_000 + "1" + "}" * 20_000 + "\n")
    assert refusal(path).message


def test_a_folder_a_missing_file_and_a_pipe_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    assert "not a regular file" in refusal(folder).message
    assert "cannot be read" in refusal(tmp_path / "nowhere.toml").message
    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)
    assert "not a regular file" in refusal(pipe).message  # and it did not block


def test_load_scripts_skips_broken_files_and_sorts_by_title(tmp_path: Path) -> None:
    folder = tmp_path / "scripts"
    write(folder, "z.toml", VALID.replace("Test place", "Zebra calm"))
    write(folder, "a.toml", VALID.replace("Test place", "already here"))
    write(folder, "broken.toml", "format = 1\n[script\n")
    write(folder, "binary.toml", b"\x00\x01\x02")
    write(folder, "short.toml", variant('end = "3:00"', 'end = "1:00"'))
    write(folder, "readme.txt", VALID)

    assert [script.title for script in load_scripts(folder)] == ["already here", "Zebra calm"]


def test_load_scripts_of_an_empty_or_missing_folder(tmp_path: Path) -> None:
    assert load_scripts(tmp_path) == []
    assert load_scripts(tmp_path / "missing") == []


# -- fuzzing: nothing but ScriptError ---------------------------------------------------------


def load_or_refuse(path: Path) -> None:
    try:
        load_script(path)
    except ScriptError as error:
        assert error.message
        assert error.line is None or error.line >= 1


FUZZ = settings(
    max_examples=150,
    deadline=None,  # a busy CI machine must not turn slowness into a failure
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(st.text(max_size=2000))
def test_arbitrary_text_is_loaded_or_refused(tmp_path: Path, text: str) -> None:
    load_or_refuse(write(tmp_path, "fuzz.toml", text.encode("utf-8", "surrogatepass")))


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_are_loaded_or_refused(tmp_path: Path, content: bytes) -> None:
    load_or_refuse(write(tmp_path, "fuzz.toml", content))


TOML_VALUES = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(
        lambda number: "nan" if math.isnan(number) else repr(number)
    ),
    st.booleans().map(lambda flag: "true" if flag else "false"),
    st.text(max_size=400).map(json.dumps),
    st.builds(
        lambda minutes, seconds: f'"{minutes}:{seconds:02d}"',
        st.integers(0, 40),
        st.integers(0, 70),
    ),
    st.just("1979-05-27T07:32:00Z"),
    st.just("[1, 2, 3]"),
    st.just('{ at = "1:00" }'),
    st.just('"""\nmany\nlines\n"""'),
)


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.integers(0, 40), st.sampled_from(["replace", "delete", "repeat"]), TOML_VALUES
        ),
        max_size=6,
    )
)
def test_mutated_scripts_are_loaded_or_refused(
    tmp_path: Path, edits: list[tuple[int, str, str]]
) -> None:
    lines = VALID.splitlines()
    for number, action, value in edits:
        index = number % len(lines)
        if action == "delete":
            del lines[index]
        elif action == "repeat":
            lines.insert(index, lines[index])
        elif "=" in lines[index]:
            lines[index] = lines[index].split("=")[0] + "= " + value
        if not lines:
            lines = ["format = 1"]
    load_or_refuse(write(tmp_path, "fuzz.toml", "\n".join(lines) + "\n"))


# -- cue timing ---------------------------------------------------------------------------------


def timing_script() -> Script:
    """Cues with a gap, a short cue and an end, on a 60-second clock."""
    cues = (
        Cue(0.0, 20.0, "first", SectionKind.SETTLE),
        Cue(20.0, 30.0, "second", SectionKind.SETTLE),  # ends where the next begins
        Cue(40.0, 44.5, "short", SectionKind.IMAGERY),  # after 10 s of silence; 4.5 s long
        Cue(50.0, 60.0, "last", SectionKind.RETURN),
    )
    sections = (
        Section(SectionKind.SETTLE, 0.0, 35.0),
        Section(SectionKind.IMAGERY, 35.0, 48.0),
        Section(SectionKind.RETURN, 48.0, 60.0),
    )
    return Script("t", Path("t.toml"), "T", "", "settle", "", "", sections, cues)


def opacity(seconds: float) -> float | None:
    moment = cue_at(timing_script(), seconds)
    return None if moment is None else moment.opacity


def test_a_cue_fades_in_along_a_raised_cosine() -> None:
    assert CUE_FADE_SECONDS == 2.5
    assert opacity(0.0) == 0.0
    assert opacity(CUE_FADE_SECONDS / 2) == pytest.approx(0.5)
    assert opacity(CUE_FADE_SECONDS / 4) == pytest.approx((1 - math.cos(math.pi / 4)) / 2)
    assert opacity(CUE_FADE_SECONDS) == 1.0
    assert opacity(10.0) == 1.0


def test_a_cue_fades_out_before_it_ends_and_the_next_fades_in() -> None:
    assert opacity(20 - CUE_FADE_SECONDS) == 1.0
    assert opacity(20 - CUE_FADE_SECONDS / 2) == pytest.approx(0.5)
    assert opacity(19.999) == pytest.approx(0.0, abs=1e-5)
    moment = cue_at(timing_script(), 20.0)
    assert moment is not None
    assert (moment.index, moment.cue.text, moment.opacity) == (1, "second", 0.0)


def test_a_short_cue_fades_over_a_third_of_its_length() -> None:
    fade = 4.5 / 3
    assert opacity(40 + fade / 2) == pytest.approx(0.5)
    assert opacity(40 + fade) == 1.0
    assert opacity(44.5 - fade) == 1.0
    assert opacity(44.5 - fade / 2) == pytest.approx(0.5)


def test_nothing_shows_in_gaps_after_the_end_or_before_the_start() -> None:
    for seconds in (30.0, 35.0, 39.999, 44.5, 47.0, 60.0, 61.0, 10_000.0, -0.001):
        assert cue_at(timing_script(), seconds) is None, seconds
    assert cue_at(timing_script(), math.nan) is None
    assert cue_at(timing_script(), math.inf) is None


def test_walking_the_clock_moves_forward_smoothly() -> None:
    """Sampled every 20 ms as a view would: cues in order, no jumps in brightness."""
    script = timing_script()
    seen: list[int] = []
    last_index = -1
    last_opacity = 0.0
    steepest = math.pi / (2 * (4.5 / 3))  # the raised cosine's slope over the shortest fade
    for step in range(int(61 / 0.02)):
        seconds = step * 0.02
        moment = cue_at(script, seconds)
        current = 0.0 if moment is None else moment.opacity
        assert 0.0 <= current <= 1.0
        assert abs(current - last_opacity) <= steepest * 0.02 + 1e-9, seconds
        if moment is not None:
            assert moment.index >= last_index
            assert moment.cue.at <= seconds < moment.cue.until
            if moment.index != last_index:
                seen.append(moment.index)
            last_index = moment.index
        last_opacity = current
    assert seen == [0, 1, 2, 3]


def test_back_goes_to_the_start_of_this_cue_or_the_one_before() -> None:
    script = timing_script()
    assert BACK_GRACE_SECONDS == 3.0
    assert previous_cue_start(script, 10.0) == 0.0
    assert previous_cue_start(script, 25.0) == 20.0  # well into "second": its own start
    assert previous_cue_start(script, 21.0) == 0.0  # just started: the cue before
    assert previous_cue_start(script, 35.0) == 20.0  # in the silence after "second"
    assert previous_cue_start(script, 41.0) == 20.0
    assert previous_cue_start(script, 44.0) == 40.0
    assert previous_cue_start(script, 1.0) == 0.0  # the very start stays at the start
    assert previous_cue_start(script, 0.0) == 0.0
    assert previous_cue_start(script, 100.0) == 50.0
    assert previous_cue_start(script, -5.0) == 0.0
    assert previous_cue_start(script, math.nan) == 0.0


def test_forward_goes_to_the_next_cue_and_stops_after_the_last() -> None:
    script = timing_script()
    assert next_cue_start(script, -5.0) == 0.0
    assert next_cue_start(script, 0.0) == 20.0
    assert next_cue_start(script, 19.0) == 20.0
    assert next_cue_start(script, 19.99) == 40.0  # a clock a hair short counts as at the cue
    assert next_cue_start(script, 32.0) == 40.0  # from a silence to what comes next
    assert next_cue_start(script, 50.0) is None
    assert next_cue_start(script, 100.0) is None
    assert next_cue_start(script, math.nan) is None


def test_pressing_forward_then_back_returns_to_where_you_were_heading() -> None:
    script = timing_script()
    position = 5.0
    visited = []
    while (target := next_cue_start(script, position)) is not None:
        visited.append(target)
        position = target
    assert visited == [20.0, 40.0, 50.0]
    # pressed back straight after arriving: steps back one cue each time
    steps = []
    while position > 0:
        position = previous_cue_start(script, position)
        steps.append(position)
    assert steps == [40.0, 20.0, 0.0]


def test_format_clock() -> None:
    assert format_clock(0) == "0:00"
    assert format_clock(65.4) == "1:05"
    assert format_clock(1200) == "20:00"
    assert format_clock(-3) == "0:00"


# -- the bundled scripts ----------------------------------------------------------------------


def bundled() -> list[Script]:
    return [load_script(path) for path in sorted(scripts_dir().glob("*.toml"))]


def test_the_scripts_folder_holds_only_script_files() -> None:
    names = sorted(path.name for path in scripts_dir().iterdir())
    assert names == sorted(f"{name}.toml" for name in PAIRINGS)


def test_every_bundled_script_loads_with_its_playlist() -> None:
    scripts = bundled()  # raises on the first broken file
    assert len(scripts) >= 6
    assert len(load_scripts(scripts_dir())) == len(scripts)
    assert {script.id: script.playlist for script in scripts} == PAIRINGS
    assert {script.playlist for script in scripts} <= BUNDLED_PLAYLIST_IDS
    existing = {path.stem for path in bundled_playlists_dir().glob("*.toml")}
    assert "settle" in existing  # the others are being made alongside
    assert len({script.title for script in scripts}) == len(scripts)


@pytest.mark.parametrize("name", sorted(PAIRINGS))
def test_a_bundled_script_follows_home_practice(name: str) -> None:
    script = load_script(scripts_dir() / f"{name}.toml")
    assert 13 * 60 <= script.duration <= 22 * 60
    for text in (script.title, script.summary, script.not_for, script.reflection):
        assert text
    assert "therapist" in script.not_for
    for section in script.sections:
        cues = [cue for cue in script.cues if cue.section is section.kind]
        starts = [cue.at for cue in cues]
        gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
        if section.kind is SectionKind.IMAGERY:
            assert all(45 <= gap <= 90 for gap in gaps), (section, gaps)
            silences = [cue for cue in cues if cue.until < section.end and cue.until - cue.at < 45]
            assert len(silences) >= len(cues) // 2, "the imagery leaves room for the music"
        else:
            assert all(20 <= gap <= 60 for gap in gaps), (section, gaps)
        assert cues[0].at - section.start < 30
        assert section.end - cues[-1].until < 60
    settle = " ".join(cue.text for cue in script.cues if cue.section is SectionKind.SETTLE)
    assert "eyes" in settle
    assert "stop" in settle  # a way out, said at the start
    ending = " ".join(cue.text for cue in script.cues if cue.section is SectionKind.RETURN)
    assert "feet" in ending or "floor" in ending
    assert "sounds" in ending
    assert "fingers" in ending
    assert "open" in ending


@pytest.mark.parametrize("name", sorted(PAIRINGS))
def test_a_bundled_script_uses_no_forbidden_words(name: str) -> None:
    script = load_script(scripts_dir() / f"{name}.toml")
    for text in [script.title, script.summary, script.reflection, script.not_for] + [
        cue.text for cue in script.cues
    ]:
        assert not FORBIDDEN.search(text), text
    raw = (scripts_dir() / f"{name}.toml").read_text(encoding="utf-8")
    assert "bonny" not in raw.casefold()


def test_the_grounding_script_keeps_the_eyes_open() -> None:
    script = load_script(scripts_dir() / "grounding.toml")
    settle = [cue for cue in script.cues if cue.section is SectionKind.SETTLE]
    assert "keep your eyes open" in settle[0].text
    imagery = " ".join(cue.text for cue in script.cues if cue.section is SectionKind.IMAGERY)
    for sense in ("five things you can see", "four things you can feel", "three things"):
        assert sense in imagery
    assert "safe" in imagery
    assert script.sections[0].length == 180  # the shortest settle there is


def test_the_example_in_the_documentation_loads(tmp_path: Path) -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "scripts.md").read_text("utf-8")
    example = docs.split("```toml\n", 1)[1].split("```", 1)[0]
    script = load_script(write(tmp_path, "safe-place.toml", example))
    assert script.title == "A safe place"
    assert script.duration == 18 * 60
    assert "Bonny" not in example
