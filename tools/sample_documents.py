"""Believable application documents drawn on the fly, for screenshots and tests.

The demo clinic's applicant has no uploaded files; the screenshot of the
review screen still needs a document in the viewer. These are plainly marked
as samples.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

WIDTH, HEIGHT = 1100, 720


def _png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # The stubs want bytes for the format; PySide6 itself takes only a str.
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    buffer.close()
    return bytes(data.data())


def _font(size: int, weight: QFont.Weight = QFont.Weight.Normal) -> QFont:
    font = QFont("DejaVu Sans")
    font.setPixelSize(size)
    font.setWeight(weight)
    return font


def licence_png(name: str, profession: str, number: str) -> bytes:
    """A registration certificate as a scanned-looking PNG."""
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
    image.fill(QColor("#fbfaf6"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    p.setPen(QPen(QColor("#2f6f8f"), 6))
    p.drawRect(QRectF(24, 24, WIDTH - 48, HEIGHT - 48))
    p.setPen(QPen(QColor("#9fc0d1"), 2))
    p.drawRect(QRectF(40, 40, WIDTH - 80, HEIGHT - 80))
    p.fillRect(QRectF(42, 42, WIDTH - 84, 110), QColor("#e6f0f5"))
    p.setPen(QColor("#17384a"))
    p.setFont(_font(22, QFont.Weight.DemiBold))
    p.drawText(QRectF(80, 60, WIDTH - 160, 36), "Health and Care Professions Register")
    p.setFont(_font(16))
    p.setPen(QColor("#52606d"))
    p.drawText(QRectF(80, 100, WIDTH - 160, 30), "Certificate of registration")

    p.setPen(QColor("#1f2933"))
    p.setFont(_font(17))
    p.drawText(QRectF(80, 190, 700, 30), "This is to certify that")
    p.setFont(_font(40, QFont.Weight.DemiBold))
    p.drawText(QRectF(80, 226, 800, 56), name)
    p.setFont(_font(17))
    p.drawText(QRectF(80, 296, 800, 30), "is registered with the council as a")
    p.setFont(_font(28, QFont.Weight.DemiBold))
    p.setPen(QColor("#2f6f8f"))
    p.drawText(QRectF(80, 330, 800, 44), profession)

    rows = (
        ("Registration number", number),
        ("Registered since", "14 March 2016"),
        ("Valid until", "31 January 2027"),
    )
    for i, (caption, value) in enumerate(rows):
        y = 420 + i * 46
        p.setPen(QColor("#66788a"))
        p.setFont(_font(16))
        p.drawText(QRectF(80, y, 260, 30), caption)
        p.setPen(QColor("#1f2933"))
        p.setFont(_font(18, QFont.Weight.DemiBold))
        p.drawText(QRectF(350, y - 2, 400, 32), value)

    # The seal.
    p.setPen(QPen(QColor("#b0413e"), 4))
    p.drawEllipse(QRectF(WIDTH - 300, 410, 170, 170))
    p.setPen(QPen(QColor("#b0413e"), 2))
    p.drawEllipse(QRectF(WIDTH - 288, 422, 146, 146))
    p.setFont(_font(18, QFont.Weight.Bold))
    p.setPen(QColor("#b0413e"))
    p.drawText(QRectF(WIDTH - 300, 410, 170, 170), Qt.AlignmentFlag.AlignCenter, "REGISTERED")
    p.setFont(_font(13))
    p.setPen(QColor("#9aa5b1"))
    p.drawText(
        QRectF(80, HEIGHT - 92, WIDTH - 160, 24), "Sample document drawn for the Clinicdesk demo"
    )
    p.end()
    return _png(image)


def photo_png(initials: str, colour: str = "#5aa57b", size: int = 256) -> bytes:
    """A plain portrait placeholder: initials on a colour (a valid photo upload)."""
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QColor("#ffffff"))
    p.setFont(_font(size // 3, QFont.Weight.DemiBold))
    p.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, initials)
    p.end()
    return _png(image)
