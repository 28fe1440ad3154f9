"""A Markdown summary for job summaries and pull-request comments.

GitHub limits a step summary to 1 MiB; the table stops before that and says
how many findings it left out.
"""

from __future__ import annotations

from typing import TextIO

from tfcheck.report.text import summary

LIMIT = 1 << 20


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(result, options, limit: int = LIMIT) -> str:
    head = [
        "## tfcheck",
        "",
        summary(result, options.fail_on).removeprefix("tfcheck: ").capitalize(),
        "",
    ]
    if not result.findings:
        return "\n".join(head) + "\n"
    head += [
        "| severity | rule | location | address | message |",
        "| --- | --- | --- | --- | --- |",
    ]
    text = "\n".join(head) + "\n"
    for shown, finding in enumerate(result.findings):
        row = (
            f"| {finding.severity.label} | {finding.rule} {finding.name} | "
            f"`{finding.location}` | {_cell(finding.address or '')} | "
            f"{_cell(finding.message)} |\n"
        )
        if len((text + row).encode()) > limit - 200:
            left = len(result.findings) - shown
            return text + f"\n{left} more findings left out to stay under 1 MiB.\n"
        text += row
    return text


def write(result, out: TextIO, options) -> None:
    out.write(render(result, options))
