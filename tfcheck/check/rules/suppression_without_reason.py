"""A `tfcheck:ignore` comment that gives no reason.

The suppression is honoured, and this warning asks for the reason, written
after `--`, so that a reviewer can tell why the finding was accepted. `all`
without a reason is reported the same way.

Fail:

    # tfcheck:ignore TFC102

Pass:

    # tfcheck:ignore TFC102 -- the agent fork names the action this way
"""

from tfcheck.check.base import rule
from tfcheck.findings import Severity

RULE = rule(
    "TFC901",
    "suppression-without-reason",
    Severity.WARNING,
    "tfcheck:ignore comment without a reason",
    __doc__,
)
