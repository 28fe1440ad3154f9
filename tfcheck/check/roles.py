"""Effective ssmmessages permissions per role, user and group.

For each principal defined in the tree: the identity documents that reach
it (inline policies, `aws_iam_role_policy`, attached customer policies, and
the AWS managed policies of `managed_policies.json`), its permissions
boundary, and the SCPs in the tree as a ceiling. Each catalog action is
then granted, granted under a condition, unknown, never granted, or lost
(denied, outside the boundary, blocked by an SCP), with the statement that
decided it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from tfcheck.catalog import Catalog
from tfcheck.check.effective import Match, Outcome, Verdict, evaluate
from tfcheck.evaluate.values import from_python
from tfcheck.extract.model import PolicyDocument
from tfcheck.extract.policies import Extraction, Holder
from tfcheck.extract.statements import json_statements
from tfcheck.findings import Location

# Jobs that make a role the agent side of Session Manager or ECS Exec.
AGENT_JOBS = {
    "ec2-instance": "an EC2 instance-profile role",
    "managed-instance": "a hybrid activation role",
    "ecs-exec-task": "the task role of an ECS service with ECS Exec enabled",
}


@dataclass(frozen=True)
class ManagedPolicy:
    name: str
    arn: str
    source: str
    statements: tuple[dict, ...]


@lru_cache(maxsize=1)
def managed_policies() -> dict[str, ManagedPolicy]:
    """The AWS managed policies tfcheck knows, by policy name (lower case)."""
    path = resources.files("tfcheck") / "catalog" / "managed_policies.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        item["name"].lower(): ManagedPolicy(
            item["name"], item["arn"], item["source"], tuple(item["statements"])
        )
        for item in data["policies"]
    }


def managed_policy(arn: str) -> ManagedPolicy | None:
    """The known managed policy of an ARN; its path must match too."""
    path = re.sub(r"^.*:policy/", "", arn)
    policy = managed_policies().get(path.rsplit("/", 1)[-1].lower())
    if policy is None or re.sub(r"^.*:policy/", "", policy.arn).lower() != path.lower():
        return None
    return policy


def managed_document(policy: ManagedPolicy, location: Location) -> PolicyDocument:
    """A managed policy as a document located where it is attached."""
    address = f"AWS managed policy {policy.name}"
    value = from_python({"Statement": list(policy.statements)}, location)
    statements = json_statements(value, address, [])  # type: ignore[arg-type]
    return PolicyDocument(address, "json", location, tuple(statements))


@dataclass(frozen=True)
class Loss:
    """An action a principal does not effectively hold, and where it was lost."""

    action: str
    why: str
    location: Location | None


@dataclass
class RoleView:
    holder: Holder
    jobs: set[str]
    identity: list[PolicyDocument] = field(default_factory=list)
    boundary: list[PolicyDocument] = field(default_factory=list)
    unknown_managed: list[tuple[str, Location]] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    losses: dict[str, Loss] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)  # actions not decidable
    scps: list[PolicyDocument] = field(default_factory=list)

    @property
    def address(self) -> str:
        return self.holder.address

    @property
    def kind(self) -> str:
        return self.address.rsplit(".", 2)[-2].split(".")[-1]

    @property
    def agent_job(self) -> str | None:
        return next((AGENT_JOBS[j] for j in sorted(self.jobs) if j in AGENT_JOBS), None)

    @property
    def analysed(self) -> bool:
        return not (
            self.unknown_managed
            or self.holder.unresolved
            or self.unknown
            or self.broken
        )

    @property
    def broken(self) -> list[PolicyDocument]:
        return [d for d in self.identity + self.boundary if d.broken]

    def not_analysed_reasons(self) -> list[str]:
        reasons = [f"{d.address} cannot be applied: {d.broken}" for d in self.broken]
        reasons += [
            f"it has the AWS managed policy {arn}, which tfcheck does not know"
            for arn, _ in self.unknown_managed
        ]
        reasons.extend(self.holder.unresolved)
        reasons.extend(
            f"{a} depends on values tfcheck could not evaluate" for a in self.unknown
        )
        return reasons

    def granted(self, action: str) -> bool:
        outcome = self.outcomes.get(action)
        return (
            outcome is not None
            and action not in self.losses
            and outcome.verdict in (Verdict.GRANTED, Verdict.CONDITIONAL)
        )


def analyse(extraction: Extraction, catalog: Catalog) -> list[RoleView]:
    """The effective ssmmessages permissions of every principal in the tree."""
    service = catalog.service("ssmmessages")
    if service is None:
        return []
    scps = [
        d for d in extraction.documents if any(c.context == "scp" for c in d.consumers)
    ]
    groups: dict[str, list[str]] = {}
    for user, group in extraction.memberships:
        groups.setdefault(user, []).append(group)

    views = []
    for address, holder in sorted(extraction.holders.items()):
        view = RoleView(holder, set(extraction.principals.get(address, set())))
        view.scps = scps
        # A user holds its groups' policies too.
        reached = {address, *groups.get(address, [])}
        for document in extraction.documents:
            contexts = {c.context for c in document.consumers if c.principal in reached}
            if "identity" in contexts:
                view.identity.append(document)
            if "boundary" in {
                c.context for c in document.consumers if c.principal == address
            }:
                view.boundary.append(document)
        for member in reached:
            extra = extraction.holders.get(member)
            if extra is None:
                continue
            _managed(view, extra.managed, view.identity)
            if member == address:
                _managed(view, extra.managed_boundary, view.boundary)

        jobs = frozenset(view.jobs)
        for action in service.actions.values():
            name = f"{service.prefix}:{action.name}"
            outcome = evaluate(view.identity, action, service, jobs)
            view.outcomes[name] = outcome
            loss = _lost(outcome, view.boundary, scps, action, service, jobs)
            if loss == "unknown":
                view.unknown.append(name)
            elif loss is not None:
                view.losses[name] = loss
        views.append(view)
    return views


def _managed(view: RoleView, arns, target: list[PolicyDocument]) -> None:
    for arn, location in arns:
        policy = managed_policy(arn)
        if policy is None:
            view.unknown_managed.append((arn, location))
        else:
            target.append(managed_document(policy, location))


def _lost(outcome, boundary, scps, action, service, jobs) -> Loss | str | None:
    name = outcome.action
    if outcome.verdict is Verdict.UNKNOWN:
        return "unknown"
    if outcome.verdict is Verdict.DENIED:
        step = outcome.deciding()
        where = step.location if step else None
        return Loss(name, f"denied at {_at(where)}", where)
    if outcome.verdict is Verdict.MISSING:
        return _missing(outcome)

    if boundary:
        ceiling = evaluate(boundary, action, service, jobs)
        if ceiling.verdict is Verdict.UNKNOWN:
            return "unknown"
        if ceiling.verdict in (Verdict.MISSING, Verdict.DENIED):
            step = ceiling.deciding()
            where = step.location if step else boundary[0].location
            return Loss(
                name,
                "outside the permissions boundary "
                f"({boundary[0].address} at {_at(where)})",
                where,
            )

    # An SCP in the tree is a ceiling through its Denies: organizations keep
    # FullAWSAccess attached unless they replace it, which tfcheck cannot see.
    for scp in scps:
        ceiling = evaluate([scp], action, service, jobs)
        denying = next(
            (
                s
                for s in ceiling.steps
                if s.effect == "Deny" and s.match is Match.ALWAYS
            ),
            None,
        )
        if denying is not None:
            return Loss(
                name,
                f"blocked by the SCP {scp.address} at {_at(denying.location)}",
                denying.location,
            )
    return None


def _missing(outcome: Outcome) -> Loss:
    """Why no Allow applies: never written, or written so it cannot match."""
    for step in outcome.steps:
        if (
            step.effect == "Allow"
            and step.match is Match.NEVER
            and (
                not step.reason.startswith(
                    ("not in Action", "NotAction", "the statement")
                )
            )
        ):
            return Loss(
                outcome.action,
                f"the grant at {_at(step.location)} cannot apply ({step.reason})",
                step.location,
            )
    return Loss(outcome.action, "never granted", None)


def _at(location: Location | None) -> str:
    return f"{location.file}:{location.line}" if location else "?"
