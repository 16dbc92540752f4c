"""Batch speed-up: ``reportexport all --batch`` over 50 generated reports, 1 process vs N.

    python benchmarks/batch.py [--reports 50] [--repeat 3]

Writes benchmarks/results-batch.md (median wall time of each, speed-up, machine).
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import synth_report  # noqa: E402


def run_batch(folder: Path, out: Path, jobs: int) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "reportexport.cli", "all", "--batch", str(folder), "-o", str(out),
                             "--jobs", str(jobs)], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"batch failed: {result.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        for n in range(args.reports):
            (src / f"r{n:03d}.txt").write_text(synth_report(6, 4, seed=n), encoding="utf-8")
        times: dict[int, list[float]] = {1: [], cores: []}
        for _ in range(args.repeat):
            for jobs in times:
                out = Path(tempfile.mkdtemp(dir=tmp))
                times[jobs].append(run_batch(src, out, jobs))
    one, many = statistics.median(times[1]), statistics.median(times[cores])
    lines = [
        "# Batch speed-up (`reportexport all --batch`)",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, {cores} cores. "
        f"{args.reports} generated reports of 6 departments × 4 items, all four formats each; "
        f"median of {args.repeat} runs.",
        "",
        "| processes | wall (s) | reports/s | speed-up |",
        "|---|---|---|---|",
        f"| 1 | {one:.1f} | {args.reports / one:.1f} | 1.00× |",
        f"| {cores} | {many:.1f} | {args.reports / many:.1f} | {one / many:.2f}× |",
        "",
    ]
    (HERE / "results-batch.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
