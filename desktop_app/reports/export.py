"""A report as CSV (spreadsheet-safe), JSON and HTML (for PDF, with its charts).

CSV and JSON carry raw values (cents, hours, fractions) under headers that
say the unit; HTML shows them formatted. A cell a spreadsheet would run as a
formula (starting with = + - @, a tab or a carriage return) is prefixed with
an apostrophe.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Mapping
from typing import Any

from desktop_app.credits.receipts import format_money
from desktop_app.reports.model import Cell, Column, Kind, Report, Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def format_cell(value: Cell, kind: Kind, currency: str) -> str:
    if value is None:
        return "–"
    if kind is Kind.TEXT:
        return str(value)
    if kind is Kind.PERCENT:
        return f"{float(value) * 100:.1f} %"
    if kind is Kind.HOURS:
        return f"{float(value):,.1f}"
    if kind is Kind.MONEY:
        return format_money(int(value), currency)
    return f"{int(value):,}"


def _raw(value: Cell, kind: Kind) -> Cell:
    if value is None:
        return None
    if kind is Kind.HOURS:
        return round(float(value), 2)
    if kind is Kind.PERCENT:
        return round(float(value), 4)
    return value


def _header(column: Column, currency: str) -> str:
    if column.kind is Kind.MONEY:
        return f"{column.title} ({currency} cents)"
    if column.kind is Kind.PERCENT:
        return f"{column.title} (fraction)"
    return column.title


def to_csv(report: Report) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([safe_cell(report.title), safe_cell(report.scope), report.start, report.end])
    w.writerow([f"Times in {report.timezone}"])
    for figure in report.figures:
        w.writerow([safe_cell(figure.label), safe_cell(_raw(figure.value, figure.kind))])
    for table in report.tables:
        w.writerow([])
        w.writerow([safe_cell(table.title)])
        w.writerow([safe_cell(_header(c, report.currency)) for c in table.columns])
        for row in table.rows:
            w.writerow(
                [safe_cell(_raw(v, c.kind)) for v, c in zip(row.cells, table.columns, strict=True)]
            )
    return out.getvalue()


def to_dict(report: Report) -> dict[str, Any]:
    return {
        "report": report.name,
        "title": report.title,
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "timezone": report.timezone,
        "currency": report.currency,
        "scope": report.scope,
        "figures": {f.label: _raw(f.value, f.kind) for f in report.figures},
        "tables": [
            {
                "title": t.title,
                "columns": [_header(c, report.currency) for c in t.columns],
                "rows": [
                    [_raw(v, c.kind) for v, c in zip(r.cells, t.columns, strict=True)]
                    for r in t.rows
                ],
            }
            for t in report.tables
        ],
        "notes": list(report.notes),
    }


def to_json(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _table_html(table: Table, currency: str) -> str:
    head = "".join(
        f'<th align="{"left" if c.kind is Kind.TEXT else "right"}">{_e(c.title)}</th>'
        for c in table.columns
    )
    body = []
    for row in table.rows:
        cells = []
        for value, column in zip(row.cells, table.columns, strict=True):
            text = _e(format_cell(value, column.kind, currency))
            if row.total:
                text = f"<b>{text}</b>"
            align = "left" if column.kind is Kind.TEXT else "right"
            cells.append(f'<td align="{align}">{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not table.rows:
        return "<p>Nothing in this period.</p>"
    return (
        '<table width="100%" cellspacing="0" cellpadding="3" border="1">\n'
        f"<tr>{head}</tr>\n" + "\n".join(body) + "\n</table>"
    )


def to_html(report: Report, charts: Mapping[int, str] | None = None, clinic_name: str = "") -> str:
    """The report as a document; `charts` maps a table's index to an image name
    the printing side has drawn (Qt adds the images as document resources)."""
    charts = charts or {}
    by = f" — {_e(clinic_name)}" if clinic_name else ""
    figures = "\n".join(
        f'<tr><td>{_e(f.label)}</td><td align="right"><b>'
        f"{_e(format_cell(f.value, f.kind, report.currency))}</b></td></tr>"
        for f in report.figures
    )
    parts = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8">'
        f"<title>{_e(report.title)} {_e(report.period_label)}</title></head>",
        '<body style="font-family: sans-serif; font-size: 9pt;">',
        f"<h2>{_e(report.title)}{by}</h2>",
        f"<p>{_e(report.scope)} · {_e(report.period_label)} (times in {_e(report.timezone)})</p>",
        f'<table cellspacing="0" cellpadding="3">\n{figures}\n</table>',
    ]
    for i, table in enumerate(report.tables):
        parts.append(f"<h3>{_e(table.title)}</h3>")
        if i in charts:
            parts.append(f'<p><img src="{_e(charts[i])}" width="640"></p>')
        parts.append(_table_html(table, report.currency))
        if table.note:
            parts.append(f"<p><i>{_e(table.note)}</i></p>")
    parts.extend(f"<p><i>{_e(n)}</i></p>" for n in report.notes)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
