"""The rule registry: every rule, in the order of its id.

A rule is a module with a `RULE` (id, name, default severity, summary and,
from the module docstring, its documentation). Rules that judge statements
also have `check(statement, context)`; the others are raised by the stages
before checking (parsing, extraction).
"""

from __future__ import annotations

from types import ModuleType
from typing import Callable, Iterator

from tfcheck.check.base import Context, Rule
from tfcheck.check.rules import (
    baseline_stale,
    boundary_excludes,
    channel_actions_for_people,
    condition_key_absent_for_principal,
    condition_key_never_present,
    condition_type_mismatch,
    deny_never_matches,
    duplicate_sid,
    ecs_exec_on_execution_role,
    empty_action_list,
    empty_file,
    file_not_read,
    internal_error,
    invalid_effect,
    invalid_sid,
    malformed_condition_value,
    not_action_allows_channels,
    not_analysed,
    open_data_channel_unscoped,
    parse_error,
    policy_not_json,
    redundant_action,
    resource_not_star,
    role_not_analysed,
    session_manager_incomplete,
    set_operator_on_single_value,
    source_ip_private_range,
    suppression_expired,
    suppression_malformed,
    suppression_unused,
    suppression_without_reason,
    unknown_action,
    unknown_condition_operator,
    unknown_global_condition_key,
    unknown_policy_variable,
    unknown_service_prefix,
    unresolved,
    vpc_source_ip_alone,
    wildcard_matches_nothing,
)
from tfcheck.extract.model import PolicyDocument, Statement
from tfcheck.findings import Finding

MODULES: tuple[ModuleType, ...] = (
    internal_error,
    parse_error,
    unresolved,
    empty_file,
    policy_not_json,
    not_analysed,
    file_not_read,
    unknown_service_prefix,
    unknown_action,
    wildcard_matches_nothing,
    resource_not_star,
    condition_key_never_present,
    invalid_effect,
    duplicate_sid,
    invalid_sid,
    unknown_global_condition_key,
    unknown_condition_operator,
    condition_type_mismatch,
    malformed_condition_value,
    source_ip_private_range,
    set_operator_on_single_value,
    vpc_source_ip_alone,
    unknown_policy_variable,
    condition_key_absent_for_principal,
    session_manager_incomplete,
    ecs_exec_on_execution_role,
    deny_never_matches,
    channel_actions_for_people,
    open_data_channel_unscoped,
    redundant_action,
    empty_action_list,
    not_action_allows_channels,
    boundary_excludes,
    role_not_analysed,
    suppression_malformed,
    suppression_without_reason,
    suppression_expired,
    suppression_unused,
    baseline_stale,
)

RULES: dict[str, Rule] = {m.RULE.id: m.RULE for m in MODULES}

StatementCheck = Callable[[Statement, Context], Iterator[Finding]]
STATEMENT_CHECKS: tuple[StatementCheck, ...] = tuple(
    m.check for m in MODULES if hasattr(m, "check")
)
DocumentCheck = Callable[[PolicyDocument, Context], Iterator[Finding]]
DOCUMENT_CHECKS: tuple[DocumentCheck, ...] = tuple(
    m.check_document for m in MODULES if hasattr(m, "check_document")
)


RoleCheck = Callable[..., Iterator[Finding]]
ROLE_CHECKS: tuple[RoleCheck, ...] = tuple(
    m.check_role for m in MODULES if hasattr(m, "check_role")
)


def by_name_or_id(key: str) -> Rule | None:
    lowered = key.lower()
    return next((r for r in RULES.values() if lowered in (r.id.lower(), r.name)), None)
