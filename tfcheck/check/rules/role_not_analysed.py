"""An agent-side role whose permissions tfcheck could not work out.

When a role has an AWS managed policy that tfcheck does not know, a policy
it could not evaluate, or a grant that depends on unknown values, tfcheck
cannot tell whether the role can open Session Manager or ECS Exec channels.
It says so once, with the reasons, rather than guess "incomplete". The AWS
managed policies tfcheck knows are listed, with their sources, in
`tfcheck/catalog/managed_policies.json`.

Example:

    managed_policy_arns = ["arn:aws:iam::aws:policy/SomePolicyTfcheckDoesNotKnow"]

See https://docs.aws.amazon.com/aws-managed-policy/latest/reference/policy-list.html
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.check.base import rule
from tfcheck.check.roles import RoleView
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC129",
    "role-not-analysed",
    Severity.NOTE,
    "agent-side role whose permissions could not be worked out",
    __doc__,
)


def check_role(view: RoleView, views: list[RoleView]) -> Iterator[Finding]:
    if view.agent_job is None or view.analysed:
        return
    reasons = view.not_analysed_reasons()
    more = f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""
    yield RULE.finding(
        f"{view.address}, {view.agent_job}, was not analysed for Session Manager: "
        f"{reasons[0]}{more}",
        view.holder.location,
        address=view.address,
        subject=view.address,
    )
