"""Build the web book: ``python -m coproduction.book build`` (``make book``).

The book is built from the repository root so that ``course/`` stays where
learners expect it, with warnings as errors (``-n -W --keep-going``): a cell
error, a broken cross-reference or a missing citation fails the build.
Notebooks execute with the execution cache on, so a rebuild re-runs only
notebooks whose code changed.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from coproduction.nbgrader_tools import repo_root

__all__ = ["build", "html_dir", "serve", "STATIC_ENV"]

#: Set (to "1") while the book executes the course's notebooks: the scenarios
#: then show notes instead of live controls (see coproduction.widgets.base).
STATIC_ENV = "COPRODUCTION_STATIC_BUILD"


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m coproduction.book",
                                     description="Build the course's web book, or serve the built book locally.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build_command = commands.add_parser("build", help="build the book into book/_build/html",
                                        description="Build the book (only what changed, unless --all).")
    build_command.add_argument("--all", action="store_true", help="rebuild every page from scratch")
    serve_command = commands.add_parser("serve", help="serve the built book on this machine",
                                        description="Serve book/_build/html on this machine until Ctrl+C.")
    serve_command.add_argument("--port", type=int, default=8000,
                               help="port to serve on (default 8000; 0 picks a free one)")
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "build":
        build(fresh=args.all)
        print(f"Book built: open {html_dir() / 'index.html'}")
        return
    if not 0 <= args.port < 65536:
        sys.exit(f"The port {args.port} is out of range (0-65535).")
    if not (html_dir() / "index.html").is_file():
        sys.exit("The book is not built yet: run `make book` (or `python -m coproduction.book build`) first.")
    try:
        with serve(html_dir(), port=args.port) as url:
            print(f"Serving the book at {url}/ (Ctrl+C to stop)", flush=True)
            threading.Event().wait()
    except OSError as err:
        sys.exit(f"Cannot serve on port {args.port}: {err.strerror}. Choose another with --port.")
    except KeyboardInterrupt:
        print("Stopped.")


if __name__ == "__main__":
    main()
