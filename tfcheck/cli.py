"""The command line: `tfcheck [check] PATHS`, `tfcheck rules`, `tfcheck rule ID`."""

from __future__ import annotations

import gc
import logging
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperGroup

from tfcheck import __version__

LOG = logging.getLogger("tfcheck")


class _DefaultToCheck(TyperGroup):
    """Lets `tfcheck .` mean `tfcheck check .`."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        global_only = {"--help", "-h", "--version", "-V"}
        if not args or (args[0] not in self.commands and args[0] not in global_only):
            args = ["check", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_DefaultToCheck,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    help="Check the ssmmessages statements of Terraform IAM policies before apply.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tfcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Check the ssmmessages statements of Terraform IAM policies before apply."""


def _fail(message: str) -> None:
    typer.echo(f"tfcheck: {message}", err=True)
    raise typer.Exit(2)


# Options `check` and `plan` share, declared once.
FORMAT = typer.Option(
    None,
    "--format",
    "-f",
    help="auto, text, concise, json, sarif, github, markdown, junit or atlantis "
    "(default auto: github in GitHub Actions, else text).",
)
REPORT = typer.Option(
    [], "--report", help="FORMAT=PATH: also write that format there; repeatable."
)
FAIL_ON = typer.Option(
    None,
    "--fail-on",
    help="error, warning, note or none: lowest severity that makes the exit "
    "status 1 (default error).",
)
EXIT_ZERO = typer.Option(
    False,
    "--exit-zero",
    help="Exit 0 despite blocking findings, still reported as such "
    "(never hides status 2).",
)
SELECT = typer.Option(
    [], "--select", help="Only these rule ids, prefixes or names; repeatable."
)
IGNORE = typer.Option(
    [], "--ignore", help="Not these rule ids, prefixes or names; repeatable."
)
EXCLUDE = typer.Option(
    [],
    "--exclude",
    help="Glob of paths to skip, relative to the working directory; repeatable.",
)
CATALOG = typer.Option(
    [], "--catalog", help="Directory of extra service catalog files; repeatable."
)
CONFIG = typer.Option(
    None, "--config", help="Config file (default: the closest .tfcheck.toml)."
)
ISOLATED = typer.Option(False, "--isolated", help="Read no config file.")
BASELINE = typer.Option(
    None, "--baseline", help="Hide the findings recorded in this baseline file."
)
WRITE_BASELINE = typer.Option(
    None, "--write-baseline", help="Record the current findings as a baseline."
)
NO_INLINE = typer.Option(
    False,
    "--no-inline-suppressions",
    help="Ignore tfcheck:ignore comments (for audits).",
)
COLOR = typer.Option(
    None, "--color", help="auto, always or never (also NO_COLOR, FORCE_COLOR)."
)
MAX_ANNOTATIONS = typer.Option(
    None, "--max-annotations", help="github format: annotations per level."
)
GITHUB_SUMMARY = typer.Option(
    None,
    "--github-summary/--no-github-summary",
    help="Append a Markdown report to $GITHUB_STEP_SUMMARY (default: when set).",
)
VAR_FILES = typer.Option(
    [],
    "--var-file",
    help="A .tfvars file for the root modules, as terraform -var-file; repeatable.",
)
VARS = typer.Option(
    [],
    "--var",
    help="NAME=VALUE for a root-module variable, as terraform -var; repeatable.",
)
DEBUG = typer.Option(False, "--debug", help="Log details to stderr.")
JOBS = typer.Option(
    0,
    "--jobs",
    "-j",
    min=0,
    help="Processes that parse files (default 0: one per core); the output "
    "is the same for any number.",
)
MAX_FILE_SIZE = typer.Option(
    None,
    "--max-file-size",
    help="Larger files (MiB) are reported and not read (default 8).",
)
CACHE_DIR = typer.Option(
    None,
    "--cache-dir",
    help="Keep each module group's result here, keyed by content, tfcheck and "
    "catalog version; yours and writable only by you (entries are pickles).",
)


