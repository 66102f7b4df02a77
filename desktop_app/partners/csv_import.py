"""Reading a partner organisation's CSV of employees, and checking each row.

`parse_allocation_csv` never touches the database: it turns the file into a
preview that names every bad row and why (a bad e-mail, bad credits, a
duplicate) and every problem with the file itself (not UTF-8, empty, an
unknown or missing column). `preview_allocation_import` adds what only the
database knows (an employee who already has an active allocation from this
organisation). Nothing is imported until the user confirms; the
ImportAllocations command then checks every row again and imports all of
them or none.

A file saved by a spreadsheet is expected: a UTF-8 byte order mark, comma,
semicolon or tab separators, quoted fields, blank lines, header names in any
case ("E-mail", "email address", "Name", "Credits").
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.infra.database import Database
from desktop_app.kernel.errors import NotFound, ValidationError
from desktop_app.kernel.validation import normalise_email
from desktop_app.partners.commands import AllocationInput
from models import AllocationStatus, PartnerAllocation, PartnerOrganisation

MAX_ROWS = 5000
MAX_CREDITS = 100
MAX_NAME = 200

# Accepted header names (lower case, spaces collapsed) for each column.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e-mail", "e_mail", "email address", "e-mail address", "mail"),
    "name": ("name", "full name", "employee", "employee name"),
    "credits": ("credits", "credit", "sessions"),
}
_HEADER = {alias: column for column, aliases in _COLUMNS.items() for alias in aliases}
_SEPARATORS = (",", ";", "\t")


@dataclass(frozen=True)
class CsvRow:
    # The line of the file, as a text editor or spreadsheet numbers it.
    line: int
    email: str
    name: str | None
    credits: int | None
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class CsvPreview:
    rows: tuple[CsvRow, ...]
    # Problems with the file as a whole; when there are any, no row is read.
    file_errors: tuple[str, ...] = ()

    @property
    def good_rows(self) -> tuple[CsvRow, ...]:
        return tuple(r for r in self.rows if r.ok)

    @property
    def bad_rows(self) -> tuple[CsvRow, ...]:
        return tuple(r for r in self.rows if not r.ok)

    @property
    def ok(self) -> bool:
        """True when the import can go ahead: a good file with only good rows."""
        return not self.file_errors and bool(self.rows) and not self.bad_rows

    def summary(self) -> str:
        if self.file_errors:
            return " ".join(self.file_errors)
        bad = len(self.bad_rows)
        total = len(self.rows)
        if not bad:
            return f"{total} {'employee' if total == 1 else 'employees'} ready to import."
        return (
            f"{bad} of {total} rows {'has' if bad == 1 else 'have'} problems; fix the file "
            "and load it again. Nothing is imported until every row is right."
        )

    def allocations(self) -> tuple[AllocationInput, ...]:
        """The rows as the import command takes them; only for a preview that is ok."""
        if not self.ok:
            raise ValidationError(self.summary())
        return self.good_allocations()

    def good_allocations(self) -> tuple[AllocationInput, ...]:
        """The good rows only, for a user who chose to leave the bad ones out."""
        return tuple(AllocationInput(r.email, r.credits, r.name, r.line) for r in self.good_rows)


# --- checks shared with the import command --------------------------------------------


def clean_email(raw: str) -> str:
    if not raw or not raw.strip():
        raise ValidationError("no e-mail address")
    try:
        return normalise_email(raw)
    except ValidationError:
        raise ValidationError(f"{raw.strip()!r} is not a valid e-mail address") from None


def clean_credits(raw: str | int | None) -> int | None:
    """None: the organisation's default."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValidationError("credits must be a whole number")
    if isinstance(raw, int):
        value = raw
    else:
        text = raw.strip()
        if not text.lstrip("-").isdigit():
            raise ValidationError(f"credits must be a whole number, not {text!r}")
        value = int(text)
    if not 1 <= value <= MAX_CREDITS:
        raise ValidationError(f"credits must be between 1 and {MAX_CREDITS}, not {value}")
    return value


def clean_name(raw: str | None) -> str | None:
    name = " ".join((raw or "").split())
    if len(name) > MAX_NAME:
        raise ValidationError(f"the name is longer than {MAX_NAME} characters")
    return name or None


def row_label(row: AllocationInput, index: int) -> str:
    return f"line {row.line}" if row.line is not None else f"row {index + 1}"


def check_rows(
    rows: Sequence[AllocationInput], already_allocated: Mapping[str, str]
) -> tuple[list[AllocationInput], list[tuple[int, str]]]:
    """(cleaned rows, [(row index, problem)]) for rows as the command takes
    them. `already_allocated` maps e-mails that may not get another
    allocation to the reason."""
    cleaned: list[AllocationInput] = []
    problems: list[tuple[int, str]] = []
    first_seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        email = row.email.strip()
        credits = name = None
        try:
            email = clean_email(row.email)
        except ValidationError as exc:
            problems.append((i, str(exc)))
        else:
            if email in first_seen:
                earlier = first_seen[email]
                problems.append(
                    (i, f"duplicate: {email} is already on {row_label(rows[earlier], earlier)}")
                )
            elif email in already_allocated:
                problems.append((i, already_allocated[email]))
            first_seen.setdefault(email, i)
        try:
            credits = clean_credits(row.credits)
        except ValidationError as exc:
            problems.append((i, str(exc)))
        try:
            name = clean_name(row.name)
        except ValidationError as exc:
            problems.append((i, str(exc)))
        cleaned.append(AllocationInput(email, credits, name, row.line))
    return cleaned, problems


