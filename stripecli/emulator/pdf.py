"""A one-page PDF of text lines (PDF 1.4, the standard Helvetica font, no images), enough for a
quote's PDF to open in any viewer and be read by text tools.

Hand-written on purpose: the PDF libraries (fpdf2, reportlab) bring Pillow and font tooling into
every install for what is one page of text here; the format of such a page is small and fixed
(a catalog, a page tree, a page, its content stream, a font, and the cross-reference table).
"""

from __future__ import annotations


def _escape(text: str) -> str:
    text = text.encode("latin-1", "replace").decode("latin-1")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_page(lines: list[tuple[str, int]], *, title: str = "") -> bytes:
    """A PDF whose single A4 page shows ``lines`` top to bottom, each ``(text, font size)``."""
    ops = ["BT", "/F1 12 Tf", "50 790 Td"]
    first = True
    for text, size in lines:
        step = 0 if first else -int(size * 1.6)
        first = False
        ops.append("/F1 %d Tf" % size)
        ops.append("0 %d Td" % step)
        ops.append("(%s) Tj" % _escape(text))
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        ("<< /Title (%s) /Producer (stripecli emulator) >>" % _escape(title)).encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, len(objects), xref)
    return bytes(out)
