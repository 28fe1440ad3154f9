"""Write a run's findings in the format a person or a program reads.

`text` for terminals, `concise` for editors, `json` for programs, `sarif` for
GitHub code scanning, `github` for workflow annotations, `markdown` for job
summaries and pull-request comments, `junit` for CI test reports. `auto` is
`github` inside GitHub Actions and `text` elsewhere.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TextIO

from tfcheck.findings import Severity


@dataclass(frozen=True)
class ReportOptions:
    fail_on: Severity | None
    color: bool = False
    max_annotations: int = 10


Writer = Callable[..., None]


def source_root() -> Path:
    """The directory finding paths are given against in CI reports.

    GitHub resolves annotation and SARIF paths against the repository
    checkout, not against the step's working directory, so inside Actions
    that is `$GITHUB_WORKSPACE`; elsewhere it is the working directory.
    """
    workspace = os.environ.get("GITHUB_WORKSPACE")
    return Path(workspace).resolve() if workspace else Path.cwd().resolve()


def source_path(file: str) -> str:
    """`file` relative to `source_root()`, or as given when outside it."""
    root = source_root()
    try:
        return Path(file).resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        return file


# Each format's module, imported only when that format is written: a run
# that prints text does not pay for XML or SARIF.
MODULES = {
    "text": "text",
    "concise": "concise",
    "compact": "concise",
    "json": "json_report",
    "sarif": "sarif",
    "github": "github",
    "markdown": "markdown",
    "junit": "junit",
    "atlantis": "atlantis",
}


def writer(name: str) -> Writer:
    """The `write` function of format `name` (one of MODULES)."""
    module = importlib.import_module(f"tfcheck.report.{MODULES[name]}")
    return module.write


def resolve(name: str) -> str:
    """The format `auto` stands for here."""
    if name != "auto":
        return name
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def use_color(setting: str, stream: TextIO) -> bool:
    """Colour only on a terminal, unless NO_COLOR or FORCE_COLOR say otherwise."""
    if setting == "always":
        return True
    if setting == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()
