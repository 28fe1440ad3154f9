"""A `tfcheck:ignore` comment tfcheck cannot read.

An inline suppression is `# tfcheck:ignore RULE[,RULE] [exp:YYYY-MM-DD]
-- reason` (or `//`), where RULE is a rule id (`TFC102`), a rule name
(`unknown-action`) or `all`. `# tfcheck:ignore-file ...` must come before the
first block of the file. A comment that does not follow this grammar is an
error, never silently ignored, so that a typo cannot hide a finding or
leave one visible by accident.

Fail:

    # tfcheck:ignore TFC10 -- agent fork

Pass:

    # tfcheck:ignore TFC102 exp:2027-06-30 -- agent fork uses this name
"""

from tfcheck.check.base import rule
from tfcheck.findings import Severity

RULE = rule(
    "TFC900",
    "suppression-malformed",
    Severity.ERROR,
    "tfcheck:ignore comment that cannot be read",
    __doc__,
)
