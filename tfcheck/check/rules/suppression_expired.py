"""A `tfcheck:ignore` comment whose `exp:` date has passed.

An expired suppression no longer hides anything: the findings it covered are
reported again, and this warning points at the comment, so that accepted
risks are looked at again when they were meant to be. Dates are in UTC.

Fail:

    # tfcheck:ignore TFC102 exp:2020-01-01 -- until the agent is upgraded

Pass: fix the finding, or set a new date with a reason.
"""

from tfcheck.check.base import rule
from tfcheck.findings import Severity

RULE = rule(
    "TFC902",
    "suppression-expired",
    Severity.WARNING,
    "tfcheck:ignore comment past its exp: date",
    __doc__,
)
