"""The command line as a user runs it: arguments, output, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tfcheck import __version__
from tfcheck.cli import main

BAD = FIXTURES / "rules" / "unknown-action" / "fail.tf"
GOOD = FIXTURES / "rules" / "unknown-action" / "pass.tf"
WARN = FIXTURES / "rules" / "wildcard-matches-nothing" / "fail.tf"


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_clean_tree_exits_zero_with_a_summary(capsys):
    code, out, err = run_cli(capsys, str(GOOD))
    assert code == 0
    assert out.splitlines()[-1].startswith("tfcheck: no blocking findings")
    assert "fail" not in out
    assert err == ""


def test_findings_exit_one_and_are_printed_in_order(capsys, monkeypatch):
    monkeypatch.chdir(BAD.parent)
    code, out, _ = run_cli(capsys, "check", "fail.tf")
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith("fail.tf:4:7: error TFC102 unknown action ")
    assert lines[0].endswith("[data.aws_iam_policy_document.agent]")
    assert lines[-1].startswith("tfcheck: 6 failures in 3 statements")


def test_default_command_and_default_path(capsys, monkeypatch):
    monkeypatch.chdir(FIXTURES / "cases" / "C012")
    code, out, _ = run_cli(capsys)
    assert code == 0
    assert "in 3 statements" in out


def test_fail_on_and_exit_zero_thresholds(capsys):
    assert run_cli(capsys, str(WARN))[0] == 0
    assert run_cli(capsys, "--fail-on", "warning", str(WARN))[0] == 1
    code, out, _ = run_cli(capsys, "--fail-on", "none", str(BAD))
    assert code == 0 and "fail" not in out.splitlines()[-1]


def test_parse_error_exits_two_even_with_other_findings(capsys):
    code, out, _ = run_cli(capsys, str(FIXTURES / "cases" / "C038"), str(BAD))
    assert code == 2
    assert "fail" not in out.splitlines()[-1]
    code, _, _ = run_cli(capsys, "--fail-on", "none", str(FIXTURES / "cases" / "C038"))
    assert code == 2


def test_usage_errors_exit_two(capsys):
    code, _, err = run_cli(capsys, "no/such/path")
    assert code == 2 and "no/such/path: no such file or directory" in err
    assert run_cli(capsys, "--format", "xml", str(GOOD))[0] == 2
    assert run_cli(capsys, "--catalog", "no/such/dir", str(GOOD))[0] == 2


def test_an_unexpected_exception_exits_two_not_one(capsys, monkeypatch):
    import tfcheck.pipeline

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(tfcheck.pipeline, "run", explode)
    code, out, err = run_cli(capsys, str(GOOD))
    assert code == 2
    assert "internal error: RuntimeError: boom" in err
    assert "Traceback" not in err + out


def test_a_crash_inside_one_file_is_a_finding_and_the_run_goes_on(capsys, monkeypatch):
    import tfcheck.pipeline

    real = tfcheck.pipeline.extract

    def fragile(instance):
        if instance.module.files[0].source.path.endswith("fail.tf"):
            raise ValueError("bad day")
        return real(instance)

    monkeypatch.setattr(tfcheck.pipeline, "extract", fragile)
    code, out, _ = run_cli(capsys, str(BAD), str(WARN.parent / "pass.tf"), str(GOOD))
    assert code == 2
    assert "TFC000 tfcheck failed on this module (ValueError: bad day)" in out


def test_json_format_is_versioned_and_complete(capsys, monkeypatch):
    monkeypatch.chdir(BAD.parent)
    code, out, _ = run_cli(capsys, "--format", "json", "fail.tf")
    data = json.loads(out)
    assert code == 1
    assert data["version"] == 1
    assert data["tool"] == {"name": "tfcheck", "version": __version__}
    assert data["summary"]["errors"] == 6
    assert data["summary"]["statements"] == 3
    assert data["summary"]["exit_code"] == 1
    first = data["findings"][0]
    assert {k: first[k] for k in ("rule", "name", "file", "line", "column")} == {
        "rule": "TFC102",
        "name": "unknown-action",
        "file": "fail.tf",
        "line": 4,
        "column": 7,
    }
    assert first["statement"] == {"sid": None, "index": 0}
    assert first["action"] == "ssmmessages:OpenDataChanel"
    assert len(first["fingerprint"]) == 16


def test_discovery_skips_tool_directories_and_excludes(tmp_path, capsys, monkeypatch):
    bad = BAD.read_text()
    for folder in (
        ".terraform/modules/x",
        ".terragrunt-cache/y",
        ".git",
        "legacy",
        "live/app",
    ):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "main.tf").write_text(bad)
    (tmp_path / "live" / "app" / "notes.txt").write_text(bad)
    monkeypatch.chdir(tmp_path)

    code, out, _ = run_cli(capsys, "--exclude", "legacy", "--format", "json", ".")
    files = {f["file"] for f in json.loads(out)["findings"]}
    assert files == {"live/app/main.tf"}
    assert json.loads(out)["summary"]["files"] == 1


def test_paths_are_relative_to_the_working_directory(capsys, monkeypatch):
    monkeypatch.chdir(FIXTURES)
    _, out, _ = run_cli(capsys, "--format", "json", "rules/unknown-action")
    assert json.loads(out)["findings"][0]["file"] == "rules/unknown-action/fail.tf"


def test_rules_and_rule_commands(capsys):
    code, out, _ = run_cli(capsys, "rules")
    assert code == 0
    assert "TFC104  resource-not-star" in out
    code, out, _ = run_cli(capsys, "rule", "unknown-action")
    assert code == 0 and out.startswith("TFC102 unknown-action (error)")
    assert "Fail:" in out and "Pass:" in out
    assert run_cli(capsys, "rule", "TFC999")[0] == 2


def test_version(capsys):
    code, out, _ = run_cli(capsys, "--version")
    assert (code, out) == (0, f"tfcheck {__version__}\n")


def test_python_dash_m_and_console_script_agree():
    process = subprocess.run(
        [sys.executable, "-m", "tfcheck", str(BAD)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent,
    )
    assert process.returncode == 1
    assert process.stdout.count(" TFC102 ") == 6


def test_excludes_accept_dot_slash_absolute_and_named_files(
    tmp_path, capsys, monkeypatch
):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "main.tf").write_text(BAD.read_text())
    (tmp_path / "ok.tf").write_text(GOOD.read_text())
    monkeypatch.chdir(tmp_path)

    for pattern in ("./bad/main.tf", str(tmp_path / "bad" / "*"), "bad"):
        assert run_cli(capsys, "--exclude", pattern, ".")[0] == 0, pattern
    # Named files are excluded too, as pre-commit passes file names.
    code, out, _ = run_cli(capsys, "--exclude", "bad/*", "bad/main.tf", "ok.tf")
    assert code == 0 and "1 file" in out


def test_summary_separates_failures_from_other_findings(capsys):
    _, out, _ = run_cli(
        capsys, str(FIXTURES / "rules" / "resource-not-star" / "fail.tf")
    )
    assert out.splitlines()[-1].startswith(
        "tfcheck: 4 failures and 4 other findings (2 warnings, 2 notes) in "
    )
    _, out, _ = run_cli(capsys, str(WARN))
    assert out.splitlines()[-1].startswith(
        "tfcheck: no blocking findings; 2 other findings (2 warnings) in "
    )


def test_the_installed_command_answers_version_without_loading_the_cli():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tfcheck", "--version"],
        capture_output=True,
        text=True,
    )
    assert done.stdout == f"tfcheck {__version__}\n"
    assert "typer" not in done.stderr and "hcl2" not in done.stderr


def test_a_tree_without_terraform_says_so_and_passes(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("no terraform here\n")

    code, out, err = run_cli(capsys, ".")

    assert code == 0
    assert "0 files" in out
    assert "tfcheck: no .tf or .tf.json files in .; nothing was checked" in err
