"""The forms' TrueType fonts: parsed once per process, cut once per process, embedded in
each PDF as they are.

fpdf2 parses a TrueType file for every document that adds it (a fifth of a second for
each DejaVu face) and, when the document is written, cuts the font down with fontTools to
the glyphs that document used: some 5 ms a face even from a small font, a third of a
form's time. Two documents of a bulk print seldom use the very same glyphs (the names
differ), so a cut kept per set of glyphs is seldom used again.

So the parsed metrics (character widths, the character map, glyph ids), which no
document changes, are kept here once per face, and each document gets its own copy of
the per-document state (which glyphs it used, in which order). And each face is cut
once per process to the alphabets the forms are written in: the Kazakh Cyrillic alphabet
(the Russian one within it) with ASCII's digits and signs and the punctuation of the
three languages; and that with the Latin letters, for a form that prints one (in English,
every form). A document whose glyphs all lie in one (almost every one) embeds the smaller
as it is; one that used a glyph beyond them embeds a cut of the alphabets and its own
glyphs from the whole face, kept for the next document that needs those same glyphs. A
form embeds some 160 glyphs a face (210 with Latin) in place of the 70 it prints, their
hinting kept: a form in Kazakh or Russian is some 42 KB in place of 25 KB, in English 51
in place of 29.

fpdf2 has no option for a font cut beforehand. Its one documented hook into writing a
PDF is `output(output_producer_class=…)`; `Embedding` is that class, and overrides the
step that writes the fonts (`_add_fonts`) for these faces only, writing the same objects
fpdf2 writes (a Type0 font over a CIDFontType2, its widths, the ToUnicode map that keeps
the text searchable, the code-to-glyph map), with the cut in place of fpdf2's. fpdf2 is
pinned for this; tests/test_forms_fonts.py reads the text and the glyphs back.
"""

from __future__ import annotations

import copy
import logging
import zlib
from dataclasses import dataclass
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from string import ascii_letters
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, cast

if TYPE_CHECKING:
    from fpdf import FPDF
    from fpdf.fonts import TTFFont
    from fpdf.output import OutputProducer
    from fpdf.syntax import PDFObject

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FACES = {"": FONTS / "DejaVuSans.ttf", "B": FONTS / "DejaVuSans-Bold.ttf"}
KAZAKH = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"  # the 42 letters, the 33 Russian ones among them
# Dashes, quotes, the ellipsis and bullets, №, the tenge, the signs of numbers and the
# no-break space that kk, ru and en text is set with.
PUNCTUATION = "\u00a0«»°±·×–—‘’‚“”„•…№₸−≤≥"
LATIN = frozenset(map(ord, ascii_letters))
CYRILLIC = frozenset([*range(0x20, 0x7F), *map(ord, KAZAKH + KAZAKH.lower() + PUNCTUATION)]) - LATIN  # with ASCII's digits and signs
ALPHABETS = (CYRILLIC, CYRILLIC | LATIN)  # the smaller first: a kk or ru form seldom prints a Latin letter
# The tables fpdf2 drops when it cuts a font: none is read from a PDF's embedded TrueType.
DROPPED = ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT", "EBLC", "EBSC", "SVG ", "CPAL", "COLR"]
LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cut:
    """A face cut to some glyphs, as a PDF embeds it."""

    deflated: bytes  # the TrueType file, compressed as the PDF stream holds it
    length: int  # its size before compression
    glyph_ids: Mapping[str, int]  # glyph name → glyph id in the cut
    names: frozenset[str]  # the glyphs it holds


@dataclass(frozen=True)
class Face:
    """One face (regular or bold) as every document of the process shares it."""

    parsed: TTFFont  # metrics shared by every document: never written to after parsing
    path: Path
    alphabets: tuple[Cut, ...]  # the cuts to ALPHABETS, the smaller first

    def cut_for(self, used: Iterable[str]) -> Cut:
        """The smallest of the alphabets' cuts that holds `used`, or one with the glyphs beyond them too."""
        glyphs = frozenset(used)
        found = next((cut for cut in self.alphabets if glyphs <= cut.names), None)
        return found or _cut(self.path, self.alphabets[-1].names | glyphs)


