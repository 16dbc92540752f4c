"""Benchmark harness: reportexport's steps against the bare libraries, one fresh process each.

    python benchmarks/run.py --quick      # the bundled sample and 500×5 items, prints the Markdown table
    python benchmarks/run.py              # + 5000×5 items and profiles; writes benchmarks/results.md

Every measurement runs in a fresh subprocess (this file with ``--worker``).  An API step's
ΔRSS is the rise of its worker's RSS from the loaded input to the step's peak (the kernel's
peak mark is reset when the step starts); a CLI step's memory is the larger of the child's
peak RSS (``os.wait4``) and the sampled sum of PSS over its process tree, which counts
parallel workers and the pages they share with their parent once.  API steps
time the call inside the worker, from before the exporter's library is imported to the file
written; CLI steps time the whole command as a user waits for it.  Repetitions are
interleaved (rep 1 of every step, then rep 2, ...), and each ratio is the median of the
per-repetition ratios, so slow phases of a shared machine hit both sides of a ratio.

See benchmarks/README.md for the steps, baselines, targets and how to read the table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

SIZES: dict[str, tuple[int, int]] = {"27x4": (27, 4), "500x5": (500, 5), "5000x5": (5000, 5)}
QUICK_SIZES = ("500x5",)  # plus the bundled sample (start-up steps)
FULL_SIZES = ("27x4", "500x5", "5000x5")
PROFILE_SIZE = "500x5"

#: Our steps (worker names) and the baseline each is compared with.
EXPORT_FORMATS = ("json", "docx", "xlsx", "pdf")
BASELINE_OF = {
    "docx": "bl:docx-lxml",
    "xlsx": "bl:xlsx-openpyxl-wo",
    "pdf": "bl:pdf-reportlab",
    "cli:--help": "cli:python -c pass",
    "cli:--version": "cli:python -c pass",
}
SAMPLE = ROOT / "src" / "reportexport" / "samples" / "000_cf88b61c2d238c02.txt"
#: Steps run as an installed package runs: with its bytecode cached (pip compiles it at install;
#: PYTHONDONTWRITEBYTECODE, which some sandboxes set, would recompile the sources every run).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


# =========================================================================== worker side


def _load_pickle(path: str) -> Any:
    import pickle

    with open(path, "rb") as fh:
        return pickle.load(fh)


def _status_kb(*keys: str) -> dict[str, int]:
    """Fields of /proc/self/status in KB, e.g. VmRSS (resident now) and VmHWM (its peak)."""
    found: dict[str, int] = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            key = line.split(":", 1)[0]
            if key in keys:
                found[key] = int(line.split()[1])
    return found


def _step_starts(args: argparse.Namespace) -> None:
    """The input is loaded: start the clocks and the step's own memory peak.

    The kernel's peak-RSS mark (VmHWM, also ``ru_maxrss``) is reset through
    /proc/self/clear_refs, so the step's peak is measured from here; the peak reached while
    loading is kept in ``args._load_peak``."""
    args._t0, args._c0 = time.perf_counter(), time.process_time()
    now = _status_kb("VmRSS", "VmHWM")
    args._rss0, args._load_peak = now.get("VmRSS"), now.get("VmHWM")
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:  # not Linux, or not allowed: the step's peak then includes the load
        args._rss0 = None


def _run_step(step: str, args: argparse.Namespace) -> dict[str, Any]:
    """The timed body of one step; returns extra facts (outputs are written to ``args.output``)."""
    from reportexport import api

    out = Path(args.output) if args.output else None
    if step == "parse":
        report = api.load_report([args.input])
        return {"items": report.item_count, "facts": sum(len(i.facts) for _, i in report.items())}
    if step == "reader":
        report = api.load_report([args.input], extract=False)
        return {"items": report.item_count}
    if step == "extract":
        report = _load_pickle(args.input)
        _step_starts(args)  # the pickle load is not the step
        done = api.extract_facts(report)
        return {"facts": sum(len(i.facts) for _, i in done.items())}
    report = _load_pickle(args.input)
    _step_starts(args)
    if step in EXPORT_FORMATS:
        from reportexport.exporters import ExportOptions

        api.export(report, step, out, ExportOptions())
        return {}
    import baselines

    if step == "bl:docx-lxml":
        from reportexport.exporters.docx import default_template

        baselines.docx_lxml(report, out, default_template())
        return {}
    if step == "bl:xlsx-openpyxl-wo":
        baselines.xlsx_openpyxl_write_only(report, out)
        return {}
    if step == "bl:pdf-reportlab":
        from reportexport import fonts as rxfonts
        from reportexport.config import Settings

        specs = rxfonts.resolve_fonts(Settings())
        chosen = {r: (str(s.path), s.subfont_index) for r, s in specs.items() if r in ("song", "hei", "kai", "title")}
        return {"pages": baselines.pdf_reportlab(report, out, chosen)}
    raise SystemExit(f"unknown step {step!r}")


def _profile_text(prof: Any, limit: int = 15) -> str:
    import io
    import pstats

    chunks = []
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        stats.strip_dirs().sort_stats(key).print_stats(limit)
        text = buf.getvalue()
        start = text.find("   ncalls")
        head = [ln for ln in text.splitlines() if "function calls" in ln][:1]
        chunks.append(f"==== top {limit} by {key} ==== {head[0].strip() if head else ''}\n{text[start:].rstrip()}")
    return "\n".join(chunks)


def worker(args: argparse.Namespace) -> None:
    """Run one step in this (fresh) process and write a JSON result to ``args.result``."""
    import resource

    step = args.worker
    if step == "cli:all-inproc":  # the CLI's `all` in-process, for its profile
        from reportexport import cli

        sys.argv = ["reportexport", "all", args.input, "-o", args.output]
        runner = cli.main
    else:
        def runner() -> dict[str, Any]:
            return _run_step(step, args)
    args._t0 = args._c0 = args._rss0 = args._load_peak = None
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0, c0 = time.perf_counter(), time.process_time()
    prof = None
    if args.profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    try:
        extra = runner() or {}
    except SystemExit as exc:  # the CLI exits
        extra = {"exit": exc.code}
    if prof is not None:
        prof.disable()
    t1, c1 = time.perf_counter(), time.process_time()
    start = args._t0 or t0
    result = {
        "wall": t1 - start,
        "cpu": c1 - (args._c0 or c0),
        # the step's ΔRSS is step_peak_kb - rss_before_kb; the process's peak is the larger peak
        "rss_before_kb": args._rss0 or rss_before,
        "step_peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "rss_peak_kb": max(args._load_peak or 0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        "extra": extra,
    }
    if prof is not None:
        Path(args.profile).write_text(_profile_text(prof), encoding="utf-8")
    Path(args.result).write_text(json.dumps(result), encoding="utf-8")


def prepare(args: argparse.Namespace) -> None:
    """Parse ``args.input`` once; pickle the report with and without facts; write Markdown."""
    import pickle

    from reportexport import api

    import baselines

    base = Path(args.output)
    plain = api.load_report([args.input], extract=False)
    full = api.extract_facts(plain)
    with open(base.with_suffix(".plain.pickle"), "wb") as fh:
        pickle.dump(plain, fh, protocol=pickle.HIGHEST_PROTOCOL)
    with open(base.with_suffix(".pickle"), "wb") as fh:
        pickle.dump(full, fh, protocol=pickle.HIGHEST_PROTOCOL)
    base.with_suffix(".md").write_text(baselines.pandoc_markdown(full), encoding="utf-8")
    info = {"items": full.item_count, "departments": len(full.departments),
            "chars": sum(len(i.text) for _, i in full.items()),
            "facts": sum(len(i.facts) for _, i in full.items())}
    base.with_suffix(".json").write_text(json.dumps(info), encoding="utf-8")


# =========================================================================== parent side


@dataclass
class Measure:
    """One run of one step."""

    wall: float
    cpu: float | None
    rss_kb: int  # peak RSS of the child (os.wait4, or the worker's own peaks)
    tree_kb: int  # sampled peak of the summed PSS of the whole process tree (CLI steps)
    rss_before_kb: int | None  # RSS when the step started (API steps: the input loaded)
    out_bytes: int | None
    extra: dict[str, Any] = field(default_factory=dict)
    ok: bool = True
    error: str = ""
    step_kb: int | None = None  # peak RSS reached during the step itself (API steps)


def _memory_kb(pid: int) -> int:
    """Proportional set size of ``pid`` (Linux smaps_rollup): its private pages plus its share
    of pages it shares with other processes, e.g. the copy-on-write pages a forked worker
    still shares with its parent.  Summed over a process tree, PSS counts every page once;
    summed RSS would count shared pages once per process.  VmRSS where PSS is unavailable."""
    for path, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(path) as fh:
                for line in fh:
                    if line.startswith(key):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


def _tree_rss_kb(root: int) -> int:
    """Sum of the memory (PSS) of ``root`` and its descendants (Linux /proc)."""
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _memory_kb(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    todo += [int(p) for p in fh.read().split()]
        except (OSError, ValueError):
            continue
    return total


def _spawn(cmd: list[str], sample_tree: bool, timeout: float,
           env: dict[str, str] | None = None) -> tuple[float, int, int, int, float]:
    """Run ``cmd``; (wall, exit status, child peak RSS KB, sampled tree peak KB, CPU s of the child)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=str(ROOT), env=env or CHILD_ENV)
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        # PSS is read from smaps_rollup, which walks the page tables of each process (several ms for
        # a large one): every 0.1 s for the first 3 s, then every second, so that sampling a long
        # run does not take the CPU the run competes for on a 2-core machine
        started = time.perf_counter()
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            stop.wait(0.1 if time.perf_counter() - started < 3 else 1.0)

    thread = threading.Thread(target=sample, daemon=True) if sample_tree else None
    if thread:
        thread.start()
    deadline = t0 + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.005)
    wall = time.perf_counter() - t0
    stop.set()
    if thread:
        thread.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode:
        sys.stderr.write(f"  ! {' '.join(cmd[:4])}… exited {proc.returncode}: {err.strip()[-300:]}\n")
    return wall, proc.returncode, usage.ru_maxrss, peak[0], usage.ru_utime + usage.ru_stime


