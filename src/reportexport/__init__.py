"""reportexport: Chinese government work reports → Word summary, Excel tracking sheet, PDF digest.

Readers (``reportexport.ingest``) turn text into one :class:`~reportexport.model.Report`;
exporters (``reportexport.exporters``) turn the report into files.
"""

from __future__ import annotations

#: The package version; ``pyproject.toml`` reads it from here (hatch), so it is written once and
#: importing the package does not import ``importlib.metadata`` (≈ 45 ms).
__version__ = "0.1.0"

__all__ = ["__version__"]
