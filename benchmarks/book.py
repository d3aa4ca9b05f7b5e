"""The web book: clean build time, rebuild time after editing one module
notebook (execution cache on), and each page's total transfer size as a
browser loads it. Targets (issue 9): clean build under 120 s on 2 cores;
one-module rebuild under 20 s; no page over 2 MB, median under 1 MB.
"""

from __future__ import annotations

import gzip
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import yaml

from benchmarks.timing import Result
from coproduction.book import build, html_dir, serve

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"


def _copy_sources(dest: Path) -> Path:
    """What the book is built from, so the benchmark can edit a notebook
    without touching the repository."""
    for name in ("course", "datasets"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copytree(ROOT / "book", dest / "book", ignore=shutil.ignore_patterns("_build"))
    return dest


def _edit(notebook: Path, *, code: bool) -> None:
    nb = nbformat.read(notebook, as_version=4)
    kind = "code" if code else "markdown"
    cell = next(c for c in reversed(nb.cells) if c.cell_type == kind)
    cell.source += "\n# edited for the benchmark" if code else "\n\nEdited for the benchmark."
    nbformat.write(nb, notebook)


def _timed_build(root: Path) -> float:
    start = time.perf_counter()
    build(root, output=root / "book")
    return time.perf_counter() - start


COMPRESSIBLE = {".html", ".js", ".css", ".svg", ".json", ".txt", ".map"}


def _sent_bytes(path: Path) -> tuple[int, int]:
    """(bytes uncompressed, bytes as a gzip-serving host sends them)."""
    raw = path.read_bytes()
    sent = len(gzip.compress(raw, 6)) if path.suffix in COMPRESSIBLE else len(raw)
    return len(raw), sent


def page_sizes(site: Path) -> dict[str, tuple[int, int]]:
    """For each table-of-contents page, the bytes of everything a browser with
    an empty cache fetches for it (the page and every asset it loads, as the
    browser's resource timing lists them): uncompressed, and gzip-compressed
    as static hosts such as GitHub Pages serve text."""
    from playwright.sync_api import sync_playwright

    toc = yaml.safe_load((ROOT / "book" / "_toc.yml").read_text())
    pages = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    sizes: dict[str, tuple[int, int]] = {}
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        for page_name in pages:
            context = browser.new_context()
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
            page = context.new_page()
            page.goto(f"{base}/{page_name}.html", wait_until="networkidle")
            page.wait_for_timeout(500)
            urls = page.evaluate(
                "() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
                ".map(e => e.name)"
            )
            files = {site / urlparse(u).path.lstrip("/") for u in urls if u.startswith(base)}
            counted = [_sent_bytes(f) for f in files if f.is_file()]
            sizes[page_name] = (sum(c[0] for c in counted), sum(c[1] for c in counted))
            context.close()
        browser.close()
    return sizes


def run() -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = _copy_sources(Path(tmp))
        clean = _timed_build(root)
        _edit(root / "course" / "01-the-ladder.ipynb", code=False)
        text_edit = _timed_build(root)
        _edit(root / "course" / "01-the-ladder.ipynb", code=True)
        code_edit = _timed_build(root)
        sizes = page_sizes(html_dir(root / "book"))
    print(f"book: clean build {clean:.1f} s; rebuild after a text edit {text_edit:.1f} s, "
          f"after a code edit {code_edit:.1f} s")
    for name, (raw, sent) in sorted(sizes.items(), key=lambda kv: -kv[1][1]):
        print(f"  {name}: {sent / 1e6:.2f} MB sent gzip-compressed ({raw / 1e6:.2f} MB uncompressed)")
    largest = max(sent for _, sent in sizes.values()) / 1e6
    median = statistics.median(sent for _, sent in sizes.values()) / 1e6
    largest_raw = max(raw for raw, _ in sizes.values()) / 1e6
    results += [
        ("book_clean_build", clean, "s"),
        ("book_clean_build_vs_target", clean / 120, "x"),
        ("book_rebuild_text_edit", text_edit, "s"),
        ("book_rebuild_code_edit", code_edit, "s"),
        ("book_rebuild_code_edit_vs_target", code_edit / 20, "x"),
        ("book_largest_page", largest, "MB"),
        ("book_largest_page_vs_target", largest / 2, "x"),
        ("book_largest_page_uncompressed", largest_raw, "MB"),
        ("book_median_page", median, "MB"),
        ("book_median_page_vs_target", median / 1, "x"),
    ]
    return results
