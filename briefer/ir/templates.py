"""Pack templates: folders holding `template.json` (layout settings) and `style.docx`.

The bundled ones live in `templates/`; a user copies one into their own templates folder
(`paths.user_templates_dir()`), changes it, and it is picked up under its folder name,
in front of a bundled one of the same name. `style.docx` is the Word style base: the DOCX
writer starts from it, so restyling it in Word restyles every pack built with it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

from briefer import paths
from briefer.errors import TemplateError, UsageError

SETTINGS_FILE = "template.json"
STYLE_FILE = "style.docx"
DEFAULT_TEMPLATE = "briefing"
AUDIENCES = ("internal", "shareable")


@dataclass(frozen=True, slots=True)
class Template:
    id: str  # the folder name, which `--template` takes
    folder: Path
    name: str  # the name shown to users
    description: str = ""
    cover: bool = True
    contents: bool = True
    sources_annex: bool = True
    part_new_page: bool = False  # each part heading starts a new page
    condensed: bool = False  # speaking notes: key messages first, first paragraph of each section
    notes_space: int = 0  # ruled lines for handwritten notes after each section
    body_size: float = 11.0  # points
    body_font: str = "LiberationSerif"  # a family in resources/fonts
    heading_font: str = "LiberationSans"
    margin_mm: float = 22.0
    # Which blocks it prints, by audience: "internal" (objectives, if-raised answers, notes,
    # by default) and "shareable" (excerpts, key messages...). A handout prints shareable only.
    audiences: tuple[str, ...] = ("internal", "shareable")
    mirror_margins: bool = False  # printed both sides: inner and outer margins, not left and right
    gutter_mm: float = 0.0  # added to the inner margin (binding), with mirror_margins
    cards: bool = False  # speaking notes: each key message or excerpt on a page (card) of its own

    def __post_init__(self) -> None:
        """The one check of a template's values: every writer and estimate may trust them."""
        _check_range(self, "margin_mm", self.margin_mm, 5, 50, "mm")
        _check_range(self, "body_size", self.body_size, 6, 24, "points")
        _check_range(self, "notes_space", self.notes_space, 0, 40, "lines")
        _check_range(self, "gutter_mm", self.gutter_mm, 0, 30, "mm")
        unknown = [a for a in self.audiences if a not in AUDIENCES]
        if unknown or not self.audiences:
            raise TemplateError(
                f"{self.folder / SETTINGS_FILE}: audiences must list one or more of "
                f"{', '.join(AUDIENCES)}, not {list(self.audiences)}"
            )
        for name in ("body_font", "heading_font"):
            family = getattr(self, name)
            if family not in bundled_fonts():
                raise TemplateError(
                    f"{self.folder / SETTINGS_FILE}: the font '{family}' ({name}) is not one of the "
                    f"bundled fonts; set body_font and heading_font to one of: {', '.join(bundled_fonts())}"
                )

    @property
    def style_docx(self) -> Path:
        return self.folder / STYLE_FILE


_FACES = ("Regular", "Bold", "Italic", "BoldItalic")
_FAMILY_NAME = re.compile(r"[A-Za-z0-9]+\Z")


@cache
def bundled_fonts() -> tuple[str, ...]:
    """The font families shipped in resources/fonts with all four faces."""
    folder = paths.fonts_dir()
    families = {path.name.rsplit("-", 1)[0] for path in folder.glob("*-Regular.ttf")}
    return tuple(
        sorted(
            family
            for family in families
            if _FAMILY_NAME.match(family)
            and all((folder / f"{family}-{face}.ttf").is_file() for face in _FACES)
        )
    )


def font_file(family: str, face: str) -> Path:
    """A bundled font's file: face is one of Regular, Bold, Italic, BoldItalic."""
    return paths.fonts_dir() / f"{family}-{face}.ttf"


def _check_range(template: Template, name: str, value: float, low: float, high: float, unit: str) -> None:
    if not low <= value <= high:
        raise TemplateError(
            f"{template.folder / SETTINGS_FILE}: {name} is {value}; set it between {low} and {high} {unit}"
        )


_SETTINGS = {f.name: f.type for f in fields(Template) if f.name not in ("id", "folder")}


def load_template(folder: Path) -> Template:
    settings_file = folder / SETTINGS_FILE
    try:
        settings: dict[str, Any] = json.loads(settings_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplateError(f"{folder}: not a template folder (it has no {SETTINGS_FILE})") from None
    except (OSError, ValueError) as error:
        raise TemplateError(f"{settings_file}: cannot be read ({error}); fix or remove the file") from None
    if not isinstance(settings, dict):
        raise TemplateError(f"{settings_file}: must hold a JSON object of settings")
    unknown = sorted(set(settings) - set(_SETTINGS))
    if unknown:
        raise TemplateError(
            f"{settings_file}: unknown setting '{unknown[0]}'; the settings are {', '.join(sorted(_SETTINGS))}"
        )
    for name, value in settings.items():
        kind = _SETTINGS[name]
        ok = {
            "bool": isinstance(value, bool),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, int | float) and not isinstance(value, bool),
            "str": isinstance(value, str),
            "tuple[str, ...]": isinstance(value, list) and all(isinstance(v, str) for v in value),
        }[kind]
        if not ok:
            wanted = "list of text" if kind.startswith("tuple") else kind
            raise TemplateError(f"{settings_file}: the setting '{name}' must be a {wanted}, not {value!r}")
        if isinstance(value, list):
            settings[name] = tuple(value)
    template = Template(id=folder.name, folder=folder, **{"name": folder.name, **settings})
    if not template.style_docx.is_file():
        raise TemplateError(f"{folder}: the template has no {STYLE_FILE}; copy one from a bundled template")
    return template


def template_folders() -> list[Path]:
    """Where templates are looked for, the user's own first."""
    return [paths.user_templates_dir(), paths.templates_dir()]


def available_templates() -> dict[str, Template]:
    """Every usable template by id; a user's template hides a bundled one of the same id."""
    found: dict[str, Template] = {}
    for root in reversed(template_folders()):
        if not root.is_dir():
            continue
        for folder in sorted(root.iterdir()):
            if (folder / SETTINGS_FILE).is_file():
                try:
                    found[folder.name] = load_template(folder)
                except TemplateError:
                    continue  # a broken user copy must not hide the others; find_template reports it
    return found


def find_template(name: str | None) -> Template:
    """The template named by folder id or display name (any case)."""
    wanted = (name or DEFAULT_TEMPLATE).strip()
    for root in template_folders():
        folder = root / wanted
        if (folder / SETTINGS_FILE).is_file():
            return load_template(folder)
    for template in available_templates().values():
        if template.name.casefold() == wanted.casefold():
            return template
    names = ", ".join(sorted(available_templates()))
    raise UsageError(f"unknown template '{wanted}'; the templates are: {names}")
