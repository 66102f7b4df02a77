"""SMTP sending against a real server on loopback, the password in a keyring,
the e-mail settings and the templates with their preview."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from email.message import EmailMessage

import keyring.errors
import pytest
from sqlalchemy import select

from desktop_app.bootstrap import AppContext
from desktop_app.kernel.errors import ValidationError
from desktop_app.messaging import queries as notification_queries
from desktop_app.messaging.commands import TemplateInput, UpdateEmailSettings, UpdateTemplates
from desktop_app.messaging.mailer import (
    KEYRING_SERVICE,
    MailError,
    SmtpConfig,
    SmtpConnection,
    build_message,
    send_test_email,
)
from desktop_app.messaging.templates import (
    DEFAULT_TEMPLATES,
    PLACEHOLDERS,
    EmailTemplate,
    render_preview,
    template_problems,
)
from models import ClinicSetting, Role
from tests import factories
from tests.integration.scheduling.test_scheduler import Clinic, day, subject
from tests.scheduler_support import (  # noqa: F401  (fixtures: fresh migrated databases)
    MemoryKeyring,
    _pg_template,
    _sqlite_template,
    db_url,
    free_port,
    mail_server,
    memory_keyring,
)


def config(port: int, *, tls: str = "none", user: str = "") -> SmtpConfig:
    return SmtpConfig("127.0.0.1", port, tls, user, "desk@clinic.test")


def message(to: str) -> EmailMessage:
    return build_message(
        config(25), to, "Hello", "Body", message_id=uuid.uuid4(), date=datetime.now(UTC)
    )


def test_the_test_email_goes_through_the_stored_server_with_the_keyring_password(
    app: AppContext,
) -> None:
    manager = factories.staff(app, "Max Manager", Role.MANAGER)
    with memory_keyring() as ring, mail_server(password="pw-1") as (inbox, port):
        app.bus.handle(
            UpdateEmailSettings(
                smtp_host="127.0.0.1",
                smtp_port=port,
                smtp_tls="none",
                smtp_user="desk",
                smtp_from="Desk@Clinic.test",
                reminder_offsets_min=(60, 1440, 60),
                smtp_password="pw-1",
            ),
            manager,
        )
        settings = notification_queries.email_settings(app.db)
        assert settings.smtp_from == "desk@clinic.test"
        assert settings.reminder_offsets_min == (1440, 60)
        assert ring.passwords == {(KEYRING_SERVICE, "desk@127.0.0.1"): "pw-1"}

        send_test_email(app, "boss@example.test")
        assert inbox.wait_for(1)
        (sent,) = inbox.received()
        assert (sent["To"], subject(sent)) == ("boss@example.test", "Clinicdesk test e-mail")
        assert f"127.0.0.1:{port}" in sent.get_content()
        assert inbox.logins == [("desk", "pw-1")]

        # Trying values before saving them: a wrong password is reported.
        with pytest.raises(MailError, match="refused the user name or password"):
            send_test_email(app, "boss@example.test", password="wrong")
        # "" forgets the password; the button then says what is missing.
        app.bus.handle(UpdateEmailSettings(smtp_password=""), manager)
        assert ring.passwords == {}
        with pytest.raises(MailError, match=r"no password for desk on 127\.0\.0\.1"):
            send_test_email(app, "boss@example.test")
        assert len(inbox.received()) == 1


def test_failures_are_sorted_into_permanent_and_transient() -> None:
    with mail_server() as (inbox, port):
        inbox.replies["gone@example.test"] = "550 5.1.1 No such user"
        inbox.replies["full@example.test"] = "452 4.2.2 Mailbox full"
        with SmtpConnection(config(port), None) as connection:
            connection.send(message("ok@example.test"))
            with pytest.raises(MailError, match=r"550 5\.1\.1 No such user") as gone:
                connection.send(message("gone@example.test"))
            assert gone.value.permanent and not gone.value.connection
            with pytest.raises(MailError, match="452") as full:
                connection.send(message("full@example.test"))
            assert not full.value.permanent and not full.value.connection
        assert inbox.wait_for(1) and len(inbox.received()) == 1

        # This server offers neither STARTTLS nor TLS: a setup problem, retried later.
        with pytest.raises(MailError, match="does not support") as no_tls:
            SmtpConnection(config(port, tls="starttls"), None).open()
        assert no_tls.value.connection and not no_tls.value.permanent
        with pytest.raises(MailError, match=r"secure connection|closed the connection"):
            SmtpConnection(config(port, tls="ssl"), None, timeout=5).open()

    with pytest.raises(MailError, match="Cannot reach the e-mail server") as down:
        SmtpConnection(config(free_port()), None).open()
    assert down.value.connection and not down.value.permanent
    with pytest.raises(MailError, match="not a valid e-mail address") as bad:
        message("two@at@example.test")
    assert bad.value.permanent


def test_settings_are_checked_and_a_refusing_keyring_changes_nothing(app: AppContext) -> None:
    manager = factories.staff(app, "Max Manager", Role.MANAGER)
    for bad, why in (
        (UpdateEmailSettings(smtp_port=0), "1 to 65535"),
        (UpdateEmailSettings(smtp_tls="tls"), "none, starttls, ssl"),
        (UpdateEmailSettings(smtp_from="not an address"), "not a valid e-mail address"),
        (UpdateEmailSettings(smtp_host="smtp example.com"), "not a server name"),
        (UpdateEmailSettings(reminder_offsets_min=(0,)), "1 minute to 14 days"),
        (UpdateEmailSettings(smtp_password="pw"), "user name the password belongs to"),
    ):
        with pytest.raises(ValidationError, match=why):
            app.bus.handle(bad, manager)

    class RefusingKeyring(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise keyring.errors.PasswordSetError("locked")

    with memory_keyring():
        keyring.set_keyring(RefusingKeyring())
        with pytest.raises(ValidationError, match="keyring did not accept the password"):
            app.bus.handle(
                UpdateEmailSettings(
                    smtp_host="mail.example.com", smtp_user="desk", smtp_password="pw"
                ),
                manager,
            )
    with app.db.read_sessions() as s:
        assert s.scalars(select(ClinicSetting.key)).all() == []
    assert notification_queries.email_settings(app.db).smtp_host == ""


def test_templates_preview_safely_and_edited_ones_are_used(app: AppContext) -> None:
    preview = render_preview(DEFAULT_TEMPLATES["reminder"], {"reference": "ABC123"})
    assert preview.subject == (
        "Reminder: Individual therapy on Monday 7 January 2030 at 10:00 (ABC123)"
    )
    assert "Dear Siân Jones" in preview.body and preview.problems == ()
    for kind, template in DEFAULT_TEMPLATES.items():
        assert template_problems(template) == [], kind

    typed = EmailTemplate("Hi {client_name} {{literal}} {nope}", "Body {client_name.__class__} {")
    shown = render_preview(typed)
    assert shown.subject == "Hi Siân Jones {literal} {nope}"
    assert shown.body == typed.body  # unrenderable as typed: shown as it is
    assert any("{nope}" in p for p in shown.problems)
    assert any("unmatched" in p for p in shown.problems)
    assert set(PLACEHOLDERS) >= {"client_name", "reference", "date", "time"}

    with mail_server() as (inbox, port):
        clinic = Clinic(app, port)
        with pytest.raises(ValidationError, match=r"\{client_name.__class__\}"):
            clinic.bus.handle(
                UpdateTemplates(
                    templates=(TemplateInput("booked", "x", "{client_name.__class__}"),)
                ),
                clinic.manager,
            )
        with pytest.raises(ValidationError, match="Unknown e-mail template"):
            clinic.bus.handle(
                UpdateTemplates(templates=(TemplateInput("birthday", "x", "y"),)), clinic.manager
            )
        clinic.bus.handle(
            UpdateTemplates(
                templates=(
                    TemplateInput(
                        "booked", "Booked: {reference}", "Hi {client_name}, {date} {time}."
                    ),
                    TemplateInput(
                        "reminder",
                        DEFAULT_TEMPLATES["reminder"].subject,
                        DEFAULT_TEMPLATES["reminder"].body,
                    ),
                )
            ),
            clinic.manager,
        )
        with app.db.read_sessions() as s:
            stored = s.get(ClinicSetting, "email_templates")
            assert stored is not None and list(stored.value) == ["booked"]
        booked = clinic.book(day(2, 10))
        assert clinic.send() == 1
        assert inbox.wait_for(1)
        (sent,) = inbox.received()
        assert subject(sent) == f"Booked: {booked.reference}"
        assert sent.get_content().strip() == "Hi Siân Jones, Tuesday 8 January 2030 10:00."
        templates = notification_queries.email_templates(app.db)
        assert templates["booked"].subject == "Booked: {reference}"
        assert templates["reminder"] == DEFAULT_TEMPLATES["reminder"]
