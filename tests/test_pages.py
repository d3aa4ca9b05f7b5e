"""The five pages the course writes come from one base template and one
stylesheet, with autoescaping: no page's code escapes by hand, and nothing
given to a template can become markup."""

from __future__ import annotations

import re

import jinja2
import pytest

from coproduction.pages import TEMPLATES, render

from .conftest import ROOT

#: The modules that write the pages, and each page's template.
PAGES = {
    "src/coproduction/progress.py": "progress.html.j2",
    "src/coproduction/cpd.py": "cpd.html.j2",
    "src/coproduction/cohort/certificates.py": "certificate.html.j2",
    "src/coproduction/cohort/report.py": "report.html.j2",
    "src/coproduction/cohort/feedback.py": "feedback.html.j2",
}


@pytest.mark.parametrize("module", sorted(PAGES))
def test_each_page_comes_from_its_template_on_the_one_base(module: str) -> None:
    code = (ROOT / module).read_text(encoding="utf-8")
    template = (TEMPLATES / PAGES[module]).read_text(encoding="utf-8")
    assert re.search(rf'render\(\s*"{re.escape(PAGES[module])}"', code)
    assert template.startswith('{% extends "base.html.j2" %}')
    assert not re.search(r"html\.escape\(|<html|<style|<!DOCTYPE", code.split("def _guard")[0]), \
        "markup and escaping belong to the templates"


def test_the_base_has_the_language_the_policy_and_the_one_stylesheet() -> None:
    base = (TEMPLATES / "base.html.j2").read_text(encoding="utf-8")
    assert '<html lang="en">' in base and "{{ policy }}" in base and '{% include "pages.css" %}' in base
    assert sorted(p.name for p in TEMPLATES.glob("*.css")) == ["pages.css"]
    page = render("certificate.html.j2", name="N", course="C", modules=[], hours="1", share="1%", issued="d",
                  code="x")
    assert "default-src 'none'" in page and "body.certificate" in page


def test_whatever_a_template_is_given_is_text() -> None:
    hostile = "<script>alert(1)</script>\"'&<img src=x onerror=alert(2)>"
    page = render("certificate.html.j2", name=hostile, course=hostile, modules=[(hostile, hostile)],
                  hours=hostile, share=hostile, issued=hostile, code=hostile)
    assert "<script>" not in page and "<img src=x" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 7


def test_a_name_a_template_is_not_given_is_an_error() -> None:
    with pytest.raises(jinja2.UndefinedError):
        render("certificate.html.j2", name="N")


def test_every_template_is_used() -> None:
    used = set(PAGES.values()) | {"base.html.j2", "feedback_cells.html.j2"}
    assert {p.name for p in TEMPLATES.glob("*.j2")} == used
    packaged = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"templates/*"' in packaged, "the templates are in the wheel"
