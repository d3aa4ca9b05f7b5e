"""Formgrader behind a strict Content Security Policy: a Jupyter server
extension that ``coproduction formgrader`` loads.

Formgrader shows learners' work (their written answers, the outputs of
their cells, their names) on the page that holds the trainer's session, and
so the gradebook's API. The cohort pipeline already writes the autograded
copy Formgrader reads with learner HTML as text (:mod:`coproduction.cohort.inert`);
this extension makes sure that nothing that still got through can run:
every page under ``/formgrader`` is sent with a policy that allows only
scripts from the server itself and the inline scripts of nbgrader's own
templates, each marked with a fresh nonce (the submission's rendered
notebook, where learner content sits, gets none), and nbgrader's three
inline click handlers by their hashes. No inline event handler a learner
wrote (``onerror``, ``ontoggle``, SVG's ``onload``), ``javascript:`` link,
frame or plugin can run, and no page can be framed elsewhere.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import Any

from tornado.httputil import HTTPHeaders
from tornado.web import OutputTransform

__all__ = ["policy", "add_nonces", "Guard"]

#: nbgrader's inline click handlers (its templates' only ones), allowed by hash.
HANDLERS = ("toggle_name(true);", "toggle_name(false);", "toggleAllNames()")
#: Where nbconvert's pages load MathJax from, for a trainer online.
MATHJAX = "https://cdnjs.cloudflare.com"
#: Where a rendered submission starts and ends in nbgrader's formgrade page.
NOTEBOOK_START, NOTEBOOK_END = 'id="notebook-container"', '<div class="help">'
_SCRIPT = re.compile(r"<script(?=[\s>])", re.I)
_FORMGRADER = re.compile(r"(^|/)formgrader(/|$)")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy(nonce: str | None) -> str:
    """The Content Security Policy of a Formgrader page (``nonce`` for its own inline scripts)."""
    scripts = ["'self'", *([f"'nonce-{nonce}'"] if nonce else []), "'unsafe-hashes'",
               *(_hash(h) for h in HANDLERS), "'unsafe-eval'", MATHJAX]  # nbgrader's views compile templates
    return "; ".join([
        "default-src 'self'", "script-src " + " ".join(scripts), f"style-src 'self' 'unsafe-inline' {MATHJAX}",
        "img-src 'self' data:", f"font-src 'self' data: {MATHJAX}", "connect-src 'self'", "object-src 'none'",
        "frame-src 'none'", "child-src 'none'", "worker-src 'none'", "base-uri 'self'", "form-action 'self'",
        "frame-ancestors 'self'"])


def add_nonces(page: str, nonce: str) -> str:
    """``page`` with ``nonce`` on each script tag outside the rendered notebook."""
    start = page.find(NOTEBOOK_START)
    end = page.find(NOTEBOOK_END, start) if start >= 0 else -1
    if start >= 0 and end < 0:
        end = len(page)
    mark = f'<script nonce="{nonce}"'
    if start < 0:
        return _SCRIPT.sub(mark, page)
    return _SCRIPT.sub(mark, page[:start]) + page[start:end] + _SCRIPT.sub(mark, page[end:])


class Guard(OutputTransform):
    """Sets the policy on every response under ``/formgrader``."""

    def __init__(self, request: Any) -> None:
        super().__init__(request)
        self.active = bool(_FORMGRADER.search(request.path or ""))

    def transform_first_chunk(self, status_code: int, headers: HTTPHeaders, chunk: bytes,
                              finishing: bool) -> tuple[int, HTTPHeaders, bytes]:
        if not self.active:
            return status_code, headers, chunk
        nonce = None
        html = "text/html" in headers.get("Content-Type", "") and not headers.get("Content-Encoding")
        if html and finishing:  # a whole page (a streamed one gets no nonce: its scripts stay blocked)
            nonce = secrets.token_urlsafe(18)
            chunk = add_nonces(chunk.decode("utf-8", "replace"), nonce).encode("utf-8")
            headers["Content-Length"] = str(len(chunk))
        headers["Content-Security-Policy"] = policy(nonce)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        return status_code, headers, chunk


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "coproduction.cohort.guard"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    # First, so that it reads each page before any compression does.
    serverapp.web_app.transforms.insert(0, Guard)
    serverapp.log.info("coproduction: Formgrader is served with a strict Content Security Policy")
