"""Fuzz the whole pipeline for longer than the test suite does.

    python scripts/fuzz.py                     # atheris if installed, 10 minutes
    python scripts/fuzz.py --seconds 3600 --engine random

Targets: mutated Terraform fixtures, JSON policy text inside them, and
mutated plans (`tfcheck plan`) over the plan fixture's Terraform (mutators in
tests/fuzzing.py). A crash is an exception other than a reported plan error,
or an internal-error finding (TFC000); each is written to
tests/fixtures/fuzz/crash-<hash>.tf or .plan.json, where tests/test_fuzz.py
replays it. Run it with the Python tfcheck is installed in (the README's
.venv/bin/python). `--engine random` needs nothing more; `--engine atheris`
(pip install atheris) adds coverage guidance.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

try:
    from tests.fuzzing import PLAN_SEEDS, SEEDS, mutate, mutated_plan
    from tfcheck.catalog import load_catalog
    from tfcheck.discover import discover
    from tfcheck.extract.plan import plan_policies
    from tfcheck.parse.plan import PlanError, read_plan
    from tfcheck.pipeline import Options, run
except ImportError as missing:
    sys.exit(
        f"fuzz.py: {missing}; run it with the Python tfcheck is installed in, "
        "e.g. .venv/bin/python scripts/fuzz.py"
    )

CRASHES = ROOT / "tests" / "fixtures" / "fuzz"
CATALOG = load_catalog()


class Crash(Exception):
    pass


def check_tree(tree: Path, options: Options) -> None:
    """Run the pipeline; an internal-error finding (TFC000) is a crash."""
    result = run(discover(["."], cwd=tree), CATALOG, options)
    internal = [f for f in result.findings if f.rule == "TFC000"]
    if internal:
        raise Crash(internal[0].message)


def one_input(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder)
        (tree / "main.tf").write_text(text, encoding="utf-8", errors="surrogatepass")
        check_tree(tree, Options(cwd=tree, roots=[tree]))


def one_plan(text: str) -> None:
    """Check the plan fixture's Terraform against a mutated plan."""
    with tempfile.TemporaryDirectory() as folder:
        plan_file = Path(folder) / "plan.json"
        plan_file.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            policies = plan_policies(read_plan(str(plan_file)))
        except PlanError:
            return  # reported to the user as a one-line error: not a crash

    tree = PLAN_SEEDS[0].parent
    options = Options(cwd=tree, roots=[tree])
    options.plan = policies
    check_tree(tree, options)


def keep(text: str, error: BaseException, suffix: str = ".tf") -> None:
    CRASHES.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    path = CRASHES / f"crash-{name}{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    print(f"crash: {type(error).__name__}: {error} -> {path}", flush=True)


def random_engine(seconds: float, seed: int) -> tuple[int, int]:
    rng = random.Random(seed)
    texts = [p.read_text() for p in SEEDS]
    tried = crashes = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        tried += 1
        if tried % 4 == 0:
            text, check, suffix = mutated_plan(rng), one_plan, ".plan.json"
        else:
            text, check, suffix = mutate(rng.choice(texts), rng), one_input, ".tf"
        try:
            check(text)
        except Exception as error:  # noqa: BLE001 - that is what we look for
            crashes += 1
            keep(text, error, suffix)
    return tried, crashes


def atheris_engine(seconds: float) -> None:
    import atheris

    texts = [p.read_text() for p in SEEDS]

    def target(data: bytes) -> None:
        provider = atheris.FuzzedDataProvider(data)
        plan = provider.ConsumeIntInRange(0, 3) == 0
        rng = random.Random(provider.ConsumeInt(8))
        if plan:
            text, check, suffix = mutated_plan(rng), one_plan, ".plan.json"
        else:
            seed = texts[provider.ConsumeIntInRange(0, len(texts) - 1)]
            text, check, suffix = mutate(seed, rng), one_input, ".tf"
        # The rest of the input is spliced in, so coverage can steer the text.
        at = provider.ConsumeIntInRange(0, len(text))
        text = text[:at] + provider.ConsumeUnicodeNoSurrogates(64) + text[at:]
        try:
            check(text)
        except Exception as error:
            keep(text, error, suffix)
            raise

    atheris.instrument_all()
    atheris.Setup(
        [
            sys.argv[0],
            f"-max_total_time={int(seconds)}",
            # Room for the spliced text to grow from the start.
            "-max_len=1024",
            "-len_control=0",
            "-print_final_stats=1",
        ],
        target,
    )
    atheris.Fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--engine", choices=["atheris", "random"], default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    engine = args.engine
    if engine is None:
        try:
            import atheris  # noqa: F401

            engine = "atheris"
        except ImportError:
            engine = "random"
    if engine == "atheris":
        try:
            import atheris  # noqa: F401
        except ImportError:
            parser.error("atheris is not installed here: pip install atheris")
        atheris_engine(args.seconds)
        return 0

    tried, crashes = random_engine(args.seconds, args.seed)
    print(f"random engine: {tried} inputs in {args.seconds:.0f} s, {crashes} crashes")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
