"""A statement `sid` used twice where the provider or IAM requires it once.

The AWS provider's `aws_iam_policy_document` rejects two statements with
the same `sid`, and two source documents that share one, at plan time
(older providers silently kept only the last one). IAM rejects duplicate
`Sid`s in a JSON policy too. The finding is on the second `sid` and names
the line of the first.

Fail:

    statement {
      sid     = "SessionManager"
      actions = ["ssmmessages:CreateControlChannel"]
    }
    statement {
      sid     = "SessionManager"
      actions = ["ssmmessages:CreateDataChannel"]
    }

Pass: give each statement its own `sid`, or none.
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.base import Context, rule
from tfcheck.extract.model import PolicyDocument
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC107",
    "duplicate-sid",
    Severity.ERROR,
    "the same sid on two statements of one policy",
    __doc__,
)


def check_document(document: PolicyDocument, context: Context) -> Iterator[Finding]:
    # aws_iam_policy_document duplicates are found while it is built.
    if document.syntax != "json":
        return
    first: dict[str, object] = {}
    for statement in document.statements:
        sid = statement.sid_text
        if not sid:
            continue
        if sid not in first:
            first[sid] = statement
            continue
        earlier = first[sid].sid.location  # type: ignore[attr-defined]
        yield RULE.finding(
            f"sid {sid!r} is used twice in this policy (first at "
            f"{earlier.file}:{earlier.line}); IAM rejects it, so give each "
            "statement its own sid",
            statement.sid.location,
            document=document,
            statement=statement,
            subject=sid,
        )
