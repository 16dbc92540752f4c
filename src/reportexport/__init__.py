"""reportexport: Chinese government work reports → Word summary, Excel tracking sheet, PDF digest.

Readers (``reportexport.ingest``) turn text into one :class:`~reportexport.model.Report`;
exporters (``reportexport.exporters``) turn the report into files.
"""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("reportexport")
except metadata.PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
