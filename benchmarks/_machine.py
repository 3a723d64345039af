"""What a benchmark's figures were measured on: the machine, the packages and the revision."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path


def machine(packages: Mapping[str, str], load_key: str = "load_average") -> dict[str, str]:
    """CPUs, Python, each of ``packages`` (report name → distribution) and the load average."""

    def version(distribution: str) -> str:
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "cpus": str(os.cpu_count()),
        "python": platform.python_version(),
        **{name: version(distribution) for name, distribution in packages.items()},
        "system": platform.platform(),
        load_key: load_average(),
    }


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as text."""
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def git_revision(root: Path) -> str:
    """``git describe`` of the checkout at ``root``, or "unknown"."""
    try:
        completed = subprocess.run(
            ["git", "-C", str(root), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return "unknown"
    return completed.stdout.strip() or "unknown"
