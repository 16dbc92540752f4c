"""Real clients open what we write: LibreOffice converts every kind of .docx and .xlsx the
toolkit produces, qpdf and pdfinfo accept every kind of PDF.

The set covers the sample with every option, the real work reports of the corpus, the
page merge, and each repaired case of the bad-input corpus.  In CI (.ci/run sets
REPORTEXPORT_REQUIRE_CLIENTS=1) a missing client fails these tests instead of skipping.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from reportexport.api import export, load_report
from reportexport.exporters import ExportOptions

from .conftest import CORPUS, FIXTURES, SAMPLE_TXT, need_program

BAD = FIXTURES / "bad"


def _variants() -> list[tuple[str, list[Path], dict]]:
    cases: dict = json.loads((BAD / "cases.json").read_text(encoding="utf-8"))
    out = [
        ("sample", [SAMPLE_TXT], {}),
        ("sample-toc-brief", [SAMPLE_TXT], {"toc": True, "brief": True}),
        ("sample-full", [SAMPLE_TXT], {"full": True}),
        ("pages-merged", [FIXTURES / "pages" / "p5.txt", SAMPLE_TXT, FIXTURES / "pages" / "p7.txt"], {}),
        ("web", [FIXTURES / "web_report.txt"], {}),
    ]
    corpus = sorted(CORPUS.glob("*.txt"))
    assert len(corpus) >= 3, f"the shared corpus is missing: {CORPUS}"
    out += [(p.stem, [p], {}) for p in corpus]
    out += [(Path(n).stem, [BAD / n], {}) for n, c in sorted(cases.items()) if c["outcome"] == "repaired"]
    return out


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("clients")
    files: dict[str, dict[str, Path]] = {}
    for name, inputs, flags in _variants():
        report = load_report(inputs)
        options = ExportOptions(**flags)
        files[name] = {fmt: export(report, fmt, folder / f"{name}.{fmt}", options) for fmt in ("docx", "xlsx", "pdf")}
    return files


def _soffice_convert(paths: list[Path], target: str, outdir: Path) -> subprocess.CompletedProcess[str]:
    soffice = need_program("soffice")
    profile = outdir / "profile"
    env = {**os.environ, "HOME": str(outdir)}
    return subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", target,
         "--outdir", str(outdir), *map(str, paths)],
        capture_output=True, text=True, timeout=1200, env=env,
    )


def _pdftotext(path: Path) -> str:
    return subprocess.run([need_program("pdftotext"), "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


def test_libreoffice_opens_every_docx(written: dict[str, dict[str, Path]], tmp_path: Path) -> None:
    docs = [files["docx"] for files in written.values()]
    result = _soffice_convert(docs, "pdf", tmp_path)
    assert result.returncode == 0, result.stderr
    for name, files in written.items():
        pdf = tmp_path / f"{name}.pdf"
        assert pdf.exists(), f"LibreOffice did not convert {name}.docx: {result.stdout} {result.stderr}"
        # the footer's page number (— 49 —) may fall inside a title that wraps at a page's foot
        text = _squash(re.sub(r"(?m)^\s*—\s*\d+\s*—\s*$", "", _pdftotext(pdf)))
        report = load_report(next(p for n, p, _ in _variants() if n == name))
        missing = [i.id for _, i in report.items() if _squash(i.label + i.title) not in text]
        assert not missing, f"{name}: titles missing from LibreOffice's rendering: {missing[:5]}"
    print(f"LibreOffice converted {len(docs)} .docx files")


def test_libreoffice_opens_every_xlsx(written: dict[str, dict[str, Path]], tmp_path: Path) -> None:
    books = [files["xlsx"] for files in written.values()]
    result = _soffice_convert(books, "pdf", tmp_path)
    assert result.returncode == 0, result.stderr
    for name in written:
        pdf = tmp_path / f"{name}.pdf"
        assert pdf.exists(), f"LibreOffice did not convert {name}.xlsx: {result.stdout} {result.stderr}"
        text = _squash(_pdftotext(pdf))
        assert "序号" in text, name
        report = load_report(next(p for n, p, _ in _variants() if n == name))
        titles = [i.id for _, i in report.items() if _squash(i.title)[:10] not in text]
        assert not titles, f"{name}: item titles missing from LibreOffice's rendering of the sheet: {titles[:5]}"
    print(f"LibreOffice converted {len(books)} .xlsx files")


def test_qpdf_and_pdfinfo_accept_every_pdf(written: dict[str, dict[str, Path]]) -> None:
    qpdf, pdfinfo = need_program("qpdf"), need_program("pdfinfo")
    for name, files in written.items():
        check = subprocess.run([qpdf, "--check", str(files["pdf"])], capture_output=True, text=True)
        assert check.returncode == 0, f"{name}: {check.stdout} {check.stderr}"
        info = subprocess.run([pdfinfo, str(files["pdf"])], capture_output=True, text=True)
        assert info.returncode == 0 and re.search(r"Pages:\s+[1-9]", info.stdout), f"{name}: {info.stderr}"
