"""A client's credit ledger, newest entry first: what a desk reads when a
client asks "how many do I have left, and where did the others go?"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.credits.ledger import LedgerRow
from models.enums import CreditEntryKind
from ui.kit.formatting import AMBER, BLUE, GREEN, GREY, RED, VIOLET
from ui.kit.table_model import ZonedRowTableModel

KIND_LABELS: dict[CreditEntryKind, str] = {
    CreditEntryKind.PURCHASE: "Purchase",
    CreditEntryKind.USE: "Used",
    CreditEntryKind.REFUND: "Refund",
    CreditEntryKind.ADJUSTMENT: "Adjustment",
    CreditEntryKind.EXPIRY: "Expired",
    CreditEntryKind.TRANSFER: "Transfer",
    CreditEntryKind.PARTNER_ALLOCATION: "Partner credits",
    CreditEntryKind.PEER_EARN: "Exchange earned",
    CreditEntryKind.PEER_SPEND: "Exchange spent",
}

# (background, text): the same pale-fill, dark-text pairs as the appointment statuses.
KIND_COLOURS: dict[CreditEntryKind, tuple[str, str]] = {
    CreditEntryKind.PURCHASE: GREEN,
    CreditEntryKind.USE: BLUE,
    CreditEntryKind.REFUND: VIOLET,
    CreditEntryKind.ADJUSTMENT: AMBER,
    CreditEntryKind.EXPIRY: GREY,
    CreditEntryKind.TRANSFER: BLUE,
    CreditEntryKind.PARTNER_ALLOCATION: GREEN,
    CreditEntryKind.PEER_EARN: GREEN,
    CreditEntryKind.PEER_SPEND: BLUE,
}

GAIN_COLOUR = GREEN[1]
LOSS_COLOUR = RED[1]
# Entries the ledger writes without a person: the expiry job, the command line.
SYSTEM_NAME = "System"


def signed(amount: int) -> str:
    """+5, −2 (a real minus sign: it lines up with the plus in a column)."""
    return f"+{amount}" if amount > 0 else f"\u2212{-amount}" if amount < 0 else "0"


def opens_lot(row: LedgerRow) -> bool:
    """Whether the entry added credits that expire on their own date."""
    return row.amount > 0 and row.lot_id is None


class LedgerModel(ZonedRowTableModel[LedgerRow]):
    COL_WHEN = 0
    COL_CHANGE = 1
    COL_KIND = 2
    COL_REASON = 3
    COL_WHO = 4
    COL_APPOINTMENT = 5
    COL_EXPIRES = 6
    COL_BALANCE = 7
    COL_RECEIPT = 8
    HEADERS = (
        "When",
        "Change",
        "Kind",
        "Reason",
        "By",
        "Appointment",
        "Expires",
        "Balance",
        "Receipt",
    )

    def set_ledger(self, rows: Sequence[LedgerRow], tz: tzinfo) -> None:
        """Show the core's ledger (oldest first) newest first."""
        if tz != self._tz:
            self._tz = tz
            # Every time shown depends on the zone.
            self.beginResetModel()
            self._rows = []
            self.endResetModel()
        self.set_rows(list(reversed(rows)))

    def expires_text(self, row: LedgerRow) -> str:
        if not opens_lot(row) or row.expires_at is None:
            return ""
        day = row.expires_at.astimezone(self._tz).date()
        return f"{day.day} {day:%b %Y}"

    def display(self, row: LedgerRow, column: int) -> str:
        match column:
            case self.COL_WHEN:
                local = row.created_at.astimezone(self._tz)
                return f"{local.day} {local:%b %Y}, {local:%H:%M}"
            case self.COL_CHANGE:
                return signed(row.amount)
            case self.COL_KIND:
                return KIND_LABELS.get(row.kind, str(row.kind))
            case self.COL_REASON:
                return row.reason
            case self.COL_WHO:
                return row.actor_name or SYSTEM_NAME
            case self.COL_APPOINTMENT:
                return row.appointment_reference or ""
            case self.COL_EXPIRES:
                return self.expires_text(row)
            case self.COL_BALANCE:
                return str(row.balance_after)
            case self.COL_RECEIPT:
                return row.receipt_number or ""
        return ""

    def sort_value(self, row: LedgerRow, column: int) -> Any:
        if column == self.COL_WHEN:
            return row.created_at.timestamp()
        if column == self.COL_CHANGE:
            return row.amount
        if column == self.COL_BALANCE:
            return row.balance_after
        if column == self.COL_EXPIRES:
            return row.expires_at.timestamp() if row.expires_at and opens_lot(row) else 0.0
        return self.display(row, column).casefold()

    def header_alignment(self, section: int) -> Qt.AlignmentFlag | None:
        if section in (self.COL_CHANGE, self.COL_BALANCE):
            return Qt.AlignmentFlag.AlignRight
        return None

    def tooltip(self, row: LedgerRow) -> str:
        lines = [
            f"{self.display(row, self.COL_KIND)} of {signed(row.amount)} "
            f"on {self.display(row, self.COL_WHEN)}",
            row.reason,
            f"By {self.display(row, self.COL_WHO)}",
        ]
        if row.appointment_reference:
            lines.append(f"Appointment {row.appointment_reference}")
        if row.organisation_name:
            lines.append(f"Partner: {row.organisation_name}")
        if row.receipt_number:
            lines.append(f"Receipt {row.receipt_number}")
        if expires := self.expires_text(row):
            lines.append(f"Expires {expires}")
        lines.append(f"Balance afterwards: {row.balance_after}")
        return "\n".join(line for line in lines if line)

    def cell_role(self, row: LedgerRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            self.COL_CHANGE,
            self.COL_BALANCE,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.COL_CHANGE and row.amount:
                return QBrush(QColor(GAIN_COLOUR if row.amount > 0 else LOSS_COLOUR))
            if column == self.COL_KIND:
                return QBrush(QColor(KIND_COLOURS[row.kind][1]))
        if role == Qt.ItemDataRole.BackgroundRole and column == self.COL_KIND:
            return QBrush(QColor(KIND_COLOURS[row.kind][0]))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row)
        return None
