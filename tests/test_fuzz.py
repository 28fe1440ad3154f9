"""Generated and mutated input through the whole pipeline.

The property: whatever the text, the run ends with findings. An exception, or
an internal-error finding (TFC000: an exception caught per module), is a
crash; each one found becomes a fixture under tests/fixtures/fuzz/. The
budgets keep this bounded for CI; scripts/fuzz.py runs the same targets for
longer with atheris.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from tests.fuzzing import SEEDS, mutate
from tfcheck.catalog import load_catalog
from tfcheck.discover import discover
from tfcheck.extract.plan import plan_policies
from tfcheck.parse.plan import PlanError
from tfcheck.pipeline import Options, run

CATALOG = load_catalog()
BUDGET = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def check_text(text: str, name: str = "main.tf", plan: dict | None = None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder)
        (tree / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        options = Options(cwd=tree, roots=[tree])
        if plan is not None:
            options.plan = plan_policies(plan)
        result = run(discover(["."], cwd=tree), CATALOG, options)

    crashes = [f for f in result.findings if f.rule == "TFC000"]
    assert not crashes, crashes[0].message


# Pieces of Terraform that reach the policy code paths, recombined at random.
PIECES = st.sampled_from(
    [
        'data "aws_iam_policy_document" "d" {\n',
        'resource "aws_iam_role_policy" "p" {\n',
        'resource "aws_iam_role" "r" {\n',
        "statement {\n",
        "condition {\n",
        "principals {\n",
        "}\n",
        'actions = ["ssmmessages:OpenDataChannel"]\n',
        'actions = [local.a, "ssmmessages:*"]\n',
        'resources = ["*"]\n',
        'effect = "Deny"\n',
        'test = "StringEquals"\n',
        'variable = "aws:SourceVpc"\n',
        "values = [var.v]\n",
        "policy = data.aws_iam_policy_document.d.json\n",
        'policy = jsonencode({ Statement = [{ Action = "ssmmessages:X" }] })\n',
        'policy = <<EOT\n{"Statement": {"Action": "*"}}\nEOT\n',
        'locals {\n a = "ssmmessages:${var.v}"\n}\n',
        'variable "v" {\n default = "x"\n}\n',
        'dynamic "statement" {\n for_each = local.s\n content {\n',
        'for_each = toset(["a", "b"])\n',
        "count = 2\n",
        'module "m" {\n source = "./"\n}\n',
        "[for x in local.a : x]\n",
        '"${',
        "}",
        "{",
        "[",
        "]",
        ",",
        "=",
        "\n",
    ]
)


@BUDGET
@given(st.lists(PIECES, max_size=40))
def test_recombined_terraform_never_crashes(pieces):
    check_text("".join(pieces))


@BUDGET
@given(st.sampled_from(SEEDS), st.randoms(use_true_random=False))
def test_mutated_fixtures_never_crash(seed, rng):
    check_text(mutate(seed.read_text(), rng), seed.name)


JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(["ssmmessages:*", "*", "Allow", "Deny", "aws:SourceVpc"]),
    st.text(max_size=20),
)
JSON = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Statement",
                    "Effect",
                    "Action",
                    "NotAction",
                    "Resource",
                    "Condition",
                    "Principal",
                    "Sid",
                    "StringEquals",
                    "Version",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@BUDGET
@given(JSON)
def test_generated_json_policies_never_crash(document):
    encoded = json.dumps(json.dumps(document))
    check_text(f'resource "aws_iam_policy" "p" {{\n  policy = {encoded}\n}}\n')


@BUDGET
@given(JSON, JSON)
def test_generated_plans_never_crash(document, values):
    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_iam_policy.p",
                        "mode": "managed",
                        "type": "aws_iam_policy",
                        "name": "p",
                        "values": {"policy": json.dumps(document)},
                    },
                    {
                        "address": "aws_iam_role.r",
                        "mode": "managed",
                        "type": "aws_iam_role",
                        "name": "r",
                        "values": values if isinstance(values, dict) else {},
                    },
                ]
            }
        },
    }
    check_text('resource "aws_iam_policy" "p" {\n  policy = "{}"\n}\n', plan=plan)


@pytest.mark.parametrize(
    "crash",
    sorted((FIXTURES / "fuzz").glob("*.tf")),
    ids=lambda p: p.name,
)
def test_crashes_found_by_fuzzing_stay_fixed(crash):
    check_text(crash.read_text(), crash.name)


@pytest.mark.parametrize(
    "crash",
    sorted((FIXTURES / "fuzz").glob("*.plan.json")),
    ids=lambda p: p.name,
)
def test_plans_of_an_odd_shape_are_read_or_rejected_in_one_line(crash):
    # Each of these once raised AttributeError, TypeError or KeyError.
    try:
        policies = plan_policies(json.loads(crash.read_text()))
    except PlanError as error:
        assert re.match(
            r"the plan's \S+ is .+, not .+; write the plan with", str(error)
        )
        return

    tree = FIXTURES / "plan"
    options = Options(cwd=tree, roots=[tree])
    options.plan = policies
    result = run(discover(["."], cwd=tree), CATALOG, options)
    assert not [f for f in result.findings if f.rule == "TFC000"]
