"""Time tfcheck against Checkov on the same synthetic monorepo, in one session.

    python scripts/benchmark.py                # small and large trees, 3 runs each
    python scripts/benchmark.py --sizes small --runs 5
    python scripts/benchmark.py --checkov /path/to/checkov
    python scripts/benchmark.py --sizes small --checkov ''   # tfcheck alone

The trees are generated deterministically (same seed, same bytes) under
--work (default: a temporary directory): modules of ordinary Terraform
(instances, networks, buckets, variables, outputs) where about one file in ten
holds IAM policies, some of them with ssmmessages mistakes. Each tool runs
alternately on the same tree; the table gives the median wall time and peak
memory (of the process and its children), their ratio, and each target of
docs/performance.md as met or not met.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SIZES = {"small": 50, "large": 5000}
FILES_PER_MODULE = 10

INSTANCE = """\
resource "aws_instance" "{name}" {{
  ami                    = var.ami_id
  instance_type          = "{size}"
  subnet_id              = aws_subnet.{subnet}.id
  vpc_security_group_ids = [aws_security_group.{group}.id]
  monitoring             = {monitoring}

  root_block_device {{
    volume_size = {disk}
    volume_type = "gp3"
    encrypted   = true
  }}

  metadata_options {{
    http_tokens   = "required"
    http_endpoint = "enabled"
  }}

  tags = merge(local.common_tags, {{
    Name = "{name}"
    Role = "{role}"
  }})
}}

"""

NETWORK = """\
resource "aws_subnet" "{name}" {{
  vpc_id            = var.vpc_id
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, {index})
  availability_zone = "eu-west-1{zone}"

  tags = {{
    Name = "{name}"
  }}
}}

resource "aws_security_group" "{name}" {{
  name_prefix = "{name}-"
  vpc_id      = var.vpc_id

  ingress {{
    from_port   = {port}
    to_port     = {port}
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

"""

BUCKET = """\
resource "aws_s3_bucket" "{name}" {{
  bucket = "${{var.prefix}}-{name}"
  tags   = local.common_tags
}}

resource "aws_s3_bucket_versioning" "{name}" {{
  bucket = aws_s3_bucket.{name}.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_public_access_block" "{name}" {{
  bucket                  = aws_s3_bucket.{name}.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}

"""

VARIABLES = """\
variable "ami_id" {
  type    = string
  default = "ami-0123456789abcdef0"
}

variable "vpc_id" {
  type = string
}

variable "vpc_cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "prefix" {
  type    = string
  default = "bench"
}

locals {
  common_tags = {
    Team        = "platform"
    Environment = "bench"
  }
}

"""

POLICY = """\
data "aws_iam_policy_document" "{name}" {{
  statement {{
    sid     = "Session"
    effect  = "Allow"
    actions = [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:{data_action}",
      "ssm:UpdateInstanceInformation",
    ]
    resources = ["{resource}"]
  }}

  statement {{
    sid       = "Logs"
    actions   = ["logs:PutLogEvents", "logs:CreateLogStream"]
    resources = ["arn:aws:logs:*:*:log-group:/bench/{name}:*"]
  }}
}}

resource "aws_iam_role" "{name}" {{
  name = "{name}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ Service = "ec2.amazonaws.com" }}
      Action    = "sts:AssumeRole"
    }}]
  }})
}}

resource "aws_iam_role_policy" "{name}" {{
  role   = aws_iam_role.{name}.id
  policy = data.aws_iam_policy_document.{name}.json
}}

resource "aws_iam_instance_profile" "{name}" {{
  role = aws_iam_role.{name}.name
}}

