"""The three ladders of participation as data, and how they correspond
(module 1; the classifier that places an activity on them, and the
ladders as tables, are in :mod:`coproduction.ladder`, which hands these names on).

Sources (see ``book/references.bib``):

* Arnstein (1969), "A Ladder of Citizen Participation": eight rungs.
* Think Local Act Personal (TLAP) and the National Co-production Advisory
  Group, "Ladder of co-production": seven steps. The grouping into doing
  to / for / with follows Wirral Council's rendering of it.
* peoplehub, "Co-production: a new definition": the six-type Spectrum of
  Participation and its key questions (peoplehub's copyright, used with the
  acknowledgement it asks for).

Names are spelled here once and used everywhere else (notebooks, datasets,
exercises, book): import them rather than retyping them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

__all__ = ["Level", "ARNSTEIN_RUNGS", "COPRODUCTION_STEPS", "SPECTRUM_TYPES", "SPECTRUM_ORDER",
           "CORRESPONDENCE", "LADDERS"]


@dataclass(frozen=True)
class Level:
    """One rung, step or type of one ladder.

    ``position`` counts from 1 at the bottom. ``group`` is the band the source
    puts it in (for Arnstein "Non-participation" and so on; for the ladder of
    co-production "doing to", "doing for" or "doing with"). peoplehub draws
    its spectrum as a continuum from doing TO to doing WITH, without bands,
    so its types have no group.
    """

    ladder: str
    position: int
    name: str
    group: str
    summary: str
    key_question: str = ""


_ARNSTEIN = "Arnstein's ladder"


_TLAP = "Ladder of co-production"


_SPECTRUM = "Spectrum of Participation"


ARNSTEIN_RUNGS: tuple[Level, ...] = (
    Level(_ARNSTEIN, 1, "Manipulation", "Non-participation",
          "People are placed on rubber-stamp bodies so that powerholders can claim their support."),
    Level(_ARNSTEIN, 2, "Therapy", "Non-participation",
          "People are treated as the problem to be 'cured', not as partners in the decision."),
    Level(_ARNSTEIN, 3, "Informing", "Degrees of tokenism",
          "People are told about their rights and options, one way, with no channel back."),
    Level(_ARNSTEIN, 4, "Consultation", "Degrees of tokenism",
          "People's views are asked for, with no assurance that they will be acted on."),
    Level(_ARNSTEIN, 5, "Placation", "Degrees of tokenism",
          "A few people may advise, but the powerholders keep the right to decide."),
    Level(_ARNSTEIN, 6, "Partnership", "Degrees of citizen power",
          "Planning and decision-making are shared through negotiation and joint structures."),
    Level(_ARNSTEIN, 7, "Delegated power", "Degrees of citizen power",
          "Citizens hold the majority of seats or clear authority over a plan or programme."),
    Level(_ARNSTEIN, 8, "Citizen control", "Degrees of citizen power",
          "Citizens govern a programme or institution and manage it themselves."),
)


COPRODUCTION_STEPS: tuple[Level, ...] = (
    Level(_TLAP, 1, "Coercion", "doing to",
          "People attend as passive recipients; their views are not sought or counted."),
    Level(_TLAP, 2, "Educating", "doing to",
          "People are helped to understand how a service is designed and delivered."),
    Level(_TLAP, 3, "Informing", "doing for",
          "People are told about services and decisions, and how they work."),
    Level(_TLAP, 4, "Consultation", "doing for",
          "People answer surveys or attend meetings, but may have no power to change anything."),
    Level(_TLAP, 5, "Engagement", "doing for",
          "People have more chances to give views and may influence some decisions, as far as providers allow."),
    Level(_TLAP, 6, "Co-design", "doing with",
          "People help design services from their experience, with real influence, but do not see it through."),
    Level(_TLAP, 7, "Co-production", "doing with",
          "An equal relationship: people and professionals share decisions from design to delivery."),
)


SPECTRUM_TYPES: tuple[Level, ...] = (
    Level(_SPECTRUM, 1, "Inform", "",
          "The organisation tells people about a decision already made; no response is expected.",
          "This is what is happening."),
    Level(_SPECTRUM, 2, "Educate", "",
          "The organisation explains a decision already made and checks people understand it; no debate.",
          "This is what is happening and why. Do you understand?"),
    Level(_SPECTRUM, 3, "Consult", "",
          "The organisation asks a broad population for a yes or no on a decision still to be made.",
          "This is what is happening and why. Do you agree or disagree?"),
    Level(_SPECTRUM, 4, "Engage", "",
          "The organisation gathers opinions and ideas in depth from a smaller group, from a more open position.",
          "This is what might happen. What do you think about it?"),
    Level(_SPECTRUM, 5, "Co-design", "",
          "People decide with the organisation how to reach an objective the organisation has already set.",
          "This is what we want to achieve. How should we go about it?"),
    Level(_SPECTRUM, 6, "Co-produce", "",
          "People and the organisation set priorities and objectives together and work to achieve them.",
          "What are the biggest priorities and how can we work together to achieve them?"),
)


#: Spectrum type names from doing TO people to doing WITH them.
SPECTRUM_ORDER: tuple[str, ...] = tuple(level.name for level in SPECTRUM_TYPES)


#: How each spectrum type lines up with the other two ladders. The match is
#: ours and approximate: the three were drawn for different purposes, so
#: ``note`` says where the fit is loose. Coercion and Manipulation have no
#: spectrum type; Citizen control has no step on the ladder of co-production.
CORRESPONDENCE: Mapping[str, tuple[str, tuple[int, ...], str]] = {
    "Inform": ("Informing", (3,),
               "A close match on all three: one-way telling."),
    "Educate": ("Educating", (2,),
                "Loose. Arnstein's Therapy treats people as the problem; peoplehub's Educate is a fair "
                "explanation. Both leave the decision untouched. peoplehub puts Educate above Inform; "
                "the ladder of co-production puts Educating below Informing."),
    "Consult": ("Consultation", (4,),
                "A close match: views are asked for, but the organisation decides."),
    "Engage": ("Engagement", (5,),
               "Close: deeper listening, but the organisation keeps the decision (Arnstein's Placation)."),
    "Co-design": ("Co-design", (6,),
                  "Close: influence is real and shared, within an objective set by the organisation."),
    "Co-produce": ("Co-production", (6, 7),
                   "Power is shared from setting priorities to delivery: Partnership, reaching into "
                   "Delegated power where people hold real authority."),
}


#: Each ladder by its name, as the course names it.
LADDERS: dict[str, tuple[Level, ...]] = {
    _ARNSTEIN: ARNSTEIN_RUNGS,
    _TLAP: COPRODUCTION_STEPS,
    _SPECTRUM: SPECTRUM_TYPES,
}

