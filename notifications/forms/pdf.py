"""The PDF side of the forms: an A4 sheet drawn with fpdf2 in the DejaVu Sans fonts
shipped in notifications/fonts (they carry ә ғ қ ң ө ұ ү һ і), parsed once per process
(fonts.py). The fonts are embedded as TrueType subsets, cut once per process to the
alphabets the forms are written in (fonts.py), so the text of a form can be searched and
copied; no system font is ever asked for, so a form prints the same on every
machine.

Each form lays itself out with these few pieces (caption, title, fields, tables,
signatures, a chart), the same pieces its HTML template is made of.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Literal, Sequence

from methodology.i18n import Lang
from notifications.forms.base import Heading, Signature, day
from notifications.forms.fonts import add_fonts, write

FAMILY = "DejaVu Sans"  # also the font-family the spider chart's SVG names
SIZE = 9
HEADINGS_FILL = (232, 238, 244)
BLANK = "______________"


@dataclass(frozen=True)
class Span:
    """A cell over several columns or rows; the cells it covers are left out."""

    text: str
    cols: int = 1
    rows: int = 1


class Sheet:
    def __init__(self, title: str, lang: Lang, orientation: Literal["P", "L"] = "P") -> None:
        from fpdf import FPDF  # fpdf2 takes a fifth of a second to import: paid when a PDF is drawn, not by every command

        pdf = FPDF(orientation=orientation, unit="mm", format="A4")
        pdf.set_margins(15, 12, 15)
        pdf.set_auto_page_break(True, 12)
        add_fonts(pdf, FAMILY)
        pdf.set_title(title)
        pdf.set_lang(lang)
        pdf.add_page()
        pdf.set_font(FAMILY, size=SIZE)
        self.pdf = pdf
        self.lang = lang

    def caption(self, *lines: str) -> None:
        """The annex caption, top right, as the seeds set it."""
        pdf = self.pdf
        pdf.set_font(size=7.5)
        width = 95
        for line in lines:
            pdf.set_x(pdf.w - pdf.r_margin - width)
            pdf.multi_cell(width, 3.6, line, align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(size=SIZE)
        pdf.ln(3)

    def title(self, *lines: str) -> None:
        pdf = self.pdf
        pdf.set_font(style="B", size=11)
        for line in lines:
            pdf.multi_cell(0, 5.5, line, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(style="", size=SIZE)
        pdf.ln(3)

    def field(self, label: str, value: str) -> None:
        """`Label: value`, the label bold, wrapped to the page."""
        pdf = self.pdf
        pdf.set_font(style="B")
        pdf.write(4.6, f"{label}: ")
        pdf.set_font(style="")
        pdf.write(4.6, value or BLANK)
        pdf.ln(5.5)

    def servant(self, top: Heading, L: dict[str, str], name_label: str) -> None:
        """Who is appraised: name, position, unit, and whether they took part."""
        self.field(L[name_label], top.servant.name)
        self.field(L["position"], top.servant.position)
        self.field(L["unit"], top.servant.unit)
        if top.without:
            self.text(L["without_participation"], bold=True)

    def text(self, value: str, *, size: float = SIZE, bold: bool = False, align: str = "L") -> None:
        pdf = self.pdf
        pdf.set_font(style="B" if bold else "", size=size)
        pdf.multi_cell(0, size * 0.5, value, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(style="", size=SIZE)
        pdf.ln(1.5)

    def table(
        self,
        headings: Sequence[str | Span],
        rows: Sequence[Sequence[str | Span]],
        widths: Sequence[float],
        *,
        subheadings: Sequence[str] = (),
        empty: str = "",
        size: float = 8,
    ) -> None:
        """A bordered table. A heading `Span` over columns stands above the `subheadings`,
        and the plain headings then take both heading rows; `empty` fills one spanning row
        when there are no rows."""
        from fpdf.fonts import FontFace

        pdf = self.pdf
        pdf.set_font(size=size)
        headings_style = FontFace(emphasis="BOLD", fill_color=HEADINGS_FILL)
        with pdf.table(
            col_widths=tuple(widths),
            headings_style=headings_style,
            line_height=size * 0.48,
            text_align="LEFT",
            padding=1,
            num_heading_rows=2 if subheadings else 1,
        ) as table:
            tall = 2 if subheadings else 1
            heading: list[str | Span] = [c if isinstance(c, Span) else Span(c, rows=tall) for c in headings]
            every: list[Sequence[str | Span]] = [heading, subheadings, *rows]
            for cells in every:
                if not cells:
                    continue
                row = table.row()
                for cell in cells:
                    span = cell if isinstance(cell, Span) else Span(cell)
                    row.cell(span.text, colspan=span.cols, rowspan=span.rows)
            if not rows:
                table.row().cell(empty, colspan=len(widths))
        pdf.set_font(size=SIZE)
        pdf.ln(3)

    def signatures(self, people: Sequence[Signature], date_label: str, signature_label: str) -> None:
        pdf = self.pdf
        pdf.ln(2)
        for person in people:
            when = day(person.on, self.lang) or BLANK
            pdf.multi_cell(0, 4.6, f"{person.role}: {person.name}", new_x="LMARGIN", new_y="NEXT")
            pdf.multi_cell(0, 4.6, f"{date_label}: {when}      {signature_label}: {BLANK}", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.5)

    def chart(self, title: str, svg: str, width: float, height: float) -> None:
        """An SVG drawing under its title, centred, both on one page; fpdf2 turns the SVG
        into PDF paths and text."""
        pdf = self.pdf
        if pdf.get_y() + height + 8 > pdf.page_break_trigger:
            pdf.add_page()
        self.text(title, bold=True, align="C")
        top = pdf.get_y()
        pdf.image(BytesIO(svg.encode("utf-8")), x=(pdf.w - width) / 2, y=top, w=width, h=height)
        pdf.set_y(top + height + 2)

    def confidential(self, line: str) -> None:
        """The confidentiality line the HTML ends with, under a rule, small and grey."""
        pdf = self.pdf
        pdf.ln(4)
        pdf.set_draw_color(184, 194, 204)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(1)
        pdf.set_text_color(107, 119, 133)
        self.text(line, size=7.5)
        pdf.set_text_color(0, 0, 0)

    def output(self) -> bytes:
        return write(self.pdf)
