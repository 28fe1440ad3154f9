"""Write a run's findings for people (text) and for programs (json)."""

from __future__ import annotations

from typing import Callable, TextIO

from tfcheck.findings import Severity
from tfcheck.pipeline import Result
from tfcheck.report import json_report, text

Writer = Callable[[Result, TextIO, Severity | None], None]

FORMATS: dict[str, Writer] = {
    "text": text.write,
    "json": json_report.write,
}
