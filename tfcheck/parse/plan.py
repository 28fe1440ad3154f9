"""Read `terraform show -json` output, or say in one line what is wrong with it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


class PlanError(Exception):
    """A plan file that cannot be read; the message says what to do."""


def read_plan(name: str) -> dict[str, Any]:
    """The plan JSON from a file, or from standard input for `-`."""
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        raise PlanError(f"{name}: cannot read the plan: {exc.strerror}") from None

    if not data.strip():
        raise PlanError(
            f"{name}: the plan is empty; write it with "
            "terraform show -json PLANFILE > plan.json"
        )
    if data.startswith(b"PK"):
        raise PlanError(
            f"{name}: this is a binary plan file; run "
            "terraform show -json PLANFILE > plan.json and pass that"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlanError(
            f"{name}: the plan is not UTF-8 text; run "
            "terraform show -json PLANFILE > plan.json"
        ) from None

    stripped = text.lstrip()
    if not stripped.startswith("{"):
        if "[command]" in stripped.split("\n", 1)[0]:
            raise PlanError(
                f"{name}: the JSON is prefixed by wrapper output ([command]...); set "
                "terraform_wrapper: false in hashicorp/setup-terraform, or run "
                "terraform show -json directly"
            )
        what = "not a JSON object" if stripped[:1] in '["-0123456789tfn' else "not JSON"
        raise PlanError(f"{name}: {what}; pass the output of terraform show -json")
    try:
        plan = json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise PlanError(
            f"{name}:{exc.lineno}:{exc.colno}: the plan is not valid "
            f"JSON ({exc.msg}); was the output cut or mixed with logs?"
        ) from None

    version = plan.get("format_version")
    if version is None:
        raise PlanError(f"{name}: no format_version: not terraform show -json output")
    if not isinstance(version, str):
        raise PlanError(
            f"{name}: format_version is {json.dumps(version)[:20]}, not a string like "
            '"1.2": not terraform show -json output'
        )
    if version.split(".")[0] != "1":
        raise PlanError(
            f"{name}: plan format_version {version} is not supported; "
            "tfcheck reads format 1.x"
        )
    if not any(
        k in plan
        for k in ("planned_values", "prior_state", "resource_changes", "values")
    ):
        raise PlanError(f"{name}: no planned_values or resource_changes: not a plan")
    return plan