@app.command()
def check(
    paths: List[str] = typer.Argument(
        None, help="Terraform files or directories to check (default: .)."
    ),
    output_format: Optional[str] = FORMAT,
    report: List[str] = REPORT,
    fail_on: Optional[str] = FAIL_ON,
    exit_zero: bool = EXIT_ZERO,
    select: List[str] = SELECT,
    ignore: List[str] = IGNORE,
    exclude: List[str] = EXCLUDE,
    catalog_dirs: List[str] = CATALOG,
    config: Optional[Path] = CONFIG,
    isolated: bool = ISOLATED,
    baseline: Optional[str] = BASELINE,
    write_baseline: Optional[Path] = WRITE_BASELINE,
    no_inline_suppressions: bool = NO_INLINE,
    color: Optional[str] = COLOR,
    max_annotations: Optional[int] = MAX_ANNOTATIONS,
    github_summary: Optional[bool] = GITHUB_SUMMARY,
    var_files: List[Path] = VAR_FILES,
    cli_vars: List[str] = VARS,
    jobs: int = JOBS,
    cache_dir: Optional[Path] = CACHE_DIR,
    max_file_size: Optional[float] = MAX_FILE_SIZE,
    debug: bool = DEBUG,
) -> None:
    """Check Terraform files (the default command)."""
    arguments = list(paths or ["."])
    run_and_report(locals(), arguments)


@app.command("plan")
def plan_command(
    plan_file: str = typer.Argument(
        ..., help="terraform show -json output, or - for standard input."
    ),
    repo_root: Path = typer.Option(
        Path("."),
        "--repo-root",
        help="The root module's directory, whose .tf files the plan came from "
        "(default: the working directory).",
    ),
    access_analyzer: bool = typer.Option(
        False,
        "--access-analyzer",
        help="Also ask AWS IAM Access Analyzer to validate each policy (needs AWS "
        "credentials).",
    ),
    output_format: Optional[str] = FORMAT,
    report: List[str] = REPORT,
    fail_on: Optional[str] = FAIL_ON,
    exit_zero: bool = EXIT_ZERO,
    select: List[str] = SELECT,
    ignore: List[str] = IGNORE,
    exclude: List[str] = EXCLUDE,
    catalog_dirs: List[str] = CATALOG,
    config: Optional[Path] = CONFIG,
    isolated: bool = ISOLATED,
    baseline: Optional[str] = BASELINE,
    write_baseline: Optional[Path] = WRITE_BASELINE,
    no_inline_suppressions: bool = NO_INLINE,
    color: Optional[str] = COLOR,
    max_annotations: Optional[int] = MAX_ANNOTATIONS,
    github_summary: Optional[bool] = GITHUB_SUMMARY,
    jobs: int = JOBS,
    cache_dir: Optional[Path] = CACHE_DIR,
    max_file_size: Optional[float] = MAX_FILE_SIZE,
    debug: bool = DEBUG,
) -> None:
    """Check a plan (terraform show -json), reported at the .tf lines."""
    from tfcheck.extract.plan import plan_policies
    from tfcheck.parse.plan import PlanError, read_plan

    try:
        plan = read_plan(plan_file)
    except PlanError as exc:
        _fail(str(exc))  # it names the file
    try:
        policies = plan_policies(plan)
    except PlanError as exc:
        _fail(f"{plan_file}: {exc}")
    given = locals()
    given.update(var_files=[], cli_vars=[], plan=policies)
    run_and_report(given, [str(repo_root)])


