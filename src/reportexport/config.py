"""Settings: built-in defaults, overridden by ``reportexport.toml``, overridden by options.

``reportexport.toml`` is looked for in the current folder (or given with ``--config``)::

    [document]
    author = "市委督查室"
    continued_name = "市委党校"      # name of a section continued from the previous page

    [docx.fonts]                     # font names Word/WPS look up (w:eastAsia)
    title = "华文中宋"                # offices without 方正小标宋简体

    [pdf.fonts]                      # font files for the PDF digest (TrueType outlines)
    song = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

    [xlsx]
    statuses = ["已完成", "推进中", "未启动", "滞后"]
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ConfigError

CONFIG_NAME = "reportexport.toml"


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DocumentSettings(_Section):
    """Settings shared by every output."""

    author: str = Field(default="reportexport", description="Author written into document properties.")
    continued_name: str | None = Field(default=None, description="Name for a section continued from the previous page, e.g. 市委党校.")


class DocxFonts(_Section):
    """Font names per role in the Word summary (GB/T 9704-2012 defaults)."""

    title: str = "方正小标宋简体"
    body: str = "仿宋_GB2312"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    page_number: str = "宋体"
    latin: str = "Times New Roman"


class DocxSettings(_Section):
    fonts: DocxFonts = DocxFonts()
    template: str | None = Field(default=None, description="Reference .docx whose styles and page setup are used.")


class PdfSettings(_Section):
    fonts: dict[str, str] = Field(default_factory=dict, description="Role (song, hei, kai, fangsong, fallback) -> font file.")
    system_fonts: bool = Field(default=False, description="Also look for fonts installed on the system.")


class XlsxSettings(_Section):
    statuses: tuple[str, ...] = Field(default=("已完成", "推进中", "未启动", "滞后"), min_length=1,
                                      description="The 完成状态 drop-down; the first counts as done.")


class Settings(_Section):
    """All settings; ``Settings()`` are the built-in defaults."""

    document: DocumentSettings = DocumentSettings()
    docx: DocxSettings = DocxSettings()
    pdf: PdfSettings = PdfSettings()
    xlsx: XlsxSettings = XlsxSettings()
    source: str | None = Field(default=None, description="The file the settings were read from.")


def load_settings(path: Path | None = None) -> Settings:
    """Read ``path`` (or ``./reportexport.toml`` when it exists); defaults otherwise."""
    if path is None:
        default = Path.cwd() / CONFIG_NAME
        if not default.is_file():
            return Settings()
        path = default
    if not path.is_file():
        raise ConfigError("configuration file not found", path=str(path))
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=str(path)) from None
    try:
        settings = Settings.model_validate({**data, "source": str(path)})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"[{where}] {first['msg']}", path=str(path)) from None
    return _relative_to(settings, path.parent)


def _relative_to(settings: Settings, base: Path) -> Settings:
    """Font files and the template named relative to the configuration file's folder."""
    def absolute(value: str) -> str:
        return value if Path(value).is_absolute() else str(base / value)

    fonts = {role: absolute(value) for role, value in settings.pdf.fonts.items()}
    template = absolute(settings.docx.template) if settings.docx.template else None
    return settings.model_copy(update={
        "pdf": settings.pdf.model_copy(update={"fonts": fonts}),
        "docx": settings.docx.model_copy(update={"template": template}),
    })
