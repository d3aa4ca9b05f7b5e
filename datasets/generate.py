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
from coproduction.power import ROLES as MEETING_ROLES
from coproduction.practice import FOCUS_AREA_ACTIONS, FOCUS_AREAS, LEVELS, PARTNER, ROLES, STAFF

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


# --- Module 2: a partnership board's meetings, and who sits on four bodies

# (member id, role, paid for their time, briefed before meetings). Professionals
# attend as part of their paid job; other members' payment and briefing vary,
# which is what the records let learners compare.
BOARD_MEMBERS: tuple[tuple[str, str, bool, bool], ...] = (
    ("P01", "professional", True, True), ("P02", "professional", True, True),
    ("P03", "professional", True, True), ("P04", "professional", True, True),
    ("P05", "professional", True, True), ("P06", "professional", True, True),
    ("L01", "lived experience", True, True), ("L02", "lived experience", True, True),
    ("L03", "lived experience", False, True), ("L04", "lived experience", False, False),
    ("C01", "carer", True, False), ("C02", "carer", False, False),
)


def meeting_records(rng: random.Random) -> list[dict[str, object]]:
    """Rows of meeting_records.csv: one per member per monthly meeting in 2025."""
    rows: list[dict[str, object]] = []
    for month in range(1, 13):
        present = []
        for member, role, paid, briefed in BOARD_MEMBERS:
            # Unpaid members miss more meetings: their time is not covered.
            attends = rng.random() < (0.95 if paid else 0.7)
            voice = 1.0 if role == "professional" else 0.5 + 0.2 * briefed + 0.1 * paid
            present.append((member, role, paid, briefed, attends, voice))
        draws = {m: rng.gammavariate(4.0, v) if a else 0.0 for m, _, _, _, a, v in present}
        total = sum(draws.values())
        for member, role, paid, briefed, attends, voice in present:
            made = sum(rng.random() < 0.25 * voice for _ in range(4)) if attends else 0
            chance = 0.8 if role == "professional" else 0.3 + 0.2 * briefed
            adopted = sum(rng.random() < chance for _ in range(made))
            rows.append({
                "meeting": month,
                "date": f"2025-{month:02d}-15",
                "member_id": member,
                "role": role,
                "paid": paid,
                "briefed": briefed,
                "attended": attends,
                "minutes_spoken": round(90 * draws[member] / total) if attends else 0,
                "proposals_made": made,
                "proposals_adopted": adopted,
            })
    assert {r["role"] for r in rows} == set(MEETING_ROLES)
    return rows


# Four fictional advisory bodies: seats, and the make-up (shares) of the
# people each one's service serves. Shares are illustrative, not census data.
BODIES: dict[str, tuple[int, dict[str, dict[str, tuple[float, float]]]]] = {
    # body: (seats, {dimension: {group: (population share, seat weight)}})
    "Adult Social Care Partnership Board": (16, {
        "age": {"18-39": (0.20, 0.5), "40-64": (0.30, 1.6), "65 and over": (0.50, 0.9)},
        "ethnic group": {"White": (0.82, 1.1), "Asian": (0.09, 0.6), "Black": (0.05, 0.3),
                         "Mixed": (0.02, 1.0), "Other": (0.02, 0.0)},
        "disability": {"disabled": (0.62, 0.7), "not disabled": (0.38, 1.5)},
    }),
    "Children and Young People's Panel": (12, {
        "age": {"11-15": (0.45, 0.7), "16-18": (0.35, 1.3), "19-25": (0.20, 1.0)},
        "ethnic group": {"White": (0.70, 1.0), "Asian": (0.14, 1.2), "Black": (0.08, 0.8),
                         "Mixed": (0.06, 1.0), "Other": (0.02, 0.0)},
        "disability": {"disabled": (0.18, 0.9), "not disabled": (0.82, 1.0)},
    }),
    "Mental Health Service User Forum": (14, {
        "age": {"18-39": (0.45, 0.6), "40-64": (0.40, 1.4), "65 and over": (0.15, 0.9)},
        "ethnic group": {"White": (0.76, 1.2), "Asian": (0.10, 0.5), "Black": (0.09, 0.4),
                         "Mixed": (0.03, 1.0), "Other": (0.02, 1.0)},
        "disability": {"disabled": (0.55, 1.0), "not disabled": (0.45, 1.0)},
    }),
    "Housing Tenants' Panel": (10, {
        "age": {"18-39": (0.35, 0.4), "40-64": (0.40, 1.2), "65 and over": (0.25, 1.6)},
        "ethnic group": {"White": (0.72, 1.2), "Asian": (0.12, 0.8), "Black": (0.10, 0.5),
                         "Mixed": (0.04, 1.0), "Other": (0.02, 0.0)},
        "disability": {"disabled": (0.30, 1.0), "not disabled": (0.70, 1.0)},
    }),
}


def _allocate(seats: int, weights: dict[str, float]) -> dict[str, int]:
    """Largest-remainder allocation of seats in proportion to weights."""
    total = sum(weights.values())
    exact = {g: seats * w / total for g, w in weights.items()}
    counts = {g: int(x) for g, x in exact.items()}
    for g in sorted(exact, key=lambda g: exact[g] - counts[g], reverse=True)[: seats - sum(counts.values())]:
        counts[g] += 1
    return counts


