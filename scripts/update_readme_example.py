"""Rewrite the README's example output with what tfcheck prints today.

Run from the repository root: python scripts/update_readme_example.py
tests/test_readme.py fails when the README and the real output differ.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tfcheck", "examples/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    readme = ROOT / "README.md"
    text = readme.read_text()
    text = re.sub(
        r"```text\n.*?```", lambda _: f"```text\n{out}```", text, count=1, flags=re.S
    )
    readme.write_text(text)


if __name__ == "__main__":
    main()
