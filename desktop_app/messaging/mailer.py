"""Sending e-mail over SMTP, with the server's password in the OS keyring.

The server, port, encryption and user name are clinic settings shared by
every workstation; the password is not. Each workstation keeps it in its own
OS keyring (Windows Credential Manager, macOS Keychain, Secret Service), so
a workstation whose keyring lacks it does not send (see `not_ready_reason`)
and leaves the outbox to workstations that can.

Failures are sorted for the outbox: a refusal of the message itself with a
5xx reply, or an address that cannot be valid, is permanent and never
retried; everything else (4xx replies, the server unreachable, a timeout,
a refused login) is transient and retried later.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from types import TracebackType
from typing import TYPE_CHECKING

import keyring
import keyring.errors
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.clinic.settings import EMAIL_DEFAULTS, EmailSettings
from desktop_app.kernel.errors import ClinicdeskError, ValidationError
from desktop_app.kernel.validation import normalise_email
from models import ClinicSetting

if TYPE_CHECKING:
    from desktop_app.kernel.core import Core

KEYRING_SERVICE = "Clinicdesk SMTP"
# Per network operation, not per message: a message needs a handful of them,
# which must all fit well inside the outbox's lease (desktop_app.jobs).
SMTP_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    tls: str  # none | starttls | ssl
    user: str
    from_address: str

    @classmethod
    def from_settings(cls, settings: EmailSettings) -> SmtpConfig:
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_tls,
            settings.smtp_user,
            settings.smtp_from,
        )

    @property
    def keyring_account(self) -> str:
        # Keyed by server as well as user: after a change of server the old
        # password is not silently offered to the new one.
        return f"{self.user}@{self.host}"


class MailError(ClinicdeskError):
    """A message was not sent. `permanent`: sending it again cannot help."""

    def __init__(self, reason: str, *, permanent: bool = False, connection: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        # The server, not this message, is the problem: the rest of the batch
        # would fail the same way.
        self.connection = connection


def load_email_settings(session: Session) -> EmailSettings:
    rows = session.execute(
        select(ClinicSetting.key, ClinicSetting.value).where(
            ClinicSetting.key.in_(sorted(EMAIL_DEFAULTS))
        )
    )
    return EmailSettings.from_mapping({key: value for key, value in rows})


# --- the password ---------------------------------------------------------------------


def stored_password(config: SmtpConfig) -> str | None:
    if not config.user:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, config.keyring_account)
    except keyring.errors.KeyringError:
        return None


def store_password(config: SmtpConfig, password: str) -> None:
    """Keep `password` in this workstation's keyring; "" forgets it."""
    try:
        if password:
            keyring.set_password(KEYRING_SERVICE, config.keyring_account, password)
        else:
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                keyring.delete_password(KEYRING_SERVICE, config.keyring_account)
    except keyring.errors.KeyringError as exc:
        raise ValidationError(
            f"This computer's keyring did not accept the password ({exc}). Without a "
            "keyring, Clinicdesk cannot keep the e-mail password safely."
        ) from exc


def not_ready_reason(config: SmtpConfig, password: str | None) -> str | None:
    """Why this workstation cannot send with `config`, or None when it can."""
    if not config.host:
        return "No e-mail server is set up (Settings, E-mail)."
    if not config.from_address:
        return "No sender address is set up (Settings, E-mail)."
    if config.user and not password:
        return (
            f"This computer has no password for {config.user} on {config.host}: enter it in "
            "Settings, E-mail."
        )
    return None


# --- messages ---------------------------------------------------------------------------


def build_message(
    config: SmtpConfig,
    to: str,
    subject: str,
    body: str,
    *,
    message_id: uuid.UUID,
    date: datetime,
) -> EmailMessage:
    try:
        address = normalise_email(to)
    except ValidationError as exc:
        raise MailError(f"{to!r} is not a valid e-mail address.", permanent=True) from exc
    msg = EmailMessage()
    try:
        msg["From"] = config.from_address
        msg["To"] = address
        msg["Subject"] = subject
        msg["Date"] = format_datetime(date)
        # The same id on every attempt: should a message go out twice (see
        # jobs.send_outbox), mail programs that collapse duplicates do so.
        domain = config.from_address.rpartition("@")[2] or "clinicdesk.invalid"
        msg["Message-ID"] = f"<{message_id}@{domain}>"
        msg.set_content(body)
    except (ValueError, TypeError) as exc:
        raise MailError(f"The message cannot be written as e-mail: {exc}", permanent=True) from exc
    return msg


