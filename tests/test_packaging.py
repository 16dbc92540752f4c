"""The installed package declares what it imports: a fresh `pip install .` must run `reportexport all`."""

from __future__ import annotations

import ast
import re
import sys
from importlib import metadata

from .conftest import REPO

PACKAGE = REPO / "src" / "reportexport"


def _imported_top_level_modules() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def _runtime_requirements() -> set[str]:
    names = set()
    for requirement in metadata.requires("reportexport") or []:
        if "extra ==" in requirement:
            continue
        names.add(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def test_every_third_party_module_imported_is_a_runtime_dependency() -> None:
    third_party = {m for m in _imported_top_level_modules() if m not in sys.stdlib_module_names and m != "reportexport"}
    assert "pypdf" in third_party  # the read-back check of the PDF: imported, so it must be declared
    providers = metadata.packages_distributions()
    required = _runtime_requirements()
    missing = {m: providers.get(m) for m in third_party
               if not {d.lower().replace("_", "-") for d in providers.get(m, [m])} & required}
    # lxml comes with python-docx, which requires it
    missing = {m: d for m, d in missing.items() if m not in ("lxml",)}
    assert not missing, f"imported but not declared in [project] dependencies: {missing}"
