"""The booking dialog: client, service, practitioner or anyone, day, time, confirm.

Choosing a time places a short hold on it (PlaceHold), so another desk is not
offered the same slot while this one finishes; choosing another time, or
closing the dialog, releases it. Confirm sends one BookAppointment whose
command_id is made when the dialog opens: a double click, or a retry after an
error, can only ever book once. When the slot went to someone else after all,
the dialog says so and offers the core's alternatives as buttons; whatever
was typed stays as it was.

Payment (payment_choice.py): at the desk, or with the client's or a
partner organisation's credits, showing what the credits would pay before
anything is booked. Credits that do not cover the service are refused here
with the reason, nothing booked; the desk switches to paying at the desk.

Keyboard: the client field has the focus; typing searches, Enter takes the
first match (or the highlighted one) and moves to Confirm, Enter books.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from desktop_app.availability import slot_queries
from desktop_app.availability.slot_engine import Slot
from desktop_app.booking.commands import BookAppointment
from desktop_app.booking.errors import SlotTaken
from desktop_app.booking.results import BookingResult
from desktop_app.clinic.queries import ServiceRow
from desktop_app.credits.errors import NotEnoughCredits
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError
from ui.booking.booking_confirmation import ConfirmationPage
from ui.booking.booking_form import BookingForm
from ui.booking.booking_message import slot_text as slot_text
from ui.booking.booking_meta import BookingMeta, load_meta
from ui.booking.payment_choice import usable_credits
from ui.booking.slot_hold import SlotHold
from ui.booking.slot_picker import SlotQuery
from ui.kit.formatting import long_date, time_range
from ui.kit.ops import run_in_background

log = logging.getLogger(__name__)


def combo_index(combo: QComboBox, value: object) -> int:
    """The row whose data equals `value`, or -1.

    QComboBox.findData compares Python objects by identity, so it never
    finds an equal uuid.UUID.
    """
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)


class BookingDialog(QDialog):
    """Book one appointment; `exec()` returns Accepted once something was booked."""

    booked = Signal(object)  # BookingResult

    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        *,
        service_id: uuid.UUID | None = None,
        practitioner_id: uuid.UUID | None = None,
        starts_at: datetime | None = None,
        client_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        # Made once: every attempt to book from this dialog is the same command.
        self.command_id = uuid.uuid4()
        self.booking: BookingResult | None = None
        self.meta: BookingMeta | None = None
        self.sent_commands: list[BookAppointment] = []
        self._want_service = service_id
        self._want_practitioner = practitioner_id
        self._want_start = starts_at
        self._walk_in = False
        self.hold = SlotHold(ctx, actor, self)
        self.hold.held.connect(self._held)
        self.hold.failed.connect(self._hold_failed)
        self._sending = False
        self._confirm_pending = False
        self._finding_next = False
        # Usable credits after a booking paid with them (for the confirmation).
        self.credits_left: int | None = None
        # Off only where nothing may be written (rendering the screenshots).
        self.place_holds = True

        self.setObjectName("bookingDialog")
        self.setWindowTitle("New booking")
        self.setModal(True)
        self.resize(1180, 720)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.pages = QStackedWidget()
        outer.addWidget(self.pages)
        self.form_page = self._build_form()
        self.done_page = ConfirmationPage()
        self.done_page.done_button.clicked.connect(self.accept)
        self.pages.addWidget(self.form_page)
        self.pages.addWidget(self.done_page)
        # The confirmation's parts, as tests and the screenshots look at them.
        self.reference_label = self.done_page.reference_label
        self.confirmation_details = self.done_page.details
        self.meeting_label = self.done_page.meeting_label
        self.copy_button = self.done_page.copy_button
        self.done_button = self.done_page.done_button

        self.client_picker.focus_search()
        if client_id is not None:
            self.client_picker.load_client(client_id)
        run_in_background(self, lambda: load_meta(ctx), self._meta_loaded, self._meta_failed)

    @classmethod
    def walk_in(
        cls,
        ctx: Core,
        actor: Actor,
        *,
        service_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> BookingDialog:
        """The next free time with anyone for the service, chosen already."""
        dialog = cls(ctx, actor, service_id=service_id, parent=parent)
        dialog._walk_in = True
        dialog.setWindowTitle("Walk-in")
        dialog.title.setText("Walk-in")
        dialog.caption.setText(
            "The next free time with anyone is chosen. Type the client's name, "
            "Enter to take the first match, Enter again to book."
        )
        return dialog

    # --- building --------------------------------------------------------

    def _build_form(self) -> BookingForm:
        form = BookingForm(self.ctx, self.actor, self)
        self.title, self.caption = form.title, form.caption
        self.client_picker = form.client_picker
        self.client_picker.client_chosen.connect(self._client_chosen)
        self.client_picker.client_cleared.connect(self._client_cleared)
        self.service_combo = form.service_combo
        self.service_combo.currentIndexChanged.connect(self._query_changed)
        self.practitioner_combo = form.practitioner_combo
        self.practitioner_combo.currentIndexChanged.connect(self._query_changed)
        self.source_combo = form.source_combo
        self.payment = form.payment
        self.pay_at_desk = self.payment.pay_at_desk
        self.pay_credits = self.payment.pay_credits
        self.pay_partner = self.payment.pay_partner
        self.payment.group.buttonClicked.connect(lambda _: self._clear_message_if_about_credits())
        self.payment.settled.connect(self._payment_settled)
        self.slots = form.slots
        self.slots.slot_chosen.connect(self._slot_chosen)
        self.slots.wanted_missing.connect(self._wanted_missing)
        self.message_box = form.message
        self.error_label = form.message.text_label
        self.summary = form.summary
        form.cancel_button.clicked.connect(self.reject)
        self.confirm_button = form.confirm_button
        self.confirm_button.clicked.connect(self.confirm)
        self._update_summary()
        return form

    # --- state -----------------------------------------------------------

    @property
    def service(self) -> ServiceRow | None:
        data = self.service_combo.currentData()
        return data if isinstance(data, ServiceRow) else None

    @property
    def practitioner_id(self) -> uuid.UUID | None:
        data = self.practitioner_combo.currentData()
        return data if isinstance(data, uuid.UUID) else None

    @property
    def chosen_slot(self) -> Slot | None:
        return self.slots.chosen

    @property
    def hold_id(self) -> uuid.UUID | None:
        return self.hold.hold_id

    def names(self) -> dict[uuid.UUID, str]:
        return {p.id: p.name for p in self.meta.practitioners} if self.meta else {}

    def is_idle(self) -> bool:
        """Nothing in flight: choices loaded, hold settled, no booking being sent."""
        return (
            self.meta is not None
            and self.slots.is_idle()
            and not self.hold.placing
            and not self._sending
            and not self._finding_next
            and not self.client_picker.is_searching()
            and self.payment.is_idle()
        )

    # --- loading ---------------------------------------------------------

    def _meta_loaded(self, meta: BookingMeta) -> None:
        self.meta = meta
        self.service_combo.blockSignals(True)
        self.practitioner_combo.blockSignals(True)
        for s in meta.services:
            self.service_combo.addItem(f"{s.name} · {s.duration_min} min", s)
        wanted = next((i for i, s in enumerate(meta.services) if s.id == self._want_service), 0)
        self.service_combo.setCurrentIndex(wanted if meta.services else -1)
        self.practitioner_combo.addItem("Anyone", None)
        for p in meta.practitioners:
            self.practitioner_combo.addItem(p.name, p.id)
        index = combo_index(self.practitioner_combo, self._want_practitioner)
        self.practitioner_combo.setCurrentIndex(max(index, 0))
        self.service_combo.blockSignals(False)
        self.practitioner_combo.blockSignals(False)
        self.service_combo.setEnabled(bool(meta.services))
        self.practitioner_combo.setEnabled(True)
        if not meta.services:
            self._show_message("The clinic offers no services yet; a manager adds them first.")
            return
        self._update_payment()
        if self._want_start is not None and self._want_service is None:
            # A time was picked (free time in a calendar), no service: take
            # the first service that can start there, rather than one that cannot.
            self._find_service_for_start(self._want_start)
            return
        self._start_choosing()

    def _start_choosing(self) -> None:
        assert self.meta is not None
        start = self._want_start
        day = start.astimezone(self.meta.tz).date() if start is not None else None
        self._configure_slots(day)
        if start is not None:
            self.slots.select_when_loaded(start, self._want_practitioner)
        elif self._walk_in:
            self._find_next_free()

    def _find_service_for_start(self, starts_at: datetime) -> None:
        assert self.meta is not None
        self._finding_next = True
        db, now, pid = self.ctx.db, self.ctx.clock.now(), self._want_practitioner
        services, tz = list(self.meta.services), self.meta.tz

        def find() -> uuid.UUID | None:
            day = starts_at.astimezone(tz).date()
            for service in services:
                slots = slot_queries.open_slots(db, service.id, day, day, now, pid)
                if any(s.start == starts_at for s in slots):
                    return service.id
            return None

        def found(service_id: uuid.UUID | None) -> None:
            self._finding_next = False
            index = next(
                (i for i, s in enumerate(services) if s.id == service_id and service_id), -1
            )
            if index >= 0:
                self.service_combo.blockSignals(True)
                self.service_combo.setCurrentIndex(index)
                self.service_combo.blockSignals(False)
                self._update_payment()
            self._start_choosing()

        def failed(exc: BaseException) -> None:
            self._finding_next = False
            self._start_choosing()

        run_in_background(self, find, found, failed)

    def _meta_failed(self, exc: BaseException) -> None:
        self._show_message(_text(exc, "Could not load the clinic's services"))

    def _configure_slots(self, day: date | None = None) -> None:
        service = self.service
        if self.meta is None or service is None:
            return
        self.slots.configure(
            SlotQuery(service.id, self.practitioner_id),
            tz=self.meta.tz,
            names=self.names(),
            today=self.meta.today,
            day=day,
        )

    def _query_changed(self) -> None:
        chosen = self.slots.chosen
        service_id = self.service.id if self.service else None
        if chosen is not None and (
            self.hold.service_id != service_id
            or self.practitioner_id not in (None, chosen.practitioner_id)
        ):
            # A time for another service or person is no use: let it go.
            self._release_hold()
            self.slots.clear_choice()
        self._clear_message()
        self._configure_slots()
        self._update_payment()
        self._update_summary()

    def _find_next_free(self) -> None:
        service = self.service
        if service is None:
            return
        self._finding_next = True
        db, now, pid = self.ctx.db, self.ctx.clock.now(), self.practitioner_id
        run_in_background(
            self,
            lambda: slot_queries.next_free_slot(db, service.id, now, pid),
            self._next_free_found,
            self._next_free_failed,
        )

    def _next_free_found(self, slot: Slot | None) -> None:
        self._finding_next = False
        if slot is None:
            service = self.service
            self._show_message(
                f"Nobody has a free time for {service.name if service else 'this service'} "
                "within their booking horizon."
            )
            return
        self.slots.select_when_loaded(slot.start, slot.practitioner_id)

    def _next_free_failed(self, exc: BaseException) -> None:
        self._finding_next = False
        self._show_message(_text(exc, "Could not find the next free time"))

    def _wanted_missing(self, starts_at: datetime) -> None:
        if self.meta is None:
            return
        local = starts_at.astimezone(self.meta.tz)
        service = self.service
        who = self.names().get(self._want_practitioner) if self._want_practitioner else None
        what = (service.name if service else "this service") + (f" with {who}" if who else "")
        self._show_message(
            f"{local:%H:%M} on {local:%a} {local.day} {local:%b} is not a free time for "
            f"{what}. Choose another time."
        )

    # --- choosing --------------------------------------------------------

    def _client_chosen(self, client_id: uuid.UUID) -> None:
        self._clear_message_if_about_client()
        self._update_payment()
        self._update_summary()
        if self.slots.chosen is not None:
            # The rest is chosen already: the next Enter books.
            self.confirm_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.slots.calendar.setFocus(Qt.FocusReason.OtherFocusReason)

    def _payment_settled(self) -> None:
        if self._confirm_pending:
            self._proceed()

    def _client_cleared(self) -> None:
        self._update_payment()
        self._update_summary()

    def _slot_chosen(self, slot: Slot) -> None:
        self._clear_message()
        if self.hold.covers(slot):
            return
        self._release_hold()
        service = self.service
        if service is None:
            return
        if not self.place_holds:
            self.hold.keep(slot, service.id)
            self._update_summary()
            return
        minutes = self.meta.settings.hold_minutes if self.meta else 5
        self.hold.place(slot, service.id, minutes)
        self._update_summary()
        if self.client_picker.client_id is not None:
            self.confirm_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _held(self) -> None:
        self._update_summary()
        if self._confirm_pending:
            self._proceed()

    def _hold_failed(self, exc: BaseException) -> None:
        self._confirm_pending = False
        self._set_busy(False)
        self.slots.clear_choice()
        if isinstance(exc, SlotTaken):
            self._show_taken(exc)
        else:
            self._show_message(_text(exc, "Could not hold that time"))
        self.slots.reload()
        self._update_summary()

    def _release_hold(self) -> None:
        self.hold.release()

    # --- booking ---------------------------------------------------------

    def confirm(self) -> None:
        if self.booking is not None or self._sending or self._confirm_pending:
            return
        if self.client_picker.client_id is None:
            self._show_message(
                "Choose the client first: type part of their name, or New client… (Ctrl+N) "
                "for someone new."
            )
            self.client_picker.focus_search()
            return
        if self.slots.chosen is None or self.service is None:
            self._show_message("Choose a free time: a date in the calendar, then a time.")
            return
        self._clear_message()
        self._set_busy(True)
        self._proceed()

    def _proceed(self) -> None:
        """Book once the hold is placed and the client's credits are read.

        Waiting for the credits matters for a walk-in (name, Enter, Enter):
        an Enter faster than the read must not book at the desk a client
        whose credits were going to pay."""
        if self.hold.placing or not self.payment.is_idle():
            self._confirm_pending = True
            return
        self._confirm_pending = False
        refusal = self.payment.refusal()
        if refusal is not None:
            self._set_busy(False)
            self._show_message(refusal)
            return
        self._send_booking()

    def _send_booking(self) -> None:
        slot = self.slots.chosen
        service = self.service
        client_id = self.client_picker.client_id
        if slot is None or service is None or client_id is None:
            self._set_busy(False)
            return
        command = BookAppointment(
            command_id=self.command_id,
            client_id=client_id,
            practitioner_id=slot.practitioner_id,
            service_id=service.id,
            starts_at=slot.start,
            source=self.source_combo.currentData(),
            hold_id=self.hold.hold_id if self.hold.slot == slot else None,
            payment=self.payment.choice,
        )
        self.sent_commands.append(command)
        self._sending = True
        ctx, actor = self.ctx, self.actor

        def book() -> tuple[BookingResult, int | None]:
            result = ctx.bus.handle(command, actor)
            if not result.credits_used:
                return result, None
            # The balance as the ledger has it now, for the confirmation; the
            # booking is made whether or not it can be read.
            try:
                return result, usable_credits(ctx, client_id, ctx.clock.now())
            except Exception:
                log.warning("booked %s; could not read the balance after", result.reference)
                return result, None

        run_in_background(self, book, lambda done: self._booked(*done), self._failed)

    def _booked(self, result: BookingResult, credits_left: int | None = None) -> None:
        self._sending = False
        self.credits_left = credits_left
        # The booking consumed the hold.
        self.hold.consumed()
        self.booking = result
        self._show_confirmation(result)
        self.booked.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._sending = False
        self._set_busy(False)
        if isinstance(exc, SlotTaken):
            self._release_hold()
            self.slots.clear_choice()
            self._show_taken(exc)
            self.slots.reload()
        elif isinstance(exc, NotEnoughCredits):
            # Spent at another desk meanwhile: the time stays held, the
            # balance is read again, and paying at the desk is one click away.
            self._show_message(str(exc))
            self.payment.reload(keep_choice=True)
        else:
            self._show_message(_text(exc, "Could not book"))
        self._update_summary()

    def _set_busy(self, busy: bool) -> None:
        self.confirm_button.setEnabled(not busy)
        self.confirm_button.setText("Booking…" if busy else "Confirm booking")

    # --- messages --------------------------------------------------------

    @property
    def alternative_buttons(self) -> list[QPushButton]:
        return self.message_box.alternative_buttons

    def _show_message(self, text: str) -> None:
        self.message_box.show_text(text)

    def _clear_message(self) -> None:
        self.message_box.clear()

    def _clear_message_if_about_client(self) -> None:
        if "client" in self.message_box.text():
            self._clear_message()

    def _clear_message_if_about_credits(self) -> None:
        if "credits" in self.message_box.text():
            self._clear_message()

    def _show_taken(self, exc: SlotTaken) -> None:
        self._show_message(
            "That slot was just taken."
            + (" The next free times:" if exc.alternatives else " Choose another time.")
        )
        tz = self.meta.tz if self.meta else ZoneInfo("UTC")
        self.message_box.show_alternatives(
            exc.alternatives, tz, self.names(), self.choose_alternative
        )

    def choose_alternative(self, slot: Slot) -> None:
        # An alternative may be with another practitioner than the one chosen.
        if self.practitioner_id not in (None, slot.practitioner_id):
            self.practitioner_combo.setCurrentIndex(0)
        self.slots.select(slot)

    def _update_payment(self) -> None:
        if self.meta is None:
            return
        client = self.client_picker.chosen
        self.payment.set_context(
            client.id if client else None, client.full_name if client else "", self.service
        )

    def _update_summary(self) -> None:
        slot = self.slots.chosen if hasattr(self, "slots") else None
        service = self.service
        if slot is None or service is None or self.meta is None:
            self.summary.setText("Choose a client and a free time.")
            return
        tz = self.meta.tz
        who = self.names().get(slot.practitioner_id, "")
        start = slot.start.astimezone(tz)
        text = (
            f"{start:%a} {start.day} {start:%b}, {time_range(slot.start, slot.end, tz)} · "
            f"{service.name} with {who}"
        )
        hold = self.hold
        if hold.placing:
            text += " · holding the time…"
        elif hold.hold_id is not None and hold.until is not None:
            text += f" · held for you until {hold.until.astimezone(tz):%H:%M}"
        client = self.client_picker.chosen
        if client is not None:
            text = f"{client.full_name} · {text}"
        self.summary.setText(text)

    # --- confirmation ----------------------------------------------------

    def _show_confirmation(self, result: BookingResult) -> None:
        tz = self.meta.tz if self.meta else ZoneInfo("UTC")
        service = self.service
        who = self.names().get(result.practitioner_id, "")
        client = self.client_picker.chosen
        lines = [
            f"{long_date(result.starts_at.astimezone(tz).date())}, "
            f"{time_range(result.starts_at, result.ends_at, tz)}",
            f"{service.name if service else 'Appointment'} with {who}",
        ]
        if client is not None:
            lines.append(f"Client: {client.full_name}")
        lines.append(self.payment.confirmation_line(result.credits_used, self.credits_left))
        self.done_page.show_booking(result, lines)
        self.setWindowTitle(f"Booked — {result.reference}")
        self.pages.setCurrentWidget(self.done_page)

    def confirmation_text(self) -> str:
        return self.done_page.text() if self.booking is not None else ""

    def copy_confirmation(self) -> None:
        self.done_page.copy()

    # --- closing ---------------------------------------------------------

    def done(self, code: int) -> None:
        if self.booking is None and (self._sending or self._confirm_pending):
            # The booking is being written: closing now would hide its outcome
            # (booked or not) from the desk. The answer takes a moment.
            return
        if self.booking is not None:
            # Whatever closes the confirmation, the booking was made.
            code = QDialog.DialogCode.Accepted.value
        else:
            self._release_hold()
        super().done(code)


def _text(exc: BaseException, doing: str) -> str:
    return str(exc) if isinstance(exc, ClinicdeskError) else f"{doing}: {exc}"
