"""Generate the course's fictional datasets, reproducibly.

Run ``python datasets/generate.py`` from the repository root; it rewrites
each CSV from a fixed seed, so running it twice gives identical files (a
test checks this). Every row is invented: Eastmere County and its services
do not exist. See ``datasets/README.md`` for what each dataset is for and
where its parameters come from.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from coproduction.ladder import SPECTRUM_ORDER, Activity, classify

HERE = Path(__file__).resolve().parent
SEED = 20261123

# Departments of the fictional Eastmere County Council, each with topics and
# a mix of spectrum types (weights in SPECTRUM_ORDER order) that gives the
# portfolio scenario something to find: most engagement sits low, a few
# departments do real co-design or co-production, and some label one-off
# surveys as co-production.
DEPARTMENTS: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "Adult Social Care": (
        ("day services", "home care charging", "carers' breaks", "direct payments", "care home quality"),
        (2, 2, 4, 3, 3, 2),
    ),
    "Children's Services": (
        ("youth centres", "care leavers' support", "school transport", "family hubs", "SEND short breaks"),
        (2, 2, 3, 3, 3, 1),
    ),
    "Public Health": (
        ("stop-smoking service", "sexual health clinics", "healthy weight programme", "drug and alcohol service"),
        (3, 4, 4, 2, 1, 1),
    ),
    "Housing": (
        ("tenancy agreements", "repairs service", "homelessness prevention", "estate regeneration"),
        (4, 2, 4, 2, 1, 1),
    ),
    "Libraries and Culture": (
        ("mobile library routes", "reading groups", "opening hours", "community archive"),
        (2, 1, 2, 3, 2, 2),
    ),
    "Transport": (
        ("rural bus routes", "dial-a-ride", "cycle lanes", "accessible stations"),
        (3, 2, 5, 2, 1, 0),
    ),
}

TITLES: dict[str, tuple[str, ...]] = {
    "Inform": ("Leaflet on changes to {t}", "Web page announcing new {t} arrangements", "Letter to users about {t}"),
    "Educate": ("Drop-in sessions explaining the new {t} policy", "Briefing events on the changes to {t}",
                "Q&A webinar on the {t} decision"),
    "Consult": ("Online survey on proposed {t} changes", "Public consultation on {t} options",
                "Questionnaire on the {t} proposal"),
    "Engage": ("Focus groups on the future of {t}", "Listening events about {t}",
               "Workshops gathering ideas on {t}"),
    "Co-design": ("Design group for the new {t} service", "Co-design workshops for {t}",
                  "User panel shaping how {t} is delivered"),
    "Co-produce": ("Partnership board setting {t} priorities", "Joint steering group for {t}",
                   "Co-production group for the {t} strategy"),
}


def _answers(kind: str, rng: random.Random) -> dict[str, object]:
    """Answers to the spectrum's questions that fit a spectrum type, with
    breadth falling and depth rising along the spectrum."""
    reach = {
        "Inform": (500, 20000, 1, 1),
        "Educate": (30, 400, 1, 2),
        "Consult": (80, 3000, 1, 1),
        "Engage": (8, 60, 1, 4),
        "Co-design": (6, 20, 3, 10),
        "Co-produce": (6, 16, 6, 24),
    }[kind]
    answers: dict[str, object] = {
        "decision_made": kind in ("Inform", "Educate"),
        "answer_sought": {"Inform": "none", "Educate": "understanding", "Consult": "yes or no"}.get(kind, "open views"),
        "objective_set_by": "together" if kind == "Co-produce" else "organisation",
        "method_decided_by": "together" if kind in ("Co-design", "Co-produce") else "organisation",
        "participants": rng.randint(reach[0], reach[1]),
        "sessions": rng.randint(reach[2], reach[3]),
    }
    # Some "consultations" are run on decisions already taken: by the
    # spectrum's criteria they are Educate, whatever the department calls them.
    if kind == "Consult" and rng.random() < 0.2:
        answers["decision_made"] = True
    return answers


def _label(kind: str, answers: dict[str, object], rng: random.Random) -> str:
    """What the department called it: mostly what it is, sometimes higher."""
    position = SPECTRUM_ORDER.index(kind)
    if answers["decision_made"] and answers["answer_sought"] == "yes or no":
        return "Consult"
    roll = rng.random()
    if kind == "Consult" and roll < 0.25:
        return "Co-produce"  # the one-off survey badged as co-production
    if kind in ("Engage", "Co-design") and roll < 0.3:
        return "Co-produce"
    if position < len(SPECTRUM_ORDER) - 1 and roll < 0.1:
        return SPECTRUM_ORDER[position + 1]
    if position > 0 and roll > 0.97:
        return SPECTRUM_ORDER[position - 1]  # modesty happens too
    return kind


def engagement_activities(rng: random.Random) -> list[dict[str, object]]:
    """Rows of engagement_activities.csv: 15 activities per department."""
    rows: list[dict[str, object]] = []
    for department, (topics, weights) in DEPARTMENTS.items():
        for _ in range(15):
            kind = rng.choices(SPECTRUM_ORDER, weights=weights)[0]
            topic = rng.choice(topics)
            answers = _answers(kind, rng)
            label = _label(kind, answers, rng)
            actual, _ = classify(Activity(**answers))  # type: ignore[arg-type]
            rows.append(
                {
                    "activity_id": f"EA{len(rows) + 1:03d}",
                    "department": department,
                    "title": rng.choice(TITLES[kind]).format(t=topic),
                    "year": rng.choice((2024, 2025, 2026)),
                    "label": label,
                    **answers,
                    "spectrum_type": actual,
                }
            )
    return rows


def write_csv(path: Path, rows: list[dict[str, object]]) -> None:
    """Write rows with booleans as true/false and Unix line endings."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: str(v).lower() if isinstance(v, bool) else v for k, v in row.items()})


def main(folder: Path = HERE) -> None:
    """Regenerate every dataset into ``folder``."""
    rng = random.Random(SEED)
    write_csv(folder / "engagement_activities.csv", engagement_activities(rng))


if __name__ == "__main__":
    main()
