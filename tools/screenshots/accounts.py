"""Screenshots of the account screens: the application review with a document,
the staff page, the idle lock, a practitioner's own profile, an applicant's
page and the application form (numbered from 40, after the pages).

Kept apart from `render`, which calls in here, so the page loop stays
short. Rendering only reads: nothing here writes to the database (a
sample document is drawn in memory when the demo's applicant sent none).
"""

from __future__ import annotations

import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QThreadPool
from PySide6.QtWidgets import QWidget
from sqlalchemy.engine import make_url

from desktop_app.bootstrap import AppContext, open_app
from desktop_app.infra.config import DatabaseChoice
from desktop_app.kernel.actor import Actor, workstation_name
from desktop_app.staff import practitioner_queries
from desktop_app.staff import queries as staff_queries
from desktop_app.staff.commands import DocumentUpload, SubmitApplication
from desktop_app.staff.queries import StaffRow
from models.enums import PractitionerStatus, Role
from tools.sample_documents import licence_png, photo_png
from tools.screenshots.support import (
    centre_over,
    close,
    open_window,
    save,
    save_with_dialog,
    settled,
    wait_until,
)
from ui.audit.page import AuditLogView
from ui.kit.ops import pending_operations
from ui.kit.page import View
from ui.practitioners.application_form import ApplicationForm
from ui.practitioners.document_viewer import DocumentViewer, render_document
from ui.practitioners.page import PractitionersView
from ui.staff.page import StaffView

# Pages shown in this series rather than in the page loops (names as in the files).
SEPARATE_PAGES = frozenset({"staff", "my-profile", "my-application"})
SAMPLE_APPLICANT = ("Sofia Marin", "Speech and language therapist", "SL-204518")
# Screens of this series that are not pages.
EXTRA_SCREENS = ("40-application-review.png", "42-idle-lock.png", "45-application-form.png")


def prepare_page(view: View) -> None:
    """Make a page in the main loop show what it is for, before it is saved."""
    if isinstance(view, PractitionersView):
        # The review of an application has its own screenshot (40); here, a profile.
        view.show_practitioners()
        approved = [r for r in view.model.rows if r.status is PractitionerStatus.APPROVED]
        if approved:
            view.select_practitioner(approved[0].id)
        wait_until(settled(view))
    elif isinstance(view, AuditLogView) and view.proxy.rowCount():
        # The newest change that carries details, so the detail pane has something to show.
        for r in range(min(view.proxy.rowCount(), 50)):
            index = view.proxy.index(r, 0)
            view.table.setCurrentIndex(index)
            entry = view.selected_entry()
            if entry is not None and entry.changes:
                break
        wait_until(settled(view))


