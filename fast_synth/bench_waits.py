"""make bench-waits: the waits a user meets around synth, each beside the way it was done before,
both measured in this run (issue 21's table). Rows, in order:

- first make synth on a fresh clone: `git clone` of HEAD into a temporary folder, then
  `make synth` (now: only what synth needs) against `make setup synth` (before: make synth
  ran the whole set-up first). pip's, npm's and jsii's caches of this machine stay warm, as on
  a developer's machine; a fresh machine also downloads the packages.
- make try-failure: a run through the warm server (offline/warm.py) after one run that started
  it and deployed, against a cold run (`python -m offline.try_failure`: new emulator,
  terraform init + apply; it already synthesizes with fast synth).
- npx cdktf synth: cdktf.json's app (scripts/cdktf-app.sh) against `pipenv run python main.py`.
- make test's cold typecheck: mypy with an empty cache, with typings/ against without it (the
  rest of make test is unchanged by this; its figure is the issue's).
- warm make synth: `make synth` against `make setup synth` (what make synth ran before).
- make review after a one-line change: `python -m review --base HEAD` (what make review runs
  after its set-up) in a clone of HEAD whose config/dev.toml has one value changed, a new one
  each sample, so that the changed stack is validated every time. Now: with the cache that one
  review of the clone filled (review.cache); before: with an empty cache, as every review ran
  before the cache (less the init that one review now shares between its stack folders).

Every figure is the median of the runs of its row, samples of the two ways alternating so that
the machine's load weighs on both alike; wall time from start to exit, peak memory the largest
sum of resident memory of the process tree (fast_synth.bench.run_sampled). On a shared machine
compare the ratios more than the absolute figures.
"""

from __future__ import annotations

import argparse
import atexit
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fast_synth.bench import PROJECT, Sample, machine, run_sampled


@dataclass(frozen=True)
class Way:
    label: str
    run: Callable[[], Sample]


@dataclass(frozen=True)
class Row:
    path: str
    before: Way
    now: Way
    goal_seconds: float
    goal_mib: float | None = None
    note: str = ""


def measured(row: Row, runs: int) -> tuple[list[Sample], list[Sample]]:
    before: list[Sample] = []
    now: list[Sample] = []
    for _ in range(runs):
        before.append(row.before.run())
        now.append(row.now.run())
    return before, now


def report(row: Row, before: list[Sample], now: list[Sample]) -> str:
    wall_before, wall_now = _median(before, "wall_seconds"), _median(now, "wall_seconds")
    mib_before, mib_now = _median(before, "peak_rss_bytes") / 2**20, _median(now, "peak_rss_bytes") / 2**20
    meets = wall_now <= row.goal_seconds and (row.goal_mib is None or mib_now <= row.goal_mib)
    goal = f"<= {_seconds(row.goal_seconds)}" + (f", <= {row.goal_mib:.0f} MiB" if row.goal_mib else "")
    return (
        f"| {row.path} | {row.before.label}: {_seconds(wall_before)}, {mib_before:.0f} MiB "
        f"| {row.now.label}: {_seconds(wall_now)}, {mib_now:.0f} MiB | {wall_before / wall_now:.1f}x "
        f"| {goal} | {'yes' if meets else 'no'}{row.note} | {len(now)} |"
    )


def _median(samples: list[Sample], field: str) -> float:
    return statistics.median(getattr(sample, field) for sample in samples)


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 60 else f"{int(value // 60)} min {value % 60:.0f} s"


def environment() -> dict[str, str]:
    """As make runs its targets: the project's Node first on PATH, no terraform checkpoint."""
    node_bin = PROJECT / "node_modules" / "node" / "bin"
    return {
        **os.environ,
        "PATH": f"{node_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        "CHECKPOINT_DISABLE": "1",
        "TF_CLI_CONFIG_FILE": str(PROJECT / ".terraform.d" / "terraformrc"),
        "PIPENV_VENV_IN_PROJECT": "1",
        "PIPENV_VERBOSITY": "-1",
        "MAKEFLAGS": "",
        "MAKELEVEL": "",
    }


@contextmanager
def scratch() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="bench-waits-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def fresh_clone_make(*targets: str) -> Sample:
    """git clone of HEAD (committed files only) and make targets in it, timed together."""
    with scratch() as folder:
        clone = folder / "clone"
        script = f'git clone --quiet "{PROJECT}" "{clone}" && cd "{clone}" && make {" ".join(targets)}'
        return run_sampled(["bash", "-c", script], environment(), cwd=folder)


def make(*targets: str) -> Sample:
    with scratch() as folder:
        return run_sampled(["make", *targets], {**environment(), "CDKTF_OUTDIR": str(folder / "out")})


def cdktf_synth(app: str | None) -> Sample:
    with scratch() as folder:
        command = [str(PROJECT / "node_modules" / ".bin" / "cdktf"), "synth", "--output", str(folder / "out")]
        return run_sampled([*command, *(["--app", app] if app else [])], environment())


