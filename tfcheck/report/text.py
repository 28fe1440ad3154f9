"""One finding a line, `path:line:col: severity rule message [address]`."""

from __future__ import annotations

from typing import TextIO

from tfcheck.findings import Finding, Severity

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.NOTE: "36"}


def line(finding: Finding, color: bool = False) -> str:
    via = f" via {', '.join(finding.via)}" if finding.via else ""
    address = f" [{finding.address}{via}]" if finding.address else ""
    severity = finding.severity.label
    if color:
        severity = f"\x1b[{_COLORS[finding.severity]}m{severity}\x1b[0m"
    return f"{finding.location}: {severity} {finding.rule} {finding.message}{address}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(result, fail_on: Severity | None) -> str:
    """The closing line; it says "fail" only when the exit status is 1."""
    blocking = [
        f for f in result.findings if fail_on is not None and f.severity >= fail_on
    ]
    others = [f for f in result.findings if f not in blocking]
    counts = ", ".join(
        _plural(sum(1 for f in others if f.severity == s), s.label)
        for s in sorted(Severity, reverse=True)
        if any(f.severity == s for f in others)
    )
    scope = (
        f"in {_plural(result.statements, 'statement')} "
        f"({result.fully_evaluated} fully evaluated), "
        f"{_plural(result.files, 'file')}"
    )
    if result.suppressed:
        scope += f"; {len(result.suppressed)} suppressed"
    others_text = (
        f"{_plural(len(others), 'other finding')} ({counts})" if counts else ""
    )

    if result.fatal:
        unchecked = len(
            {f.location.file for f in result.findings if f.rule in ("TFC000", "TFC001")}
        )
        found = _plural(len(blocking), "blocking finding")
        also = f" and {others_text}" if others_text else ""
        return (
            f"tfcheck: {_plural(unchecked, 'file')} could not be checked; "
            f"{found}{also} {scope}"
        )
    if blocking:
        also = f" and {others_text}" if others_text else ""
        return f"tfcheck: {_plural(len(blocking), 'failure')}{also} {scope}"
    also = f"; {others_text}" if others_text else ""
    return f"tfcheck: no blocking findings{also} {scope}"


def write(result, out: TextIO, options) -> None:
    for finding in result.findings:
        out.write(line(finding, options.color) + "\n")
    out.write(summary(result, options.fail_on) + "\n")
