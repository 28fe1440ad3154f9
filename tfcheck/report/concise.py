"""`path:line:col: RULE message`, one a line, for editors and problem matchers."""

from __future__ import annotations

from typing import TextIO


def write(result, out: TextIO, options) -> None:
    for finding in result.findings:
        out.write(f"{finding.location}: {finding.rule} {finding.message}\n")
