"""Whatever a file contains, tfcheck ends with findings, never a traceback or a
hang: each limit here is one finding at a location, and the run goes on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

LIMITS = FIXTURES / "limits"
TYPO = (
    'data "aws_iam_policy_document" "ok" {\n  statement {\n'
    '    actions   = ["ssmmessages:OpenDataChanel"]\n'
    '    resources = ["*"]\n  }\n}\n'
)


def tfcheck(tree: Path, *args: str) -> subprocess.CompletedProcess:
    """The CLI in a child process, so a hang fails the test instead of CI."""
    return subprocess.run(
        [sys.executable, "-m", "tfcheck", "check", "--format", "concise", *args, "."],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
    )


def tree_with(tmp_path: Path, fixture: str) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(LIMITS / fixture, tree / fixture)
    (tree / "other.tf").write_text(TYPO)
    return tree


def assert_clean_run(ran: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in ran.stderr and "Traceback" not in ran.stdout
    # The other file of the tree was still checked.
    assert "other.tf:3:18: TFC102" in ran.stdout


def test_nesting_too_deep_for_the_parser(tmp_path):
    ran = tfcheck(tree_with(tmp_path, "deep_nesting.tf"))

    assert_clean_run(ran)
    assert ran.returncode == 2
    assert (
        "deep_nesting.tf:1:1: TFC001 cannot parse Terraform: expressions are "
        "nested too deeply" in ran.stdout
    )


def test_for_expressions_over_the_iteration_budget(tmp_path):
    ran = tfcheck(tree_with(tmp_path, "huge_for.tf"))

    assert_clean_run(ran)
    assert ran.returncode == 1
    assert "huge_for.tf:3:19: TFC002" in ran.stdout
    assert "for iterations in this module, more than tfcheck evaluates" in ran.stdout


def test_strings_over_the_size_budget(tmp_path):
    ran = tfcheck(tree_with(tmp_path, "string_doubling.tf"))

    assert_clean_run(ran)
    assert "is larger than tfcheck evaluates (1048576 characters" in ran.stdout
    assert "%999999999d asks for 999999999 characters" in ran.stdout
    assert len(ran.stdout) < 10_000  # the huge value itself is never printed


def test_file_over_the_size_limit_is_reported_not_read(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "generated.tf").write_text("# x\n" * 100_000)
    (tree / "other.tf").write_text(TYPO)

    ran = tfcheck(tree, "--max-file-size", "0.1")

    assert_clean_run(ran)
    assert ran.stdout.startswith(
        "generated.tf:1:1: TFC006 file is 0.4 MiB, over the 0.1 MiB limit"
    )
    assert tfcheck(tree).stdout.count("TFC006") == 0  # 8 MiB by default


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_named_like_terraform_is_never_opened(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    os.mkfifo(tree / "pipe.tf")
    (tree / "other.tf").write_text(TYPO)

    ran = tfcheck(tree)  # opening the FIFO would block until the timeout

    assert_clean_run(ran)
    assert "pipe.tf:1:1: TFC006 not a regular file (a FIFO)" in ran.stdout


def test_directory_symlink_loop_ends(tmp_path):
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "loop").symlink_to(tree, target_is_directory=True)
    (tree / "sub" / "also").symlink_to(tree / "sub", target_is_directory=True)
    (tree / "other.tf").write_text(TYPO)

    ran = tfcheck(tree, "--format", "json")

    assert ran.returncode == 1, ran.stderr
    assert '"files": 1' in ran.stdout  # walked once, not through every loop


def test_file_function_cannot_leave_the_tree(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"Statement": []}')
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "main.tf").write_text(
        'resource "aws_iam_policy" "p" {\n  policy = file("../secret.json")\n}\n'
    )
    (tree / "other.tf").write_text(TYPO)

    ran = tfcheck(tree)

    assert_clean_run(ran)
    assert "main.tf:2:" in ran.stdout and "outside the scanned tree" in ran.stdout


def test_device_named_like_terraform_is_never_read(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "zero.tf").symlink_to("/dev/zero")
    (tree / "other.tf").write_text(TYPO)

    ran = tfcheck(tree)  # reading /dev/zero would never end

    assert_clean_run(ran)
    assert "zero.tf:1:1: TFC006 not a regular file (a device)" in ran.stdout


def test_dangling_symlink_is_one_finding(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "gone.tf").symlink_to(tree / "missing.tf")
    (tree / "other.tf").write_text(TYPO)

    ran = tfcheck(tree)

    assert_clean_run(ran)
    assert "gone.tf:1:1: TFC001 cannot read file: No such file" in ran.stdout
    assert ran.returncode == 2  # a file that could not be checked


def test_unreadable_file_is_one_finding(tmp_path, monkeypatch):
    # chmod 000 does not stop root (CI runs as root), so the read itself fails.
    from tfcheck.catalog import load_catalog
    from tfcheck.discover import discover
    from tfcheck.pipeline import Options, run

    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "secret.tf").write_text(TYPO)
    (tree / "other.tf").write_text(TYPO)
    read_bytes = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self.name == "secret.tf":
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", denied)

    result = run(discover(["."], cwd=tree), load_catalog(), Options(cwd=tree))

    found = {(Path(f.location.file).name, f.rule, f.message) for f in result.findings}
    assert ("secret.tf", "TFC001", "cannot read file: Permission denied") in found
    assert any(name == "other.tf" and rule == "TFC102" for name, rule, _ in found)
