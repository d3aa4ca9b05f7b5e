"""Installs are reproducible: the lock satisfies pyproject.toml, and
environment.yml (conda, Binder) agrees with the lock."""

from __future__ import annotations

import importlib.util
import re
import tomllib

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from .conftest import ROOT


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if match:
            pins.setdefault(canonicalize_name(match[1]), match[2])
    return pins


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_lock_pins_every_dependency_within_pyproject_ranges() -> None:
    pins = _lock()
    project = _project()
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    for text in requirements:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not pinned in requirements.lock: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {requirement.name}=={pins[name]}, outside {requirement.specifier}"
        )


def test_the_stack_the_course_promises() -> None:
    pins = _lock()
    assert pins["jupyterlab"].startswith("4.")
    assert pins["nbgrader"].startswith("0.9.")
    assert pins["ipywidgets"].startswith("8.")
    assert pins["jupyter-book"].startswith("1.0."), "Jupyter Book 2 cannot build offline"


def test_the_environment_leaves_out_the_iri_checker_that_slows_every_start() -> None:
    """rfc3987-syntax builds its parsers whenever jsonschema is imported, in every
    process that reads a notebook; jsonschema and nbformat work without it."""
    assert "rfc3987-syntax" not in _lock() and "--no-emit-package rfc3987-syntax" in (ROOT / "Makefile").read_text()
    assert importlib.util.find_spec("rfc3987_syntax") is None, "run make install: the lock leaves rfc3987-syntax out"
    notebook = nbformat.read(ROOT / "exercises" / "ladder" / "ladder.ipynb", as_version=4)
    nbformat.validate(notebook)
    notebook.cells[0]["cell_type"] = "not-a-cell-type"
    with pytest.raises(nbformat.ValidationError):
        nbformat.validate(notebook)


def test_environment_yml_agrees_with_the_lock() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-r requirements.lock" in pip, "environment.yml must install the lock"
    assert "-e ." in pip, "environment.yml must install the course package"
    python = next(d for d in conda if d.startswith("python"))
    version = python.split("=", 1)[1]
    assert SpecifierSet(_project()["requires-python"]).contains(version + ".0")
    makefile = (ROOT / "Makefile").read_text()
    assert f"--python-version {version}" in makefile, "the lock is resolved for environment.yml's Python"
    pins = _lock()
    for entry in [*conda, *pip]:
        if entry.startswith("-") or entry in ("pip",) or entry.startswith("python"):
            continue
        requirement = Requirement(entry.replace("=", "==", 1) if "==" not in entry else entry)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"environment.yml lists {entry}, which the lock does not pin"
        assert requirement.specifier.contains(pins[name]), f"environment.yml {entry} != lock {pins[name]}"


def _lab_banner(env: dict[str, str]) -> str:
    """What `make lab` prints before JupyterLab starts (JupyterLab itself only shows its help here)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    run = subprocess.run(["bash", str(ROOT / "scripts" / "lab.sh"), "--help"], capture_output=True, text=True,
                         timeout=120, env={**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep
                                           + os.environ.get("PATH", ""), "JUPYTER_PORT": "", "PORT": "", **env})
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.mark.slow  # starts JupyterLab
def test_make_lab_names_the_port_jupyter_really_takes() -> None:
    """JUPYTER_PORT wins over PORT; a busy port is named and the next free one is the one announced."""
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        said = _lab_banner({"JUPYTER_PORT": str(taken), "PORT": "1"})
        moved = re.search(rf"Port {taken} is in use; using (\d+) instead", said)
        assert moved, said
        assert f"http://localhost:{moved[1]}/lab/tree/course/00-start-here.ipynb" in said
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    said = _lab_banner({"PORT": str(free)})
    assert f"http://localhost:{free}/lab/" in said and "in use" not in said
