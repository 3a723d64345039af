"""What gets installed: a plain wheel carries the bundled content; metadata validates."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built the way `pip install .` builds one (no editable tricks)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(out), str(ROOT)],
        check=True,
        timeout=300,
    )  # fmt: skip
    (built,) = out.glob("mtcalm-*.whl")
    return built


def bundled_files(folder: str) -> list[str]:
    return sorted(
        path.relative_to(ROOT / "assets").as_posix()
        for path in (ROOT / "assets" / folder).rglob("*")
        if path.is_file()
    )


def test_the_wheel_carries_every_bundled_asset(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = [
        *bundled_files("playlists"),
        *bundled_files("music"),
        *bundled_files("ambience"),
        *bundled_files("scripts"),
    ]
    assert any(name.endswith(".toml") for name in expected), "there is a bundled playlist"
    assert any(name.startswith("scripts/") for name in expected), "there are bundled scripts"
    missing = [name for name in expected if f"mtcalm/assets/{name}" not in names]
    assert not missing, f"not in the wheel: {missing}"
    assert "mtcalm/ui/main_window.py" in names
    assert not any(name.startswith(("tests/", "benchmarks/", "tools/")) for name in names)


def test_an_installed_wheel_finds_its_playlists_scripts_and_audio(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
         str(target), str(wheel)],
        check=True,
        timeout=300,
    )  # fmt: skip
    probe = (
        "import mtcalm, mtcalm.assets as a, mtcalm.playlists as p, mtcalm.scripts as s;"
        "lists = p.load_playlists(a.bundled_playlists_dir());"
        "scripts = s.load_scripts(a.bundled_scripts_dir());"
        "print(mtcalm.__file__);"
        "print(len(lists), sum(len(x.playable_tracks) for x in lists),"
        " sum(len(x.problems) for x in lists), len(scripts))"
    )
    environment = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=60, check=True,
    )  # fmt: skip
    location, counts = result.stdout.strip().splitlines()
    assert location.startswith(str(target)), "the installed copy is the one imported"
    playlists, playable, problems, scripts = (int(part) for part in counts.split())
    assert playlists >= 4 and playable >= 1 and problems == 0
    assert scripts >= 6, "every bundled script loads from the installed copy"


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils")
def test_desktop_file_is_valid():
    (desktop,) = PACKAGING.glob("*.desktop")
    result = subprocess.run(
        ["desktop-file-validate", str(desktop)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstream")
def test_appstream_metainfo_is_valid():
    (metainfo,) = PACKAGING.glob("*.metainfo.xml")
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", "--pedantic", str(metainfo)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def exec_words(value: str) -> list[str]:
    """An Exec value's arguments, unquoted as the Desktop Entry specification says."""
    words: list[str] = []
    word, quoted, characters = "", False, iter(value)
    for character in characters:
        if quoted and character == "\\":
            word += next(characters)
        elif character == '"':
            quoted = not quoted
        elif character == " " and not quoted:
            words.append(word)
            word = ""
        else:
            word += character
    return [*words, word]


def test_the_desktop_opens_homework_packages_with_mtcalm(tmp_path: Path) -> None:
    """tools/install_desktop.py registers the file type: a package is ours, and mtcalm
    (launched as `mtcalm FILE`, its path quoted as the Desktop Entry specification asks)
    opens it."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import install_desktop
    finally:
        sys.path.remove(str(ROOT / "tools"))
    command = str(tmp_path / "my apps" / 'mt"calm$')
    installed = install_desktop.install(tmp_path / "share", command)
    desktop = installed[0].read_text(encoding="utf-8")
    assert "MimeType=application/x-mtcalm-homework;" in desktop
    exec_line = next(line for line in desktop.splitlines() if line.startswith("Exec="))
    # The key's string escapes undone, then the quoting: the command and the file's field code.
    unescaped = exec_line.removeprefix("Exec=").replace("\\\\", "\\")
    assert exec_words(unescaped) == [command, "%f"]
    if shutil.which("update-mime-database"):
        globs = (tmp_path / "share" / "mime" / "globs2").read_text(encoding="utf-8")
        assert "application/x-mtcalm-homework:*.mtcalm-homework" in globs
    if shutil.which("desktop-file-validate"):
        checked = subprocess.run(
            ["desktop-file-validate", str(installed[0])], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    if shutil.which("gio") and shutil.which("update-mime-database"):
        package = tmp_path / "from a therapist.mtcalm-homework"
        package.write_bytes((ROOT / "assets/homework/example.mtcalm-homework").read_bytes())
        info = subprocess.run(
            ["gio", "info", "-a", "standard::content-type", str(package)],
            capture_output=True,
            text=True,
            env=dict(os.environ, XDG_DATA_HOME=str(tmp_path / "share")),
        )
        assert "application/x-mtcalm-homework" in info.stdout, info.stdout + info.stderr
    assert install_desktop.uninstall(tmp_path / "share") == installed
    assert not any(path.exists() for path in installed)


def test_the_mime_entry_names_the_suffix_the_app_writes() -> None:
    from mtcalm.homework.manifest import PACKAGE_SUFFIX

    entry = (PACKAGING / "io.github.mtcalm.mtcalm.xml").read_text(encoding="utf-8")
    assert f'pattern="*{PACKAGE_SUFFIX}"' in entry
