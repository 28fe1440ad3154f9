"""For Atlantis's `policy_check` with `custom_policy_check: true`.

Atlantis decides pass or fail from the text alone, so: one line per blocking
finding, `FAIL - <address> - <RULE> - <message>`, without line numbers so
that approvals survive re-plans; then the summary line. Nothing else is
printed, the output is never empty, and the word "fail" appears only when
something blocks. Use it with `--exit-zero`: a non-zero exit is an error to
Atlantis, not a policy failure.
"""

from __future__ import annotations

from typing import TextIO

from tfcheck.report.text import summary


def write(result, out: TextIO, options) -> None:
    fail_on = options.fail_on
    for finding in result.findings:
        if fail_on is not None and finding.severity >= fail_on:
            where = finding.address or finding.location.file
            out.write(f"FAIL - {where} - {finding.rule} - {finding.message}\n")
    out.write(summary(result, fail_on) + "\n")
