"""Module 2, power imbalance: the reflection table of who designs and who
delivers, a toy model of an advisory group's meetings, and representation
ratios.

Sources (see ``book/references.bib``): the reflection table is in Humber
Teaching NHS Foundation Trust's *An Introduction to Coproduction* (seed 004)
and closely resembles Bovaird's (2007) typology of user and community
co-production; the decision rules follow the step-by-step guide's call for
consent- or consensus-based decisions (seed 001), with majority voting as
the usual default we contrast them with.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal, Mapping, Sequence

import pandas as pd

from coproduction.errors import CourseInputError

__all__ = [
    "PowerError",
    "WHO",
    "DESIGN_ROLES",
    "DELIVERY_ROLES",
    "Cell",
    "REFLECTION_TABLE",
    "reflection_cell",
    "reflection_grid",
    "ROLES",
    "AGENDA_OPTIONS",
    "DECISION_RULES",
    "Meeting",
    "MeetingOutcome",
    "simulate_meetings",
    "speaking_share",
    "adoption_rate",
    "representation",
    "CHALLENGES",
    "INDIVIDUAL_CYCLE",
]


class PowerError(CourseInputError):
    """Bad input to a power-imbalance function; the message says what to fix."""


# --- Who designs, who delivers? -------------------------------------------

#: Who holds a responsibility: professionals alone, shared, or people alone.
WHO: tuple[str, ...] = ("professionals", "shared", "people")

DESIGN_ROLES: Mapping[str, str] = {
    "professionals": "Professionals as sole service planner",
    "shared": "Professionals and service users / community as co-planners",
    "people": "No professional input into service planning",
}
DELIVERY_ROLES: Mapping[str, str] = {
    "professionals": "Professionals as sole service deliverers",
    "shared": "Professionals and service users / communities as co-deliverers",
    "people": "Service users / communities as sole deliverers",
}


@dataclass(frozen=True)
class Cell:
    """One cell of the reflection table.

    ``name`` is the source's label; ``meaning`` says it in the course's words
    and ``example`` is a fictional Eastmere County service in that cell.
    """

    design: str
    delivery: str
    name: str
    meaning: str
    example: str


REFLECTION_TABLE: tuple[Cell, ...] = (
    Cell("professionals", "professionals", "Traditional professional service provision",
         "Professionals decide what the service is and run it; people receive it.",
         "Eastmere's hospital discharge team plans and runs discharge on its own."),
    Cell("shared", "professionals",
         "Professional service provision but users / communities are involved in planning and design",
         "People help plan and design the service; professionals then run it.",
         "A carers' forum helped plan Eastmere's new respite service, which council staff run."),
    Cell("people", "professionals", "Professionals as sole service deliverers",
         "People or communities plan the service without professionals, and professionals deliver it. "
         "(The source's label repeats the row heading; this is what the cell's position means.)",
         "A tenants' association drew up a repairs-priority scheme that the council's repair teams carry out."),
    Cell("professionals", "shared", "Service user co-delivery of professionally designed services",
         "Professionals design the service; people help deliver it.",
         "Peer supporters co-run a stop-smoking course that Eastmere's clinicians designed."),
    Cell("shared", "shared", "Full co-production",
         "People and professionals share both the planning and the delivery.",
         "The Eastmere Recovery College: courses planned and taught by peer trainers and clinicians together."),
    Cell("people", "shared",
         "Service user / community delivery of services with little formal / professional input",
         "People plan the service and deliver most of it, with a little professional help.",
         "A parents' group designed and runs a SEND drop-in; a council worker joins once a month."),
    Cell("professionals", "people", "Service user / community delivery of professionally planned services",
         "Professionals plan the service; people or communities deliver it on their own.",
         "Volunteers run a befriending scheme that the council designed."),
    Cell("shared", "people", "Service user / community delivery of co-planned or co-designed services",
         "People and professionals plan it together; people or communities deliver it.",
         "A community transport scheme, co-designed with the council, run entirely by volunteers."),
    Cell("people", "people", "Self-organised community provision",
         "People plan and deliver it themselves, without professionals.",
         "A mutual-aid group for new parents, set up and run by its members."),
)


def _check_who(name: str, value: object) -> None:
    if value not in WHO:
        raise PowerError(f"{name} must be one of {', '.join(map(repr, WHO))}, not {value!r}.")


def reflection_cell(design: str, delivery: str) -> Cell:
    """The cell for who holds design (planning) and who holds delivery."""
    _check_who("design", design)
    _check_who("delivery", delivery)
    return next(c for c in REFLECTION_TABLE if c.design == design and c.delivery == delivery)


def reflection_grid() -> pd.DataFrame:
    """The whole table: delivery roles as rows, design roles as columns."""
    return pd.DataFrame(
        [[reflection_cell(d, v).name for d in WHO] for v in WHO],
        index=pd.Index([DELIVERY_ROLES[v] for v in WHO], name="Responsibility for delivery"),
        columns=pd.Index([DESIGN_ROLES[d] for d in WHO], name="Responsibility for design"),
    )


# --- Around the table: a toy model of an advisory group's meetings -------

#: Member roles, spelled once.
ROLES: tuple[str, ...] = ("professional", "lived experience", "carer")
AGENDA_OPTIONS: tuple[str, ...] = ("professionals", "jointly")
DECISION_RULES: tuple[str, ...] = ("majority", "consensus", "consent")

# The model's assumptions, stated in module 2 (they teach direction, not
# predictions): professionals start with more voice because they hold the
# information and the setting is theirs; papers in advance and plain
# language each give other members more of it; a jointly set agenda puts
# their proposals on the table as often as professionals'.
_BASE_VOICE = {"professional": 1.0, "lived experience": 0.55, "carer": 0.55}
_PAPERS_BOOST = 0.15
_PLAIN_BOOST = 0.15
_TABLED_IF_PROFESSIONAL_AGENDA = 0.5  # share of others' proposals that reach the agenda
_SUPPORT_OWN, _SUPPORT_OTHER = 0.85, 0.45  # chance a member backs a proposal
_OBJECT = {"consensus": 0.06, "consent": 0.015}  # chance one member blocks


@dataclass(frozen=True)
class Meeting:
    """The set-up of the group's meetings (every field is a learner's choice)."""

    professionals: int = 6
    lived_experience: int = 3
    carers: int = 2
    agenda_set_by: Literal["professionals", "jointly"] = "professionals"
    decision_rule: Literal["majority", "consensus", "consent"] = "majority"
    papers_in_advance: bool = False
    plain_language: bool = False

    def __post_init__(self) -> None:
        for name in ("professionals", "lived_experience", "carers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 30:
                raise PowerError(f"{name.replace('_', ' ')} must be a whole number from 0 to 30, not {value!r}.")
        if self.professionals + self.lived_experience + self.carers < 2:
            raise PowerError("A group needs at least two members.")
        if self.agenda_set_by not in AGENDA_OPTIONS:
            raise PowerError(f"agenda_set_by must be one of {AGENDA_OPTIONS}, not {self.agenda_set_by!r}.")
        if self.decision_rule not in DECISION_RULES:
            raise PowerError(f"decision_rule must be one of {DECISION_RULES}, not {self.decision_rule!r}.")

    def seats(self) -> dict[str, int]:
        return {"professional": self.professionals, "lived experience": self.lived_experience,
                "carer": self.carers}

    def voice(self, role: str) -> float:
        """A member's relative voice under this set-up (the model's core assumption)."""
        weight = _BASE_VOICE[role]
        if role != "professional":
            weight += _PAPERS_BOOST * self.papers_in_advance + _PLAIN_BOOST * self.plain_language
        return weight


@dataclass(frozen=True)
class MeetingOutcome:
    """What many simulated meetings give, by role."""

    table: pd.DataFrame  # index ROLES; seat share, floor share, proposals made/adopted, adoption rate
    meetings: int

    def fairness_gap(self) -> float:
        """Professionals' adoption rate minus the others' (0 means even)."""
        t = self.table
        others = t.loc[[r for r in ROLES if r != "professional"]]
        made = others["proposals made"].sum()
        other_rate = others["proposals adopted"].sum() / made if made else 0.0
        return float(t.loc["professional", "adoption rate"] - other_rate)


def simulate_meetings(meeting: Meeting, meetings: int = 200, seed: int = 2026) -> MeetingOutcome:
    """Run the toy model for ``meetings`` meetings with a fixed seed.

    Each meeting, every member's share of the floor is drawn around their
    voice; each member makes a proposal with a chance that rises with voice;
    a proposal reaches the agenda (always when the agenda is set jointly,
    otherwise half of non-professionals' proposals) and is then decided by
    the rule: a majority of supporters, everyone's agreement (consensus,
    where any one member can block), or no reasoned objection (consent).
    """
    if isinstance(meetings, bool) or not isinstance(meetings, int) or not 1 <= meetings <= 5000:
        raise PowerError(f"meetings must be a whole number from 1 to 5000, not {meetings!r}.")
    rng = random.Random(seed)
    seats = meeting.seats()
    members = [role for role in ROLES for _ in range(seats[role])]
    voice = [meeting.voice(role) for role in members]
    floor = dict.fromkeys(ROLES, 0.0)
    made = dict.fromkeys(ROLES, 0)
    adopted = dict.fromkeys(ROLES, 0)
    for _ in range(meetings):
        draws = [rng.gammavariate(4.0, v) for v in voice]
        total = sum(draws)
        for role, share in zip(members, draws):
            floor[role] += share / total
        for role, v in zip(members, voice):
            if rng.random() >= min(0.9, 0.5 * v):
                continue
            made[role] += 1
            if (role != "professional" and meeting.agenda_set_by == "professionals"
                    and rng.random() >= _TABLED_IF_PROFESSIONAL_AGENDA):
                continue
            if _decide(meeting.decision_rule, role, members, meeting, rng):
                adopted[role] += 1
    size = len(members)
    table = pd.DataFrame(
        {
            "seat share": [seats[r] / size for r in ROLES],
            "floor share": [floor[r] / meetings for r in ROLES],
            "proposals made": [made[r] for r in ROLES],
            "proposals adopted": [adopted[r] for r in ROLES],
            "adoption rate": [adopted[r] / made[r] if made[r] else 0.0 for r in ROLES],
        },
        index=pd.Index(ROLES, name="role"),
    )
    return MeetingOutcome(table=table, meetings=meetings)


def _decide(rule: str, proposer: str, members: Sequence[str], meeting: Meeting, rng: random.Random) -> bool:
    if rule == "majority":
        support = sum(rng.random() < (_SUPPORT_OWN if m == proposer else _SUPPORT_OTHER) for m in members)
        return support * 2 > len(members)
    if rule == "consent":  # a block needs a reason, so blocks are rare and no louder for the powerful
        return not any(rng.random() < _OBJECT["consent"] for m in members if m != proposer)
    # Consensus needs everyone's agreement, so anyone may block; members with
    # more voice than the proposer block more often: a veto for the powerful.
    proposer_voice = meeting.voice(proposer)
    return not any(rng.random() < min(0.5, _OBJECT["consensus"] * meeting.voice(m) / proposer_voice)
                   for m in members if m != proposer)


# --- Meeting records and representation ----------------------------------


def _require(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise PowerError(f"Expected a pandas DataFrame, got {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise PowerError(f"The table has no column(s) {missing}; it has {list(frame.columns)}.")


def speaking_share(records: pd.DataFrame) -> pd.Series:
    """Share of all minutes spoken, by role, in ``ROLES`` order."""
    _require(records, ["role", "minutes_spoken"])
    minutes = records.groupby("role")["minutes_spoken"].sum().reindex(list(ROLES), fill_value=0)
    total = minutes.sum()
    if total == 0:
        raise PowerError("No minutes were spoken in these records, so there is no share to compute.")
    return (minutes / total).astype(float).rename("speaking share")


def adoption_rate(records: pd.DataFrame) -> pd.Series:
    """Proposals adopted over proposals made, by role (0 where none made)."""
    _require(records, ["role", "proposals_made", "proposals_adopted"])
    sums = records.groupby("role")[["proposals_made", "proposals_adopted"]].sum().reindex(
        list(ROLES), fill_value=0
    )
    made = sums["proposals_made"].astype(float)
    rate = (sums["proposals_adopted"] / made.where(made > 0)).fillna(0.0)
    return rate.astype(float).rename("adoption rate")


def representation(bodies: pd.DataFrame, body: str, threshold: float = 0.8) -> pd.DataFrame:
    """Each group's share of a body's seats against its share of the people
    the service serves, their ratio, and a flag where the ratio is below
    ``threshold`` (the group is under-represented)."""
    _require(bodies, ["body", "dimension", "group", "members", "population_share"])
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
        raise PowerError(f"threshold must be a number above 0 and at most 1, not {threshold!r}.")
    rows = bodies[bodies["body"] == body]
    if rows.empty:
        known = ", ".join(sorted(bodies["body"].unique()))
        raise PowerError(f"There is no body called {body!r}; the bodies are {known}.")
    out = rows[["dimension", "group", "members", "population_share"]].copy()
    seats = out.groupby("dimension")["members"].transform("sum")
    out["seat_share"] = (out["members"] / seats).astype(float)
    out["ratio"] = (out["seat_share"] / out["population_share"]).astype(float)
    out["under_represented"] = out["ratio"] < threshold
    return out.reset_index(drop=True)


# --- Lists the module teaches ---------------------------------------------

#: The eight challenges a co-production consultant sees in county systems
#: (Ahmad and McClinton, seed 000), in the course's words.
CHALLENGES: tuple[tuple[str, str], ...] = (
    ("Lack of representation", "Staff and leaders do not reflect the people the service serves."),
    ("Exclusion of marginalised voices", "Processes fail to bring in the views of marginalised communities."),
    ("Procedural focus", "Problems are treated as matters of procedure (fees, assessments) rather than of "
                         "people (such as whether they can reach the service at all)."),
    ("Cultural competence deficits", "Staff lack the cultural competence, relevance and humility to serve "
                                     "diverse clients well."),
    ("Client partnership overlooked", "Clients are not treated as essential partners in designing programmes."),
    ("Siloed operations", "Departmental silos create bottlenecks that hit clients hardest."),
    ("Inadequate data collection", "Little data is gathered on the experience of under-represented clients "
                                   "with the greatest needs."),
    ("Absence of advisory bodies", "There are no diverse client advisory groups to guide and evaluate services."),
)

#: Individual-level co-production as a cycle (Humber, seed 004).
INDIVIDUAL_CYCLE: tuple[str, ...] = ("Co-assess", "Co-decide", "Co-design", "Co-deliver")
