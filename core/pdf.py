"""PDF copies of generated .docx files, by LibreOffice (``soffice --headless --convert-to pdf``).

Pure (imports nothing of the project): bytes in, bytes out. Each conversion runs in its own
temporary directory with its own LibreOffice profile (two conversions at once do not share a
profile's lock), under a timeout; the process group is killed if it overruns.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

# One LibreOffice at a time per process (each takes a core and ~150 MB); others wait their turn
# within their own timeout.
_SLOTS = threading.BoundedSemaphore(int(os.environ.get("PDF_CONCURRENCY", "1")))


# The Chinese fonts of official documents are rarely installed on a server. Without a hint, the
# renderer falls back to any CJK font (often a Japanese sans); these aliases give each the free
# font of its kind: Song/FangSong/Kai to a serif (明体), Hei to a sans, Simplified Chinese glyphs.
CJK_ALIASES = {
    "方正小标宋简体": "Noto Serif CJK SC", "方正小标宋_GBK": "Noto Serif CJK SC", "宋体": "Noto Serif CJK SC",
    "SimSun": "Noto Serif CJK SC", "仿宋_GB2312": "Noto Serif CJK SC", "仿宋": "Noto Serif CJK SC",
    "FangSong": "Noto Serif CJK SC", "楷体_GB2312": "Noto Serif CJK SC", "楷体": "Noto Serif CJK SC",
    "KaiTi": "Noto Serif CJK SC", "黑体": "Noto Sans CJK SC", "SimHei": "Noto Sans CJK SC",
}


def _fontconfig(directory: Path) -> Path:
    """A fontconfig file: the system's, plus the aliases above (and WenQuanYi where Noto is absent)."""
    aliases = "".join(
        f'<alias binding="same"><family>{name}</family><prefer><family>{font}</family>'
        f'<family>WenQuanYi Micro Hei</family></prefer></alias>' for name, font in CJK_ALIASES.items())
    path = directory / "fonts.conf"
    path.write_text('<?xml version="1.0"?><fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                    f"{aliases}</fontconfig>", encoding="utf-8")
    return path


class PdfUnavailable(Exception):
    """No renderer is installed here."""


class PdfFailed(Exception):
    """The renderer ran but made no PDF (timeout or error)."""


def renderer(configured: str = "") -> str | None:
    if configured:
        return configured if os.path.exists(configured) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes, *, timeout: float = 60, soffice: str = "") -> bytes:
    program = renderer(soffice)
    if program is None:
        raise PdfUnavailable("soffice not installed")
    started = time.monotonic()
    if not _SLOTS.acquire(timeout=timeout):
        raise PdfFailed("the renderer stayed busy")
    try:
        return _convert(program, data, max(1.0, timeout - (time.monotonic() - started)))
    finally:
        _SLOTS.release()


def _convert(program: str, data: bytes, timeout: float) -> bytes:
    with tempfile.TemporaryDirectory(prefix="gw-pdf-") as tmp:
        source = Path(tmp) / "document.docx"
        source.write_bytes(data)
        profile = Path(tmp) / "profile"
        command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", "pdf", "--outdir", tmp, str(source)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   cwd=tmp, start_new_session=True,
                                   env={**os.environ, "HOME": tmp, "FONTCONFIG_FILE": str(_fontconfig(Path(tmp)))})
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise PdfFailed(f"soffice took longer than {timeout} s")
        target = Path(tmp) / "document.pdf"
        if not target.exists() or target.stat().st_size == 0:
            raise PdfFailed(f"soffice exited with {process.returncode} and wrote no PDF")
        return target.read_bytes()
