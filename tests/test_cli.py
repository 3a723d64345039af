"""The ``mtcalm`` command as a person (or a launcher) runs it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from mtcalm import __version__
from mtcalm.datadir import DATA_DIR_VARIABLE

WAIT_SECONDS = 20.0

Launcher = Callable[..., None]


def child_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key != DATA_DIR_VARIABLE}
    environment.update(
        QT_QPA_PLATFORM="offscreen", SDL_AUDIODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1"
    )
    environment.update(extra or {})
    return environment


def run_mtcalm(
    *arguments: str, environment: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mtcalm", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        env=child_environment(environment),
    )


def test_version() -> None:
    result = run_mtcalm("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == "mtcalm 0.1.0"
    assert __version__ == "0.1.0"


def test_help_mentions_the_data_folder() -> None:
    result = run_mtcalm("--help")
    assert result.returncode == 0
    assert "--data-dir" in result.stdout
    assert DATA_DIR_VARIABLE in result.stdout
    assert "not a medical device" in " ".join(result.stdout.split())
    assert result.stderr == ""


def test_an_unknown_option_is_a_usage_error() -> None:
    result = run_mtcalm("--frobnicate")
    assert result.returncode == 2
    assert result.stderr.startswith("usage: mtcalm")
    assert "--frobnicate" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_data_folder_under_a_file_fails_with_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("I am a file", encoding="utf-8")
    result = run_mtcalm("--data-dir", str(blocker / "data"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("mtcalm: ")
    assert str(blocker / "data") in lines[0]
    assert blocker.read_text(encoding="utf-8") == "I am a file"


def test_a_data_folder_that_is_a_file_fails_with_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("I am a file", encoding="utf-8")
    result = run_mtcalm(environment={DATA_DIR_VARIABLE: str(blocker)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("mtcalm: ")


# -- the app itself ---------------------------------------------------------------------------


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Launcher]:
    """Start the GUI; it is always terminated at the end of the test."""
    started: list[subprocess.Popen[str]] = []

    def start(*arguments: str, environment: Mapping[str, str] | None = None) -> None:
        log = (tmp_path / f"app-{len(started)}.log").open("w", encoding="utf-8")
        started.append(
            subprocess.Popen(
                [sys.executable, "-m", "mtcalm", *arguments],
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
                env=child_environment(environment),
            )
        )
        log.close()

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=WAIT_SECONDS)


def wait_for_journal(data_dir: Path, log: Path) -> Path:
    """Wait (up to WAIT_SECONDS) until the app has created its journal."""
    journal = data_dir / "journal.sqlite3"
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if journal.exists():
            return journal
        time.sleep(0.05)
    output = log.read_text(encoding="utf-8") if log.exists() else ""
    pytest.fail(f"no journal in {data_dir} after {WAIT_SECONDS:g} s:\n{output}")


def assert_private(data_dir: Path, journal: Path) -> None:
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    for sidecar in data_dir.glob("journal.sqlite3-*"):
        assert stat.S_IMODE(sidecar.stat().st_mode) & 0o077 == 0, sidecar.name


def test_the_app_starts_with_a_private_data_folder(launch: Launcher, tmp_path: Path) -> None:
    data_dir = tmp_path / "chosen" / "data"
    launch("--data-dir", str(data_dir))
    journal = wait_for_journal(data_dir, tmp_path / "app-0.log")
    assert_private(data_dir, journal)


def test_the_app_uses_the_data_folder_variable(launch: Launcher, tmp_path: Path) -> None:
    data_dir = tmp_path / "from-env"
    launch(environment={DATA_DIR_VARIABLE: str(data_dir)})
    journal = wait_for_journal(data_dir, tmp_path / "app-0.log")
    assert_private(data_dir, journal)


def test_the_app_tightens_an_open_data_folder(launch: Launcher, tmp_path: Path) -> None:
    data_dir = tmp_path / "shared"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    launch("--data-dir", str(data_dir), "gui")
    journal = wait_for_journal(data_dir, tmp_path / "app-0.log")
    assert_private(data_dir, journal)


def test_a_file_named_on_the_command_line_opens_in_the_window(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`mtcalm FILE` (a file manager) and `mtcalm gui FILE` reach the window with FILE made
    absolute; a word that names no file and no command is a usage error, as before."""
    import mtcalm.ui.app
    from mtcalm.cli import main

    opened: list[tuple[Path, Path | None, bool]] = []

    def run_app(data_dir: Path, _argv: object, *, open_file: Path | None, minimised: bool) -> int:
        opened.append((data_dir, open_file, minimised))
        return 0

    monkeypatch.setattr(mtcalm.ui.app, "run_app", run_app)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "check").write_text("a file named like a command")
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "homework.mtcalm-homework"]) == 0
    assert main(["--data-dir", data, "--minimised", "gui", "sub/x"]) == 0
    assert main(["--minimised", "--data-dir", data]) == 0
    assert main(["--data-dir", "x.mtcalm-homework"]) == 0  # a data folder is not a file
    assert opened == [
        (tmp_path / "data", tmp_path / "homework.mtcalm-homework", False),
        (tmp_path / "data", tmp_path / "sub" / "x", True),
        (tmp_path / "data", None, True),
        (tmp_path / "x.mtcalm-homework", None, False),
    ]
    with pytest.raises(SystemExit) as usage:
        main(["--data-dir", data, "chek"])
    assert usage.value.code == 2
    with pytest.raises(SystemExit) as command:
        main(["--data-dir", data, "check"])  # the command, not the file of that name
    assert command.value.code == 2  # check without FILE


def test_every_command_is_known_as_one_and_never_taken_for_a_file() -> None:
    import argparse

    from mtcalm.cli import COMMANDS, build_parser

    (commands,) = [
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    assert set(commands.choices) == COMMANDS
