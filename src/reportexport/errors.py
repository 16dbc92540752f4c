"""Errors of reportexport: one base class, one exit code per kind.

The CLI catches :class:`ReportExportError` only and prints its message on one line;
anything else is a bug and keeps its traceback.  Exit codes follow DESIGN.md:
0 ok, 1 bad input (or an output that cannot be written), 2 usage.
"""

from __future__ import annotations


class ReportExportError(Exception):
    """Base of every error the toolkit raises on purpose."""

    exit_code: int = 1

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """``file:line: message`` on one line (newlines in the message are folded)."""
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return (where + self.message).replace("\n", " ")


class InputError(ReportExportError, ValueError):
    """The input cannot be read as a report (empty, binary, missing, undecodable ...)."""


class StrictModeError(InputError):
    """A warning was raised while ``--strict`` asks for warnings to be errors."""


class OutputError(ReportExportError, OSError):
    """An output file cannot be written (read-only folder, path is a directory, disk full)."""


class ConfigError(ReportExportError, ValueError):
    """``reportexport.toml`` or a command-line option is not usable."""

    exit_code = 2


class UnknownFormatError(ReportExportError, LookupError):
    """No exporter is registered under the requested name."""

    exit_code = 2


class ExporterUnavailableError(ReportExportError, ImportError):
    """An exporter is registered but cannot be loaded (missing module or dependency)."""

    exit_code = 2


class ResourceError(ReportExportError, FileNotFoundError):
    """A bundled or configured resource (font, template) is missing or unusable."""
