"""Starting at login: the freedesktop autostart entry mtcalm writes, quotes and removes, and the
entries of others it leaves alone."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mtcalm.autostart import (
    ENTRY_NAME,
    AutostartNotOurs,
    autostart_folder,
    entry_path,
    exec_argument,
    mtcalm_command,
    set_start_at_login,
    start_at_login_is_on,
)


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    return folder


def keys_of(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line)


def unquoted(exec_value: str) -> list[str]:
    """The words of an Exec value as the Desktop Entry Specification reads them: the string's
    escapes first, then words split at spaces, with quoted words' backslash escapes undone.
    """
    value = exec_value.replace("\\\\", "\\")
    words: list[str] = []
    word, quoted, at = "", False, 0
    while at < len(value):
        char = value[at]
        if quoted and char == "\\" and value[at + 1] in '"`$\\':
            word, at = word + value[at + 1], at + 2
            continue
        if char == '"':
            quoted = not quoted
        elif char == " " and not quoted:
            words.append(word)
            word = ""
        else:
            word += char
        at += 1
    assert not quoted, "every quote is closed"
    return [part.replace("%%", "%") for part in [*words, word]]


def validate(path: Path) -> None:
    if not shutil.which("desktop-file-validate"):
        return  # desktop-file-utils is not installed here (CI installs it)
    result = subprocess.run(
        ["desktop-file-validate", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_the_folder_follows_xdg_config_home(tmp_path: Path) -> None:
    home = Path.home()
    assert autostart_folder({}) == home / ".config" / "autostart"
    assert autostart_folder({"XDG_CONFIG_HOME": ""}) == home / ".config" / "autostart"
    assert autostart_folder({"XDG_CONFIG_HOME": "relative"}) == home / ".config" / "autostart"
    assert autostart_folder({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "autostart"


def test_turning_it_on_writes_a_valid_entry_that_starts_minimised(config: Path) -> None:
    assert not start_at_login_is_on()
    path = set_start_at_login(True, None, "/usr/bin/mtcalm")
    assert path == config / "autostart" / ENTRY_NAME
    keys = keys_of(path)
    assert keys["Exec"] == "/usr/bin/mtcalm --minimised"
    assert keys["X-GNOME-Autostart-enabled"] == "true"
    assert keys["Type"] == "Application"
    assert keys["X-mtcalm-Autostart"] == "true"
    assert start_at_login_is_on()
    validate(path)
    assert [p.name for p in path.parent.iterdir()] == [ENTRY_NAME], "no temporary file left"


def test_a_chosen_data_folder_is_named_and_quoted(config: Path, tmp_path: Path) -> None:
    folder = tmp_path / 'my "calm" $data 100% \\ `x`'
    path = set_start_at_login(True, folder, ["/opt/mt calm/python", "-m", "mtcalm"])
    exec_value = keys_of(path)["Exec"]
    assert unquoted(exec_value) == [
        "/opt/mt calm/python",
        "-m",
        "mtcalm",
        "--minimised",
        "--data-dir",
        str(folder),
    ]
    assert "%%" in exec_value, "a percent sign is not a field code"
    validate(path)


def test_turning_it_on_again_replaces_its_own_entry(config: Path, tmp_path: Path) -> None:
    set_start_at_login(True, tmp_path / "one", "mtcalm")
    path = set_start_at_login(True, None, "mtcalm")
    assert keys_of(path)["Exec"] == "mtcalm --minimised"


def test_turning_it_off_removes_the_entry(config: Path) -> None:
    path = set_start_at_login(True, None, "mtcalm")
    set_start_at_login(False, None, "mtcalm")
    assert not path.exists()
    assert not start_at_login_is_on()
    set_start_at_login(False, None, "mtcalm")  # off twice is fine


def test_an_entry_mtcalm_did_not_write_is_never_overwritten_or_removed(config: Path) -> None:
    path = entry_path()
    path.parent.mkdir(parents=True)
    theirs = "[Desktop Entry]\nType=Application\nName=mtcalm\nExec=mtcalm --their-way\n"
    path.write_text(theirs, encoding="utf-8")
    assert start_at_login_is_on(), "it starts mtcalm, whoever wrote it"
    with pytest.raises(AutostartNotOurs, match="did not make"):
        set_start_at_login(True, None, "mtcalm")
    with pytest.raises(AutostartNotOurs):
        set_start_at_login(False, None, "mtcalm")
    assert path.read_text(encoding="utf-8") == theirs


def test_an_entry_the_desktop_switched_off_reads_as_off(config: Path) -> None:
    path = set_start_at_login(True, None, "mtcalm")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Autostart-enabled=true", "Autostart-enabled=false"), "utf-8")
    assert not start_at_login_is_on()
    set_start_at_login(True, None, "mtcalm")  # ours: turned back on
    assert start_at_login_is_on()
    path.write_text(text + "Hidden=true\n", encoding="utf-8")
    assert not start_at_login_is_on()


def test_a_folder_that_cannot_be_written_raises_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "config"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocker))
    with pytest.raises(OSError):
        set_start_at_login(True, None, "mtcalm")
    assert blocker.read_text(encoding="utf-8").startswith("a file")


def test_a_path_with_a_line_break_cannot_be_started() -> None:
    with pytest.raises(ValueError, match="cannot be started"):
        exec_argument("/tmp/a\nb")
    with pytest.raises(ValueError):
        exec_argument("")


def test_how_this_mtcalm_is_started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    program = tmp_path / "bin" / "mtcalm"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", [str(program)])
    assert mtcalm_command() == [str(program)]
    monkeypatch.setattr(sys, "argv", [str(tmp_path / "mtcalm" / "__main__.py")])
    assert mtcalm_command() == [sys.executable, "-m", "mtcalm"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert mtcalm_command() == [sys.executable]