def advisory_bodies() -> list[dict[str, object]]:
    """Rows of advisory_bodies.csv: one per body, dimension and group."""
    rows: list[dict[str, object]] = []
    for body, (seats, dimensions) in BODIES.items():
        for dimension, groups in dimensions.items():
            members = _allocate(seats, {g: share * weight for g, (share, weight) in groups.items()})
            for group, (share, _) in groups.items():
                rows.append({"body": body, "dimension": dimension, "group": group,
                             "members": members[group], "population_share": share})
    return rows


# --- Module 3: past co-production projects and what was paid for


def past_projects(rng: random.Random) -> list[dict[str, object]]:
    """Rows of past_projects.csv: 40 fictional Eastmere projects, 2021-2025.

    The pattern the module teaches is built in and stated in the datasheet:
    projects that paid people, trained them and covered support costs kept
    more of them to the end, and their participants rated their influence
    higher. The size of the effect is invented.
    """
    rows: list[dict[str, object]] = []
    kinds = ("Consult", "Engage", "Co-design", "Co-produce")
    for number in range(1, 41):
        kind = rng.choice(kinds)
        depth = kinds.index(kind)
        participants = rng.randint(6, 14) if depth >= 2 else rng.randint(10, 40)
        sessions = rng.randint(1, 3) + 3 * depth
        paid = rng.random() < 0.25 + 0.2 * depth
        trained = rng.random() < (0.6 if depth >= 2 else 0.2)
        supported = rng.random() < 0.5
        hours = participants * sessions * 3
        budget_payment = round(hours * rng.choice((12.0, 15.0, 20.0))) if paid else 0  # illustrative hourly rates
        budget_training = rng.randint(6, 20) * 100 if trained else 0
        budget_support = round(participants * sessions * rng.uniform(5, 20)) if supported else 0
        budget_staff = round(sessions * rng.randint(2, 4) * rng.uniform(4, 8) * 30)
        keep = min(0.97, 0.45 + 0.2 * paid + 0.12 * trained + 0.1 * supported + rng.uniform(-0.08, 0.08))
        stayed = sum(rng.random() < keep for _ in range(participants))
        rating = 1.6 + 0.35 * depth + 0.7 * paid + 0.5 * trained + 0.3 * supported + rng.uniform(-0.4, 0.4)
        rows.append({
            "project_id": f"PP{number:03d}",
            "department": rng.choice(tuple(DEPARTMENTS)),
            "year": rng.randint(2021, 2025),
            "participation_type": kind,
            "participants": participants,
            "sessions": sessions,
            "duration_months": max(1, sessions // 2 + rng.randint(0, 3)),
            "participants_paid": paid,
            "budget_payment": budget_payment,
            "budget_training": budget_training,
            "budget_support": budget_support,
            "budget_staff_time": budget_staff,
            "stayed_to_end": stayed,
            "influence_rating": round(min(5.0, max(1.0, rating)), 1),
        })
    return rows


# --- Module 4: a service's independent feedback, routine records, narratives

# The fictional Eastmere Community Health Hub. Working carers are a small
# group in the survey and a larger one in routine records, which is the
# point: the same gap can be noise in one and clear in the other.
SURVEY_GROUPS: dict[str, tuple[int, float, float, float]] = {
    # group: (respondents, P(listened to), P(times suit me), P(knew next steps))
    "working carers": (16, 0.70, 0.40, 0.60),
    "older people": (140, 0.78, 0.72, 0.66),
    "young adults": (60, 0.62, 0.66, 0.50),
    "disabled people": (45, 0.66, 0.62, 0.52),
    "other adults": (180, 0.76, 0.70, 0.68),
}
AREAS = ("North", "South", "East", "West")
INDICATORS = ("listened_to", "times_suit_me", "knew_next_steps")


def feedback_survey(rng: random.Random) -> list[dict[str, object]]:
    """Rows of feedback_survey.csv: one per respondent."""
    rows: list[dict[str, object]] = []
    for group, (count, *chances) in SURVEY_GROUPS.items():
        for _ in range(count):
            rows.append({"respondent_id": f"FS{len(rows) + 1:04d}", "group": group, "area": rng.choice(AREAS),
                         **{name: rng.random() < chance for name, chance in zip(INDICATORS, chances)}})
    return rows


def service_records(rng: random.Random) -> list[dict[str, object]]:
    """Rows of service_records.csv: one per booked appointment in 2025.

    Evening slots were piloted in the North only. Working carers miss more
    daytime appointments and attend evening ones as well as anyone.
    """
    groups = {"working carers": 0.10, "older people": 0.35, "young adults": 0.15,
              "disabled people": 0.12, "other adults": 0.28}
    rows: list[dict[str, object]] = []
    for _ in range(3000):
        group = rng.choices(list(groups), weights=list(groups.values()))[0]
        area = rng.choice(AREAS)
        slots = ("morning", "afternoon", "evening") if area == "North" else ("morning", "afternoon")
        slot = rng.choice(slots)
        chance = 0.88
        if group == "working carers":
            chance = 0.90 if slot == "evening" else 0.68
        elif group == "young adults":
            chance = 0.82
        rows.append({"appointment_id": f"SR{len(rows) + 1:05d}", "area": area, "group": group,
                     "time_slot": slot, "attended": rng.random() < chance})
    return rows


NARRATIVE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "appointment times": ("Could only get daytime appointments and lost pay to attend.",
                          "Missed a review because it clashed with a shift; nobody offered another time.",
                          "Evening slots would mean not choosing between work and caring."),
    "travel": ("Two buses to the hub; the last one home leaves early.",
               "No parking near the hub for a wheelchair-accessible car."),
    "being listened to": ("Felt the nurse really heard what mattered at home.",
                          "Had to repeat the story to three different people."),
    "information": ("Letters arrived after the appointment they described.",
                    "Nobody explained what would happen after the assessment."),
    "waiting": ("Waited eleven weeks for a first appointment.", "The waiting room was calm and welcoming."),
}


