"""Every grading setting has one default, in coproduction.cohort.settings:
the command line takes it from there and its help shows it."""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

import coproduction

from coproduction.cli import build_parser
from coproduction.cohort.settings import Settings, from_arguments


def test_no_option_given_is_the_settings_defaults() -> None:
    args = build_parser().parse_args(["autograde", "cohorts/x"])
    assert from_arguments(args) == Settings()


@pytest.mark.parametrize("argv, expected", [
    (["--workers", "3", "--timeout", "12.5"], Settings(workers=3, timeout=12.5)),
    (["--sandbox", "off", "--force", "--max-output", "99"], Settings(sandbox="off", force=True, max_output=99)),
    (["--total-timeout", "30"], Settings(total_timeout=30.0)),
])
def test_each_option_sets_its_field(argv: list[str], expected: Settings) -> None:
    assert from_arguments(build_parser().parse_args(["autograde", "cohorts/x", *argv])) == expected


def test_the_help_shows_every_setting_with_its_default() -> None:
    shown = " ".join(subprocess.run([sys.executable, "-m", "coproduction.cli", "autograde", "--help"],
                                    capture_output=True, text=True, check=True).stdout.split())
    for spec in fields(Settings):
        assert f"--{spec.name.replace('_', '-')}" in shown
        if spec.type != "bool":
            default = spec.metadata["shown"] or (f"{spec.default:g}" if isinstance(spec.default, float)
                                                 else str(spec.default))
            assert f"(default: {default})" in shown, spec.name
    assert "(default: 60)" in shown and "(default: one per core)" in shown


def test_no_module_imports_the_worker_to_read_its_limits() -> None:
    """The worker sets thread and plotting variables when it is imported, for
    the processes it forks: the host, the pool and the sandbox read the limits
    from the settings and never import it."""
    package = Path(coproduction.__file__).parent
    importers = []
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if "coproduction.cohort.worker" in names and path.name != "worker.py":
                importers.append(path.relative_to(package).as_posix())
    assert not importers