def run_and_report(given: dict, arguments: list[str]) -> None:
    """Run the pipeline with the options of `check` or `plan`, report, exit."""
    if given["debug"]:
        logging.basicConfig(
            level=logging.DEBUG, stream=sys.stderr, format="%(name)s: %(message)s"
        )

    # Imported here so that `tfcheck --version` stays fast.
    from tfcheck import control
    from tfcheck.catalog import CatalogError, load_catalog
    from tfcheck.config import ConfigError, load_settings
    from tfcheck.discover import DiscoveryError, discover
    from tfcheck.findings import Severity
    from tfcheck.pipeline import Options, run
    from tfcheck.report import ReportOptions, resolve, use_color, writer

    cli = {
        "format": given["output_format"],
        "fail_on": given["fail_on"],
        "select": given["select"],
        "ignore": given["ignore"],
        "exclude": given["exclude"],
        "catalog": given["catalog_dirs"],
        "baseline": given["baseline"],
        "color": given["color"],
        "max_annotations": given["max_annotations"],
        "github_summary": given["github_summary"],
        "report": given["report"],
        "max_file_size": given["max_file_size"],
        "inline_suppressions": False if given["no_inline_suppressions"] else None,
    }
    # Pre-commit passes the changed files; Terraform reads whole directories, so
    # evaluate their directories and report only on the files that were named.
    only: set[str] | None = None
    if arguments and all(Path(a).is_file() for a in arguments):
        only = {Path(a).resolve().as_posix() for a in arguments}
        arguments = sorted({str(Path(a).parent) for a in arguments})

    try:
        settings = load_settings(
            cli, Path(arguments[0]), given["config"], given["isolated"]
        )
        catalog = load_catalog([Path(c) for c in settings.catalog])
        files = discover(arguments, tuple(settings.exclude))
    except (ConfigError, CatalogError, DiscoveryError) as exc:
        _fail(str(exc))
    if not files and given.get("plan") is None:
        # Not an error (a repository may have no Terraform yet), but not silent.
        typer.echo(
            f"tfcheck: no .tf or .tf.json files in {', '.join(arguments)}; "
            "nothing was checked",
            err=True,
        )
    for var_file in given["var_files"]:
        if not var_file.is_file():
            _fail(f"{var_file}: --var-file does not exist")
    for assignment in given["cli_vars"]:
        if "=" not in assignment:
            _fail(f"--var {assignment!r} needs the form NAME=VALUE")
    unknown = control.known_rule_patterns(settings.select + settings.ignore)
    if unknown:
        _fail(f"{', '.join(unknown)}: no rule has that id or name (see tfcheck rules)")
    variables = _in_given_order(
        _ARGV, list(given["var_files"]), list(given["cli_vars"])
    )

    if given["cache_dir"] is not None:
        from tfcheck.parse import store

        problem = store.unsafe(given["cache_dir"])
        if problem:
            _fail(f"--cache-dir {given['cache_dir']}: {problem}")

    # Evaluation reads files only inside what was named on the command line.
    roots = [Path(a) if Path(a).is_dir() else Path(a).parent for a in arguments]
    options = Options(
        roots=roots,
        variables=variables,
        plan=given.get("plan"),
        plan_name=given.get("plan_file", ""),
        jobs=given["jobs"] or os.cpu_count() or 1,
        cache_dir=given["cache_dir"],
        max_file_bytes=int(settings.max_file_size * (1 << 20)),
    )
    _tune_garbage_collection()
    result = run(files, catalog, options)
    if only is not None:
        result.findings = [
            f
            for f in result.findings
            if Path(f.location.file).resolve().as_posix() in only
        ]
    if given.get("access_analyzer"):
        _access_analyzer(result)
    try:
        control.apply(result, settings)
    except control.BaselineError as exc:
        _fail(str(exc))
    if given["write_baseline"] is not None:
        control.write_baseline(result, given["write_baseline"])

    threshold = None if settings.fail_on == "none" else Severity.parse(settings.fail_on)
    name = resolve(settings.format)
    report_options = ReportOptions(
        threshold, use_color(settings.color, sys.stdout), settings.max_annotations
    )
    writer(name)(result, sys.stdout, report_options)
    plain = ReportOptions(threshold, False, settings.max_annotations)
    for item in settings.report:
        kind, _, target = item.partition("=")
        with open(target, "w", encoding="utf-8") as handle:
            writer(resolve(kind))(result, handle, plain)
    _step_summary(result, settings, plain)
    # --exit-zero keeps the report as it is (Atlantis reads its FAIL lines) and
    # changes only the status; a run that could not check everything stays 2.
    code = result.exit_code(threshold)
    if given["exit_zero"] and code == 1:
        code = 0
    raise typer.Exit(code)


def _access_analyzer(result) -> None:
    from tfcheck.check import access_analyzer

    try:
        found = access_analyzer.validate(
            result.policy_documents, access_analyzer.make_client
        )
    except access_analyzer.AccessAnalyzerError as exc:
        _fail(str(exc))
    result.findings.extend(found)


