"""The registry (coproduction.modules.MODULES) and the course's files agree:
nothing exists that the registry does not declare, and nothing it declares
is missing."""

from __future__ import annotations

import importlib
import inspect
import json
import re
from pathlib import Path

import pytest
import yaml

from coproduction import widgets
from coproduction.cohort.worker import PRELOAD
from coproduction.modules import MODULES, RegistryError, course_modules, scenario_topics, topics
from coproduction.nbgrader_tools import assignments

from .conftest import ROOT
from .submissions import simulated

SRC = ROOT / "src" / "coproduction"


def _code(path: Path) -> str:
    """Every code cell of a notebook, as one text."""
    return "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                     if c["cell_type"] == "code")


def _loads(text: str) -> set[str]:
    """The datasets a piece of code loads by name."""
    return set(re.findall(r"\bload\(\s*\"(\w+)\"", text))


def test_every_course_notebook_is_declared_in_order() -> None:
    on_disk = sorted(p.stem for p in (ROOT / "course").glob("*.ipynb"))
    assert on_disk == [m.slug for m in MODULES]
    assert [m.number for m in course_modules(ROOT)] == list(range(len(MODULES)))


def test_an_undeclared_or_missing_notebook_is_named(tmp_path: Path) -> None:
    (tmp_path / "course").mkdir()
    for module in MODULES:
        (tmp_path / "course" / f"{module.slug}.ipynb").write_bytes(module.notebook(ROOT).read_bytes())
    extra = tmp_path / "course" / "06-next-steps.ipynb"
    extra.write_bytes(MODULES[0].notebook(ROOT).read_bytes())
    with pytest.raises(RegistryError, match="06-next-steps.ipynb is not declared"):
        course_modules(tmp_path)
    extra.unlink()
    MODULES[-1].notebook(tmp_path).unlink()
    with pytest.raises(RegistryError, match=f"{MODULES[-1].slug} is declared but"):
        course_modules(tmp_path)


def test_the_books_contents_list_the_modules_in_order() -> None:
    toc = yaml.safe_load((ROOT / "book" / "_toc.yml").read_text(encoding="utf-8"))
    chapters = [c["file"] for part in toc["parts"] for c in part["chapters"] if c["file"].startswith("course/")]
    assert chapters == [f"course/{m.slug}" for m in MODULES]


