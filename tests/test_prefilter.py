"""Skipping blocks that cannot matter must never change a result."""

from __future__ import annotations

import json
import re
from pathlib import Path

import hcl2
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


def test_a_blanked_block_is_one_comment_for_the_parser():
    # One token instead of one per line: parsing time grows with tokens.
    text = 'resource "aws_instance" "a" {\n  ami = "x"\n\n  b = 1\n}\n'

    out = prefilter.relevant_text(text)

    assert re.fullmatch(r"/\*[ \n]*\*/[ \n]*", out)
    assert [len(line) for line in out.split("\n")] == [
        len(line) for line in text.split("\n")
    ]
    assert hcl2.parses(out + 'data "x" "y" {}\n').body.children


@pytest.mark.parametrize(
    "value",
    [
        r'"a } b"',
        r'"quote \" and } brace"',
        r'"${jsonencode({ a = "}" })}"',
        r'"$${not} an interpolation }"',
        r'"%{ if true }}%{ endif }"',
        r'"back\\slash}"',
    ],
)
def test_braces_and_quotes_inside_strings_do_not_end_a_block(value):
    text = (
        f'resource "aws_instance" "web" {{\n  tags = {{ Name = {value} }}\n}}\n'
        'resource "aws_iam_role" "r" {\n  name = "r"\n}\n'
    )

    out = prefilter.relevant_text(text)

    assert value not in out, "the instance block should be blanked"
    assert out.endswith('resource "aws_iam_role" "r" {\n  name = "r"\n}\n')
    assert [len(line) for line in out.split("\n")] == [
        len(line) for line in text.split("\n")
    ]


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


def _cli_json(tree: Path, *args: str) -> str:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "tfcheck", "check", "--format", "json", *args, "."],
        cwd=tree,
        capture_output=True,
        text=True,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def monorepo(tmp_path_factory) -> Path:
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(
        "benchmark", Path(__file__).parent.parent / "scripts" / "benchmark.py"
    )
    benchmark = importlib.util.module_from_spec(spec)
    sys.modules["benchmark"] = benchmark  # dataclasses look their module up
    spec.loader.exec_module(benchmark)
    return benchmark.generate(tmp_path_factory.mktemp("mono") / "tree", 100)


def test_output_is_identical_for_any_jobs_and_cache_state(monorepo, tmp_path):
    one = _cli_json(monorepo, "--jobs", "1")
    assert '"TFC102"' in one  # the tree has mistakes to find

    assert _cli_json(monorepo, "--jobs", "2") == one
    cache = tmp_path / "cache"
    assert _cli_json(monorepo, "--jobs", "2", "--cache-dir", str(cache)) == one
    assert any(cache.rglob("*"))
    assert _cli_json(monorepo, "--jobs", "1", "--cache-dir", str(cache)) == one

    # A damaged entry is a miss, not a crash.
    for entry in (p for p in cache.rglob("*") if p.is_file()):
        entry.write_bytes(b"not a pickle")
    assert _cli_json(monorepo, "--cache-dir", str(cache)) == one


def test_a_changed_file_is_not_served_from_the_cache(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    policy = tree / "main.tf"
    policy.write_text(
        'data "aws_iam_policy_document" "p" {\n  statement {\n'
        '    actions   = ["ssmmessages:OpenDataChanel"]\n'
        '    resources = ["*"]\n  }\n}\n'
    )
    cache = str(tmp_path / "cache")
    assert "OpenDataChanel" in _cli_json(tree, "--cache-dir", cache)

    policy.write_text(policy.read_text().replace("Chanel", "Channel"))
    assert "OpenDataChanel" not in _cli_json(tree, "--cache-dir", cache)


def test_output_does_not_depend_on_the_file_system_order(monorepo, monkeypatch):
    import os as real_os

    import tfcheck.discover as discovery

    walk = real_os.walk

    def reversed_walk(top, **kwargs):
        for root, directories, files in walk(top, **kwargs):
            directories.reverse()
            yield root, directories, list(reversed(files))

    expected = _report(monorepo)
    monkeypatch.setattr(discovery.os, "walk", reversed_walk)
    assert _report(monorepo) == expected


def test_a_different_catalog_is_not_served_from_the_cache(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "main.tf").write_text(
        'data "aws_iam_policy_document" "p" {\n  statement {\n'
        '    actions   = ["ssmmessages:OpenControlChannel"]\n'
        '    resources = ["*"]\n  }\n}\n'
    )
    extra = tmp_path / "catalog"
    extra.mkdir()
    (extra / "ssmmessages.json").write_text(
        json.dumps({"Name": "ssmmessages", "Actions": [{"Name": "OpenDataChannel"}]})
    )
    cache = str(tmp_path / "cache")
    assert "TFC102" not in _cli_json(tree, "--cache-dir", cache)

    # A --catalog without OpenControlChannel must not reuse the first result.
    narrowed = _cli_json(tree, "--cache-dir", cache, "--catalog", str(extra))
    assert "OpenControlChannel" in narrowed and "TFC102" in narrowed


def test_a_cache_directory_others_can_write_is_refused(tmp_path):
    import subprocess
    import sys

    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "main.tf").write_text('resource "aws_iam_role" "r" {\n  name = "r"\n}\n')
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)

    done = subprocess.run(
        [sys.executable, "-m", "tfcheck", "--cache-dir", str(shared), "."],
        cwd=tree,
        capture_output=True,
        text=True,
    )

    # Entries are pickles: one planted by another user would run as you.
    assert done.returncode == 2
    assert f"--cache-dir {shared}: others can write to it" in done.stderr

    private = tmp_path / "new" / "cache"
    _cli_json(tree, "--cache-dir", str(private))
    assert private.stat().st_mode & 0o777 == 0o700