def _reply(code: int, text: bytes | str) -> str:
    shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(shown.split())}".strip()


def classify(exc: BaseException) -> MailError:
    """The outbox's view of what went wrong while talking to the server."""
    if isinstance(exc, MailError):
        return exc
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        replies = "; ".join(f"{a}: {_reply(c, t)}" for a, (c, t) in exc.recipients.items())
        return MailError(
            f"The server refused the recipient ({replies}).",
            permanent=bool(codes) and all(c >= 500 for c in codes),
        )
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return MailError(
            "The e-mail server refused the user name or password "
            f"({_reply(exc.smtp_code, exc.smtp_error)}).",
            connection=True,
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return MailError(
            f"The server refused the sender {exc.sender} "
            f"({_reply(exc.smtp_code, exc.smtp_error)}).",
            permanent=exc.smtp_code >= 500,
        )
    if isinstance(exc, smtplib.SMTPDataError):
        return MailError(
            f"The server refused the message ({_reply(exc.smtp_code, exc.smtp_error)}).",
            permanent=exc.smtp_code >= 500,
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return MailError(f"The e-mail server does not support this: {exc}", connection=True)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return MailError(f"The e-mail server closed the connection ({exc}).", connection=True)
    if isinstance(exc, smtplib.SMTPResponseException):
        return MailError(
            f"The e-mail server answered {_reply(exc.smtp_code, exc.smtp_error)}.",
            permanent=exc.smtp_code >= 500,
            connection=True,
        )
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return MailError(
            f"The secure connection to the e-mail server failed: {exc}", connection=True
        )
    if isinstance(exc, TimeoutError | socket.timeout):
        return MailError("The e-mail server did not answer in time.", connection=True)
    if isinstance(exc, OSError | smtplib.SMTPException):
        return MailError(f"Cannot reach the e-mail server: {exc}", connection=True)
    raise exc


class SmtpConnection:
    """One connection to the server, opened on entry, for one or more messages."""

    def __init__(
        self,
        config: SmtpConfig,
        password: str | None,
        *,
        timeout: float = SMTP_TIMEOUT_S,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.config = config
        self._password = password
        self._timeout = timeout
        self._context = ssl_context
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpConnection:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        cfg = self.config
        reason = not_ready_reason(cfg, self._password)
        if reason:
            raise MailError(reason, connection=True)
        context = self._context or ssl.create_default_context()
        try:
            smtp: smtplib.SMTP
            if cfg.tls == "ssl":
                smtp = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=self._timeout, context=context)
            else:
                smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=self._timeout)
            try:
                smtp.ehlo()
                if cfg.tls == "starttls":
                    smtp.starttls(context=context)
                    smtp.ehlo()
                if cfg.user:
                    assert self._password is not None
                    smtp.login(cfg.user, self._password)
            except BaseException:
                smtp.close()
                raise
        except Exception as exc:
            raise classify(exc) from exc
        self._smtp = smtp

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            raise MailError("Not connected to the e-mail server.", connection=True)
        try:
            self._smtp.send_message(message)
        except Exception as exc:
            failure = classify(exc)
            if failure.connection:
                self.close()
            raise failure from exc

    @property
    def is_open(self) -> bool:
        return self._smtp is not None

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def send_test_email(
    ctx: Core,
    to: str,
    *,
    config: SmtpConfig | None = None,
    password: str | None = None,
) -> None:
    """Send a short test message now, past the outbox, for the settings' button.

    By default with the stored settings and this workstation's stored
    password; `config` and `password` try values not saved yet. Raises
    MailError with a reason a person can act on when it does not go.
    """
    if config is None:
        with ctx.db.read_sessions() as session:
            config = SmtpConfig.from_settings(load_email_settings(session))
    if password is None:
        password = stored_password(config)
    message = build_message(
        config,
        to,
        "Clinicdesk test e-mail",
        f"This is a test e-mail from Clinicdesk, sent through {config.host}:{config.port} "
        f"({config.tls}).\n\nIf you can read it, e-mail from Clinicdesk works.\n",
        message_id=uuid.uuid4(),
        date=ctx.clock.now(),
    )
    with SmtpConnection(config, password) as connection:
        connection.send(message)
