"""The review's corrections stay made (issue 16, CONTENT.md "Corrections and additions").

Each correction is checked twice: the right version is taught where the course teaches it,
and the wrong version appears nowhere a learner, trainer or reader could meet it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from .conftest import ROOT, read_nb


def _plain(text: str) -> str:
    """One line of text with Markdown emphasis removed, so a phrase matches across line breaks."""
    return re.sub(r"\s+", " ", text.replace("**", "").replace("*", "").replace("`", ""))


@cache
def _text(path: Path) -> str:
    if path.suffix == ".ipynb":
        return _plain("\n".join(cell.source for cell in read_nb(path).cells))
    return _plain(path.read_text(encoding="utf-8"))


def _everything() -> dict[str, str]:
    """Every file a learner, trainer or reader meets: course, exercises, book, package, questions."""
    patterns = ["course/*.ipynb", "exercises/*/*.ipynb", "solutions/*/*.ipynb", "solutions/questions/*.toml",
                "book/*.md", "book/references.bib", "src/coproduction/**/*.py", "datasets/README.md"]
    return {str(p.relative_to(ROOT)): _text(p) for pattern in patterns for p in sorted(ROOT.glob(pattern))}


#: (file, what must be there as a regular expression over plain text, why).
TAUGHT = [
    ("course/03-input-investment.ipynb", r"lower limit, GBP 20 a week",
     "ESA's lower permitted-work limit is GBP 20 a week"),
    ("course/03-input-investment.ipynb", r"higher limit \(GBP 183\.50 a week from April 2024\)",
     "GBP 183.50 is the higher limit, dated"),
    ("course/03-input-investment.ipynb", r"under 16 hours a week",
     "the higher limit needs work under 16 hours a week"),
    ("course/03-input-investment.ipynb", r"DWP must be told before the work starts",
     "DWP is told before permitted work starts"),
    ("course/03-input-investment.ipynb", r"change every April", "the limits change every April"),
    ("course/03-input-investment.ipynb", r"England, Wales and Scotland", "the benefit rules' scope"),
    ("course/03-input-investment.ipynb", r"Benefits Advice Service for Involvement", "where to get advice"),
    ("course/03-input-investment.ipynb",
     r"only where the involvement is connected to research, education, a charity, or involvement the law requires",
     "declining a payment protects benefits only under SCIE's conditions"),
    ("course/03-input-investment.ipynb", r"it gives no unit", "the NIHR range has no unit"),
    ("src/coproduction/investment.py", r"195\.50", "the April 2025 higher limit is recorded"),
    ("course/04-evidence-backed-decisions.ipynb", r"assumes all 819",
     "the NIHR survey interval states its assumption"),
    ("book/references.bib", r"\{?NIHR\}? Public Involvement Feedback Survey 2020-2021: The results",
     "the NIHR survey carries its real title"),
    ("book/references.bib", r"ImROC Briefing Paper 13", "ImROC's tips are cited to the briefing paper"),
    ("course/05-putting-it-into-practice.ipynb", r"lewis2017", "module 5 cites ImROC for the tips"),
    ("course/05-putting-it-into-practice.ipynb", r"does not use the word co-production",
     "the Health and Care Act 2022 sets duties to involve, not co-production"),
    ("course/05-putting-it-into-practice.ipynb", r"Care Quality Commission's strategy of 2021",
     "the CQC strategy (2021) is named"),
    ("course/05-putting-it-into-practice.ipynb", r"Care Act 2014 does give a definition",
     "the Care Act 2014 guidance defines co-production"),
    ("course/05-putting-it-into-practice.ipynb", r"One large project was the 2022 Children's Report Card",
     "Sacramento's report card is one large project"),
    ("course/05-putting-it-into-practice.ipynb", r"seven values", "McClinton's seven values are taught"),
    ("course/02-power-imbalance.ipynb", r"real consensus", "consensus can hand powerful members a veto"),
    ("solutions/questions/ladder.toml", r"(?i)tokenism", "a sham consultation is named as tokenism"),
]

#: (what must appear nowhere, as a regular expression over plain text, why).
NOWHERE = [
    (r"(?i)lower limit[^.]{0,40}167|167[^.]{0,40}lower limit", "GBP 167 was never the lower limit"),
    (r"(?i)13\.80 (an|per|each) hour|hourly[^.]{0,30}13\.80", "GBP 13.80 is not an hourly rate"),
    (r"(?i)without being treated as if they had been paid the full amount",
     "declining a payment has conditions"),
    (r"(?i)its largest (project|piece)", "Sacramento's report card is one large project, not its largest"),
    (r"(?i)consensus[^.]{0,60}nobody objects|nobody objects[^.]{0,60}consensus",
     "'nobody objects' is consent, not consensus"),
    (r"(?i)Health and Care Act 2022 (requires|mandates|demands) co-production",
     "the Act does not use the word co-production"),
    (r"(?i)from the course brief", "every source is a real document, not a title from the brief"),
    (r"(?i)Title supplied by the course", "every source carries its own title"),
]


@pytest.mark.parametrize("path, pattern, why", TAUGHT, ids=[t[2] for t in TAUGHT])
def test_the_corrected_version_is_taught(path: str, pattern: str, why: str) -> None:
    assert re.search(pattern, _text(ROOT / path)), f"{path}: {why} (expected /{pattern}/)"


@pytest.mark.parametrize("pattern, why", NOWHERE, ids=[n[1] for n in NOWHERE])
def test_the_wrong_version_appears_nowhere(pattern: str, why: str) -> None:
    texts = _everything()
    assert len(texts) > 40, "the course's files were not found"
    found = {path: m.group(0) for path, text in texts.items() if (m := re.search(pattern, text))}
    assert not found, f"{why}: {found}"
