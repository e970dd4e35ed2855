"""The forms' fonts are parsed and cut once per process and shared by every PDF
(notifications/forms/fonts.py): each document must still embed every glyph it printed,
whether it lies in the alphabets' cut or only in the whole DejaVu face, and the text must
read back; a glyph beyond the alphabets goes only into the document that printed it."""

from __future__ import annotations

from io import BytesIO

from fontTools.ttLib import TTFont
from pypdf import PdfReader

from notifications.forms.fonts import FACES
from notifications.forms.pdf import Sheet


def _pdf(*lines: str) -> bytes:
    sheet = Sheet("fonts", "kk")
    for line in lines:
        sheet.text(line)
        sheet.text(line, bold=True)
    return sheet.output()


def _text(content: bytes) -> str:
    return " ".join(PdfReader(BytesIO(content)).pages[0].extract_text().split())


def _files(content: bytes) -> list[bytes]:
    """The TrueType file of every font the PDF embeds."""
    return [
        font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]["/FontFile2"].get_data()
        for page in PdfReader(BytesIO(content)).pages
        for font in page["/Resources"]["/Font"].values()
    ]


def _outlines(content: bytes) -> set[tuple[tuple[float, float], ...]]:
    """The outlines of the glyphs in every font the PDF embeds (their names are not kept)."""
    return {shape for file in _files(content) for shape in _shapes(TTFont(BytesIO(file)), None)}


def _glyphs(text: str) -> set[tuple[tuple[float, float], ...]]:
    """The outlines DejaVu Sans draws `text` with."""
    face = TTFont(FACES[""])
    cmap = face.getBestCmap()
    return _shapes(face, {cmap[ord(c)] for c in text if not c.isspace()})


def _shapes(font: TTFont, names: set[str] | None) -> set[tuple[tuple[float, float], ...]]:
    table = font["glyf"]
    return {tuple(table[name].getCoordinates(table)[0]) for name in (names or font.getGlyphOrder())} - {()}


def test_documents_drawn_one_after_another_each_carry_their_own_text_in_the_alphabets_cut_once() -> None:
    first, second = _pdf("Әділет Қанатұлы 4,75"), _pdf("Ғалым Үмбетов № 12")
    assert "Әділет Қанатұлы 4,75" in _text(first)
    assert "Ғалым Үмбетов № 12" in _text(second)
    assert "Әділет" not in _text(second)
    assert _glyphs("ӘҚҒҮ№") <= _outlines(first) and _glyphs("ӘҚҒҮ№") <= _outlines(second)
    assert _files(first) == _files(second)  # the same cut, as it is: no font is cut per document
    latin = _pdf("KPI 4,75")
    assert "KPI 4,75" in _text(latin) and _files(latin) == _files(_pdf("Smith, J.")) != _files(first)  # the cut with Latin too


def test_a_glyph_beyond_the_alphabets_is_taken_from_the_whole_face_for_that_document_only() -> None:
    content = _pdf("Ω → ∞ Қазақ")
    assert "Ω → ∞ Қазақ" in _text(content)
    assert _glyphs("Ω→∞Қазақ") <= _outlines(content)
    after = _pdf("Қазақ")
    assert _text(after) == "Қазақ Қазақ"
    assert not _glyphs("Ω") <= _outlines(after) and _files(after) == _files(_pdf("Ғалым"))
