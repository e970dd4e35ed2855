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

from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, cast

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
        font = _measured()(face.parsed)
        font.i = len(pdf.fonts) + 1
        font.subset = type(face.parsed.subset)(font)
        font.missing_glyphs, font.biggest_size_pt = [], 0
        font.ttfont = _tables(face.scripts)
        pdf.fonts[font.fontkey] = font


@cache
def _measured() -> Callable[[TTFFont], TTFFont]:
    """A document's copy of a parsed face that remembers the width of each text it measured.

    fpdf2 breaks a line by adding a character at a time and measuring the whole line again
    (characters × line length width look-ups, most of a form's time). Each text's width
    in font units is kept for the document, so a text one character longer than one already
    measured costs one look-up. Widths are whole font units: the sum is the same, exactly."""
    from fpdf.fonts import TTFFont

    class Measured(TTFFont):
        __slots__ = ("widths",)

        def __init__(self, parsed: TTFFont) -> None:  # a copy of the parsed face, not a parse
            for name in TTFFont.__slots__:
                if hasattr(parsed, name):
                    setattr(self, name, getattr(parsed, name))
            self.widths: dict[str, float] = {}  # whole font units, as fpdf2 keeps them

        def get_text_width(self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None) -> tuple[int, float]:
            if text_shaping_params or self.is_symbol:
                return cast("tuple[int, float]", super().get_text_width(text, font_size_pt, text_shaping_params))
            self.biggest_size_pt = max(self.biggest_size_pt, font_size_pt)
            units = self.widths.get(text)
            if units is None:
                shorter = self.widths.get(text[:-1]) if text else None
                units = shorter + self.cw[ord(text[-1])] if shorter is not None else sum(map(self.cw.__getitem__, map(ord, text)))
                self.widths[text] = units
            return len(text), units * font_size_pt * 0.001

    return Measured


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