def test_every_exercise_is_declared_by_one_module() -> None:
    declared = [m.exercise for m in MODULES if m.exercise]
    assert len(declared) == len(set(declared))
    assert sorted(declared) == assignments(ROOT)
    released = sorted(p.name for p in (ROOT / "exercises").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
    assert released == sorted(declared), "run make release"
    for module in MODULES:
        if module.exercise:
            page = module.notebook(ROOT).read_text(encoding="utf-8")
            assert f"my-work/{module.exercise}/{module.exercise}.ipynb" in page, f"{module.slug} does not point to its exercise"
            assert simulated(module.exercise).name == module.exercise
            assert (ROOT / "solutions" / "questions" / f"{module.exercise}.toml").is_file()


def test_every_topic_has_its_logic_figures_and_scenarios() -> None:
    for topic in topics():
        for folder in ("", "figures/", "widgets/"):
            assert (SRC / f"{folder}{topic}.py").is_file(), f"coproduction/{folder}{topic}.py"
    shared = {"base", "course_map", "__init__"}
    for folder in ("figures", "widgets"):
        found = {p.stem for p in (SRC / folder).glob("*.py")} - shared
        assert found == set(topics()), f"coproduction/{folder}/ has a topic the registry does not declare"
    assert {f"coproduction.{t}" for t in topics()} <= set(PRELOAD), "the grader preloads every topic"


def test_every_scenario_is_declared_where_it_is_used() -> None:
    defined = {}
    for topic in topics():
        module = importlib.import_module(f"coproduction.widgets.{topic}")
        defined.update({name: topic for name, value in vars(module).items()
                        if name.endswith("_explorer") and inspect.isfunction(value) and value.__module__ == module.__name__})
    assert defined == scenario_topics()
    assert sorted(widgets.__all__) == sorted(defined)
    for name in defined:
        assert getattr(widgets, name) is getattr(importlib.import_module(f"coproduction.widgets.{defined[name]}"), name)
    with pytest.raises(AttributeError):
        widgets.no_such_explorer  # noqa: B018
    for module in MODULES:
        used = sorted(set(re.findall(r"\b(\w+_explorer)\(\)", _code(module.notebook(ROOT)))))
        assert used == sorted(module.scenarios), f"{module.slug}: its live scenarios"


def test_every_declared_scenario_is_tested_and_benchmarked() -> None:
    from benchmarks import scenarios as bench

    benchmarked = {entry[0].__name__ for entry in [*bench.CACHED.values(), *bench.PLAIN.values()]}
    assert benchmarked == set(scenario_topics()), "benchmarks/scenarios.py times every scenario, and no other"
    tested = set(re.findall(r"\b(\w+_explorer)\(\)", (ROOT / "tests" / "test_widgets.py").read_text(encoding="utf-8")))
    assert set(scenario_topics()) <= tested, "tests/test_widgets.py drives every scenario"


def test_every_dataset_is_declared_by_the_modules_that_read_it() -> None:
    package = json.loads((ROOT / "datasets" / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"] for r in package["resources"]}
    declared = {name for m in MODULES for name in m.datasets}
    assert declared == resources, "every dataset belongs to a module, and every declared one exists"
    for module in MODULES:
        read = _loads(_code(module.notebook(ROOT)))
        if module.exercise:
            read |= _loads(_code(ROOT / "solutions" / module.exercise / f"{module.exercise}.ipynb"))
        if module.topic:
            read |= _loads((SRC / "widgets" / f"{module.topic}.py").read_text(encoding="utf-8"))
        assert read == set(module.datasets), f"{module.slug}: the datasets its page, scenarios and exercise read"


def test_each_search_term_finds_its_module_only() -> None:
    pages = {m.slug: m.notebook(ROOT).read_text(encoding="utf-8").lower() for m in MODULES}
    for module in MODULES:
        term = module.search_term.lower()
        assert term, f"{module.slug} has no search term"
        assert [slug for slug, text in pages.items() if term in text] == [module.slug], module.search_term


def test_the_course_map_names_each_module_as_its_notebook_does() -> None:
    """The orientation module's map names modules in its boxes and its alt
    text: each name is the one the module's own notebook gives, and every
    module of the registry is on it."""
    from coproduction.figures.course_map import FIRST, LAST, RELIES_ON, course_map

    names = {m.number: m for m in course_modules(ROOT)}
    texts = [FIRST, LAST, *(module for _, module in RELIES_ON)]
    boxed = {int(n): title for text in texts for n, title in re.findall(r"\b(\d+)\. ([A-Z][\w -]+?)(?::|$| on)", text)}
    assert set(boxed) == set(names), "every module, and only the registry's, is on the map"
    for number, title in boxed.items():
        assert names[number].title.startswith(title.strip()), (number, title, names[number].title)
    for number, title in re.findall(r"module (\d+), ([A-Z][\w -]+?)[:;,.]", course_map().alt):
        assert names[int(number)].title == title.strip(), (number, title)


#: The docs that list the modules, each as its own pattern: (number, title[, slug or exercise]).
DOC_TABLES = {
    "book/intro.md": (r"^\| \[(\d+)\. ([^\]]+)\]\(\.\./course/([\w-]+)\.ipynb\)", "every"),
    "book/about.md": (r"^\| \{doc\}`(\d+)\. ([^<`]+?) <\.\./course/([\w-]+)>`", "every"),
    "book/facilitators.md": (r"^### Module (\d+): (.+?) \(about", "every"),
    "book/trainers.md": (r"^\| `(\w+)` \| (\d+)\. ([^|]+?) \|", "exercise"),
}


@pytest.mark.parametrize("doc", sorted(DOC_TABLES))
def test_each_docs_table_of_modules_matches_the_registry(doc: str) -> None:
    """A row per module (per exercise, for the trainers' table), in order,
    with the number and title its notebook gives and its own page or exercise."""
    pattern, which = DOC_TABLES[doc]
    rows = re.findall(pattern, (ROOT / doc).read_text(encoding="utf-8"), re.M)
    modules = course_modules(ROOT)
    if which == "exercise":
        assert rows == [(m.exercise, str(m.number), m.title) for m in modules if m.exercise]
    elif len(rows[0]) == 3:
        assert rows == [(str(m.number), m.title, m.slug) for m in modules]
    else:
        assert rows == [(str(m.number), m.title) for m in modules]
