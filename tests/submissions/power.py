"""Simulated learners for the power exercise (module 2)."""

from __future__ import annotations

from . import Answers, Assignment, standard_learners

ALTERNATIVE: Answers = {
    "q1_answer": '''
def speaking_share(records):
    total = records["minutes_spoken"].sum()
    return pd.Series([records.loc[records.role == r, "minutes_spoken"].sum() / total for r in ROLES], index=ROLES)
''',
    "q2_answer": '''
def adoption_rates(records):
    out = {}
    for role in ROLES:
        rows = records[records["role"] == role]
        made = rows["proposals_made"].sum()
        out[role] = rows["proposals_adopted"].sum() / made if made else 0.0
    return pd.Series(out)[ROLES]


def adoption_gap(records):
    rates = adoption_rates(records)
    return float(rates.iloc[0] - rates.iloc[1])
''',
    "q3_answer": '''
THRESHOLD = 0.75


def representation_ratios(bodies, body, threshold):
    rows = bodies.loc[bodies.body == body, ["dimension", "group", "members", "population_share"]]
    totals = {d: rows.loc[rows.dimension == d, "members"].sum() for d in rows.dimension.unique()}
    ratio = [m / totals[d] / p for d, m, p in zip(rows.dimension, rows.members, rows.population_share)]
    return pd.DataFrame({"dimension": list(rows.dimension), "group": list(rows.group), "ratio": ratio,
                         "under_represented": [r < threshold for r in ratio]})
''',
    "q4_answer": '''
P, S, U = "professionals", "shared", "people"
PLACEMENTS = dict(A=(P, P), B=(U, U), C=(S, S), D=(S, P), E=(P, U))
''',
    "q5_answer": '''
people, pros = "towards people", "towards professionals"
SHIFTS = {n: (people if n in (1, 3, 5, 7) else pros) for n in range(1, 9)}
''',
}

# Right on parts 1 and 4; wrong on 2 (averages each row's rate), 3 (shares of
# the whole body, not of the dimension) and 5 (two practices the wrong way).
PARTLY_WRONG: Answers = {
    "q1_answer": ALTERNATIVE["q1_answer"],
    "q2_answer": '''
def adoption_rates(records):
    rows = records[records["proposals_made"] > 0]
    rate = rows["proposals_adopted"] / rows["proposals_made"]
    return rate.groupby(rows["role"]).mean().reindex(ROLES, fill_value=0.0)


def adoption_gap(records):
    rates = adoption_rates(records)
    return float(rates["professional"] - rates["lived experience"])
''',
    "q3_answer": '''
THRESHOLD = 0.8


def representation_ratios(bodies, body, threshold):
    rows = bodies[bodies["body"] == body].copy()
    rows["ratio"] = rows["members"] / rows["members"].sum() / rows["population_share"]
    rows["under_represented"] = rows["ratio"] < threshold
    return rows[["dimension", "group", "ratio", "under_represented"]].reset_index(drop=True)
''',
    "q4_answer": ALTERNATIVE["q4_answer"],
    "q5_answer": '''
SHIFTS = {1: "towards people", 2: "towards professionals", 3: "towards people", 4: "towards people",
          5: "towards people", 6: "towards professionals", 7: "towards people", 8: "towards people"}
''',
}


def hard_coded() -> Answers:
    """Constants that satisfy the visible checks only."""
    return {
        "q1_answer": '''
def speaking_share(records):
    return pd.Series([655 / 1079, 312 / 1079, 112 / 1079], index=ROLES)
''',
        "q2_answer": '''
def adoption_rates(records):
    return pd.Series([59 / 72, 11 / 27, 2 / 11], index=ROLES)


def adoption_gap(records):
    return 59 / 72 - 11 / 27
''',
        "q3_answer": '''
THRESHOLD = 0.8


def representation_ratios(bodies, body, threshold):
    rows = bodies[bodies["body"] == "Mental Health Service User Forum"].copy()
    rows["ratio"] = [(4 / 14) / 0.45] + [1.0] * 9
    rows["under_represented"] = [True] + [False] * 9
    return rows[["dimension", "group", "ratio", "under_represented"]].reset_index(drop=True)
''',
        "q4_answer": '''
PLACEMENTS = {k: ("shared", "shared") for k in "ABCDE"}
''',
        "q5_answer": '''
SHIFTS = {n: "towards people" if n == 1 else "towards professionals" for n in range(1, 9)}
''',
    }


POWER = Assignment(
    name="power",
    learners=standard_learners("power", ALTERNATIVE, PARTLY_WRONG,
                               frozenset({"q1_tests", "q4_tests"}), hard_coded),
    written={
        "q7_answer": "0.8 follows the four-fifths rule of thumb; a 2% group cannot be seen in seats on a small body.",
        "q6_answer": "Joint agenda, papers a week ahead, consent decisions, pay and brief every member.",
    },
    partly_wrong_messages=("do not average each row's rate", "within the same dimension"),
)