# --- the file -------------------------------------------------------------------------


def _decode(data: str | bytes) -> str:
    if isinstance(data, bytes):
        raw = data
        try:
            data = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise ValidationError(
                f"The file is not UTF-8 text (line {line} has a character in another "
                "encoding). Save it from the spreadsheet as 'CSV UTF-8' and load it again."
            ) from None
    return data.removeprefix("\ufeff")


def _separator(header_line: str) -> str:
    return max(_SEPARATORS, key=header_line.count)


def _header_key(raw: str) -> str:
    return " ".join(raw.strip().lower().split())


def parse_allocation_csv(data: str | bytes) -> CsvPreview:
    """Every row of the file with its problems; see the module's docstring."""
    try:
        text = _decode(data)
    except ValidationError as exc:
        return CsvPreview((), (str(exc),))
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        return CsvPreview((), ("The file is empty.",))
    first = next(line for line in lines if line.strip())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(first))
    try:
        records = [(reader.line_num, record) for record in reader]
    except csv.Error as exc:
        return CsvPreview((), (f"The file is not valid CSV (line {reader.line_num}): {exc}.",))
    records = [(n, r) for n, r in records if any(cell.strip() for cell in r)]
    header = records[0][1]
    columns: list[str] = []
    file_errors: list[str] = []
    expected = ", ".join(_COLUMNS)
    for cell in header:
        key = _HEADER.get(_header_key(cell))
        if key is None:
            shown = cell.strip() or "(empty)"
            file_errors.append(f"Unknown column {shown!r} (the columns are: {expected}).")
        elif key in columns:
            file_errors.append(f"The column {key!r} appears twice.")
        columns.append(key or "")
    if "email" not in columns:
        file_errors.append(f"There is no e-mail column (the columns are: {expected}).")
    body = records[1:]
    if not file_errors and not body:
        file_errors.append("The file has a header but no employees.")
    if len(body) > MAX_ROWS:
        file_errors.append(
            f"The file has {len(body)} employees; import at most {MAX_ROWS} at a time."
        )
    if file_errors:
        return CsvPreview((), tuple(file_errors))

    raw_rows: list[AllocationInput] = []
    read_errors: dict[int, list[str]] = {}
    for i, (line, record) in enumerate(body):
        errors = read_errors.setdefault(i, [])
        if len(record) > len(columns):
            errors.append(
                f"{len(record)} values, but the header has {len(columns)} columns "
                "(a separator inside a value needs quotes)"
            )
        # Spreadsheets drop empty cells at the end of a row.
        cells = dict(zip(columns, record + [""] * (len(columns) - len(record)), strict=False))
        credits = None
        try:
            credits = clean_credits(cells.get("credits", ""))
        except ValidationError as exc:
            errors.append(str(exc))
        raw_rows.append(
            AllocationInput(cells.get("email", ""), credits, cells.get("name") or None, line)
        )
    return _preview(raw_rows, read_errors)


def _preview(
    raw_rows: Sequence[AllocationInput], read_errors: Mapping[int, list[str]]
) -> CsvPreview:
    cleaned, problems = check_rows(raw_rows, {})
    by_row = {i: list(errors) for i, errors in read_errors.items()}
    for i, error in problems:
        by_row.setdefault(i, []).append(error)
    return CsvPreview(
        tuple(
            CsvRow(
                line=row.line or i + 1,
                email=row.email,
                name=row.name,
                credits=row.credits,
                errors=tuple(by_row.get(i, ())),
            )
            for i, row in enumerate(cleaned)
        )
    )


def active_allocations(
    session: Session, organisation: PartnerOrganisation, emails: Iterable[str], now: datetime
) -> dict[str, str]:
    """E-mails (of `emails`) that already hold an active allocation of the
    organisation, with the reason a new one is refused: importing the same
    file twice must not give everyone twice the credits."""
    wanted = sorted(set(emails))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(PartnerAllocation.employee_email, PartnerAllocation.expires_at).where(
                PartnerAllocation.organisation_id == organisation.id,
                PartnerAllocation.status == AllocationStatus.ACTIVE,
                PartnerAllocation.expires_at > now,
                PartnerAllocation.employee_email.in_(wanted[start : start + 500]),
            )
        ).all()
        for email, expires_at in rows:
            found[email] = (
                f"{email} already has an active allocation from {organisation.name} "
                f"(until {expires_at:%d %b %Y}); revoke it first to replace it"
            )
    return found


def preview_allocation_import(
    db: Database, organisation_id: uuid.UUID, data: str | bytes, now: datetime
) -> CsvPreview:
    """The file's preview, with what the database knows added to its rows."""
    preview = parse_allocation_csv(data)
    if preview.file_errors:
        return preview
    with db.read_sessions() as s:
        organisation = s.get(PartnerOrganisation, organisation_id)
        if organisation is None:
            raise NotFound("That partner organisation does not exist.")
        taken = active_allocations(s, organisation, (r.email for r in preview.good_rows), now)
    if not taken:
        return preview
    rows = tuple(
        replace(r, errors=(*r.errors, taken[r.email])) if r.ok and r.email in taken else r
        for r in preview.rows
    )
    return CsvPreview(rows)
