"""PDFs printed from the course's own HTML pages by the system's Chromium
(the one the browser tests use): certificates and CPD records."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["chromium", "print_pdf", "PrintError", "PAGE_POLICY"]

#: Every page the course writes (feedback, report, certificates, progress, CPD record) runs no
#: script at all: its policy says so, so nothing learner text might carry could run in a browser.
PAGE_POLICY = ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
               'style-src \'unsafe-inline\'; base-uri \'none\'; form-action \'none\'">')


class PrintError(RuntimeError):
    """No PDF could be made; the message says why and what to do."""


def chromium() -> str | None:
    """The system's Chromium, if there is one (``COPRODUCTION_CHROMIUM`` names another)."""
    named = os.environ.get("COPRODUCTION_CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    return next((found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))),
                None)


def print_pdf(page: Path, out: Path) -> Path:
    """Print the HTML file ``page`` to the PDF ``out``, as a browser's Print does (its print stylesheet)."""
    browser = chromium()
    if browser is None:
        raise PrintError("A PDF needs Chromium: install it (apt-get install chromium) or set COPRODUCTION_CHROMIUM; "
                         "the HTML page prints from any browser too.")
    with tempfile.TemporaryDirectory() as profile:
        command = [browser, "--headless", "--disable-gpu", "--no-pdf-header-footer", f"--user-data-dir={profile}",
                   f"--print-to-pdf={out}", page.resolve().as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run its own sandbox as root
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=120)
        except (OSError, subprocess.SubprocessError) as err:
            raise PrintError(f"Chromium could not print {page.name}: {err}") from None
    if not out.is_file() or not out.read_bytes().startswith(b"%PDF"):
        raise PrintError(f"Chromium did not write a PDF for {page.name}.")
    return out
