"""make bench: normal and fast synth of the same configs, side by side in one run.

Each sample is a fresh `python main.py` process. Runs alternate between the two
modes so that whatever else the machine is doing weighs on both alike; one
warm-up run of each comes first (the first run after an install also compiles
Python bytecode and unpacks the provider into jsii's cache). Wall time is from
start to exit; peak RSS is the largest sum of resident memory of the process and
all its descendants (Python, and the jsii kernel's two Node processes), sampled
every few milliseconds.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
WORKLOADS = {
    "default (config/*.toml)": sorted(str(path) for path in (PROJECT / "config").glob("*.toml")),
    "variant (tests/fixtures/variant.toml)": [str(PROJECT / "tests" / "fixtures" / "variant.toml")],
}
MODES = {"normal": "0", "fast": "1"}
SAMPLE_SECONDS = 0.005


@dataclass(frozen=True)
class Sample:
    wall_seconds: float
    peak_rss_bytes: int


def synthesize_once(configs: list[str], fast_switch: str) -> Sample:
    with tempfile.TemporaryDirectory() as outdir:
        env = dict(os.environ, PIPELINE_FAST_SYNTH=fast_switch, CDKTF_OUTDIR=outdir)
        return run_sampled([sys.executable, str(PROJECT / "main.py"), *configs], env)


def run_sampled(command: list[str], env: dict[str, str], cwd: Path = PROJECT) -> Sample:
    """Runs command to its end: wall time and the peak resident memory of its process tree.
    Standard error (kept in memory) is shown when it fails."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        peak = 0
        while process.poll() is None:
            peak = max(peak, tree_rss_bytes(process.pid))
            time.sleep(SAMPLE_SECONDS)
        wall = time.perf_counter() - started
        if process.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed:\n{errors.read().decode()[-4000:]}")
    return Sample(wall, peak)


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and its descendants; 0 for those already gone."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            total += _rss_bytes(current)
            pending += _children(current)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def _rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(child) for child in (task / "children").read_text().split()]
    return children


def measure(configs: list[str], runs: int) -> dict[str, list[Sample]]:
    for switch in MODES.values():
        synthesize_once(configs, switch)
    samples: dict[str, list[Sample]] = {mode: [] for mode in MODES}
    for _ in range(runs):
        for mode, switch in MODES.items():
            samples[mode].append(synthesize_once(configs, switch))
    return samples


def report(workload: str, samples: dict[str, list[Sample]]) -> str:
    lines = [
        f"### {workload}",
        "",
        "| mode | runs | wall median | wall min-max | peak RSS median | peak RSS min-max |",
        "|---|---|---|---|---|---|",
    ]
    for mode, runs in samples.items():
        walls = [sample.wall_seconds for sample in runs]
        rss = [sample.peak_rss_bytes / 2**20 for sample in runs]
        lines.append(
            f"| {mode} | {len(runs)} | {statistics.median(walls):.2f} s | {min(walls):.2f}-{max(walls):.2f} s "
            f"| {statistics.median(rss):.0f} MB | {min(rss):.0f}-{max(rss):.0f} MB |"
        )
    normal, fast = samples["normal"], samples["fast"]
    wall_ratio = _median_of(normal, "wall_seconds") / _median_of(fast, "wall_seconds")
    rss_ratio = _median_of(normal, "peak_rss_bytes") / _median_of(fast, "peak_rss_bytes")
    lines += ["", f"fast is {wall_ratio:.1f}x faster and uses {rss_ratio:.1f}x less memory (medians).", ""]
    return "\n".join(lines)


def _median_of(samples: list[Sample], field: str) -> float:
    return statistics.median(getattr(sample, field) for sample in samples)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    return (
        f"{time.strftime('%Y-%m-%d')}, {cpu}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, Node {node}, {platform.system()} {platform.release()}"
    )


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs per mode and workload (default 5)")
    options = parser.parse_args(arguments)
    print(f"Machine: {machine()}\n")
    for workload, configs in WORKLOADS.items():
        print(report(workload, measure(configs, options.runs)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
