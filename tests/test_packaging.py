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