def add_fonts(pdf: FPDF, family: str) -> None:
    """Give `pdf` the family's faces, as `pdf.add_font` would, without parsing them again."""
    for style, path in FACES.items():
        face = _face(family, style, path)
        font = _measured()(face)
        font.i = len(pdf.fonts) + 1
        font.subset = type(face.parsed.subset)(font)
        font.missing_glyphs, font.biggest_size_pt = [], 0
        pdf.fonts[font.fontkey] = font


def write(pdf: FPDF) -> bytes:
    """The PDF's file, the faces added by `add_fonts` embedded as cut once per process."""
    return bytes(pdf.output(output_producer_class=_embedding()))


@cache
def _measured() -> Callable[[Face], TTFFont]:
    """A document's copy of a parsed face that remembers the width of each text it measured.

    fpdf2 breaks a line by adding a character at a time and measuring the whole line again
    (characters × line length width look-ups, most of a form's time). Each text's width
    in font units is kept for the document, so a text one character longer than one already
    measured costs one look-up. Widths are whole font units: the sum is the same, exactly."""
    from fpdf.fonts import TTFFont

    class Measured(TTFFont):
        __slots__ = ("widths", "face")

        def __init__(self, face: Face) -> None:  # a copy of the parsed face, not a parse
            for name in TTFFont.__slots__:
                if hasattr(face.parsed, name):
                    setattr(self, name, getattr(face.parsed, name))
            self.widths: dict[str, float] = {}  # whole font units, as fpdf2 keeps them
            self.face = face

        def get_text_width(self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None) -> tuple[int, float]:
            if text_shaping_params or self.is_symbol:
                return cast("tuple[int, float]", super().get_text_width(text, font_size_pt, text_shaping_params))
            if font_size_pt > self.biggest_size_pt:  # a million calls a bulk print: no max() call each
                self.biggest_size_pt = font_size_pt
            units = self.widths.get(text)
            if units is None:
                shorter = self.widths.get(text[:-1]) if text else None
                units = shorter + self.cw[ord(text[-1])] if shorter is not None else sum(map(self.cw.__getitem__, map(ord, text)))
                self.widths[text] = units
            return len(text), units * font_size_pt * 0.001

    return Measured


@cache
def _embedding() -> type[OutputProducer]:
    """fpdf2's writer of a PDF, embedding the faces of `add_fonts` from their cuts."""
    from fpdf.output import CIDSystemInfo, OutputProducer, PDFFont
    from fpdf.syntax import Name, PDFArray, PDFContentStream

    measured = cast("type[Any]", _measured())  # Measured, whose `face` is its cuts

    class Embedding(OutputProducer):
        def _add_fonts(self, *resources: Any) -> dict[int, Any]:
            fonts = self.fpdf.fonts
            ours = {key: font for key, font in fonts.items() if isinstance(font, measured)}
            for key in ours:  # whatever else a document uses is fpdf2's to write
                del fonts[key]
            try:
                added: dict[int, Any] = super()._add_fonts(*resources)
            finally:
                fonts.update(ours)
            for font in ours.values():
                added[font.i] = self._embed(font, font.face)
            return added

        def _embed(self, font: TTFFont, face: Face) -> PDFObject:
            """The objects fpdf2 writes for a TrueType font, the face's cut for its file."""
            used = {code: glyph for glyph, code in font.subset.items() if glyph is not None}
            cut = face.cut_for(glyph.glyph_name for glyph in used.values())
            _warn_missing(font)
            name = f"MPDFAA+{font.name}"
            composite = PDFFont(subtype="Type0", base_font=name, encoding="Identity-H")
            self._add_pdf_obj(composite, "fonts")
            widths = {code: glyph.glyph_width for code, glyph in used.items()}
            cid_font = PDFFont(subtype="CIDFontType2", base_font=name, d_w=font.desc.missing_width, w=_widths(widths))
            self._add_pdf_obj(cid_font, "fonts")
            composite.descendant_fonts = PDFArray([cid_font])
            unicodes = {code: glyph.unicode for code, glyph in used.items() if isinstance(glyph.unicode, tuple) and glyph.unicode}
            composite.to_unicode = PDFContentStream(_to_unicode(unicodes).encode("latin-1"))
            self._add_pdf_obj(composite.to_unicode, "fonts")
            cid_font.c_i_d_system_info = CIDSystemInfo()
            self._add_pdf_obj(cid_font.c_i_d_system_info, "fonts")
            descriptor = copy.copy(font.desc)  # shared by every document: each gets its own object id
            descriptor.font_name = Name(name)
            self._add_pdf_obj(descriptor, "fonts")
            cid_font.font_descriptor = descriptor
            glyph_ids = {code: cut.glyph_ids[glyph.glyph_name] for code, glyph in used.items()}
            cid_font.c_i_d_to_g_i_d_map = PDFContentStream(_code_to_glyph(glyph_ids), compress=True)
            self._add_pdf_obj(cid_font.c_i_d_to_g_i_d_map, "fonts")
            file = PDFContentStream(cut.deflated)
            file.filter, file.length1 = Name("FlateDecode"), cut.length  # type: ignore[attr-defined]  # deflated once per process
            self._add_pdf_obj(file, "fonts")
            descriptor.font_file2 = file  # type: ignore[attr-defined]
            font.subset.pick.cache_clear()  # as fpdf2 does: these caches are its class's, and hold every document's
            font.subset.get_glyph.cache_clear()
            return composite

    return Embedding


