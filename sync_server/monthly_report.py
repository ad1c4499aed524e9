"""The monthly report for management: one month's figures against the month before, as
CSV (for a spreadsheet) and PDF (to forward as it is).

    month = month_figures(db, "2026-11", min_installs=5)
    csv_text, pdf_bytes = as_csv(month), as_pdf(month)

The month defaults to the last complete one; the current month is reported up to today.
Figures and their definitions are the dashboard's (sync_server/report.py).
"""
from __future__ import annotations

import calendar
import csv
import io
from datetime import date, datetime, timezone

from unidecode import unidecode

from sync_server.db import Database
from sync_server.inputs import spreadsheet_safe
from sync_server.report import report

# (key in totals, label, kind): kind "n" a count, "%" a rate, "x" a ratio
KPIS = [
    ("dialogues", "Dialogues", "n"), ("interactions", "Questions", "n"),
    ("interactions_per_dialogue", "Questions per dialogue", "x"),
    ("comprehension_rate", "Comprehension (answered, not disowned)", "%"),
    ("choose_rate", "\"Did you mean\" offered", "%"), ("choose_abandoned", "\"Did you mean\" abandoned", "n"),
    ("not_understood_rate", "Not understood", "%"), ("helpful_rate", "Satisfaction (helpful answers)", "%"),
    ("solved_without_ticket", "Solved without a ticket", "n"), ("deflection_rate", "Deflection", "%"),
    ("tickets_created", "Tickets (incidents) created", "n"), ("escalation_rate", "Escalation rate", "%"),
    ("requests_created", "Service requests sent", "n"),
    ("bookings", "Callback bookings", "n"),
]


def last_complete_month(today: date | None = None) -> str:
    today = today or datetime.now(timezone.utc).date()
    return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1).strftime("%Y-%m")


def _month_report(db: Database, month: date, min_installs: int, today: date) -> dict:
    last = date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
    until = min(last, today) if month <= today else last          # a month not begun yet: all zeros
    return report(db, days=(until - month).days + 1, min_installs=min_installs, today=until)


def month_figures(db: Database, month: str, min_installs: int = 5, today: date | None = None) -> dict:
    """This month's and the previous month's report, and the month's name (ValueError for a
    month that is not YYYY-MM)."""
    today = today or datetime.now(timezone.utc).date()
    first = datetime.strptime(month, "%Y-%m").date()
    previous = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    return {"month": month, "name": first.strftime("%B %Y"), "current": _month_report(db, first, min_installs, today),
            "previous": _month_report(db, previous, min_installs, today), "previous_name": previous.strftime("%B %Y")}


def _shown(value, kind: str) -> str:
    if value is None:
        return "n/a"
    if kind == "%":
        return f"{value * 100:.1f}%"
    return f"{value:g}" if kind == "x" else str(value)


def _rows(figures: dict) -> list[tuple[str, str, str]]:
    now, before = figures["current"]["totals"], figures["previous"]["totals"]
    return [(label, _shown(now[key], kind), _shown(before[key], kind)) for key, label, kind in KPIS]


def as_csv(figures: dict) -> str:
    out = io.StringIO()
    writer = _SafeWriter(csv.writer(out))
    writer.writerow(["figure", figures["name"], figures["previous_name"]])
    writer.writerows(_rows(figures))
    writer.writerow([])
    writer.writerow(["most used articles", "uses", ""])
    writer.writerows([(row["title"], row["count"], "") for row in figures["current"]["top_articles"][:10]])
    writer.writerow([])
    writer.writerow(["tickets by team", "tickets", ""])
    writer.writerows([(row["id"], row["count"], "") for row in figures["current"]["tickets_by_team"]])
    writer.writerow([])
    writer.writerow(["questions not understood (asked by several installs)", "installs", "asked"])
    writer.writerows([(row["question"], row["installs"], row["asked"]) for row in figures["current"]["gaps"][:20]])
    return out.getvalue()


class _SafeWriter:
    """A csv writer whose cells no spreadsheet runs as formulas (titles and questions come
    from outside)."""

    def __init__(self, writer) -> None:
        self.writer = writer

    def writerow(self, row) -> None:
        self.writer.writerow([spreadsheet_safe(cell) for cell in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def _latin1(text: str) -> str:
    """The PDF's built-in font has Latin-1 only: other characters are transliterated."""
    return "".join(ch if ord(ch) < 256 else unidecode(ch) for ch in str(text))


def as_pdf(figures: dict) -> bytes:
    from fpdf import FPDF  # noqa: PLC0415 - loaded only when a report is asked for

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _latin1(f"Helpdesk Assistant - {figures['name']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    current = figures["current"]
    pdf.cell(0, 6, _latin1(f"From {current['since']} to {current['until']}, compared with {figures['previous_name']}."),
             new_x="LMARGIN", new_y="NEXT")
    _table(pdf, ["Figure", figures["name"], figures["previous_name"]], _rows(figures), [100, 40, 40])
    _table(pdf, ["Most used articles", "Uses"],
           [(row["title"], str(row["count"])) for row in current["top_articles"][:10]] or [("No data", "")], [150, 30])
    _table(pdf, ["Tickets by team", "Tickets"],
           [(row["id"], str(row["count"])) for row in current["tickets_by_team"]] or [("No tickets", "")], [150, 30])
    _table(pdf, ["Questions not understood", "Installs"],
           [(row["question"], str(row["installs"])) for row in current["gaps"][:15]] or [("None reached the threshold", "")],
           [150, 30])
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(0, 4, _latin1("Comprehension counts answers not marked 'did not help'; 'did you mean' lists and "
                                 "questions not understood are counted apart. Deflection = solved without a ticket / "
                                 "(solved + tickets). A translated article counts once, under its original's title."))
    return bytes(pdf.output())


def _table(pdf, header: list[str], rows: list[tuple], widths: list[int]) -> None:
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10)
    for text, width in zip(header, widths):
        pdf.cell(width, 7, _latin1(text)[:60], border="B")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for row in rows:
        for text, width in zip(row, widths):
            shown = _latin1(text)
            while pdf.get_string_width(shown) > width - 2 and len(shown) > 3:
                shown = shown[:-4] + "..."
            pdf.cell(width, 6, shown)
        pdf.ln()
