"""Expressions and functions evaluate as Terraform evaluates them."""

from __future__ import annotations

import pytest

from tfcheck.evaluate.functions import native
from tfcheck.evaluate.modules import Module, ModuleInstance, Workspace
from tfcheck.evaluate.values import Unknown
from tfcheck.parse import load_file


def evaluate(tmp_path, expression: str, extra: str = ""):
    (tmp_path / "main.tf").write_text(f"locals {{\n  x = {expression}\n}}\n{extra}")
    config = load_file(tmp_path / "main.tf", "main.tf")
    module = Module(tmp_path, ".", [config])
    workspace = Workspace(cwd=tmp_path, roots=[tmp_path])
    value = ModuleInstance(workspace, module).local("x", None)
    return value


CASES = [
    ('concat(["a"], ["b", "c"])', ["a", "b", "c"]),
    ('flatten([["a"], [["b"]], []])', ["a", "b"]),
    ('distinct(["a", "b", "a"])', ["a", "b"]),
    ('compact(["a", "", null])', ["a"]),
    ('toset(["b", "a", "b"])', ["a", "b"]),
    ("merge({a = 1, b = 2}, {b = 3})", {"a": 1, "b": 3}),
    ('lookup({a = "x"}, "b", "d")', "d"),
    ('element(["a", "b"], 3)', "b"),
    ('one(["a"])', "a"),
    ("one([])", None),
    ("length({a = 1, b = 2})", 2),
    ("keys({b = 1, a = 2})", ["a", "b"]),
    ("values({b = 1, a = 2})", [2, 1]),
    ('format("%s:%s", "ssmmessages", "Open*")', "ssmmessages:Open*"),
    ('formatlist("ssmmessages:%s", ["A", "B"])', ["ssmmessages:A", "ssmmessages:B"]),
    ('join(",", ["a", "b"])', "a,b"),
    ('split(",", "a,b")', ["a", "b"]),
    ('replace("a-b-c", "-", ":")', "a:b:c"),
    ('replace("ab12", "/[0-9]+/", "N")', "abN"),
    ('lower("ABC")', "abc"),
    ('upper("abc")', "ABC"),
    ('trimspace("  a ")', "a"),
    ('coalesce("", "b")', "b"),
    ('try({a = 1}.b, "fallback")', "fallback"),
    ('can(tomap({})["missing"])', False),
    ('contains(["a"], "a")', True),
    ('jsondecode("{\\"a\\": [1]}")', {"a": [1]}),
    ('[for s in ["a", "b"] : upper(s) if s != "b"]', ["A"]),
    ("{for k, v in {b = 1, a = 2} : v => k}", {"2": "a", "1": "b"}),
    ('{for s in ["a", "b", "a"] : s => s...}', {"a": ["a", "a"], "b": ["b"]}),
    ('[{n = "a"}, {n = "b"}][*].n', ["a", "b"]),
    ("1 + 2 * 3 >= 7 && !false", True),
    ('true ? "yes" : "no"', "yes"),
    ('"a%{ if true }b%{ else }c%{ endif }d"', "abd"),
    ('"%{ for i in [1, 2] }${i},%{ endfor }"', "1,2,"),
    ('"x $${y} %%{z}"', "x ${y} %{z}"),
    ('tolist(["a"])[0]', "a"),
]


@pytest.mark.parametrize("expression, expected", CASES, ids=[c[0] for c in CASES])
def test_expression(tmp_path, expression, expected):
    assert native(evaluate(tmp_path, expression)) == expected


def test_unknown_spreads_and_keeps_its_name(tmp_path):
    value = evaluate(tmp_path, 'concat(["a"], [aws_instance.x.arn])')
    assert native(value.items[0]) == "a"
    assert isinstance(value.items[1], Unknown)
    assert value.items[1].source == "aws_instance.x.arn"
    upper = evaluate(tmp_path, "upper(var.region)")
    assert isinstance(upper, Unknown) and upper.source == "var.region"


def test_locals_that_refer_to_each_other_and_cycles(tmp_path):
    extra = 'locals {\n  a = "ssmmessages"\n  loop = local.loop\n}\n'
    assert native(evaluate(tmp_path, '"${local.a}:x"', extra)) == "ssmmessages:x"
    assert isinstance(evaluate(tmp_path, "local.loop", extra), Unknown)


def test_elements_keep_the_line_they_were_written_on(tmp_path):
    extra = 'locals {\n  more = [\n    "b",\n  ]\n}\n'
    value = evaluate(tmp_path, 'concat(["a"], local.more)', extra)
    assert [item.location.line for item in value.items] == [2, 6]
