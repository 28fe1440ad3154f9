"""Effective permissions for catalog actions: what a set of policies grants.

For one action and one set of documents, IAM's rules: an explicit Deny that
matches wins; otherwise an Allow that matches grants; otherwise nothing
does. A statement matches when its `Action` (or `NotAction`), its `Resource`
(or `NotResource`, against the `*` an ssmmessages request carries) and its
conditions all do. Actions match case-insensitively with IAM's wildcards.
Conditions on keys the request never carries are decided (never, or always);
other conditions make a match conditional. Values tfcheck could not evaluate
make it unknown, never missing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from tfcheck.catalog import Action, Catalog, Service
from tfcheck.check.actions import wildcard_match
from tfcheck.check.conditions import absent_reason, never_sent, views
from tfcheck.check.resources import resource_verdict
from tfcheck.evaluate.values import Text, Unknown
from tfcheck.extract.model import PolicyDocument, Statement
from tfcheck.findings import Location, Severity


class Match(enum.Enum):
    NEVER = "never"
    UNKNOWN = "unknown"
    CONDITIONAL = "conditional"
    ALWAYS = "always"


class Verdict(enum.Enum):
    GRANTED = "granted"
    CONDITIONAL = "granted only under a condition"
    UNKNOWN = "not known"
    MISSING = "never granted"
    DENIED = "denied"


@dataclass(frozen=True)
class Step:
    """How one statement treats one action, and why."""

    document: PolicyDocument
    statement: Statement
    effect: str  # "Allow" or "Deny"
    match: Match
    reason: str

    @property
    def location(self) -> Location:
        return self.statement.location


@dataclass
class Outcome:
    """The effective verdict on one action, with the statements behind it."""

    action: str
    verdict: Verdict
    steps: list[Step] = field(default_factory=list)

    def deciding(self) -> Step | None:
        """The statement that decided the verdict, if one did."""
        wanted = {
            Verdict.DENIED: ("Deny", Match.ALWAYS),
            Verdict.GRANTED: ("Allow", Match.ALWAYS),
            Verdict.CONDITIONAL: ("Allow", Match.CONDITIONAL),
            Verdict.UNKNOWN: ("Allow", Match.UNKNOWN),
        }.get(self.verdict)
        for step in self.steps:
            if wanted and (step.effect, step.match) == wanted:
                return step
        return None


def statement_match(
    statement: Statement,
    action: Action,
    service: Service,
    jobs: frozenset[str] = frozenset(),
) -> tuple[Match, str]:
    """Whether a statement applies to a request for the action on `*`."""
    name = f"{service.prefix}:{action.name}"
    matched, why = _action_match(statement, name)
    if matched is not Match.ALWAYS:
        return matched, why

    resource, why = _resource_match(statement, action, service)
    if resource is Match.NEVER:
        return resource, why

    condition, condition_why = _condition_match(statement, action, service, jobs)
    order = [Match.NEVER, Match.UNKNOWN, Match.CONDITIONAL, Match.ALWAYS]
    worst = min((resource, condition), key=order.index)
    if worst is Match.NEVER:
        return worst, condition_why
    if worst is resource and resource is not Match.ALWAYS:
        return worst, why
    return worst, condition_why


def _action_match(statement: Statement, name: str) -> tuple[Match, str]:
    if statement.actions is not None:
        field_, negated = statement.actions, False
    elif statement.not_actions is not None:
        field_, negated = statement.not_actions, True
    else:
        return Match.NEVER, "the statement names no action"

    unknown = False
    for item in field_.items:
        if isinstance(item, Text) and item.known:
            if wildcard_match(item.value, name):
                if negated:
                    return Match.NEVER, f"NotAction {item.value!r} excludes it"
                return Match.ALWAYS, f"Action {item.value!r}"
        else:
            unknown = True
    if unknown:
        return Match.UNKNOWN, "an action is not known"
    if negated:
        return Match.ALWAYS, "NotAction does not exclude it"
    return Match.NEVER, "not in Action"


def _resource_match(
    statement: Statement, action: Action, service: Service
) -> tuple[Match, str]:
    if statement.resources is not None:
        verdicts = [
            resource_verdict(item, action, service)
            for item in statement.resources.items
        ]
        if any(v == "ok" for v in verdicts):
            return Match.ALWAYS, 'Resource "*"'
        if any(v == "unknown" for v in verdicts):
            return Match.UNKNOWN, "a resource is not known"
        if any(v == Severity.NOTE for v in verdicts):
            return Match.CONDITIONAL, (
                "a session ARN, which AWS's samples use though the reference "
                "lists no resource type"
            )
        if any(v == Severity.WARNING for v in verdicts):
            return Match.CONDITIONAL, "an ARN pattern AWS does not document"
        return Match.NEVER, "no resource can match"
    if statement.not_resources is not None:
        for item in statement.not_resources.items:
            if isinstance(item, Unknown) or (isinstance(item, Text) and not item.known):
                return Match.UNKNOWN, "a NotResource is not known"
            if isinstance(item, Text) and item.value.strip("*") == "":
                return Match.NEVER, 'NotResource "*" excludes every resource'
        return Match.ALWAYS, "NotResource does not exclude *"
    return Match.ALWAYS, "no Resource element"


def _condition_match(
    statement: Statement, action: Action, service: Service, jobs: frozenset[str]
) -> tuple[Match, str]:
    result, why = Match.ALWAYS, "no condition"
    for view in views(statement, _single(service)):
        if view.key_text is None or view.operator is None:
            result, why = _weaker(result, Match.UNKNOWN), "a condition is not known"
            continue
        absent = absent_reason(view.key_text, view.key, action, service)
        if absent is None and never_sent(view.key, jobs):
            absent = "the principal's credentials never carry it"
        if absent is None:
            if result is Match.ALWAYS:
                result = Match.CONDITIONAL
                why = f"only when {view.operator.text} on {view.key_text} holds"
            continue
        holds = view.holds_when_absent
        if holds is False:
            return (
                Match.NEVER,
                f"the condition on {view.key_text} never holds ({absent})",
            )
        if holds is None:
            result, why = (
                _weaker(result, Match.CONDITIONAL),
                (f"the condition on {view.key_text} is undecided"),
            )
    return result, why


def _weaker(a: Match, b: Match) -> Match:
    order = [Match.NEVER, Match.UNKNOWN, Match.CONDITIONAL, Match.ALWAYS]
    return min(a, b, key=order.index)


def _single(service: Service) -> Catalog:
    return Catalog({service.prefix.lower(): service})


def effect_of(statement: Statement) -> str | None:
    effect = statement.effect
    if effect is None:
        return "Allow"  # aws_iam_policy_document's default; JSON needs one
    if isinstance(effect, Text) and effect.known and effect.value in ("Allow", "Deny"):
        return effect.value
    return None


def evaluate(
    documents: list[PolicyDocument],
    action: Action,
    service: Service,
    jobs: frozenset[str] = frozenset(),
) -> Outcome:
    """The effective verdict on one action across a set of documents."""
    name = f"{service.prefix}:{action.name}"
    steps = []
    for document in documents:
        for statement in document.statements:
            effect = effect_of(statement)
            if effect is None:
                continue  # an invalid Effect fails the plan; invalid-effect says so
            match, reason = statement_match(statement, action, service, jobs)
            steps.append(Step(document, statement, effect, match, reason))

    def any_(effect: str, match: Match) -> bool:
        return any(s.effect == effect and s.match is match for s in steps)

    if any_("Deny", Match.ALWAYS):
        verdict = Verdict.DENIED
    elif any_("Allow", Match.ALWAYS):
        verdict = Verdict.GRANTED
        if any_("Deny", Match.CONDITIONAL) or any_("Deny", Match.UNKNOWN):
            verdict = Verdict.CONDITIONAL
    elif any_("Allow", Match.CONDITIONAL):
        verdict = Verdict.CONDITIONAL
    elif any_("Allow", Match.UNKNOWN):
        verdict = Verdict.UNKNOWN
    else:
        verdict = Verdict.MISSING
    return Outcome(name, verdict, steps)