def _size_of(path: Path) -> int | None:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.exists() else None


class Harness:
    """Runs steps, keeps every repetition, and writes the tables."""

    def __init__(self, work: Path, timeout: float, quick: bool = False) -> None:
        self.work = work
        self.timeout = timeout
        self.quick = quick  # --quick: without the reader/extract split of `parse`
        self.runs: dict[tuple[str, str], list[Measure]] = {}
        self.info: dict[str, dict[str, Any]] = {}
        self.profiles: dict[str, str] = {}
        self.notes: list[str] = []
        # the console script next to this interpreter, as a virtualenv puts it on PATH; a version
        # manager's shim (pyenv: a bash script) would add its own ~0.2 s to every CLI step
        beside = Path(sys.executable).with_name("reportexport")
        self.reportexport = str(beside) if beside.is_file() else shutil.which("reportexport") or ""
        self.pandoc = shutil.which("pandoc")

    # ------------------------------------------------------------------ running
    def api_step(self, size: str, step: str, src: Path, out: Path | None, profile: Path | None = None,
                 env: dict[str, str] | None = None) -> Measure:
        result = self.work / "result.json"
        result.unlink(missing_ok=True)
        if out is not None and out.is_dir():  # a folder output (the CLI's `all`): emptied, kept
            shutil.rmtree(out)
            out.mkdir()
        elif out is not None:
            out.unlink(missing_ok=True)
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", step, "--input", str(src),
               "--result", str(result)]
        if out is not None:
            cmd += ["--output", str(out)]
        if profile is not None:
            cmd += ["--profile", str(profile)]
        wall, code, rss, _, _ = _spawn(cmd, sample_tree=False, timeout=self.timeout, env=env)
        if code or not result.exists():
            return Measure(wall, None, rss, 0, None, None, ok=False, error=f"exit {code}")
        data = json.loads(result.read_text())
        return Measure(data["wall"], data["cpu"], max(rss, data["rss_peak_kb"]), 0, data["rss_before_kb"],
                       _size_of(out) if out is not None else None, data["extra"], step_kb=data["step_peak_kb"])

    def cli_step(self, cmd: list[str], out: Path | None, folder: bool = False,
                 env: dict[str, str] | None = None) -> Measure:
        if out is not None:
            shutil.rmtree(out, ignore_errors=True) if out.is_dir() else out.unlink(missing_ok=True)
            if folder:
                out.mkdir(parents=True)
        wall, code, rss, tree, cpu = _spawn(cmd, sample_tree=True, timeout=self.timeout, env=env)
        return Measure(wall, cpu, rss, max(tree, rss), None, _size_of(out) if out is not None else None,
                       {"exit": code}, ok=code == 0, error=f"exit {code}" if code else "")

    def record(self, size: str, step: str, m: Measure) -> None:
        self.runs.setdefault((size, step), []).append(m)
        flag = "" if m.ok else f"  FAILED ({m.error})"
        out = f"{m.out_bytes / 1e6:.2f} MB" if m.out_bytes else "-"
        print(f"  {size:>7} {step:<24} {m.wall:8.3f} s  {m.rss_kb / 1024:6.0f} MB  {out}{flag}", flush=True)

    def prepare_size(self, size: str) -> Path:
        from synth import synth_report

        deps, items = SIZES[size]
        folder = self.work / size
        folder.mkdir(parents=True, exist_ok=True)
        txt = folder / f"synth_{size}.txt"
        txt.write_text(synth_report(deps, items, seed=1), encoding="utf-8")
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--prepare", "--input", str(txt),
                        "--output", str(folder / "report")], check=True, cwd=str(ROOT))
        self.info[size] = json.loads((folder / "report.json").read_text())
        self.info[size]["input_bytes"] = txt.stat().st_size
        return folder

    def steps_for(self, size: str, folder: Path) -> list[tuple[str, Any]]:
        """(step name, zero-argument runner) for one size."""
        txt = folder / f"synth_{size}.txt"
        pick, plain, md = folder / "report.pickle", folder / "report.plain.pickle", folder / "report.md"
        steps: list[tuple[str, Any]] = [("parse", lambda: self.api_step(size, "parse", txt, None))]
        if not self.quick:  # parse = reader + extract, each on its own
            steps += [("reader", lambda: self.api_step(size, "reader", txt, None)),
                      ("extract", lambda: self.api_step(size, "extract", plain, None))]
        suffix = {"json": ".json", "docx": ".docx", "xlsx": ".xlsx", "pdf": ".pdf"}
        for fmt in EXPORT_FORMATS:
            steps.append((fmt, lambda f=fmt: self.api_step(size, f, pick, folder / f"out{suffix[f]}")))
        # A first summary is written the full way (python-docx); later ones from the prepared template.
        steps.append(("docx (first summary)", lambda: self.api_step(
            size, "docx", pick, folder / "first.docx", env={**CHILD_ENV, "REPORTEXPORT_CACHE": "off"})))
        steps.append(("cli:all", lambda: self.cli_step([self.reportexport, "all", str(txt), "-o",
                                                        str(folder / "all")], folder / "all", folder=True)))
        steps.append(("bl:docx-lxml", lambda: self.api_step(size, "bl:docx-lxml", pick, folder / "bl.docx")))
        steps.append(("bl:xlsx-openpyxl-wo",
                      lambda: self.api_step(size, "bl:xlsx-openpyxl-wo", pick, folder / "bl.xlsx")))
        steps.append(("bl:pdf-reportlab", lambda: self.api_step(size, "bl:pdf-reportlab", pick, folder / "bl.pdf")))
        if self.pandoc:
            steps.append(("bl:pandoc-md", lambda: self.cli_step(
                [self.pandoc, "-f", "markdown", "-t", "docx", "-o", str(folder / "pandoc.docx"), str(md)],
                folder / "pandoc.docx")))
        return steps

    def run_startup(self, reps: int) -> None:
        """CLI start-up and the bundled sample's `reportexport all`."""
        out = self.work / "sample-all"
        steps = [
            ("cli:python -c pass", lambda: self.cli_step([sys.executable, "-c", "pass"], None)),
            ("cli:--help", lambda: self.cli_step([self.reportexport, "--help"], None)),
            ("cli:--version", lambda: self.cli_step([self.reportexport, "--version"], None)),
            ("cli:all (sample)", lambda: self.cli_step([self.reportexport, "all", "-o", str(out)], out, folder=True)),
            ("cli:all (sample, cold font cache)", lambda: self.cli_step(
                [self.reportexport, "all", "-o", str(out)], out, folder=True, env=self.cold_cache_env())),
        ]
        print(f"== start-up and the bundled sample ({reps} runs each, after one unrecorded warm-up)", flush=True)
        dict(steps)["cli:all (sample)"]()  # bytecode compiled and the font cache filled, as after a first use
        for _ in range(reps):
            for name, fn in steps:
                self.record("sample", name, fn())

    def cold_cache_env(self) -> dict[str, str]:
        """The environment of a first run: an empty font cache (reportexport.fontcache)."""
        folder = self.work / "cold-cache"
        shutil.rmtree(folder, ignore_errors=True)
        return {**CHILD_ENV, "REPORTEXPORT_CACHE": str(folder)}

    def run_size(self, size: str, reps: int) -> None:
        print(f"== {size}: preparing", flush=True)
        folder = self.prepare_size(size)
        info = self.info[size]
        print(f"== {size}: {info['items']} items, {info['chars']:,} chars, {info['facts']:,} facts; "
              f"{reps} runs each", flush=True)
        steps = self.steps_for(size, folder)
        for _ in range(reps):
            for name, fn in steps:
                self.record(size, name, fn())

    def run_profiles(self, size: str) -> None:
        folder = self.work / size
        if not (folder / "report.pickle").exists():
            self.prepare_size(size)
        txt = folder / f"synth_{size}.txt"
        pick, plain = folder / "report.pickle", folder / "report.plain.pickle"
        print(f"== profiles at {size}", flush=True)
        jobs = [("parse", txt, None), ("reader", txt, None), ("extract", plain, None)]
        jobs += [(f, pick, folder / f"prof.{f}") for f in EXPORT_FORMATS]
        jobs += [("bl:docx-lxml", pick, folder / "prof-bl.docx"), ("bl:xlsx-openpyxl-wo", pick, folder / "prof-bl.xlsx"),
                 ("bl:pdf-reportlab", pick, folder / "prof-bl.pdf")]
        for step, src, out in jobs:
            prof = folder / f"profile-{step.replace(':', '_')}.txt"
            m = self.api_step(size, step, src, out, profile=prof)
            self.profiles[step] = prof.read_text(encoding="utf-8") if prof.exists() else f"(failed: {m.error})"
            print(f"  profiled {step} ({m.wall:.2f} s under cProfile)", flush=True)
        allout = folder / "prof-all"
        allout.mkdir(exist_ok=True)
        prof = folder / "profile-cli_all.txt"
        self.api_step(size, "cli:all-inproc", txt, allout, profile=prof)
        self.profiles["cli:all"] = prof.read_text(encoding="utf-8") if prof.exists() else "(failed)"
        print("  profiled cli:all (in-process; worker processes, if any, are not in this profile)", flush=True)

    # ------------------------------------------------------------------ numbers
    def walls(self, size: str, step: str) -> list[float]:
        return [m.wall for m in self.runs.get((size, step), []) if m.ok]

    def median(self, size: str, step: str) -> float | None:
        w = self.walls(size, step)
        return statistics.median(w) if w else None

    def ratio(self, size: str, step: str, base: str, cpu: bool = False) -> float | None:
        """Median over repetitions of t(step)/t(base) in the same repetition (wall, or CPU time)."""
        a, b = self.runs.get((size, step), []), self.runs.get((size, base), [])
        if cpu:
            pairs = [x.cpu / y.cpu for x, y in zip(a, b) if x.ok and y.ok and x.cpu and y.cpu]
        else:
            pairs = [x.wall / y.wall for x, y in zip(a, b) if x.ok and y.ok and y.wall > 0]
        return statistics.median(pairs) if pairs else None

    def slowest_single(self, size: str) -> tuple[float | None, str]:
        """Per-rep ratio of `all` to start-up + parse + the slowest exporter, and which it was."""
        startup = self.median("sample", "cli:--version") or 0.0
        runs = self.runs.get((size, "cli:all"), [])
        ratios, names = [], []
        for k, m in enumerate(runs):
            try:
                parts = [self.runs[(size, "parse")][k]] + [self.runs[(size, f)][k] for f in EXPORT_FORMATS]
            except (KeyError, IndexError):
                continue
            if not m.ok or not all(p.ok for p in parts):
                continue
            parse = parts[0].wall
            exp = {f: p.wall for f, p in zip(EXPORT_FORMATS, parts[1:])}
            slow = max(exp, key=exp.get)  # type: ignore[arg-type]
            names.append(slow)
            ratios.append(m.wall / (startup + parse + exp[slow]))
        if not ratios:
            return None, ""
        return statistics.median(ratios), max(set(names), key=names.count)

    def rss(self, size: str, step: str) -> float | None:
        ms = [m for m in self.runs.get((size, step), []) if m.ok]
        return max(max(m.rss_kb, m.tree_kb) for m in ms) / 1024 if ms else None

    def step_memory(self, size: str, step: str) -> float | None:
        """ΔRSS MB: the largest rise of RSS during the step over its RSS when it started."""
        ms = [m for m in self.runs.get((size, step), []) if m.ok and m.rss_before_kb]
        if not ms:
            return None
        return max((m.step_kb or m.rss_kb) - m.rss_before_kb for m in ms) / 1024

    def table(self) -> str:
        head = ("| size | step | n | wall median s (min–max) | CPU s | peak RSS MB | ΔRSS MB | output MB | items/s "
                "| ratio to baseline (wall; CPU) |\n|---|---|---|---|---|---|---|---|---|---|")
        rows = [head]
        for (size, step), ms in self.runs.items():
            ok = [m for m in ms if m.ok]
            if not ok:
                rows.append(f"| {size} | {step} | 0 | failed: {ms[0].error} | | | | | | |")
                continue
            w = [m.wall for m in ok]
            med = statistics.median(w)
            peak = self.rss(size, step) or 0
            tree = max(m.tree_kb for m in ok) / 1024
            rss = f"{peak:.0f}" + (" (tree)" if tree > max(m.rss_kb for m in ok) / 1024 + 1 else "")
            delta = self.step_memory(size, step)
            delta = f"{delta:.0f}" if delta is not None else "-"
            outs = [m.out_bytes for m in ok if m.out_bytes]
            out = f"{statistics.median(outs) / 1e6:.2f}" if outs else "-"
            items = self.info.get(size, {}).get("items")
            ips = f"{items / med:,.0f}" if items and med > 0 else "-"
            base = BASELINE_OF.get(step)
            ratio = ""
            if base:
                r = self.ratio(size, step, base)
                rc = self.ratio(size, step, base, cpu=True)
                ratio = f"{r:.2f}× {base.split(':', 1)[1]}" + (f"; {rc:.2f}×" if rc else "") if r else ""
            if step == "docx" and self.pandoc:
                r = self.ratio(size, "bl:pandoc-md", "docx")
                ratio += f"; pandoc is {r:.1f}× slower" if r else ""
            if step == "cli:all":
                r, slow = self.slowest_single(size)
                ratio = f"{r:.2f}× start-up+parse+{slow}" if r else ""
            fails = len(ms) - len(ok)
            n = f"{len(ok)}" + (f" (+{fails} failed)" if fails else "")
            cpus = [m.cpu for m in ok if m.cpu is not None]
            cpu = f"{statistics.median(cpus):.3f}" if cpus else "-"
            rows.append(f"| {size} | {step} | {n} | {med:.3f} ({min(w):.3f}–{max(w):.3f}) | {cpu} | {rss} | {delta} "
                        f"| {out} | {ips} | {ratio} |")
        return "\n".join(rows)

    def scaling(self, small: str, large: str) -> dict[str, float]:
        """Per-item time at ``large`` over per-item time at ``small``, per step."""
        ni, nl = self.info[small]["items"], self.info[large]["items"]
        out = {}
        for (size, step) in self.runs:
            if size != large:
                continue
            a, b = self.median(small, step), self.median(large, step)
            if a and b:
                out[step] = (b / nl) / (a / ni)
        return out

    def targets(self, sizes: list[str]) -> str:
        """The issue's targets with the measured values, met or missed."""
        rows = ["| target | size | measured | limit | status |", "|---|---|---|---|---|"]

        def add(name: str, size: str, value: float | None, limit: float, fmt: str, higher_ok: bool = False,
                cpu: float | None = None) -> None:
            if value is None:
                rows.append(f"| {name} | {size} | not measured | {limit:{fmt}} | n/a |")
                return
            met = value >= limit if higher_ok else value <= limit
            shown = f"{value:{fmt}}" + (f" (CPU {cpu:{fmt}})" if cpu else "")
            rows.append(f"| {name} | {size} | {shown} | {'≥' if higher_ok else '≤'} {limit:{fmt}} "
                        f"| {'met' if met else '**missed**'} |")

        big = [s for s in sizes if s != "27x4"]
        for size in big:
            add("docx ÷ lxml baseline", size, self.ratio(size, "docx", "bl:docx-lxml"), 1.5, ".2f",
                cpu=self.ratio(size, "docx", "bl:docx-lxml", cpu=True))
            if self.pandoc:
                add("pandoc ÷ docx (docx ≥ 10× faster)", size, self.ratio(size, "bl:pandoc-md", "docx"), 10, ".1f",
                    higher_ok=True)
                first = self.ratio(size, "bl:pandoc-md", "docx (first summary)")
                rows.append(f"| (for comparison, not a target) pandoc ÷ docx for a first summary, written the full "
                            f"way with python-docx | {size} | {'n/a' if first is None else f'{first:.1f}'} | | |")
            else:
                rows.append(f"| pandoc ÷ docx (docx ≥ 10× faster) | {size} | not measured: pandoc is not installed "
                            "| ≥ 10 | n/a |")
        for size in big:
            add("xlsx ÷ openpyxl write-only", size, self.ratio(size, "xlsx", "bl:xlsx-openpyxl-wo"), 1.2, ".2f",
                cpu=self.ratio(size, "xlsx", "bl:xlsx-openpyxl-wo", cpu=True))
        if "5000x5" in sizes:
            add("xlsx step memory MB (ΔRSS over the loaded report)", "5000x5", self.step_memory("5000x5", "xlsx"),
                120, ".0f")
        for size in big:
            add("pdf ÷ reportlab platypus", size, self.ratio(size, "pdf", "bl:pdf-reportlab"), 1.3, ".2f",
                cpu=self.ratio(size, "pdf", "bl:pdf-reportlab", cpu=True))
        for size in big:
            add("`all` ÷ (start-up + parse + slowest exporter)", size, self.slowest_single(size)[0], 1.1, ".2f")
        if "5000x5" in sizes:
            add("`all` peak memory MB (process tree, PSS)", "5000x5", self.rss("5000x5", "cli:all"), 400, ".0f")
            scaling = self.scaling("500x5", "5000x5")
            for step, value in scaling.items():
                if not step.startswith("bl:"):  # the target is for our steps; baselines are listed below
                    add(f"per-item time 25k ÷ 2.5k: {step}", "5000x5", value, 1.3, ".2f")
            baselines = ", ".join(f"{step[3:]} {value:.2f}" for step, value in scaling.items() if step.startswith("bl:"))
            rows.append(f"| (for comparison, not a target) per-item time 25k ÷ 2.5k of the baselines | 5000x5 | "
                        f"{baselines} | | |")
        add("sample `reportexport all` wall s", "sample", self.median("sample", "cli:all (sample)"), 1.5, ".2f")
        add("sample `reportexport all` wall s, first run (empty font cache)", "sample",
            self.median("sample", "cli:all (sample, cold font cache)"), 1.5, ".2f")
        add("`reportexport --help` wall s", "sample", self.median("sample", "cli:--help"), 0.35, ".3f")
        return "\n".join(rows)


