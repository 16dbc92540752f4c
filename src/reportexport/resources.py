"""Find bundled resources (``fonts/``, ``templates/``, the sample) in a wheel or a checkout.

In an installed wheel, ``fonts/`` and ``templates/`` are force-included into the package
(``reportexport/fonts``); in a source checkout or an editable install they sit at the
repository root, two levels above ``src/reportexport``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .errors import ResourceError

PACKAGE_DIR = Path(__file__).resolve().parent
SAMPLE_NAME = "000_cf88b61c2d238c02.txt"


@cache
def resource_dir(kind: str) -> Path:
    """The folder of a kind of resource: ``fonts`` or ``templates``."""
    for candidate in (PACKAGE_DIR / kind, PACKAGE_DIR.parent.parent / kind):
        if candidate.is_dir():
            return candidate
    raise ResourceError(f"the bundled {kind}/ folder is missing from this installation; reinstall reportexport")


def resource(kind: str, name: str) -> Path:
    """Path of one bundled resource file, e.g. ``resource('templates', 'reference.docx')``."""
    path = resource_dir(kind) / name
    if not path.exists():
        raise ResourceError(f"bundled resource {kind}/{name} is missing; reinstall reportexport")
    return path


def sample_path() -> Path:
    """The bundled sample report (page 6 of a newspaper edition), used when no input is given."""
    return PACKAGE_DIR / "samples" / SAMPLE_NAME
