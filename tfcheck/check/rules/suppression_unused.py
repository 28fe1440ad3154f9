"""A `tfcheck:ignore` comment that hides nothing.

The finding it was written for is gone (fixed, or moved), or the comment is
in the wrong place. Remove it, so that it cannot hide a new finding later.

Fail:

    # tfcheck:ignore TFC102 -- fixed long ago
    actions = ["ssmmessages:OpenDataChannel"]

Pass: remove the comment.
"""

from tfcheck.check.base import rule
from tfcheck.findings import Severity

RULE = rule(
    "TFC903",
    "suppression-unused",
    Severity.WARNING,
    "tfcheck:ignore comment that hides nothing",
    __doc__,
)