# =========================================================================== report


def machine() -> str:
    """A description of the machine and the library versions."""
    from importlib import metadata

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
        mem_gb = int(mem.split()[1]) / 1024 / 1024
    except (OSError, StopIteration):
        mem_gb = 0.0
    versions = []
    for dist in ("reportexport", "python-docx", "openpyxl", "reportlab", "lxml", "pydantic", "typer"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            pass
    pandoc = shutil.which("pandoc")
    if pandoc:
        first = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.splitlines()[:1]
        versions.append(first[0] if first else "pandoc")
    else:
        versions.append("pandoc: not installed (its baseline is skipped)")
    import importlib.util

    accel = "rl_accel C extension" if importlib.util.find_spec("_rl_accel") else "pure Python (no rl_accel)"
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "src"], capture_output=True,
                           text=True).stdout.strip()
    dists = sorted({(d.metadata["Name"] or "").lower() for d in metadata.distributions()} - {""})
    optional = [name for name in ("numpy", "cryptography") if name in dists]  # imported by openpyxl / pypdf if present
    where = ("a virtualenv" if sys.prefix != sys.base_prefix else "the system interpreter") + \
        f" with {len(dists)} distributions" + (f", including {', '.join(optional)} (slower imports)" if optional else
                                               ", no numpy or cryptography")
    return (f"- {platform.platform()}; CPU {cpu} × {os.cpu_count()} cores; {mem_gb:.1f} GB RAM\n"
            f"- Python {platform.python_version()} ({where}); {', '.join(versions)}, pypdf "
            f"{metadata.version('pypdf')}; reportlab {accel}\n"
            f"- reportexport commit {commit or '?'}" + (" with uncommitted changes in src/ (the measured package is the installed one)"
                                                         if dirty else "") + "\n"
            f"- date {time.strftime('%Y-%m-%d %H:%M %Z')}")