"""


def _file(kind: str, rng: random.Random, module: int, number: int) -> str:
    """About a hundred lines of one kind of Terraform."""
    parts = []
    for block in range(4):
        name = f"{kind}_{module}_{number}_{block}"
        if kind == "instances":
            parts.append(
                INSTANCE.format(
                    name=name,
                    size=rng.choice(["t3.micro", "m6i.large", "c7g.xlarge"]),
                    subnet=f"network_{module}_1_0",
                    group=f"network_{module}_1_0",
                    monitoring=rng.choice(["true", "false"]),
                    disk=rng.choice([20, 50, 100]),
                    role=rng.choice(["web", "worker", "batch"]),
                )
            )
        elif kind == "network":
            parts.append(
                NETWORK.format(
                    name=name,
                    index=number * 3 + block,
                    zone=rng.choice("abc"),
                    port=rng.choice([22, 80, 443, 5432]),
                )
            )
        elif kind == "buckets":
            parts.append(BUCKET.format(name=name))
        else:
            # One policy in five has a mistake for the tools to find.
            typo = rng.random() < 0.2
            parts.append(
                POLICY.format(
                    name=name,
                    data_action="OpenDataChanel" if typo else "OpenDataChannel",
                    resource="arn:aws:ec2:*:*:instance/*" if typo else "*",
                )
            )
    return "".join(parts)


def generate(root: Path, files: int, seed: int = 20261203) -> Path:
    """Write a tree of `files` .tf files under root; the same for the same seed."""
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(seed)
    kinds = ["instances"] * 4 + ["network"] * 2 + ["buckets"] * 2
    written = 0
    module = 0
    while written < files:
        directory = root / f"service-{module:04d}"
        directory.mkdir(parents=True)
        (directory / "variables.tf").write_text(VARIABLES)
        written += 1
        plan = ["network", "iam"] + [rng.choice(kinds) for _ in range(7)]
        for number, kind in enumerate(plan):
            if written >= files:
                break
            text = _file(kind, rng, module, number)
            (directory / f"{kind}_{number}.tf").write_text(text)
            written += 1
        module += 1
    return root


@dataclass
class Sample:
    seconds: float
    peak_mb: float
    status: int


def measure(command: list[str], cwd: Path) -> Sample:
    """Run command once; wall time and the peak memory of its process tree."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )

    # The tree's memory is summed over the tool and its workers, sampled
    # every 20 ms where /proc lists children (Linux); about 0.1 ms a sample.
    # A thread samples, so that the wall time is the blocking wait4's own.
    tree_peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            tree_peak[0] = max(tree_peak[0], _tree_rss(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)

    # wait4 has the largest single process of this run exactly (ru_maxrss:
    # kilobytes on Linux, bytes on macOS); the sum can only be larger.
    scale = 1 if sys.platform == "darwin" else 1024
    peak = max(tree_peak[0], usage.ru_maxrss * scale) / 2**20
    return Sample(seconds, peak, child.returncode)


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and its descendants; 0 without /proc.

    An upper bound: a page that forked workers share with their parent is
    counted in each of them. (The proportional size in smaps_rollup would
    count it once, but reading it walks the page tables: 4 ms a call at
    300 MB, too much to sample on two cores.)
    """
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue
    return total


def _median(samples: list[Sample]) -> tuple[float, float]:
    return (
        statistics.median(s.seconds for s in samples),
        max(s.peak_mb for s in samples),
    )


def _row(name: str, seconds: float, peak: float) -> str:
    return f"| {name} | {seconds:.2f} s | {peak:.0f} MB |"


def _installed_tfcheck() -> str | None:
    # The README's venv is not activated, so look beside the running Python.
    found = shutil.which("tfcheck")
    beside = Path(sys.executable).parent / "tfcheck"
    return found or (str(beside) if beside.exists() else None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        nargs="+",
        default=list(SIZES),
        choices=SIZES,
        help="trees to generate and time (default: both)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per tool and tree")
    parser.add_argument(
        "--work", type=Path, default=None, help="where to write the trees"
    )
    parser.add_argument(
        "--checkov",
        default=shutil.which("checkov"),
        help="the checkov to compare with (default: on PATH); '' for none",
    )
    parser.add_argument(
        "--tfcheck",
        default=_installed_tfcheck(),
        help="the tfcheck to time (default: on PATH, else beside this Python)",
    )
    parser.add_argument("--jobs", default=None, help="passed to tfcheck --jobs")
    args = parser.parse_args(argv)

    if not args.tfcheck:
        parser.error(
            "no tfcheck on PATH or beside this Python; pip install . or --tfcheck"
        )
    work = args.work or Path(tempfile.mkdtemp(prefix="tfcheck-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    tfcheck = [args.tfcheck, "check", "--format", "json", "--isolated"]
    if args.jobs:
        tfcheck += ["--jobs", args.jobs]
    targets: list[tuple[str, bool]] = []

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    version = subprocess.run(
        [args.tfcheck, "--version"], capture_output=True, text=True
    ).stdout.strip()
    print(f"tfcheck: {version}")
    if args.checkov:
        checkov_version = subprocess.run(
            [args.checkov, "--version"], capture_output=True, text=True
        ).stdout.strip()
        print(f"checkov: {checkov_version}")
    print()
    print("| tree | tool | median wall | peak memory, all processes |")
    print("| --- | --- | --- | --- |")

    version_run = min(
        measure([args.tfcheck, "--version"], work).seconds for _ in range(args.runs)
    )
    targets.append(
        (f"tfcheck --version under 0.2 s ({version_run:.2f} s)", version_run < 0.2)
    )

    for size in args.sizes:
        tree = generate(work / size, SIZES[size])
        lines = sum(len(p.read_text().splitlines()) for p in tree.rglob("*.tf"))
        cache = work / f"cache-{size}"
        shutil.rmtree(cache, ignore_errors=True)
        ours: list[Sample] = []
        theirs: list[Sample] = []
        for _ in range(args.runs):
            # Alternate, so that a busy moment on the machine hits both tools.
            ours.append(measure([*tfcheck, "."], tree))
            if args.checkov:
                theirs.append(
                    measure(
                        [
                            args.checkov,
                            "-d",
                            ".",
                            "--framework",
                            "terraform",
                            "--skip-download",
                            "--quiet",
                            "--compact",
                        ],
                        tree,
                    )
                )
        cold = measure([*tfcheck, "--cache-dir", str(cache), "."], tree)
        warm = [
            measure([*tfcheck, "--cache-dir", str(cache), "."], tree)
            for _ in range(args.runs)
        ]

        label = f"{size} ({SIZES[size]} files, {lines} lines)"
        seconds, peak = _median(ours)
        print(_row(f"{label} | tfcheck", seconds, peak))
        warm_seconds, warm_peak = _median(warm)
        print(_row(f"{label} | tfcheck, warm cache", warm_seconds, warm_peak))
        if theirs:
            their_seconds, their_peak = _median(theirs)
            print(_row(f"{label} | checkov", their_seconds, their_peak))
            ratio = their_seconds / seconds
            print(
                f"| {label} | checkov / tfcheck | {ratio:.1f}x | "
                f"{their_peak / peak:.1f}x |"
            )
        if size == "large":
            if theirs:
                targets.append(
                    (f"large: 10x faster than checkov ({ratio:.1f}x)", ratio >= 10)
                )
            targets.append((f"large: under 400 MB ({peak:.0f} MB)", peak < 400))
            speedup = cold.seconds / warm_seconds
            targets.append(
                (
                    f"large: warm cache 5x faster than cold ({speedup:.1f}x)",
                    speedup >= 5,
                )
            )
        else:
            targets.append((f"small: under 0.5 s ({seconds:.2f} s)", seconds < 0.5))
            module = tree / "service-0000"
            one, one_peak = _median(
                [measure([*tfcheck, "."], module) for _ in range(args.runs)]
            )
            print(_row(f"one module ({module.name}) | tfcheck", one, one_peak))
            targets.append((f"one module: under 0.5 s ({one:.2f} s)", one < 0.5))
        bad = {s.status for s in ours} - {0, 1}
        if bad:
            print(
                f"tfcheck exited {bad} on {size}: the run is not valid", file=sys.stderr
            )
            return 2

    print()
    for text, met in targets:
        print(f"- {'met' if met else 'NOT MET'}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
