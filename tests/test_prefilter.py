"""Skipping blocks that cannot matter must never change a result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tfcheck.catalog import load_catalog
from tfcheck.discover import discover
from tfcheck.parse import prefilter
from tfcheck.pipeline import Options, run
from tfcheck.report import json_report

TREES = sorted(
    {p.parent for p in FIXTURES.rglob("*.tf")} | {FIXTURES / "report-tree"},
    key=str,
)


def _report(tree: Path) -> str:
    result = run(
        discover(["."], cwd=tree), load_catalog(), Options(cwd=tree, roots=[tree])
    )
    return json.dumps(json_report.document(result, None))


@pytest.mark.parametrize("tree", TREES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_same_findings_with_and_without_skipping(tree, monkeypatch):
    monkeypatch.setattr(prefilter, "ENABLED", True)
    skipped = _report(tree)
    monkeypatch.setattr(prefilter, "ENABLED", False)
    assert skipped == _report(tree)


def test_blocks_without_policies_are_blanked_in_place():
    text = (
        'resource "aws_instance" "web" {\n'
        '  ami  = "ami-1"\n'
        '  tags = { Name = "${var.x}-{" }\n'
        "}\n"
        'resource "aws_iam_role" "r" {\n  name = "r"\n}\n'
        'resource "aws_instance" "ssm" {\n  iam_instance_profile = "p"\n}\n'
    )
    out = prefilter.relevant_text(text)

    assert len(out) == len(text) and out.count("\n") == text.count("\n")
    assert 'aws_instance" "web' not in out
    assert 'resource "aws_iam_role" "r"' in out
    assert "iam_instance_profile" in out


@pytest.mark.parametrize(
    "text",
    [
        'resource "aws_instance" "a" {\n  x = "unterminated\n}\n',
        'resource "aws_instance" "a" {\n  x = 1\n',
        'resource "aws_instance" "a" {\n  x = <<EOT\nno end\n}\n',
        "}\n",
    ],
)
def test_text_the_scan_cannot_follow_is_parsed_whole(text):
    assert prefilter.relevant_text(text) is text
