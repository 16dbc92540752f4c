"""Precision and recall of the metric extractor on the bundled sample.

Compares the metrics :func:`reportexport.extract.extract_facts` finds in the 61 items of
``samples/000_cf88b61c2d238c02.txt`` with the hand annotation in
``tests/fixtures/sample_metrics.json`` (keyed by item id, each metric with raw, value, unit and
qualifier).  A found metric is correct when the same item has an annotated metric with the same
raw text, value, unit and qualifier (each annotation counts once).  Prints precision, recall,
the mismatches and the extraction time.

    python tools/facts_eval.py                 # parse the sample with reportexport.api
    python tools/facts_eval.py --report r.json # or score a report JSON (reportexport parse --json)
    python tools/facts_eval.py --instructions  # also count instructions (valgrind), free of timing noise
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from reportexport.extract import extract_facts
from reportexport.model import Metric, Report

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "src" / "reportexport" / "samples" / "000_cf88b61c2d238c02.txt"
ANNOTATION = REPO / "tests" / "fixtures" / "sample_metrics.json"

Key = tuple[str, object, str, str | None]


@dataclass
class Score:
    """Counts of a comparison, and the misses for people to read."""

    true_positive: int = 0
    found: int = 0
    annotated: int = 0
    false_positives: list[tuple[str, Key]] = field(default_factory=list)
    false_negatives: list[tuple[str, Key]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_positive / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.annotated if self.annotated else 1.0


def _value_key(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return tuple(round(float(v), 6) for v in value)
    return round(float(value), 6)  # type: ignore[arg-type]


def metric_key(m: Metric) -> Key:
    return (m.raw, _value_key(m.value), m.unit, m.qualifier)


def annotation_key(a: dict) -> Key:
    return (a["raw"], _value_key(a["value"]), a["unit"], a.get("qualifier"))


def load_annotation(path: Path = ANNOTATION) -> dict[str, list[dict]]:
    """The annotated metrics per item id."""
    return json.loads(path.read_text(encoding="utf-8"))["items"]


def score(report: Report, annotation: dict[str, list[dict]]) -> Score:
    """Compare the metrics of ``report`` (facts already extracted) with ``annotation``."""
    result = Score()
    seen: set[str] = set()
    for _dep, item in report.items():
        seen.add(item.id)
        found = Counter(metric_key(f) for f in item.facts if isinstance(f, Metric))
        wanted = Counter(annotation_key(a) for a in annotation.get(item.id, []))
        result.found += sum(found.values())
        result.annotated += sum(wanted.values())
        result.true_positive += sum((found & wanted).values())
        result.false_positives += [(item.id, k) for k in (found - wanted).elements()]
        result.false_negatives += [(item.id, k) for k in (wanted - found).elements()]
    for item_id in sorted(set(annotation) - seen):
        for a in annotation[item_id]:
            result.annotated += 1
            result.false_negatives.append((item_id, annotation_key(a)))
    return result


def load_sample() -> Report:
    """The sample parsed by the project's reader."""
    from reportexport.api import load_report

    return load_report([SAMPLE], extract=False)


def time_extraction(report: Report, repeat: int = 20) -> float:
    """Best time in seconds of extracting the facts of every item of ``report``."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        extract_facts(report)
        best = min(best, time.perf_counter() - t0)
    return best


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def time_both(report: Report, repeat: int = 20) -> tuple[float, float]:
    """Best times in seconds of extraction (of ``repeat`` runs) and of the reader (of half as
    many), taken alternately so that a busy machine slows both alike."""
    extract_s = read_s = float("inf")
    for i in range(repeat):
        extract_s = min(extract_s, _timed(lambda: extract_facts(report)))
        if i % 2 == 0:
            read_s = min(read_s, _timed(load_sample))
    return extract_s, read_s


def _repeat(what: str, runs: int) -> None:
    """Parse the sample and extract its facts once, then ``runs`` more readings or extractions
    (``what``): the work counted by :func:`count_instructions`."""
    report = load_sample()
    extract_facts(report)
    for _ in range(runs):
        if what == "read":
            load_sample()
        elif what == "extract":
            extract_facts(report)


def count_instructions(runs: int = 10) -> tuple[float, float] | None:
    """Instructions executed by one extraction of the sample and by one reading of it, as
    valgrind's callgrind counts them (the difference between ``runs`` more of each and none,
    divided by ``runs``); None without valgrind.  Unlike times, the counts do not move with
    the machine's load, so two versions of the code compare in one run each."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None

    def collected(what: str, n: int) -> int:
        done = subprocess.run(
            [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__,
             "--repeat-only", what, str(n)], capture_output=True, text=True, check=True)
        return int(re.search(r"Collected : (\d+)", done.stderr).group(1))  # type: ignore[union-attr]

    base = collected("none", 0)
    return ((collected("extract", runs) - base) / runs, (collected("read", runs) - base) / runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", type=Path, help="a report JSON to score instead of parsing the sample")
    parser.add_argument("--annotation", type=Path, default=ANNOTATION)
    parser.add_argument("--repeat", type=int, default=20, help="extraction runs timed (best is shown)")
    parser.add_argument("--instructions", action="store_true",
                        help="also count the instructions of an extraction and of a reading (needs valgrind)")
    parser.add_argument("--repeat-only", nargs=2, metavar=("WHAT", "RUNS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat_only:
        _repeat(args.repeat_only[0], int(args.repeat_only[1]))
        return 0

    t0 = time.perf_counter()
    if args.report:
        report = Report.model_validate_json(args.report.read_text(encoding="utf-8"))
    else:
        report = load_sample()
    read_s = time.perf_counter() - t0
    report = extract_facts(report)
    result = score(report, load_annotation(args.annotation))
    if args.report:
        extract_s = time_extraction(report, args.repeat)
    else:
        extract_s, read_s = time_both(report, args.repeat)

    print(f"items: {report.item_count}   annotated metrics: {result.annotated}   found: {result.found}")
    print(f"precision: {result.precision:.3f}   recall: {result.recall:.3f}   "
          f"(true positives {result.true_positive})")
    for item_id, key in result.false_positives:
        print(f"  extra    {item_id}: {key}")
    for item_id, key in result.false_negatives:
        print(f"  missed   {item_id}: {key}")
    reading = " the JSON" if args.report else f" (reader only, best of {(args.repeat + 1) // 2}, alternating)"
    print(f"extraction of all items: {extract_s * 1000:.2f} ms (best of {args.repeat}); "
          f"reading{reading}: {read_s * 1000:.1f} ms; ratio {extract_s / read_s:.0%}")
    if args.instructions:
        counts = count_instructions()
        if counts is None:
            print("instructions: valgrind is not installed")
        else:
            print(f"instructions (callgrind): extraction {counts[0] / 1e6:.2f} M, reading {counts[1] / 1e6:.2f} M; "
                  f"ratio {counts[0] / counts[1]:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
