"""Policies as a Terraform plan knows them, laid over the ones read from HCL.

A plan knows values HCL evaluation cannot (module outputs, resource
attributes known at plan time, tfvars from CI). For each policy the plan
holds, the document read from HCL at the same address takes the plan's
statements, and each element keeps the line of the HCL element with the
same value (or its statement's line), so that findings point at the `.tf`
line that wrote them. A policy the plan does not know (`after_unknown`) is
a gap; a sensitive one is not read, so that its values never reach output;
a deleted resource's policy is not checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterator

from tfcheck.evaluate.jsonvalues import NotJson, decode_json
from tfcheck.evaluate.modules import Gap
from tfcheck.evaluate.values import Mapping, Text, Value, known_text
from tfcheck.extract.model import Condition, Field, PolicyDocument, Statement
from tfcheck.extract.policies import POLICY_ARGUMENTS, Extraction
from tfcheck.extract.statements import json_statements
from tfcheck.findings import Location
from tfcheck.parse.plan import PlanError


@dataclass
class PlanPolicy:
    address: str  # the resource or data source, with module path and key
    attribute: str
    text: str | None  # the policy JSON; None when unknown, sensitive or absent
    why: str = ""  # why text is None


@dataclass
class PlanPolicies:
    by_address: dict[str, list[PlanPolicy]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)


def _attributes(kind: str, mode: str) -> list[str]:
    if mode == "data":
        return ["json"] if kind == "aws_iam_policy_document" else []
    names = [POLICY_ARGUMENTS.get(kind, ("policy", ""))[0]]
    return names


def plan_policies(plan: Any) -> PlanPolicies:
    """The policies a plan holds, by address.

    Raises PlanError, naming the JSON path, when a part tfcheck reads has the
    wrong shape: such a file was not written by `terraform show -json`.
    """
    found = PlanPolicies()
    plan = _object(plan, "plan")

    changes: dict[str, tuple[dict[str, Any], str]] = {}
    for i, item in enumerate(_array(plan.get("resource_changes"), "resource_changes")):
        where = f"resource_changes[{i}]"
        change = _object(item, where)
        address = _string(change.get("address"), f"{where}.address")
        changes[address] = (change, where)
        body = _object(change.get("change"), f"{where}.change")
        if body.get("actions") == ["delete"]:
            found.deleted.add(address)

    planned = _object(plan.get("planned_values"), "planned_values")
    prior = _object(plan.get("prior_state"), "prior_state")
    prior_values = _object(prior.get("values"), "prior_state.values")
    roots = [
        (planned.get("root_module"), "planned_values.root_module"),
        (prior_values.get("root_module"), "prior_state.values.root_module"),
    ]
    seen: set[str] = set()
    for root, where in roots:
        for resource, path in _resources(root, where):
            address = _string(resource.get("address"), f"{path}.address")
            if address in seen or address in found.deleted:
                continue
            seen.add(address)
            _add(found, resource, path, changes.get(address))

    # Data sources read during apply appear only as deferred reads.
    for address, (change, where) in changes.items():
        if address in seen or change.get("mode") != "data":
            continue
        resource = {
            "address": address,
            "mode": "data",
            "type": change.get("type"),
            "values": change["change"].get("after") if change.get("change") else None,
        }
        _add(found, resource, f"{where}.change.after", (change, where))
    return found


def _object(value: Any, path: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _shape(value, path, "an object")
    return value


def _array(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _shape(value, path, "an array")
    return value


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _shape(value, path, "a string")
    return value


def _shape(value: Any, path: str, expected: str) -> PlanError:
    kind = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    found = "null" if value is None else kind.get(type(value), "a number")
    return PlanError(
        f"the plan's {path} is {found}, not {expected}; "
        "write the plan with terraform show -json PLANFILE"
    )


def _resources(module: Any, path: str) -> Iterator[tuple[dict[str, Any], str]]:
    module = _object(module, path)
    for i, item in enumerate(_array(module.get("resources"), f"{path}.resources")):
        where = f"{path}.resources[{i}]"
        yield _object(item, where), where
    children = _array(module.get("child_modules"), f"{path}.child_modules")
    for i, child in enumerate(children):
        yield from _resources(child, f"{path}.child_modules[{i}]")


def _flags(value: Any, path: str) -> Any:
    """`after_unknown` or `after_sensitive`: true for all, or per attribute."""
    if value is None:
        return {}
    if not isinstance(value, (dict, bool)):
        raise _shape(value, path, "an object or a boolean")
    return value


def _flag(flags: Any, name: str) -> Any:
    return flags if isinstance(flags, bool) else flags.get(name)


def _add(
    found: PlanPolicies,
    resource: dict[str, Any],
    path: str,
    changed: tuple[dict[str, Any], str] | None,
) -> None:
    kind = resource.get("type") or ""
    mode = resource.get("mode") or "managed"
    values = _object(resource.get("values"), f"{path}.values")
    change, where = changed or ({}, "")
    after = _object(change.get("change"), f"{where}.change")
    unknown = _flags(after.get("after_unknown"), f"{where}.change.after_unknown")
    sensitive = _flags(
        after.get("after_sensitive") or resource.get("sensitive_values"),
        f"{where}.change.after_sensitive",
    )
    address = resource["address"]
    policies = found.by_address.setdefault(address, [])

    for attribute in _attributes(str(kind), str(mode)):
        if attribute not in values and not _flag(unknown, attribute):
            continue
        policies.append(
            _policy(
                address,
                attribute,
                values.get(attribute),
                _flag(unknown, attribute),
                _flag(sensitive, attribute),
            )
        )
    if kind == "aws_iam_role" and mode == "managed":
        listed = f"{path}.values.inline_policy"
        flags = _flag(unknown, "inline_policy")
        for index, item in enumerate(_array(values.get("inline_policy"), listed)):
            inline = _object(item, f"{listed}[{index}]")
            flag = (
                flags[index]
                if isinstance(flags, list) and index < len(flags)
                else flags
            )
            policies.append(
                _policy(
                    address,
                    "inline_policy",
                    inline.get("policy"),
                    _flag(
                        _flags(
                            flag, f"{where}.change.after_unknown.inline_policy[{index}]"
                        ),
                        "policy",
                    ),
                    False,
                )
            )


def _policy(address: str, attribute: str, value, unknown, sensitive) -> PlanPolicy:
    if sensitive is True:
        return PlanPolicy(address, attribute, None, "is sensitive, so it was not read")
    if unknown is True or value is None:
        return PlanPolicy(address, attribute, None, "is known only after apply")
    if not isinstance(value, str):
        return PlanPolicy(address, attribute, None, "is not a JSON string")
    return PlanPolicy(address, attribute, value)


def overlay(
    extraction: Extraction,
    policies: PlanPolicies,
    plan_name: str,
    locations: dict[str, Location],
) -> set[str]:
    """Lay the plan's policies over the HCL documents, in place.

    Returns the addresses the plan decided, so that HCL gaps about them can
    be dropped.
    """
    decided: set[str] = set()
    by_address: dict[str, list[PolicyDocument]] = {}
    for document in extraction.documents:
        by_address.setdefault(document.address, []).append(document)
    # Resources whose policy is a policy document are checked at that document.
    consumers = {
        c.address
        for d in extraction.documents
        for c in d.consumers
        if c.context != "merged"
    }

    for address, planned in policies.by_address.items():
        hcl = [d for d in by_address.get(address, []) if _overlaid(d, address)]
        for index, policy in enumerate(planned):
            where = locations.get(address) or Location(plan_name, 1, 1)
            if policy.text is None:
                if any(g.address == address for g in extraction.gaps):
                    continue  # HCL already says what is unknown, and where
                extraction.gaps.append(
                    Gap(
                        "unresolved",
                        f"the plan's {policy.attribute} of {address} {policy.why}; its "
                        "statements were not checked",
                        where,
                        address,
                    )
                )
                decided.add(address)
                continue
            target = hcl[index] if index < len(hcl) else None
            if target is None and address in consumers:
                decided.add(address)
                continue
            statements = _plan_statements(policy, where, extraction.gaps)
            if statements is None:
                decided.add(address)
                continue
            if target is not None:
                mapped = tuple(_located(s, target) for s in statements)
                _replace(extraction, target, replace(target, statements=mapped))
            else:
                extraction.documents.append(
                    PolicyDocument(address, "json", where, tuple(statements))
                )
            decided.add(address)
    extraction.gaps[:] = [
        g for g in extraction.gaps if g.address not in decided or "plan's" in g.message
    ]
    return decided


def _overlaid(document: PolicyDocument, address: str) -> bool:
    return document.address == address


def _replace(extraction: Extraction, old: PolicyDocument, new: PolicyDocument) -> None:
    new.consumers.extend(old.consumers)
    for i, document in enumerate(extraction.documents):
        if document is old:
            extraction.documents[i] = new
            return


def _plan_statements(
    policy: PlanPolicy, where: Location, gaps: list[Gap]
) -> list[Statement] | None:
    decoded = decode_json(Text((policy.text or "",), where))
    if isinstance(decoded, NotJson) or not isinstance(decoded, Mapping):
        gaps.append(
            Gap(
                "not-json",
                f"the plan's {policy.attribute} of "
                f"{policy.address} is not a JSON policy",
                where,
                policy.address,
            )
        )
        return None
    return json_statements(decoded, policy.address, gaps)


def _located(statement: Statement, hcl: PolicyDocument) -> Statement:
    """A plan statement with each element at the line of its HCL twin."""
    twin = None
    if statement.sid_text:
        twin = next(
            (s for s in hcl.statements if s.sid_text == statement.sid_text), None
        )
    if twin is None and statement.index < len(hcl.statements):
        twin = hcl.statements[statement.index]
    if twin is None:
        return replace(statement, location=hcl.location, origin=hcl.address)

    def field_(plan: Field | None, source: Field | None) -> Field | None:
        if plan is None:
            return None
        anchor = source.location if source else twin.location
        known = {
            t.value: t.location for t in (source.texts() if source else []) if t.known
        }
        return Field(
            anchor,
            tuple(
                _at(item, known.get(known_text(item)), anchor) for item in plan.items
            ),
        )

    conditions = []
    for condition in statement.conditions:
        match = next(
            (
                c
                for c in twin.conditions
                if _same(c.operator, condition.operator) and _same(c.key, condition.key)
            ),
            None,
        )
        if match is None:
            conditions.append(replace(condition, location=twin.location))
            continue
        values = field_(condition.values, match.values)
        conditions.append(
            Condition(
                _at(condition.operator, None, match.location),
                _at(condition.key, None, match.key.location),
                values,
                match.location,
            )
        )

    return replace(
        statement,
        location=twin.location,
        origin=twin.origin or hcl.address,
        sid=_at(statement.sid, None, twin.sid.location if twin.sid else twin.location),
        effect=_at(
            statement.effect,
            None,
            twin.effect.location if twin.effect else twin.location,
        ),
        actions=field_(statement.actions, twin.actions),
        not_actions=field_(statement.not_actions, twin.not_actions),
        resources=field_(statement.resources, twin.resources),
        not_resources=field_(statement.not_resources, twin.not_resources),
        conditions=tuple(conditions),
    )


def _same(a: Value, b: Value) -> bool:
    return (known_text(a) or "").lower() == (known_text(b) or "").lower()


def _at(value: Value | None, location: Location | None, fallback: Location):
    if value is None:
        return None
    where = location or fallback
    if isinstance(value, Text):
        return Text(value.parts, where)
    return value
