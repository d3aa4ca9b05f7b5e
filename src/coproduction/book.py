"""Build the web book: ``python -m coproduction.book build`` (``make book``).

The book is built from the repository root so that ``course/`` stays where
learners expect it, with warnings as errors (``-n -W --keep-going``): a cell
error, a broken cross-reference or a missing citation fails the build.
Notebooks execute with the execution cache on, so a rebuild re-runs only
notebooks whose code changed.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from coproduction.release import repo_root
from coproduction.widgets.base import STATIC_ENV

__all__ = ["build", "html_dir", "serve"]


def html_dir(output: Path | None = None) -> Path:
    """Where the built HTML lands (``book/_build/html`` by default)."""
    return (output or repo_root() / "book") / "_build" / "html"


def build(
    root: Path | None = None, *, output: Path | None = None, fresh: bool = False
) -> subprocess.CompletedProcess[str]:
    """Build the book from ``root`` into ``output``/_build (default ``book/``).

    A new ``output`` folder has an empty execution cache, so every notebook
    runs: tests use one to prove the book builds from scratch. Raises
    ``RuntimeError`` with Sphinx's output on failure.
    """
    root = root or repo_root()
    args = [
        sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", ".",
        "--config", "book/_config.yml", "--toc", "book/_toc.yml",
        "--path-output", str(output or root / "book"),
        "-n", "-W", "--keep-going",
    ]
    if fresh:
        args.append("--all")
    bindir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
        STATIC_ENV: "1",  # notebooks executed for the book render no live widgets
    }
    proc = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"The book failed to build:\n{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}")
    return proc


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path, port: int = 0) -> Iterator[str]:
    """Serve a built book on localhost (a free port by default); yields its URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["build"]:
        build(fresh="--all" in argv)
        print(f"Book built: open {html_dir() / 'index.html'}")
    elif argv[:1] == ["serve"]:
        with serve(html_dir(), port=8000) as url:
            print(f"Serving the book at {url}/ (Ctrl+C to stop)")
            threading.Event().wait()
    else:
        sys.exit("usage: python -m coproduction.book build [--all] | serve")


if __name__ == "__main__":
    main()