def narratives(rng: random.Random) -> list[dict[str, object]]:
    """Rows of narratives.csv: short fictional accounts with theme codes.

    Some people told more than one story, so narratives and people differ.
    """
    rows: list[dict[str, object]] = []
    people = [f"P{n:02d}" for n in range(1, 25)]
    for number in range(1, 37):
        person = rng.choice(people)
        group = "working carers" if int(person[1:]) <= 8 else rng.choice(
            ("older people", "young adults", "disabled people", "other adults"))
        main = "appointment times" if group == "working carers" and rng.random() < 0.8 else rng.choice(
            [t for t in NARRATIVE_TEMPLATES if t != "appointment times"])
        themes = [main] + ([rng.choice([t for t in NARRATIVE_TEMPLATES if t != main])] if rng.random() < 0.4 else [])
        rows.append({"narrative_id": f"N{number:02d}", "person_id": person, "group": group,
                     "summary": rng.choice(NARRATIVE_TEMPLATES[main]), "themes": ";".join(themes)})
    return rows


# --- Module 5: the hub's self-assessment, by staff and by partners

# Mean rating (1-4) each role gives each focus area and level. Staff see the
# partnership more kindly than partners do everywhere, most of all on
# recognition and accountability (the pattern the capstone asks learners to
# find); partners more often answer "don't know" about finance and senior
# management, which they rarely see. Chosen by the course authors.
ASSESSMENT_MEANS: dict[str, tuple[float, float]] = {
    # area: (staff, partners)
    "Planning": (3.0, 2.6), "Training": (3.0, 2.9), "Implementation": (2.8, 2.3), "Flexibility": (2.6, 2.5),
    "Participation": (2.9, 2.3), "Recognition": (2.8, 1.6), "Review": (2.5, 2.1), "Accountability": (3.0, 1.8),
    "Strategic": (3.0, 2.4), "Senior management": (2.8, 2.2), "Co-production managers": (2.9, 2.6),
    "Finance": (2.1, 1.7), "Communication and marketing": (2.6, 1.8),
}
ASSESSMENT_RESPONDENTS = {STAFF: 24, PARTNER: 12}


def self_assessment(rng: random.Random) -> list[dict[str, object]]:
    """Rows of self_assessment.csv: one per respondent and statement."""
    items = [("focus area", area, f"{area[:3].upper()}{i}", text)
             for area in FOCUS_AREAS for i, text in enumerate(FOCUS_AREA_ACTIONS[area], 1)]
    items += [("level", level, f"LEV{i}", f"{level}: {text[0].upper()}{text[1:]}.")
              for i, (level, text) in enumerate(LEVELS.items(), 1)]
    rows: list[dict[str, object]] = []
    for role, count in ASSESSMENT_RESPONDENTS.items():
        prefix = "S" if role == STAFF else "L"
        for n in range(1, count + 1):
            for kind, area, item_id, statement in items:
                mean = ASSESSMENT_MEANS[area][ROLES.index(role)]
                unseen = role == PARTNER and area in ("Finance", "Senior management")
                dont_know = rng.random() < (0.3 if unseen else 0.05)
                rating = "" if dont_know else min(4, max(1, round(rng.gauss(mean, 0.7))))
                rows.append({"respondent_id": f"{prefix}{n:02d}", "role": role, "kind": kind, "area": area,
                             "item_id": item_id, "statement": statement, "rating": rating})
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
    write_csv(folder / "meeting_records.csv", meeting_records(random.Random(SEED + 2)))
    write_csv(folder / "advisory_bodies.csv", advisory_bodies())
    write_csv(folder / "past_projects.csv", past_projects(random.Random(SEED + 3)))
    write_csv(folder / "feedback_survey.csv", feedback_survey(random.Random(SEED + 4)))
    write_csv(folder / "service_records.csv", service_records(random.Random(SEED + 5)))
    write_csv(folder / "narratives.csv", narratives(random.Random(SEED + 6)))
    write_csv(folder / "self_assessment.csv", self_assessment(random.Random(SEED + 7)))


if __name__ == "__main__":
    main()