def try_failure(module: str) -> Sample:
    return run_sampled([sys.executable, "-m", module], environment())


def cold_mypy(with_typings: bool) -> Sample:
    with scratch() as folder:
        config = folder / "pyproject.toml"
        text = (PROJECT / "pyproject.toml").read_text()
        config.write_text(text if with_typings else re.sub(r"(?m)^mypy_path = .*\n", "", text))
        command = [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(config),
            "--cache-dir",
            str(folder / "c"),
        ]
        return run_sampled(command, environment())


class OneLineChange:
    """A clone of HEAD whose config/dev.toml changes one line before each review, and a cache
    filled by one review of the clone; made at the first sample, removed when the bench ends."""

    LINE = "timeout_seconds = 900\n"  # AnalyzeOrders'

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.original = ""  # config/dev.toml as committed
        self.samples = 0

    def review(self, warm: bool) -> Sample:
        folder = self._prepared()
        self.samples += 1
        dev = folder / "clone" / "config" / "dev.toml"
        dev.write_text(self.original.replace(self.LINE, f"timeout_seconds = {900 + self.samples}\n"))
        cache = folder / "warm" if warm else Path(tempfile.mkdtemp(dir=folder))
        return self._run(cache)

    def _prepared(self) -> Path:
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="bench-waits-review-"))
            atexit.register(shutil.rmtree, self.folder, ignore_errors=True)
            clone = self.folder / "clone"
            subprocess.run(["git", "clone", "--quiet", str(PROJECT), str(clone)], check=True)
            self.original = (clone / "config" / "dev.toml").read_text()
            if self.LINE not in self.original:
                raise SystemExit(f"bench-waits: config/dev.toml no longer has the line {self.LINE!r}")
            self._run(self.folder / "warm")
        return self.folder

    def _run(self, cache: Path) -> Sample:
        assert self.folder is not None
        env = {**environment(), "REVIEW_CACHE_DIR": str(cache)}
        return run_sampled([sys.executable, "-m", "review", "--base", "HEAD"], env, cwd=self.folder / "clone")


ONE_LINE_CHANGE = OneLineChange()

ROWS = {
    "fresh": Row(
        "first make synth, fresh clone",
        Way("make setup synth", lambda: fresh_clone_make("setup", "synth")),
        Way("make synth", lambda: fresh_clone_make("synth")),
        goal_seconds=90,
    ),
    "try-failure": Row(
        "make try-failure",
        Way("cold (new emulator, apply)", lambda: try_failure("offline.try_failure")),
        Way("warm server, same stack", lambda: try_failure("offline.warm")),
        goal_seconds=20,
    ),
    "cdktf": Row(
        "npx cdktf synth",
        Way("app: pipenv run python main.py", lambda: cdktf_synth("pipenv run python main.py")),
        Way("app: scripts/cdktf-app.sh", lambda: cdktf_synth(None)),
        goal_seconds=2,
    ),
    "mypy": Row(
        "make test: cold mypy",
        Way("without typings/", lambda: cold_mypy(with_typings=False)),
        Way("with typings/", lambda: cold_mypy(with_typings=True)),
        goal_seconds=300,
        note=" (the goal is for the whole make test)",
    ),
    "synth": Row(
        "warm make synth",
        Way("make setup synth", lambda: make("setup", "synth")),
        Way("make synth", lambda: make("synth")),
        goal_seconds=0.5,
        goal_mib=100,
    ),
    "review": Row(
        "make review, one-line change",
        Way("empty cache", lambda: ONE_LINE_CHANGE.review(warm=False)),
        Way("cache of the base", lambda: ONE_LINE_CHANGE.review(warm=True)),
        goal_seconds=5,
    ),
}
# Rows that take minutes a sample are measured once, whatever --runs says.
SLOW_ROWS = {"fresh", "mypy"}


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each way per row (default 5)")
    parser.add_argument("--rows", default=",".join(ROWS), help=f"comma-separated, of: {', '.join(ROWS)}")
    options = parser.parse_args(arguments)
    chosen = [name.strip() for name in options.rows.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(ROWS))
    if unknown:
        parser.error(f"--rows: unknown {', '.join(unknown)}; allowed: {', '.join(ROWS)}")
    print(f"Machine: {machine()}\n")
    print("| path | before (same run) | now | before/now | goal | meets goal | runs |")
    print("|---|---|---|---|---|---|---|")
    if "try-failure" in chosen:
        try_failure("offline.warm")  # starts the server and deploys: the warm runs reuse that
    for name in chosen:
        row = ROWS[name]
        print(report(row, *measured(row, 1 if name in SLOW_ROWS else options.runs)), flush=True)
    if "try-failure" in chosen:
        subprocess.run([sys.executable, "-m", "offline.warm", "--stop"], cwd=PROJECT, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
