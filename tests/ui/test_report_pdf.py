"""The PDF summary for a therapy session: read back with poppler (pdftotext for the words, every
page drawn to an image by pdftoppm), its notes as typed, and its bad paths."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from mtcalm.checkin import CheckIn, Phase
from mtcalm.drawing import Drawing
from mtcalm.journal.store import Journal
from mtcalm.ui.report_pdf import ReportNotWritten, write_report_pdf

ZONE = timezone(timedelta(hours=1))
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
HOSTILE_NOTE = "<b>not bold</b> & <script>x</script>\nsecond line"
REPOSITORY = Path(__file__).resolve().parents[2]


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"{tool} is missing: install poppler-utils (apt-get install poppler-utils)")
    return found


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


def listen(
    journal: Journal,
    day: date,
    before: dict[str, int | None],
    after: dict[str, int | None],
    *,
    note: str = "",
    title: str = "Settle",
) -> int:
    when = datetime(day.year, day.month, day.day, 19, 30, tzinfo=ZONE)
    session = journal.start_session(
        "playlist:settle", title, CheckIn(Phase.BEFORE, before, note=note), started_at=when
    )
    journal.record_after(session, CheckIn(Phase.AFTER, after))
    journal.record_progress(session, 720)
    return session


def march_of_sessions(journal: Journal) -> None:
    for day in range(1, 29, 3):
        listen(journal, date(2026, 3, day), {"distress": 7}, {"distress": 4, "helpfulness": 3})
    listen(journal, date(2026, 3, 29), {"distress": 3}, {"distress": 6}, title="Storm")
    listen(journal, date(2026, 3, 30), {"distress": 5}, {"stirred_up": 1}, note=HOSTILE_NOTE)
    listen(journal, date(2026, 2, 10), {"distress": 9}, {"distress": 9}, note="February's note")


def text_of(pdf: Path) -> str:
    result = subprocess.run(
        [poppler("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def pages_as_images(pdf: Path, folder: Path) -> list[Path]:
    """Every page drawn at 50 dpi, as a person would look at them."""
    subprocess.run(
        [poppler("pdftoppm"), "-r", "50", "-png", str(pdf), str(folder / "page")], check=True
    )
    return sorted(folder.glob("page-*.png"))


def has_ink(image_path: Path) -> bool:
    image = QImage(str(image_path))
    return any(
        QColor(image.pixel(x, y)).lightness() < 128
        for x in range(0, image.width(), 4)
        for y in range(0, image.height(), 4)
    )


def test_the_summary_has_the_period_the_plain_words_numbers_and_flags(
    journal: Journal, tmp_path: Path
) -> None:
    march_of_sessions(journal)
    journal.record_track_heard(1, 0, "/music/storm.ogg", "Thunder piece", 200)
    journal.flag_track("/music/storm.ogg", "Thunder piece")
    output = tmp_path / "summary.pdf"

    write_report_pdf(journal, output, since=MARCH[0], until=MARCH[1], include_notes=True)

    words = " ".join(text_of(output).split())
    assert "1 Mar 2026 to 31 Mar 2026" in words
    assert "it does not diagnose" in words
    assert "12 listening sessions" in words  # the one in February is outside
    assert "Distress rose by 2 or more after listening: 1" in words
    assert "Sun 29 Mar 2026, 19:30 · Storm · distress 3 → 6" in words
    assert "Said yes: the music brought up urges or hard memories: 1" in words
    assert "Thunder piece — flagged on" in words
    assert "played in 1 session of this period" in words
    assert "Distress 7 → 4 (down 3)" in words  # a session, before → after
    assert "Helpful: quite" in words
    # A month is short enough to chart session by session; the chart's numbers under it:
    assert "Session Before After Change" in words
    assert "Sun 29 Mar 2026, 19:30 3.0 6.0 up 3.0" in words
    assert "February's note" not in words


def test_every_page_renders_to_an_image_with_something_on_it(
    journal: Journal, tmp_path: Path
) -> None:
    march_of_sessions(journal)
    output = tmp_path / "summary.pdf"
    write_report_pdf(journal, output, since=MARCH[0], until=MARCH[1], include_notes=True)

    images = pages_as_images(output, tmp_path)

    assert len(images) >= 2
    assert all(has_ink(image) for image in images)
    first = QImage(str(images[0]))
    assert first.width() < first.height()  # A4, portrait


def test_notes_are_printed_as_typed_never_as_markup(journal: Journal, tmp_path: Path) -> None:
    march_of_sessions(journal)
    session = listen(journal, date(2026, 3, 31), {"distress": 4}, {"distress": 2})
    journal.record_reflection(session, "What did you notice?", "<i>calmer</i> now", Drawing())
    output = tmp_path / "summary.pdf"

    write_report_pdf(journal, output, since=MARCH[0], until=MARCH[1], include_notes=True)

    words = text_of(output)
    assert "Note before: <b>not bold</b> & <script>x</script>" in words
    assert "second line" in words
    assert "Reflection: <i>calmer</i> now" in words


def test_notes_are_left_out_when_asked(journal: Journal, tmp_path: Path) -> None:
    march_of_sessions(journal)
    session = listen(journal, date(2026, 3, 31), {"distress": 4}, {"distress": 2})
    journal.record_reflection(session, "What did you notice?", "a private reflection", Drawing())
    output = tmp_path / "summary.pdf"

    write_report_pdf(journal, output, since=MARCH[0], until=MARCH[1], include_notes=False)

    words = " ".join(text_of(output).split())
    assert "not bold" not in words and "Note before" not in words
    assert "a private reflection" not in words
    assert "Notes and reflections are left out of this summary." in words
    assert "Distress 7 → 4 (down 3)" in words  # the numbers are all still there


def test_a_very_long_note_flows_on_to_the_next_pages(journal: Journal, tmp_path: Path) -> None:
    endless = "x" * 2400 + " " + "word " * 500 + "THE-END"
    listen(journal, date(2026, 3, 2), {"distress": 6}, {"distress": 5}, note=endless)
    output = tmp_path / "summary.pdf"

    write_report_pdf(journal, output, since=None, until=None, include_notes=True)

    words = text_of(output)
    assert "THE-END" in words
    assert "Every session in the journal" in words
    assert len(pages_as_images(output, tmp_path)) >= 2


def test_an_empty_journal_gives_a_short_valid_summary(journal: Journal, tmp_path: Path) -> None:
    output = tmp_path / "summary.pdf"

    write_report_pdf(journal, output, since=MARCH[0], until=None, include_notes=True)

    words = " ".join(text_of(output).split())
    assert "From 1 Mar 2026 on" in words
    assert "No flags in this period." in words
    assert "No session in this period has a check-in both before and after." in words
    assert "No sessions in this period." in words
    assert len(pages_as_images(output, tmp_path)) == 1


def test_the_file_is_owner_only_and_replaced_whole(journal: Journal, tmp_path: Path) -> None:
    march_of_sessions(journal)
    output = tmp_path / "summary.pdf"
    output.write_bytes(b"an older summary")
    output.chmod(0o644)

    write_report_pdf(journal, output, since=MARCH[0], until=MARCH[1], include_notes=True)

    assert output.read_bytes().startswith(b"%PDF-")
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert sorted(path.name for path in tmp_path.iterdir() if "summary" in path.name) == [
        "summary.pdf"
    ]


def test_a_full_disk_leaves_the_old_file_and_no_partial_file(
    journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    march_of_sessions(journal)
    output = tmp_path / "summary.pdf"
    output.write_bytes(b"an older summary")

    def disk_full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("mtcalm.datadir.os.fsync", disk_full)
    with pytest.raises(ReportNotWritten) as raised:
        write_report_pdf(journal, output, since=None, until=None, include_notes=True)

    assert isinstance(raised.value, OSError)
    assert raised.value.errno == errno.ENOSPC
    assert (
        str(raised.value) == "The disk is full. Free some space, then try again; nothing was lost."
    )
    assert output.read_bytes() == b"an older summary"
    assert [path.name for path in tmp_path.iterdir() if "summary" in path.name] == ["summary.pdf"]


def test_a_missing_or_unwritable_folder_is_said_plainly(
    journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nowhere" / "summary.pdf"
    with pytest.raises(ReportNotWritten) as raised:
        write_report_pdf(journal, missing, since=None, until=None, include_notes=True)
    assert raised.value.errno == errno.ENOENT
    assert str(raised.value) == f"The folder {missing.parent} does not exist."

    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    if os.geteuid() == 0:  # root writes anywhere: be told the folder is not writable
        real_access = os.access
        monkeypatch.setattr(
            os,
            "access",
            lambda path, mode: False if Path(path) == locked else real_access(path, mode),
        )
    try:
        with pytest.raises(ReportNotWritten) as raised:
            write_report_pdf(journal, locked / "s.pdf", since=None, until=None, include_notes=True)
    finally:
        locked.chmod(0o700)
    assert raised.value.errno == errno.EACCES
    assert "cannot be written to (permission denied). Nothing was lost." in str(raised.value)
    assert list(locked.iterdir()) == []


def test_a_period_that_ends_before_it_starts_is_refused(journal: Journal, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_report_pdf(
            journal, tmp_path / "s.pdf", since=MARCH[1], until=MARCH[0], include_notes=True
        )
    assert not (tmp_path / "s.pdf").exists()


def test_the_command_line_can_write_one_without_a_window_or_a_display(tmp_path: Path) -> None:
    """As ``mtcalm export --format pdf`` does: no QApplication yet, no QT_QPA_PLATFORM."""
    path = tmp_path / "journal.sqlite3"
    with Journal.open(path) as journal:
        listen(journal, date(2026, 3, 2), {"distress": 8}, {"distress": 3})
    script = textwrap.dedent(
        f"""
        from datetime import date
        from pathlib import Path
        from PySide6.QtGui import QGuiApplication
        from mtcalm.journal.store import Journal
        from mtcalm.ui.report_pdf import write_report_pdf
        assert QGuiApplication.instance() is None
        with Journal.open(Path({str(path)!r})) as journal:
            for name in ("one.pdf", "two.pdf"):  # twice in one process
                write_report_pdf(journal, Path({str(tmp_path)!r}) / name,
                                 since=None, until=date(2026, 3, 31), include_notes=False)
        """
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")
    }
    subprocess.run(
        [sys.executable, "-c", script], cwd=REPOSITORY, env=environment, check=True, timeout=120
    )
    for name in ("one.pdf", "two.pdf"):
        assert "Everything up to 31 Mar 2026" in " ".join(text_of(tmp_path / name).split())


def test_a_longer_period_is_charted_by_week_with_its_table(
    journal: Journal, tmp_path: Path
) -> None:
    march_of_sessions(journal)
    output = tmp_path / "summary.pdf"

    write_report_pdf(journal, output, since=date(2026, 2, 1), until=MARCH[1], include_notes=True)

    words = " ".join(text_of(output).split())
    assert "Distress · average per week" in words
    assert "Week starting Sessions Before After Change" in words
    assert "9 Feb 2026 1 9.0 9.0 no change" in words
    assert "2 Mar 2026 2 7.0 4.0 down 3.0" in words


# -- listening homework ----------------------------------------------------------------------------

# Monday 23 February 2026, eight weeks: weeks 1 to 6 overlap March, weeks 7 and 8 do not.
MARCH_HOMEWORK = """\
format = 1
[homework]
id = "march-programme"
title = "<b>Evenings</b>"
[therapist]
name = "Dr A"
[schedule]
starts = 2026-02-25
weeks = 8
sessions_per_week = 3
minimum_minutes = 10
[[content]]
ref = "playlist:settle"
"""


def add_homework(
    journal: Journal, manifest: str, *, title: str = "<b>Evenings</b>", left: str | None = None
) -> None:
    with journal.writing() as cursor:
        cursor.execute(
            "INSERT INTO homework (id, revision, title, therapist, manifest, imported_at, left_at)"
            " VALUES ('march-programme', 1, ?, 'Dr A', ?, '2026-02-20T10:00:00+01:00', ?)",
            (title, manifest, left),
        )


def test_the_summary_shows_homework_weeks_of_its_period_after_the_flags(
    journal: Journal, tmp_path: Path
) -> None:
    march_of_sessions(journal)
    add_homework(journal, MARCH_HOMEWORK)
    output = tmp_path / "summary.pdf"

    write_report_pdf(journal, output, since=MARCH[0], until=MARCH[1], include_notes=True)

    text = text_of(output)
    words = " ".join(text.split())
    assert words.index("Flags") < words.index("Listening homework")
    assert words.index("Listening homework") < words.index("Before and after over time")
    assert (
        "Only the weeks that overlap this summary's period are shown, each counted whole" in words
    )
    assert "<b>Evenings</b> (revision 1)" in words  # as typed, never as markup
    assert "From Dr A" in words
    assert "Finished on 19 Apr 2026." in words
    assert "Week Started Completed Ended early At least 10 min, of those asked Minutes" in words
    assert "…" not in text  # no heading or week cut short
    # Sunday 1 March is in week 1; sessions every third day from then on, at 12 minutes each
    # (the sessions of these tests are left unfinished, neither completed nor ended early)
    assert "1 · 23 Feb – 1 Mar 1 0 0 1 of 3 12" in words
    assert "2 · 2–8 Mar 2 0 0 2 of 3 24" in words
    assert "5 · 23–29 Mar 3 0 0 3 of 3 36" in words  # the 25th, the 28th and Storm on the 29th
    assert "6 · 30 Mar – 5 Apr 1 0 0 1 of 3 12" in words
    assert "7 · 6–12 Apr" not in words  # outside the period
    assert "upcoming" not in words


def test_a_journal_without_homework_has_no_homework_section(
    journal: Journal, tmp_path: Path
) -> None:
    march_of_sessions(journal)
    output = tmp_path / "summary.pdf"
    write_report_pdf(journal, output, since=MARCH[0], until=MARCH[1], include_notes=True)
    assert "Listening homework" not in text_of(output)


def test_homework_outside_the_period_and_unreadable_homework_are_said(
    journal: Journal, tmp_path: Path
) -> None:
    add_homework(journal, MARCH_HOMEWORK, left="2026-03-03T09:00:00+01:00")
    with journal.writing() as cursor:
        cursor.execute(
            "INSERT INTO homework (id, revision, title, therapist, manifest, imported_at)"
            " VALUES ('broken-one', 1, 'Broken one', 'Dr B', 'format = 1\n[homework\n',"
            " '2026-03-10T10:00:00+01:00')"
        )
    output = tmp_path / "summary.pdf"

    write_report_pdf(
        journal, output, since=date(2026, 6, 1), until=date(2026, 6, 30), include_notes=True
    )

    words = " ".join(text_of(output).split())
    assert "Broken one (revision 1)" in words
    assert "Its details can no longer be read, so its weeks cannot be shown." in words
    assert "not valid TOML" in words
    assert "Left on 3 Mar 2026." in words
    assert "None of its weeks fall in this period." in words
    assert words.index("Broken one") < words.index("<b>Evenings</b>")  # newest first
