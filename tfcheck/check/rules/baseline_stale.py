"""A baseline entry that no longer matches any finding.

A baseline (`--baseline FILE`, written with `--write-baseline FILE`) hides
findings that were accepted when it was written, keyed by rule, file,
Terraform address, statement and subject, not by line, so edits above a
finding do not break it. An entry that matches nothing was fixed: remove it
(write the baseline again), so that the baseline only shrinks.

Example: an entry for `unknown-action` in `main.tf` after the typo was fixed.
"""

from tfcheck.check.base import rule
from tfcheck.findings import Severity

RULE = rule(
    "TFC904",
    "baseline-stale",
    Severity.NOTE,
    "baseline entry that no longer matches a finding",
    __doc__,
)
