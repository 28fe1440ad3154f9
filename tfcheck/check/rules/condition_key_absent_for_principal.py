"""A valid condition key that the principal holding the policy never sends.

Some keys come with the caller's credentials, not with the action:
`ec2:SourceInstanceARN` and `aws:Ec2InstanceSourceVpc` only with EC2
instance-profile credentials, `ssm:SourceInstanceARN` only with the
credentials of a hybrid managed instance (`mi-`). tfcheck follows each
document to the roles that hold it (inline policies, attachments) and to
what those roles do (an `aws_iam_instance_profile`, an ECS task definition's
`task_role_arn`, an `aws_ssm_activation`). When no role that holds the
statement can ever send the key, the condition never holds (or, with
`IfExists` or a negated operator, always holds).

Fail (the role is an EC2 instance profile's):

    condition {
      test     = "ArnLike"
      variable = "ssm:SourceInstanceARN"
      values   = ["arn:aws:ssm:us-east-1:111122223333:managed-instance/mi-*"]
    }

Pass:

    condition {
      test     = "ArnEquals"
      variable = "ec2:SourceInstanceARN"
      values   = ["arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0"]
    }

See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
"""

from __future__ import annotations

from typing import Iterator

from tfcheck.catalog.conditions import condition_catalog
from tfcheck.check.actions import catalog_actions
from tfcheck.check.base import Context, quoted, rule
from tfcheck.check.conditions import absent_effect, never_sent, views
from tfcheck.extract.model import Statement
from tfcheck.findings import Finding, Severity

RULE = rule(
    "TFC118",
    "condition-key-absent-for-principal",
    Severity.WARNING,
    "condition key the role holding the policy never sends",
    __doc__,
)

_JOBS = {
    "ec2-instance": "an EC2 instance-profile role",
    "ecs-task": "an ECS task role",
    "ecs-execution": "an ECS task execution role",
    "managed-instance": "a hybrid activation role",
}


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if not catalog_actions(statement.actions, context.catalog):
        return
    holders = {h: context.principals.get(h, set()) for h in context.holders()}
    known = {h: jobs for h, jobs in holders.items() if jobs}
    if not known or len(known) != len(holders):
        return  # a holder whose job is unknown might send the key

    for view in views(statement, context.catalog):
        if not all(never_sent(view.key, frozenset(j)) for j in known.values()):
            continue
        holder, jobs = next(iter(known.items()))
        job = _JOBS.get(sorted(jobs)[0], "a role")
        carried = condition_catalog().presence[view.key.present]
        effect, _ = absent_effect(view, statement.denies)
        effect = effect.replace(" for it", "").replace(" on it", "")
        yield RULE.finding(
            f"{quoted(view.key_text)} is never sent by {holder}, {job} (the key "
            f"is present {carried}), {effect}",
            view.condition.key.location,
            document=context.document,
            statement=statement,
            subject=f"{view.key_text}|{holder}",
        )
