"""The whole job: discover, parse, evaluate, extract, check, collect."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from tfcheck.catalog import Catalog
from tfcheck.check import check_documents, check_roles, deduplicate, gap_findings
from tfcheck.check.rules import (
    empty_file,
    file_not_read,
    internal_error,
    parse_error,
)
from tfcheck.discover import SourcePath
from tfcheck.evaluate.expressions import Evaluator
from tfcheck.evaluate.modules import Module, ModuleInstance, Workspace
from tfcheck.evaluate.values import Text
from tfcheck.extract import documents as policy_documents
from tfcheck.extract.model import PolicyDocument
from tfcheck.extract.policies import Extraction, extract
from tfcheck.findings import Finding, Location, Severity
from tfcheck.parse import load_files
from tfcheck.parse.config import ConfigFile
from tfcheck.parse.hcl import DEFAULT_MAX_BYTES, FileProblem

LOG = logging.getLogger(__name__)

# Every inline suppression comment contains this.
SUPPRESSION_MARK = "tfcheck:"

# Findings of these rules mean a file was not (fully) checked: exit status 2.
FATAL_RULES = frozenset({parse_error.RULE.id, internal_error.RULE.id})


@dataclass
class Options:
    """How to evaluate: the scan roots and the root modules' variables."""

    cwd: Path = field(default_factory=Path.cwd)
    roots: list[Path] = field(default_factory=list)
    # ("file", path) and ("var", "NAME=VALUE"), in command-line order.
    variables: list[tuple[str, str]] = field(default_factory=list)
    # A plan's policies to lay over the HCL ones (`tfcheck plan`), and its name.
    plan: object = None
    plan_name: str = ""
    # Processes that check module groups, and where their results are cached.
    jobs: int = 1
    cache_dir: Path | None = None
    max_file_bytes: int = DEFAULT_MAX_BYTES


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    documents: int = 0
    statements: int = 0
    fully_evaluated: int = 0
    # Every policy document read, for the stages that judge roles and for tests.
    policy_documents: list[PolicyDocument] = field(default_factory=list)
    roles: list = field(default_factory=list)  # RoleView per principal
    # Each parsed file's text and blocks, for inline suppressions.
    sources: dict[str, tuple] = field(default_factory=dict)
    suppressed: list = field(default_factory=list)  # control.Suppressed

    @property
    def fatal(self) -> bool:
        return any(f.rule in FATAL_RULES for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def exit_code(self, fail_on: Severity | None) -> int:
        """0 clean, 1 findings at or above fail_on, 2 when a file was not checked."""
        if self.fatal:
            return 2
        if fail_on is not None and any(f.severity >= fail_on for f in self.findings):
            return 1
        return 0


def run(
    files: list[SourcePath], catalog: Catalog, options: Options | None = None
) -> Result:
    """Check the files; the same result for any `jobs` and cache state."""
    options = options or Options()
    if options.plan is not None:
        # A plan spans the whole tree; it is checked in one piece.
        result = _run_group(files, catalog, options)
    else:
        # Directories joined by local module calls are checked together; the
        # groups are independent, so they can run in parallel and be cached.
        from tfcheck.groups import run_groups

        result = Result(files=len(files))
        for partial in run_groups(files, catalog, options):
            _merge(result, partial)

    result.findings = deduplicate(result.findings)
    result.findings.sort(key=Finding.sort_key)
    return result


def _merge(result: Result, partial: Result) -> None:
    result.findings.extend(partial.findings)
    result.documents += partial.documents
    result.statements += partial.statements
    result.fully_evaluated += partial.fully_evaluated
    result.policy_documents.extend(partial.policy_documents)
    result.roles.extend(partial.roles)
    result.sources.update(partial.sources)


def _run_group(
    files: list[SourcePath],
    catalog: Catalog,
    options: Options,
    workspace: Workspace | None = None,
) -> Result:
    """Parse, evaluate and check one set of files with a workspace of its own."""
    result = Result(files=len(files))
    workspace = workspace or new_workspace(files, options)

    modules = _load_modules(files, workspace, result, options)
    if options.plan is not None and not modules:
        # A plan with no .tf files beside it: check it with addresses only.
        _check_extraction(Extraction(), catalog, result, options)
    for module in modules:
        started = time.perf_counter()
        try:
            _check_module(module, workspace, catalog, result, options)
        except Exception as exc:  # noqa: BLE001 - one module must not stop the run
            LOG.debug("internal error in %s", module.display, exc_info=True)
            where = module.files[0].source.path if module.files else module.display
            result.findings.append(
                internal_error.RULE.finding(
                    f"tfcheck failed on this module ({type(exc).__name__}: {exc}); "
                    "rerun with --debug and report it",
                    Location(where, 1, 1),
                )
            )
        LOG.debug("%s: %.1f ms", module.display, (time.perf_counter() - started) * 1000)
    return result


def new_workspace(files: list[SourcePath], options: Options) -> Workspace:
    return Workspace(
        cwd=options.cwd,
        roots=[root.resolve() for root in options.roots]
        or sorted({f.path.resolve().parent for f in files}),
        data_resolvers={policy_documents.KIND: policy_documents.resolve},
        variables=options.variables,
    )


def _load_modules(
    files: list[SourcePath], workspace: Workspace, result: Result, options: Options
) -> list[Module]:
    """Parse every file; group them by directory; keep the root modules."""
    by_directory: dict[Path, list[ConfigFile]] = {}
    loaded_files = load_files(
        [(f.path, f.display) for f in files], options.max_file_bytes
    )
    for source_path, loaded in zip(files, loaded_files, strict=True):
        if isinstance(loaded, FileProblem):
            if loaded.skipped:
                rule = file_not_read.RULE
            else:
                rule = parse_error.RULE if loaded.fatal else empty_file.RULE
            result.findings.append(rule.finding(loaded.message, loaded.location))
            continue
        directory = source_path.path.resolve().parent
        by_directory.setdefault(directory, []).append(loaded)
        if SUPPRESSION_MARK in loaded.source.text:
            # Only files that can hold a suppression are kept for control.
            result.sources[loaded.source.path] = (loaded.source, loaded.body)

    modules = []
    for directory, configs in by_directory.items():
        module = Module(directory, workspace.display(directory), configs)
        workspace.modules[directory] = module
        modules.append(module)

    # A directory another scanned module calls is evaluated through that call.
    called = {target for module in modules for target in _local_calls(module)}
    return [m for m in modules if m.directory not in called]


def _local_calls(module: Module) -> set[Path]:
    targets = set()
    for block in module.blocks("module"):
        attr = block.body.attributes.get("source")
        if attr is None:
            continue
        value = Evaluator(attr.source).value(attr.expr)
        if isinstance(value, Text) and value.known:
            if value.value.startswith(("./", "../")):
                targets.add((module.directory / value.value).resolve())
    return targets


def _check_module(
    module: Module,
    workspace: Workspace,
    catalog: Catalog,
    result: Result,
    options: Options,
) -> None:
    _check_extraction(
        extract(ModuleInstance(workspace, module)), catalog, result, options
    )


def _check_extraction(
    extraction: Extraction, catalog: Catalog, result: Result, options: Options
) -> None:
    if options.plan is not None:
        from tfcheck.extract.plan import overlay

        overlay(extraction, options.plan, options.plan_name, extraction.blocks)
    result.findings.extend(gap_findings(extraction.gaps))
    result.findings.extend(
        check_documents(extraction.documents, catalog, extraction.principals)
    )
    roles, findings = check_roles(extraction, catalog)
    result.roles.extend(roles)
    result.findings.extend(findings)

    result.documents += len(extraction.documents)
    result.policy_documents.extend(extraction.documents)
    statements = {
        (s.origin, s.location, s.index): s
        for document in extraction.documents
        for s in document.statements
    }
    result.statements += len(statements)
    result.fully_evaluated += sum(1 for s in statements.values() if not s.unknowns())
