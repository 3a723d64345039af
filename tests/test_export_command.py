"""``mtcalm export`` and ``mtcalm import`` as a person runs them: exit codes, one clear line."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mtcalm.checkin import CheckIn, Phase
from mtcalm.cli import main
from mtcalm.datadir import PARTIAL_MARK
from mtcalm.instance import InstanceLock
from mtcalm.journal.store import Journal
from tests.conftest import DiskMaker
from tests.test_cli import child_environment
from tests.test_export import fill_journal
from tests.test_import import contents


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder with a journal that holds everything."""
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    with Journal.open(folder / "journal.sqlite3") as journal:
        fill_journal(journal)
    return folder


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    """``mtcalm ARGUMENTS`` in this process: the exit status, stdout and stderr."""
    status = main(list(arguments))
    out, err = capsys.readouterr()
    return status, out, err


def export(
    capsys: pytest.CaptureFixture[str], data_dir: Path, file_format: str, output: Path, *more: str
) -> tuple[int, str, str]:
    return run(
        capsys,
        "--data-dir",
        str(data_dir),
        "export",
        "--format",
        file_format,
        "--output",
        str(output),
        *more,
    )


def one_refusal(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("mtcalm: "), err
    assert "Traceback" not in err
    return lines[0]


def leftovers(folder: Path) -> list[str]:
    return [path.name for path in folder.iterdir() if PARTIAL_MARK in path.name]


# -- export ----------------------------------------------------------------------------------


def test_csv_and_json_are_written_owner_only(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    for file_format in ("csv", "json"):
        output = tmp_path / f"journal.{file_format}"
        status, out, err = export(capsys, data_dir, file_format, output)
        assert (status, err) == (0, "")
        assert out == f"Exported 4 sessions to {output}\n"
        assert stat.S_IMODE(output.stat().st_mode) == 0o600
    rows = list(csv.DictReader(io.StringIO((tmp_path / "journal.csv").read_text("utf-8-sig"))))
    document = json.loads((tmp_path / "journal.json").read_bytes())
    assert [row["uid"] for row in rows] == [s["uid"] for s in document["sessions"]]
    assert leftovers(tmp_path) == []


def test_the_period_and_no_notes_reach_the_file(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    output = tmp_path / "march-3.json"
    status, out, _ = export(
        capsys, data_dir, "json", output, "--from", "2026-03-03", "--to", "2026-03-03", "--no-notes"
    )
    assert status == 0 and out.startswith("Exported 2 sessions")
    document = json.loads(output.read_bytes())
    assert document["period"] == {"from": "2026-03-03", "to": "2026-03-03"}
    assert document["notes_included"] is False
    assert b"Just checking in" not in output.read_bytes()


def test_an_existing_file_is_replaced_only_with_force_and_then_whole(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    output = tmp_path / "for-my-therapist.csv"
    output.write_text("my own spreadsheet", encoding="utf-8")
    output.chmod(0o644)
    status, out, err = export(capsys, data_dir, "csv", output)
    assert (status, out) == (1, "")
    assert "exists already" in one_refusal(err) and "--force" in err
    assert output.read_text(encoding="utf-8") == "my own spreadsheet"
    status, out, err = export(capsys, data_dir, "csv", output, "--force")
    assert (status, err) == (0, "")
    assert output.read_bytes().startswith(b"\xef\xbb\xbfuid,")
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("where", "words"),
    [
        ("missing-folder/out.csv", "there is no folder"),
        (".", "is a folder; name a file"),
        ("data/journal.sqlite3", "is the journal itself"),
    ],
)
def test_an_output_that_cannot_be_written_is_refused(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path, where: str, words: str
) -> None:
    before = contents(data_dir / "journal.sqlite3")
    status, out, err = export(capsys, data_dir, "csv", tmp_path / where, "--force")
    assert (status, out) == (1, "")
    assert words in one_refusal(err)
    assert contents(data_dir / "journal.sqlite3") == before


def test_no_data_folder_or_no_journal_is_said_and_nothing_is_created(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, _, err = export(capsys, tmp_path / "never", "csv", tmp_path / "out.csv")
    assert status == 1 and "there is no data folder" in one_refusal(err)
    assert not (tmp_path / "never").exists()
    (tmp_path / "empty").mkdir()
    status, _, err = export(capsys, tmp_path / "empty", "json", tmp_path / "out.json")
    assert status == 1 and "there is no journal to export" in one_refusal(err)
    assert list((tmp_path / "empty").iterdir()) == []
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "out.json").exists()


def test_an_empty_journal_gives_valid_empty_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "data").mkdir()
    Journal.open(tmp_path / "data" / "journal.sqlite3").close()
    for kind in ("csv", "json"):
        status, out, _ = export(capsys, tmp_path / "data", kind, tmp_path / f"empty.{kind}")
        assert (status, out) == (0, f"Exported 0 sessions to {tmp_path / f'empty.{kind}'}\n")
    lines = (tmp_path / "empty.csv").read_text("utf-8-sig").splitlines()
    assert len(lines) == 1 and lines[0].startswith("uid,kind,started_at,")
    assert json.loads((tmp_path / "empty.json").read_bytes())["sessions"] == []


def set_version(path: Path, version: int) -> None:
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {version}")
    connection.close()


@pytest.mark.parametrize(
    ("spoil", "words"),
    [
        ("newer", "This journal is from a newer mtcalm"),
        ("foreign", "This is not an mtcalm journal"),
        ("garbage", "The journal is damaged"),
        ("empty", "The journal file is empty"),
    ],
)
def test_a_journal_that_cannot_be_read_is_refused_with_its_reason(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, spoil: str, words: str
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    journal = data_dir / "journal.sqlite3"
    if spoil == "newer":
        Journal.open(journal).close()
        set_version(journal, 99)
    elif spoil == "foreign":
        connection = sqlite3.connect(journal)
        connection.execute("CREATE TABLE invoices (id INTEGER)")
        connection.close()
    elif spoil == "garbage":
        journal.write_bytes(b"SQLite format 3\x00" + b"\x07" * 8192)
    else:
        journal.write_bytes(b"")
    before = journal.read_bytes()
    status, out, err = export(capsys, data_dir, "csv", tmp_path / "out.csv")
    assert (status, out) == (1, "")
    assert words in one_refusal(err)
    assert journal.read_bytes() == before
    assert not (tmp_path / "out.csv").exists()


def test_a_read_only_journal_is_still_exported(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    journal = data_dir / "journal.sqlite3"
    journal.chmod(0o400)
    status, out, err = export(capsys, data_dir, "csv", tmp_path / "out.csv")
    assert (status, err) == (0, "") and out.startswith("Exported 4 sessions")
    assert stat.S_IMODE(journal.stat().st_mode) == 0o400


def test_a_full_disk_leaves_no_file_and_says_so(
    capsys: pytest.CaptureFixture[str], data_dir: Path, small_disk: DiskMaker
) -> None:
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        note = "A long evening note, written slowly. " * 100
        for _ in range(60):
            journal.start_session("playlist:a", "A", CheckIn(Phase.BEFORE, {}, note=note))
    disk = small_disk(128)  # the CSV is about 230 kB
    kept = disk / "kept.csv"
    kept.write_text("an older export", encoding="utf-8")
    for output, more in ((disk / "new.csv", ()), (kept, ("--force",))):
        status, out, err = export(capsys, data_dir, "csv", output, *more)
        assert (status, out) == (1, "")
        assert "The disk is full" in one_refusal(err)
    assert sorted(path.name for path in disk.iterdir()) == ["kept.csv"]
    assert kept.read_text(encoding="utf-8") == "an older export"


@pytest.mark.parametrize(
    "arguments",
    [
        ["--format", "csv", "--output", "x.csv", "--from", "2026-13-01"],
        ["--format", "csv", "--output", "x.csv", "--to", "yesterday"],
        ["--format", "csv", "--output", "x.csv", "--from", "20260301"],
        ["--format", "csv", "--output", "x.csv", "--from", "2026-03-05", "--to", "2026-03-01"],
        ["--format", "csv", "--output", "x.csv", "--to", "2026-03-01", "--from", "2026-03-05"],
        ["--format", "xlsx", "--output", "x.xlsx"],
        ["--format", "csv"],
        ["--output", "x.csv"],
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], data_dir: Path, arguments: list[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--data-dir", str(data_dir), "export", *arguments])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "usage: mtcalm export" in err and "Traceback" not in err


def test_the_pdf_says_so_when_this_build_has_no_report(
    capsys: pytest.CaptureFixture[str],
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "mtcalm.ui.report_pdf", None)  # import fails
    status, out, err = export(capsys, data_dir, "pdf", tmp_path / "report.pdf")
    assert (status, out) == (1, "")
    assert "PDF export is not available in this build" in one_refusal(err)
    assert not (tmp_path / "report.pdf").exists()


def test_the_pdf_report_is_written_owner_only(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    pytest.importorskip("mtcalm.ui.report_pdf", reason="the PDF report is not in this build yet")
    output = tmp_path / "report.pdf"
    status, out, err = export(capsys, data_dir, "pdf", output, "--from", "2026-03-01")
    assert (status, err) == (0, "")
    assert out == f"Exported a report to {output}\n"
    assert output.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []


# -- import ----------------------------------------------------------------------------------


@pytest.fixture
def exported(capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path) -> Path:
    output = tmp_path / "export.json"
    assert export(capsys, data_dir, "json", output)[0] == 0
    return output


def test_import_into_a_new_folder_then_again(
    capsys: pytest.CaptureFixture[str], exported: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "new" / "data"
    status, out, err = run(capsys, "--data-dir", str(folder), "import", str(exported))
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        f"Imported 4 sessions from {exported}.",
        "1 track is now flagged as bringing up urges or hard memories.",
    ]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "journal.sqlite3").stat().st_mode) == 0o600
    before = contents(folder / "journal.sqlite3")
    status, out, _ = run(capsys, "--data-dir", str(folder), "import", str(exported))
    assert status == 0
    assert out.splitlines() == [
        f"Imported 0 sessions from {exported}.",
        "4 of the 4 sessions in it were in the journal already and were left as they are.",
    ]
    assert contents(folder / "journal.sqlite3") == before


def test_a_refused_file_leaves_no_trace(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "mtcalm-journal-export", "version": 7, "sessions": []}', "utf-8")
    status, out, err = run(capsys, "--data-dir", str(tmp_path / "nowhere"), "import", str(bad))
    assert (status, out) == (1, "")
    line = one_refusal(err)
    assert "This export is from a newer mtcalm" in line and line.endswith("Nothing was imported.")
    assert not (tmp_path / "nowhere").exists()
    before = contents(data_dir / "journal.sqlite3")
    bad.write_text('{"format": "mtcalm-journal-export", "version": 1, "sessions": [{}]}', "utf-8")
    status, _, err = run(capsys, "--data-dir", str(data_dir), "import", str(bad))
    assert status == 1 and "The export is damaged: Session 1 has no 'uid'." in one_refusal(err)
    assert contents(data_dir / "journal.sqlite3") == before


def test_import_is_refused_while_the_app_holds_the_folder(
    capsys: pytest.CaptureFixture[str], data_dir: Path, exported: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "other"
    folder.mkdir()
    with InstanceLock.acquire(folder):
        status, out, err = run(capsys, "--data-dir", str(folder), "import", str(exported))
    assert (status, out) == (1, "")
    assert "mtcalm is open for the data folder" in one_refusal(err)
    assert list(folder.iterdir()) == []


def test_import_without_a_file_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--data-dir", str(data_dir), "import"])
    assert exited.value.code == 2
    assert "usage: mtcalm import" in capsys.readouterr().err


# -- as a separate process -------------------------------------------------------------------


def mtcalm(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mtcalm", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        env=child_environment(),
    )


def test_export_and_import_as_real_commands(data_dir: Path, tmp_path: Path) -> None:
    output = tmp_path / "journal.json"
    made = mtcalm(
        "--data-dir", str(data_dir), "export", "--format", "json", "--output", str(output)
    )
    assert (made.returncode, made.stderr) == (0, ""), made.stderr
    again = mtcalm(
        "--data-dir", str(data_dir), "export", "--format", "json", "--output", str(output)
    )
    assert again.returncode == 1 and "exists already" in again.stderr
    brought = mtcalm("--data-dir", str(tmp_path / "copy"), "import", str(output))
    assert (brought.returncode, brought.stderr) == (0, ""), brought.stderr
    assert brought.stdout.startswith("Imported 4 sessions")
    wrong = mtcalm("--data-dir", str(data_dir), "export", "--format", "csv", "--output", "x.csv",
                   "--from", "2026-02-30")  # fmt: skip
    assert wrong.returncode == 2 and "is not a date as YYYY-MM-DD" in wrong.stderr
    assert "Traceback" not in wrong.stderr + again.stderr


def test_the_window_starts_without_the_export_and_import_code() -> None:
    probe = (
        "import sys; from mtcalm.cli import build_parser; build_parser(with_commands=False); "
        "print(sorted(m for m in sys.modules if 'export' in m or 'import_' in m))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_csv_and_json_exports_load_no_qt(data_dir: Path, tmp_path: Path) -> None:
    probe = (
        "import sys; from mtcalm.cli import main; "
        f"codes = [main(['--data-dir', {str(data_dir)!r}, 'export', '--format', kind, "
        f"'--output', {str(tmp_path)!r} + '/out.' + kind]) for kind in ('csv', 'json')]; "
        "print(codes, sorted(m for m in sys.modules if m.split('.')[0] == 'PySide6'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=child_environment(),
    )
    assert result.stdout.splitlines()[-1] == "[0, 0] []"
