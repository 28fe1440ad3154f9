"""GitHub workflow annotations, worst first, capped as GitHub caps them.

GitHub shows at most 10 annotations of each level per step; tfcheck
annotates the worst findings first, up to `--max-annotations` per level, and
ends with one notice that counts the rest. Messages and properties are
escaped as the Actions toolkit escapes them. The text summary line follows.
"""

from __future__ import annotations

from typing import TextIO

from tfcheck.findings import Severity
from tfcheck.report import source_path
from tfcheck.report.text import summary

_COMMANDS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.NOTE: "notice",
}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write(result, out: TextIO, options) -> None:
    shown: dict[Severity, int] = {}
    left = 0
    ordered = sorted(result.findings, key=lambda f: (-f.severity, f.sort_key()))
    for finding in ordered:
        count = shown.get(finding.severity, 0)
        if count >= options.max_annotations:
            left += 1
            continue
        shown[finding.severity] = count + 1
        loc = finding.location
        properties = [
            f"file={escape_property(source_path(loc.file))}",
            f"line={loc.line}",
            f"col={loc.column}",
        ]
        if loc.end_line:
            properties += [f"endLine={loc.end_line}", f"endColumn={loc.end_column}"]
        properties.append(
            f"title={escape_property(f'tfcheck ({finding.rule} {finding.name})')}"
        )
        address = f" [{finding.address}]" if finding.address else ""
        out.write(
            f"::{_COMMANDS[finding.severity]} {','.join(properties)}::"
            f"{escape_data(f'{loc}: {finding.message}{address}')}\n"
        )
    if left:
        out.write(
            f"::notice::tfcheck: {left} more findings not annotated; "
            "see the job summary\n"
        )
    out.write(summary(result, options.fail_on) + "\n")