def sizes_text(h: Harness) -> str:
    rows = ["| size | departments × items | items | chars of item text | facts | input MB |", "|---|---|---|---|---|---|"]
    for size, info in h.info.items():
        d, i = SIZES[size]
        rows.append(f"| {size} | {d} × {i} | {info['items']:,} | {info['chars']:,} | {info['facts']:,} "
                    f"| {info['input_bytes'] / 1e6:.2f} |")
    return "\n".join(rows)


def write_results(h: Harness, path: Path, sizes: list[str], reps: dict[str, int], elapsed: float) -> None:
    reps_text = ", ".join(f"{s}: {n}" for s, n in reps.items())
    parts = [
        "# Benchmarks: reportexport against the bare libraries",
        "",
        "Generated by `python benchmarks/run.py` (do not edit by hand). How it measures: benchmarks/README.md. "
        "Raw runs: `runs.json` in the scratch folder.",
        "",
        "## Machine",
        machine(),
        f"- harness wall time {elapsed / 60:.1f} min; runs per step: {reps_text}",
        "",
        "## Inputs (benchmarks/synth.py, seed 1)",
        sizes_text(h),
        "",
        "## Results",
        "Wall: API steps are timed inside a fresh worker process from before the exporter's (or baseline's) "
        "library is imported to the file written (the pickled report is loaded before the clock starts); "
        "`cli:` steps are the whole command as a user waits for it (interpreter start-up, parsing, every export). "
        "Peak RSS is the whole worker process (interpreter, the loaded report and the step); ΔRSS is the rise of "
        "RSS during the step over the RSS with its input loaded (the kernel's peak mark is reset at the step's "
        "start); \"(tree)\" marks a sampled sum of PSS (shared pages counted once) over a process tree larger than "
        "its largest process. "
        "CPU s: the worker's process time for the step (API steps), or user+sys CPU of the command and the "
        "children it waited for (`cli:` steps, from `os.wait4`). Ratios are medians of per-repetition ratios, by "
        "wall time and (after ';') by CPU time, which other load on the machine disturbs less.",
        "",
        h.table(),
        "",
        "## Targets (issue 9)",
        "`all` is compared with `reportexport --version` start-up + `parse` + the slowest exporter step of the same "
        "repetition, i.e. an estimate of `reportexport <slowest format>` on the same input.",
        "",
        h.targets(sizes),
        "",
    ]
    if h.notes:
        parts += ["## Notes", *[f"- {n}" for n in h.notes], ""]
    if h.profiles:
        parts += ["## Profiles", f"cProfile, one run per step at {PROFILE_SIZE} (2,500 items), in a fresh worker "
                  "process; cProfile inflates per-call overhead 2–3×, read the shape, not the seconds.", ""]
        for step, text in h.profiles.items():
            parts += [f"### {step}", "```", text, "```", ""]
    path.write_text("\n".join(parts), encoding="utf-8")


