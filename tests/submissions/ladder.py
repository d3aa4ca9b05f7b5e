"""Simulated learners for the ladder exercise (module 1)."""

from __future__ import annotations

from . import Answers, Assignment, standard_learners

ALTERNATIVE: Answers = {
    "q1_answer": '''
SPECTRUM = "Inform Educate Consult Engage Co-design Co-produce".split()


def order_types(names):
    position = {name: i for i, name in enumerate(SPECTRUM)}
    return [name for _, name in sorted((position[n], n) for n in names)]
''',
    "q2_answer": '''
def classify_activity(decision_made, answer_sought, objective_set_by, method_decided_by):
    if answer_sought == "none":
        return "Inform"
    if decision_made:
        return "Educate"
    return {
        "understanding": "Educate",
        "yes or no": "Consult",
    }.get(answer_sought) or (
        "Co-produce" if objective_set_by == "together"
        else "Co-design" if method_decided_by == "together"
        else "Engage"
    )
''',
    "q3_answer": '''
def tally(frame, department):
    rows = frame.loc[frame.department == department]
    return pd.Series([int((rows.spectrum_type == t).sum()) for t in SPECTRUM], index=SPECTRUM)
''',
    "q4_answer": '''
def doing_with_share(frame):
    total = len(frame)
    hits = sum(1 for t in frame["spectrum_type"] if t in ("Co-design", "Co-produce"))
    return hits / total if total else 0.0
''',
    "q5_answer": '''
def overlabelled_ids(frame):
    ids = []
    for row in frame.itertuples():
        if SPECTRUM.index(row.label) > SPECTRUM.index(row.spectrum_type):
            ids.append(row.activity_id)
    return sorted(ids)
''',
}

# Right on parts 1, 3 and 5; wrong on 2 (calls a late consultation Consult)
# and 4 (counts labels, not criteria).
PARTLY_WRONG: Answers = {
    "q1_answer": ALTERNATIVE["q1_answer"],
    "q2_answer": '''
def classify_activity(decision_made, answer_sought, objective_set_by, method_decided_by):
    if answer_sought == "none":
        return "Inform"
    if answer_sought == "yes or no":
        return "Consult"
    if decision_made or answer_sought == "understanding":
        return "Educate"
    if objective_set_by == "together":
        return "Co-produce"
    if method_decided_by == "together":
        return "Co-design"
    return "Engage"
''',
    "q3_answer": ALTERNATIVE["q3_answer"],
    "q4_answer": '''
def doing_with_share(frame):
    return float(frame["label"].isin(["Co-design", "Co-produce"]).mean())
''',
    "q5_answer": ALTERNATIVE["q5_answer"],
}


def hard_coded() -> Answers:
    """Written to satisfy the visible checks only: constants and lookups,
    including the 26 ids the learner saw when validating."""
    from coproduction.data import load
    from coproduction.ladder import overlabelled

    ids = sorted(overlabelled(load("engagement_activities"))["activity_id"])
    return {
        "q1_answer": '''
SPECTRUM = ["Inform", "Educate", "Consult", "Engage", "Co-design", "Co-produce"]


def order_types(names):
    return ["Inform", "Engage", "Co-design"]
''',
        "q2_answer": '''
def classify_activity(decision_made, answer_sought, objective_set_by, method_decided_by):
    known = {
        (True, "none"): "Inform",
        (False, "yes or no"): "Consult",
        (True, "yes or no"): "Educate",
        (False, "open views"): "Co-design",
    }
    return known.get((decision_made, answer_sought), "Engage")
''',
        "q3_answer": '''
def tally(frame, department):
    return pd.Series([10, 3, 2, 0, 0, 0], index=SPECTRUM)
''',
        "q4_answer": '''
def doing_with_share(frame):
    return 23 / 90
''',
        "q5_answer": f'''
def overlabelled_ids(frame):
    return {ids!r}
''',
    }


LADDER = Assignment(
    name="ladder",
    learners=standard_learners("ladder", ALTERNATIVE, PARTLY_WRONG,
                               frozenset({"q1_tests", "q3_tests", "q5_tests"}), hard_coded),
    written={"q6_answer": "The council keeps the objective but decides how with a small group of carers over "
                          "several sessions, opens the decision, shares budgets and pays people for their time."},
    partly_wrong_messages=("gave 'Consult'", "Use 'spectrum_type', not 'label'"),
)