def _step_summary(result, settings, options) -> None:
    """Append the Markdown report to the GitHub job summary, when asked or set."""
    import os

    from tfcheck.report import markdown

    target = os.environ.get("GITHUB_STEP_SUMMARY")
    wanted = settings.github_summary
    if not target or wanted is False:
        return
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(markdown.render(result, options))


@app.command("explain")
def explain(
    address: str = typer.Argument(..., help="A role, user or group address."),
    paths: List[str] = typer.Argument(None, help="Files or directories (default: .)."),
    exclude: List[str] = typer.Option([], "--exclude", help="Glob of paths to skip."),
    var_files: List[Path] = typer.Option([], "--var-file", help="A .tfvars file."),
    cli_vars: List[str] = typer.Option([], "--var", help="NAME=VALUE."),
) -> None:
    """Show a principal's effective ssmmessages permissions and how each came about."""
    from tfcheck.catalog import load_catalog
    from tfcheck.discover import DiscoveryError, discover
    from tfcheck.pipeline import Options, run
    from tfcheck.report.explain import write_explanation

    arguments = list(paths or ["."])
    try:
        files = discover(arguments, tuple(exclude))
    except DiscoveryError as exc:
        _fail(str(exc))
    roots = [Path(a) if Path(a).is_dir() else Path(a).parent for a in arguments]
    variables = _in_given_order(_ARGV, list(var_files), list(cli_vars))
    result = run(files, load_catalog(), Options(roots=roots, variables=variables))

    view = next((v for v in result.roles if v.address == address), None)
    if view is None:
        known = ", ".join(v.address for v in result.roles) or "none"
        _fail(f"no role, user or group {address!r} here; known: {known}")
    write_explanation(view, sys.stdout)


@app.command("rules")
def list_rules(
    markdown: bool = typer.Option(
        False, "--markdown", help="Print the rule reference (docs/rules.md)."
    ),
) -> None:
    """List every rule: id, name, default severity and what it finds."""
    from tfcheck.check.rules import RULES

    if markdown:
        from tfcheck.report.rules_doc import render

        typer.echo(render(), nl=False)
        return
    for rule in RULES.values():
        typer.echo(
            f"{rule.id}  {rule.name:<30} {rule.severity.label:<8} {rule.summary}"
        )


@app.command("rule")
def show_rule(rule_id: str = typer.Argument(..., help="A rule id or name.")) -> None:
    """Print the documentation of one rule."""
    from tfcheck.check.rules import by_name_or_id

    rule = by_name_or_id(rule_id)
    if rule is None:
        _fail(f"unknown rule {rule_id!r}; `tfcheck rules` lists them")
    typer.echo(f"{rule.id} {rule.name} ({rule.severity.label})\n\n{rule.doc}")


# The command line as given, for what typer does not keep: the order of
# --var and --var-file, which decides which value wins.
_ARGV: list[str] = []


def _tune_garbage_collection() -> None:
    """Collect cyclic garbage less often during a run.

    Parsing allocates containers by the hundred thousand, and with Python's
    default threshold (700) each collection also walks every object the
    imports made: on the small benchmark tree that was 257 collections and
    about 60 ms. Freezing what exists now (also keeps forked workers from
    copying those pages) and collecting every 50,000 allocations leaves 1 or
    2. mypy does the same for the same reason.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def _in_given_order(
    argv: list[str], var_files: list[Path], cli_vars: list[str]
) -> list[tuple[str, str]]:
    order = []
    for i, token in enumerate(argv):
        name, equals, value = token.partition("=")
        if name in ("--var", "--var-file"):
            given = value if equals else (argv[i + 1] if i + 1 < len(argv) else "")
            order.append(("var" if name == "--var" else "file", given))
    expected = [("file", str(f)) for f in var_files] + [("var", v) for v in cli_vars]
    if sorted(order) != sorted(expected):
        return expected  # argv was not what typer read: keep files, then vars
    return order


def main(argv: Optional[list[str]] = None) -> None:
    """Entry point; an unexpected exception exits 2, never 1."""
    _ARGV[:] = list(sys.argv[1:] if argv is None else argv)
    try:
        app(args=argv, prog_name="tfcheck")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001
        LOG.debug("internal error", exc_info=True)
        typer.echo(f"tfcheck: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(2)
