"""Bad and unusual input: each file gets its one-line finding, the rest is checked."""

from __future__ import annotations

from pathlib import Path

import hcl2
from hcl2.rules.strings import StringRule

from tests.conftest import at, check_tree

GOOD = """data "aws_iam_policy_document" "x" {
  statement {
    actions   = ["ssmmessages:OpenDataChanel"]
    resources = ["*"]
  }
}
"""


def make_tree(tmp_path: Path) -> Path:
    (tmp_path / "garbage.tf").write_text("}}} this is not { terraform\n")
    (tmp_path / "binary.tf").write_bytes(b"\x7fELF\x00\x01\x02\x03" * 16)
    (tmp_path / "latin1.tf").write_bytes(
        'locals {\n  owner = "Andr\u00e9"\n}\n'.encode("latin-1")
    )
    (tmp_path / "empty.tf").write_bytes(b"")
    (tmp_path / "good.tf").write_text(GOOD)
    return tmp_path


def test_each_bad_file_gives_one_line_and_the_rest_is_checked(tmp_path, catalog):
    result = check_tree(make_tree(tmp_path), catalog)

    by_file = {}
    for finding in result.findings:
        by_file.setdefault(finding.location.file, []).append(finding)
        assert "\n" not in finding.message

    assert [(f.name, f.location.line) for f in by_file["garbage.tf"]] == [
        ("parse-error", 1)
    ]
    assert [f.name for f in by_file["binary.tf"]] == ["parse-error"]
    assert "binary file" in by_file["binary.tf"][0].message
    latin = by_file["latin1.tf"]
    assert [(f.name, f.location.line, f.location.column) for f in latin] == [
        ("parse-error", 2, 16)
    ]
    assert "0xe9" in latin[0].message and "UTF-8" in latin[0].message
    assert [f.name for f in by_file["empty.tf"]] == ["empty-file"]
    assert at(result.findings, "unknown-action") == [("good.tf", 3)]
    assert result.exit_code(fail_on=None) == 2


def test_byte_order_mark_and_crlf(tmp_path, catalog):
    text = GOOD.replace("\n", "\r\n")
    (tmp_path / "bom.tf").write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = check_tree(tmp_path, catalog)
    assert [(f.name, f.location.line, f.location.column) for f in result.findings] == [
        ("unknown-action", 3, 18)
    ]


def test_comments_never_count_as_values(tmp_path, catalog):
    (tmp_path / "main.tf").write_text(
        'data "aws_iam_policy_document" "x" {\n'
        "  statement {\n"
        "    actions = [\n"
        '      # "ssmmessages:OpenDataChanel",\n'
        '      "ssmmessages:OpenDataChannel", // "ssmmessage:Open*"\n'
        '      /* "ssm:CreateDataChannel", */\n'
        "    ]\n"
        '    resources = ["*"]\n'
        "  }\n"
        '  # statement { actions = ["ssmmessages:Nope"] }\n'
        "}\n"
    )
    result = check_tree(tmp_path, catalog)
    assert result.findings == []
    assert result.statements == 1


def test_parser_still_gives_each_string_its_line_and_column():
    # Regression guard for the python-hcl2 8.x tree that positions rely on.
    tree = hcl2.parses('x = [\n  "a",\n    "b"\n]\n')
    strings = []

    def walk(node):
        if isinstance(node, StringRule):
            strings.append((node._meta.line, node._meta.column))
        for child in getattr(node, "children", []) or []:
            if child is not None:
                walk(child)

    walk(tree)
    assert strings == [(2, 3), (3, 5)]


def test_unreadable_file_is_a_finding(tmp_path, catalog):
    import os

    if os.geteuid() == 0:
        # root reads anything; a directory named like a file cannot be read.
        target = tmp_path / "dir.tf"
        target.mkdir()
        from tfcheck.discover import SourcePath
        from tfcheck.pipeline import run

        result = run([SourcePath(target, "dir.tf")], catalog)
        assert [f.name for f in result.findings] == ["file-not-read"]
        assert "not a regular file (a directory)" in result.findings[0].message
        return
    target = tmp_path / "secret.tf"
    target.write_text(GOOD)
    target.chmod(0)
    result = check_tree(tmp_path, catalog)
    assert [f.name for f in result.findings] == ["parse-error"]
    assert "cannot read file" in result.findings[0].message
