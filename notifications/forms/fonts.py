"""The forms' TrueType fonts, parsed once per process and handed to each PDF fresh.

fpdf2 parses a TrueType file for every document that adds it (a fifth of a second for
each DejaVu face) and, when the document is written, cuts the font down in place to the
glyphs it used. So the parsed metrics (character widths, the character map, glyph ids),
which no document changes, are kept here once per face; each document gets its own copy
of the per-document state (which glyphs it used) and its own font tables to cut.

The tables a document cuts are, most of the time, those of a smaller font made once per
process: the scripts the forms are written in (Latin, Cyrillic with the Kazakh letters,
the punctuation of the three languages). A document that used a glyph beyond it is cut
from the whole face instead, so every glyph DejaVu has still prints. Bounding boxes are
not recomputed when a font is cut: fontTools keeps each glyph's own, and recomputing them
meant decoding and re-encoding every glyph of every document.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from fontTools import ttLib
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FACES = {"": FONTS / "DejaVuSans.ttf", "B": FONTS / "DejaVuSans-Bold.ttf"}
# What kk, ru and en text is written in: Latin with its accents, Cyrillic (ә ғ қ ң ө ұ ү
# һ і among it), dashes, quotes and bullets, №, the tenge and a few signs of numbers.
SCRIPTS = [*range(0x20, 0x180), *range(0x400, 0x530), *range(0x2010, 0x2045), 0x2116, 0x20B8, 0x2212, 0x2264, 0x2265]


@dataclass(frozen=True)
class Face:
    """One face (regular or bold) as every document of the process shares it."""

    parsed: TTFFont  # metrics shared by every document: never written to after parsing
    whole: bytes  # the file
    scripts: bytes  # the face cut to SCRIPTS, glyph names kept
    names: frozenset[str]  # the glyphs `scripts` holds


def add_fonts(pdf: FPDF, family: str) -> None:
    """Give `pdf` the family's faces, as `pdf.add_font` would, without parsing them again."""
    for style, path in FACES.items():
        face = _face(family, style, path)
        font = copy.copy(face.parsed)
        font.i = len(pdf.fonts) + 1
        font.subset = type(face.parsed.subset)(font)
        font.missing_glyphs, font.biggest_size_pt = [], 0
        font.ttfont = _tables(face.scripts)
        pdf.fonts[font.fontkey] = font


def before_output(pdf: FPDF, family: str) -> None:
    """Cut a face from the whole font when the document used a glyph beyond SCRIPTS."""
    for style, path in FACES.items():
        face = _face(family, style, path)
        font = cast("TTFFont", pdf.fonts[face.parsed.fontkey])  # added from a TTF file just above
        if not face.names.issuperset(font.subset.get_all_glyph_names()):
            font.ttfont = _tables(face.whole)


def _tables(data: bytes) -> ttLib.TTFont:
    from fontTools import ttLib

    return ttLib.TTFont(BytesIO(data), lazy=True, recalcTimestamp=False, recalcBBoxes=False)


@cache
def _face(family: str, style: str, path: Path) -> Face:
    from fontTools import subset, ttLib
    from fpdf import FPDF

    scratch = FPDF()
    scratch.add_font(family, style, str(path))
    parsed = cast("TTFFont", scratch.fonts[f"{family.lower()}{style}"])  # added from a TTF file just above
    whole = path.read_bytes()
    font = ttLib.TTFont(BytesIO(whole), recalcTimestamp=False)
    options = subset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True, layout_features=[])
    options.drop_tables += ["GPOS", "GSUB", "GDEF", "FFTM"]
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=SCRIPTS)
    cutter.subset(font)
    out = BytesIO()
    font.save(out)
    return Face(parsed, whole, out.getvalue(), frozenset(font.getGlyphOrder()))
