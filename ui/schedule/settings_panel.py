"""A practitioner's schedule settings: slot interval, buffers, minimum notice,
booking horizon and a daily maximum, saved as one command."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from desktop_app.availability.commands import (
    UpdateScheduleSettings,
)
from desktop_app.availability.queries import SettingsRow
from ui.schedule.panel_parts import (
    Runner,
    panel_caption,
    panel_card,
)
from ui.schedule.schedule_dialogs import (
    LABEL_ALIGNMENT,
)
from ui.schedule.week_layout import duration_text


def _spin(minimum: int, maximum: int, suffix: str, step: int = 1) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(minimum, maximum)
    spin.setSuffix(suffix)
    spin.setSingleStep(step)
    # One width for all, so the hints beside them line up.
    spin.setFixedWidth(150)
    spin.setAccelerated(True)
    return spin


class SettingsPanel(QWidget):
    """Slot interval, buffers, notice, horizon and a daily maximum."""

    def __init__(self, run: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._run = run
        self._practitioner_id: uuid.UUID | None = None
        self._loaded: SettingsRow | None = None

        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 4, 0, 0)
        card, layout = panel_card("Booking settings")
        card.setMaximumWidth(720)
        layout.addWidget(
            panel_caption(
                "How slots are offered to the front desk. Times are in minutes;\n"
                "buffers keep time free around every appointment."
            )
        )
        form = QFormLayout()
        form.setLabelAlignment(LABEL_ALIGNMENT)
        form.setHorizontalSpacing(18)
        form.setVerticalSpacing(10)
        # No ceiling below the core's: it says why a value is refused.
        self.interval = _spin(1, 240, " min", 5)
        self.buffer_before = _spin(0, 240, " min", 5)
        self.buffer_after = _spin(0, 240, " min", 5)
        self.min_notice = _spin(0, 60 * 24 * 30, " min", 15)
        self.horizon = _spin(1, 730, " days", 7)
        self.max_per_day = _spin(0, 100, "")
        self.max_per_day.setSpecialValueText("No limit")
        self.notice_hint = panel_caption()
        rows: tuple[tuple[str, QSpinBox, QLabel], ...] = (
            ("Slot interval", self.interval, panel_caption("Slots start on this grid, e.g. 15.")),
            ("Buffer before", self.buffer_before, panel_caption("Free time before each session.")),
            ("Buffer after", self.buffer_after, panel_caption("Free time after each session.")),
            ("Minimum notice", self.min_notice, self.notice_hint),
            ("Booking horizon", self.horizon, panel_caption("How far ahead clients can book.")),
            (
                "Bookings per day",
                self.max_per_day,
                panel_caption("At most this many sessions a day; 0 means no limit."),
            ),
        )
        for label, spin, hint in rows:
            line = QHBoxLayout()
            line.setSpacing(14)
            line.addWidget(spin)
            line.addWidget(hint, 1)
            form.addRow(label, line)
            spin.valueChanged.connect(self._edited)
        layout.addLayout(form)

        buttons = QHBoxLayout()
        self.note = panel_caption()
        buttons.addWidget(self.note, 1)
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Back to the saved settings")
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton("Save settings")
        self.save_button.setObjectName("primaryButton")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout.addSpacing(6)
        layout.addLayout(buttons)
        outer.addWidget(card, 1, Qt.AlignmentFlag.AlignTop)
        outer.addStretch(0)
        self._edited()

    def values(self) -> SettingsRow:
        return SettingsRow(
            self.interval.value(),
            self.buffer_before.value(),
            self.buffer_after.value(),
            self.min_notice.value(),
            self.horizon.value(),
            self.max_per_day.value() or None,
        )

    def is_dirty(self) -> bool:
        return self._loaded is not None and self.values() != self._loaded

    def set_data(self, practitioner_id: uuid.UUID, settings: SettingsRow) -> bool:
        """Show stored settings; True if unsaved typing was kept over a stored change."""
        switched = practitioner_id != self._practitioner_id
        self._practitioner_id = practitioner_id
        kept_over_change = False
        if switched or not self.is_dirty():
            self._show(settings)
        else:
            kept_over_change = settings != self._loaded
        self._loaded = settings
        self._edited()
        return kept_over_change

    def _show(self, settings: SettingsRow) -> None:
        for spin, value in (
            (self.interval, settings.slot_interval_min),
            (self.buffer_before, settings.buffer_before_min),
            (self.buffer_after, settings.buffer_after_min),
            (self.min_notice, settings.min_notice_min),
            (self.horizon, settings.horizon_days),
            (self.max_per_day, settings.max_per_day or 0),
        ):
            with QSignalBlocker(spin):
                spin.setValue(value)

    def revert(self) -> None:
        if self._loaded is not None:
            self._show(self._loaded)
        self._edited()

    def save(self) -> None:
        if self._practitioner_id is None:
            return
        values = self.values()
        command = UpdateScheduleSettings(
            practitioner_id=self._practitioner_id,
            slot_interval_min=values.slot_interval_min,
            buffer_before_min=values.buffer_before_min,
            buffer_after_min=values.buffer_after_min,
            min_notice_min=values.min_notice_min,
            horizon_days=values.horizon_days,
            max_per_day=values.max_per_day,
        )

        def saved(_: object) -> None:
            self._loaded = values
            self._edited()

        self._run(command, saved)

    def _edited(self) -> None:
        notice = self.min_notice.value()
        self.notice_hint.setText(
            f"Bookable until {duration_text(notice)} before the start."
            if notice
            else "Bookable right up to the start."
        )
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        self.note.setText("Not saved yet." if dirty else "")
