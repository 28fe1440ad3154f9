"""The code keeps the project's style: 88 columns, sorted imports, no lint."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_ruff_finds_nothing():
    process = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "tfcheck", "tests"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert process.returncode == 0, process.stdout + process.stderr