# =========================================================================== main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="the bundled sample and 500×5 items only; print the table")
    parser.add_argument("--sizes", help="comma-separated sizes to run (27x4,500x5,5000x5)")
    parser.add_argument("--reps", type=int, default=3, help="runs per step (≥ 3; default 3)")
    parser.add_argument("--reps-small", type=int, help="runs per step at 27x4 and for start-up (5; --quick: 3)")
    parser.add_argument("--reps-large", type=int, default=3, help="runs per step at 5000x5 (3)")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile pass")
    parser.add_argument("--results", default=str(HERE / "results.md"), help="where the full run writes its report")
    parser.add_argument("--work", default="/tmp/reportexport-bench", help="scratch folder")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a step is killed")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--profile", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if args.prepare:
        prepare(args)
        return

    started = time.perf_counter()
    load_start = os.getloadavg()
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    h = Harness(work, args.timeout, quick=args.quick)
    if not h.reportexport:
        raise SystemExit("the `reportexport` command is not on PATH: pip install -e . first")
    if not h.pandoc:
        h.notes.append("pandoc is not installed: its baseline (markdown → docx) was skipped, and the "
                       "'docx ≥ 10× faster than pandoc' target is not measured (apt-get install pandoc to measure it).")
    sizes = args.sizes.split(",") if args.sizes else list(QUICK_SIZES if args.quick else FULL_SIZES)
    if args.reps_small is None:
        args.reps_small = 3 if args.quick else 5
    if min(args.reps, args.reps_small, args.reps_large) < 3:
        h.notes.append("fewer than 3 runs per step were asked for: medians of fewer than 3 runs are not robust.")
    reps = {"sample": max(args.reps_small, 3)}
    h.run_startup(reps["sample"])
    for size in sizes:
        n = args.reps_small if size == "27x4" else args.reps_large if size == "5000x5" else args.reps
        reps[size] = n
        h.run_size(size, n)
    if not args.quick and not args.no_profile:
        h.run_profiles(PROFILE_SIZE)
    elapsed = time.perf_counter() - started
    h.notes.append(f"load average (1/5/15 min) at start {load_start[0]:.2f}/{load_start[1]:.2f}/{load_start[2]:.2f}, "
                   f"at end {os.getloadavg()[0]:.2f}/{os.getloadavg()[1]:.2f}/{os.getloadavg()[2]:.2f}; "
                   "other work on this 2-core machine during the run inflates absolute times.")
    print()
    print(h.table())
    print()
    print(h.targets(sizes))
    for note in h.notes:
        print(f"\nnote: {note}")
    print(f"\n(harness wall time {elapsed:.0f} s)")
    raw = [{"size": s, "step": st, **m.__dict__} for (s, st), ms in h.runs.items() for m in ms]
    (work / "runs.json").write_text(json.dumps({"info": h.info, "runs": raw}, ensure_ascii=False, indent=1))
    if not args.quick:
        write_results(h, Path(args.results), sizes, reps, elapsed)
        print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