def _warn_missing(font: TTFFont) -> None:
    """A character the face has no glyph for, named as fpdf2 names it."""
    if font.missing_glyphs:
        shown = ", ".join(f"'{chr(code)}' ({chr(code).encode('unicode-escape').decode()})" for code in font.missing_glyphs[:10])
        LOGGER.warning("Font %s is missing the following glyphs: %s", font.name, shown)


def _widths(widths: Mapping[int, int]) -> str:
    """The CID font's W array: each run of consecutive codes with its widths."""
    runs: list[tuple[int, list[int]]] = []
    for code in sorted(widths):
        if runs and runs[-1][0] + len(runs[-1][1]) == code:
            runs[-1][1].append(widths[code])
        else:
            runs.append((code, [widths[code]]))
    return "[" + " ".join(f"{start} [{' '.join(map(str, run))}]" for start, run in runs) + "]"


def _to_unicode(unicodes: Mapping[int, tuple[int, ...]]) -> str:
    """The CMap from each code to its text, in blocks of 100 (Adobe Technical Note #5014)."""
    entries = [f"<{code:04X}> <{''.join(chr(u).encode('utf-16-be').hex().upper() for u in text)}>\n" for code, text in unicodes.items()]
    blocks = "".join(
        f"{len(entries[start : start + 100])} beginbfchar\n{''.join(entries[start : start + 100])}endbfchar\n" for start in range(0, len(entries), 100)
    )
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{blocks}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    )


def _code_to_glyph(glyph_ids: Mapping[int, int]) -> bytes:
    """The CIDToGIDMap: two bytes, the glyph id, for each of the 65,536 codes."""
    table = bytearray(2 * 0x10000)
    for code, glyph_id in glyph_ids.items():
        table[2 * code : 2 * code + 2] = glyph_id.to_bytes(2, "big")
    return bytes(table)


@lru_cache(maxsize=64)
def _cut(path: Path, names: frozenset[str]) -> Cut:
    """The face at `path` cut to `names` as fpdf2 cuts a font, compressed."""
    from fontTools import subset, ttLib

    font = ttLib.TTFont(path, recalcTimestamp=False)
    options = subset.Options(notdef_outline=True, recommended_glyphs=True)
    options.drop_tables += DROPPED
    cutter = subset.Subsetter(options)
    cutter.populate(glyphs=sorted(names))
    cutter.subset(font)
    out = BytesIO()
    font.save(out)
    data, order = out.getvalue(), font.getGlyphOrder()
    return Cut(zlib.compress(data), len(data), {name: index for index, name in enumerate(order)}, frozenset(order))


@cache
def _face(family: str, style: str, path: Path) -> Face:
    from fpdf import FPDF

    scratch = FPDF()
    scratch.add_font(family, style, str(path))
    parsed = cast("TTFFont", scratch.fonts[f"{family.lower()}{style}"])  # added from a TTF file just above
    cuts = (_cut(path, frozenset(parsed.cmap[code] for code in codes if code in parsed.cmap)) for codes in ALPHABETS)
    return Face(parsed, path, tuple(cuts))