def _beside(dialog: QWidget, window: QWidget) -> None:
    top_left = window.mapToGlobal(QPoint(24, (window.height() - dialog.height()) // 2 + 20))
    dialog.move(top_left)


def render_account_screens(
    ctx: AppContext, staff: list[StaffRow], manager: Actor, out_dir: Path
) -> list[Path]:
    paths: list[Path] = []

    # 40: an application under review, its licence open in the viewer.
    paths.append(_application_review(ctx, manager, out_dir / "40-application-review.png"))

    window = open_window(ctx, manager)
    try:
        # 41: the staff page, a front-desk account selected.
        staff_view = window.show_page("staff")
        assert isinstance(staff_view, StaffView)
        staff_view.ensure_loaded()
        wait_until(settled(staff_view))
        desk = next((s for s in staff if Role.FRONT_DESK in s.roles), None)
        if desk is not None:
            staff_view.select_account(desk.id)
        paths.append(save(window, out_dir / "41-staff.png"))

        # 42: the idle lock over the Today page.
        today = window.show_page(window.pages[0].key)
        today.ensure_loaded()
        wait_until(settled(today))
        window.idle_lock.lock()
        lock = window.idle_lock.dialog
        assert lock is not None
        wait_until(lambda: lock.isVisible())
        centre_over(lock, window)
        paths.append(save_with_dialog(window, lock, out_dir / "42-idle-lock.png"))
        window.idle_lock.unlock()
    finally:
        close(window)

    # 43: a practitioner's own profile.
    approved = {
        p.email
        for p in staff_queries.practitioners(ctx.db)
        if p.status is PractitionerStatus.APPROVED
    }
    own = next((s for s in staff if s.is_active and s.email in approved), None)
    if own is not None:
        actor = Actor(own.id, own.name, frozenset({Role.PRACTITIONER}), workstation_name())
        paths.append(_page_shot(ctx, actor, "my_profile", out_dir / "43-my-profile.png"))

    # 44: what an applicant sees after logging in.
    applied = {
        p.email
        for p in staff_queries.practitioners(ctx.db)
        if p.status is PractitionerStatus.APPLIED
    }
    applicant = next((s for s in staff if s.email in applied), None)
    if applicant is not None:
        actor = Actor(applicant.id, applicant.name, frozenset(), workstation_name())
        paths.append(_page_shot(ctx, actor, "my_application", out_dir / "44-my-application.png"))

    # 45: the application form, filled in.
    paths.append(_application_form(ctx, out_dir / "45-application-form.png"))

    # Every window rendered above was closed with deleteLater(), which waiting on
    # events does not carry out: delete them now rather than keep them all alive.
    wait_until(lambda: pending_operations() == 0)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return paths


def _application_review(ctx: AppContext, manager: Actor, path: Path) -> Path:
    with _with_documents(ctx) as (review_ctx, applicant_id):
        window = open_window(review_ctx, manager)
        # The copy's own path would show; it is the same clinic.
        window.database_label.setText(f"Database: {ctx.database_label}")
        try:
            view = window.show_page("practitioners")
            assert isinstance(view, PractitionersView)
            view.ensure_loaded()
            wait_until(settled(view))
            view.show_applications()
            if applicant_id is not None:
                view.select_practitioner(applicant_id)
            wait_until(settled(view))
            if view.profile is None or view.tabs.currentIndex() != 0:
                return save(window, path)
            viewer = _document_for(view)
            # Over the list, so the profile being reviewed stays in sight beside it.
            viewer.resize(640, 600)
            _beside(viewer, window)
            wait_until(lambda: viewer.is_loaded() and pending_operations() == 0)
            shot = save_with_dialog(window, viewer, path)
            viewer.close()
            return shot
        finally:
            close(window)


@contextmanager
def _with_documents(ctx: AppContext) -> Iterator[tuple[AppContext, uuid.UUID | None]]:
    """The clinic as it is if an application with documents waits; else a throwaway
    copy of it (SQLite) in which one more application, with its licence, was sent
    through the core. The clinic itself is never written to."""
    waiting = [
        p
        for pid in practitioner_queries.applications(ctx.db)
        if (p := practitioner_queries.profile(ctx.db, pid)) is not None
    ]
    with_documents = next((p for p in waiting if p.documents), None)
    source = ctx.choice.url.database if ctx.choice.url.get_backend_name() == "sqlite" else None
    if with_documents is not None or not source:
        yield ctx, with_documents.id if with_documents else None
        return
    with tempfile.TemporaryDirectory(prefix="clinicdesk-shots-") as folder:
        copy = Path(folder) / "clinic.sqlite3"
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(copy)) as dst:
            src.backup(dst)
        review = open_app(DatabaseChoice(make_url(f"sqlite:///{copy}"), ctx.choice.origin))
        try:
            name, profession, number = SAMPLE_APPLICANT
            applicant_id = review.bus.handle(
                SubmitApplication(
                    email="sofia.marin@example.com",
                    name=name,
                    password="sample application",
                    profession=profession,
                    licence_number=number,
                    specialisations=("Stammering", "Voice disorders", "Adult neuro"),
                    languages=("English", "Spanish"),
                    experience_years=9,
                    bio=(
                        "Sofia helps adults and teenagers speak with confidence after a "
                        "stroke, with a stammer or when their voice lets them down."
                    ),
                    photo=photo_png("SM", "#c27aa6"),
                    documents=(
                        DocumentUpload(
                            "licence",
                            "hcpc-registration.png",
                            licence_png(name, profession, number),
                        ),
                        DocumentUpload("identity", "passport.png", photo_png("ID", "#7b8794")),
                    ),
                ),
                Actor.system("application form"),
            )
            yield review, applicant_id if isinstance(applicant_id, uuid.UUID) else None
        finally:
            QThreadPool.globalInstance().waitForDone(30_000)
            review.close()


def _page_shot(ctx: AppContext, actor: Actor, key: str, path: Path) -> Path:
    window = open_window(ctx, actor)
    try:
        view = window.show_page(key)
        view.ensure_loaded()
        wait_until(settled(view))
        return save(window, path)
    finally:
        close(window)


def _document_for(view: PractitionersView) -> DocumentViewer:
    profile = view.profile
    assert profile is not None
    documents = sorted(profile.documents, key=lambda d: d.kind != "licence")
    if documents:
        view.view_document(documents[0])
        assert view.viewer is not None
        return view.viewer
    # The demo's applicant sent nothing: show what a licence looks like, drawn here.
    viewer = DocumentViewer(None, None, title="licence.png", kind="licence", parent=view)
    number = "PYL-204518"
    viewer.show_document(
        render_document(
            "licence-sample.png",
            "image/png",
            licence_png(profile.name, profile.profession, profile.licence_number or number),
        )
    )
    viewer.show()
    view.viewer = viewer
    # The page's own remark that nothing was sent would contradict the sample shown.
    view.hint.setText("")
    return viewer


def _application_form(ctx: AppContext, path: Path) -> Path:
    form = ApplicationForm(ctx)
    form.name.setText("Sofia Marin")
    form.email.setText("sofia.marin@example.com")
    form.password.setText("a long password")
    form.password_again.setText("a long password")
    form.phone.setText("+44 20 7946 0321")
    form.profession.setText("Speech and language therapist")
    form.licence_number.setText("SL-204518")
    form.experience.setValue(9)
    form.specialisations.set_tags(["stammering", "voice disorders", "adult neuro"])
    form.languages.set_tags(["English", "Spanish"])
    form.bio.setPlainText(
        "I help adults and teenagers speak with confidence after a stroke, with a stammer "
        "or when their voice lets them down."
    )
    form.photo.set_photo(photo_png("SM", "#c27aa6"), "sofia.png")
    form.documents.add(
        "hcpc-registration.png",
        licence_png("Sofia Marin", "Speech and language therapist", "SL-204518"),
        "licence",
    )
    form.show()
    wait_until(lambda: pending_operations() == 0)
    # Tall enough to show the whole form, documents included, without scrolling.
    content = form.scroll_area.widget()
    if content is not None:
        form.resize(720, content.sizeHint().height() + 90)
    wait_until(lambda: True)
    try:
        return save(form, path)
    finally:
        form.close()
        form.deleteLater()
