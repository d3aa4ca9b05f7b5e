"""Simulated learners for the evidence exercise (module 4)."""

from __future__ import annotations

from . import Answers, Assignment, standard_learners

ALTERNATIVE: Answers = {
    "q1_answer": '''
def wilson(successes, n):
    if n < 1 or successes < 0 or successes > n:
        raise ValueError("need 0 <= successes <= n and n >= 1")
    z2 = Z * Z
    p = successes / n
    middle = p + z2 / (2 * n)
    spread = Z * math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)
    return ((middle - spread) / (1 + z2 / n), (middle + spread) / (1 + z2 / n))
''',
    "q2_answer": '''
def indicator_by_group(survey, indicator):
    rows = []
    for group in sorted(survey["group"].unique()):
        answers = survey.loc[survey["group"] == group, indicator]
        low, high = wilson(int(answers.sum()), len(answers))
        rows.append({"group": group, "n": len(answers), "agree": int(answers.sum()),
                     "rate": answers.mean(), "low": low, "high": high})
    return pd.DataFrame(rows).set_index("group")
''',
    "q3_answer": '''
def below_overall(table, overall_rate):
    return sorted(group for group, high in table["high"].items() if high < overall_rate)
''',
    "q4_answer": '''
def theme_count(narratives, theme):
    rows = [r for r in narratives.itertuples() if theme in r.themes.split(";")]
    return {"narratives": len(rows), "people": len({r.person_id for r in rows}),
            "share": len(rows) / len(narratives)}
''',
    "q5_answer": '''
def attendance_by_slot(records, group):
    rows = records[records.group == group]
    return pd.Series({slot: rows.loc[rows.time_slot == slot, "attended"].mean()
                      for slot in ("morning", "afternoon", "evening")})
''',
}

# Right on parts 1, 2 and 5; wrong on 3 (compares the rate, not the whole
# interval) and 4 (matches text inside codes and counts narratives as people).
PARTLY_WRONG: Answers = {
    "q1_answer": ALTERNATIVE["q1_answer"],
    "q2_answer": ALTERNATIVE["q2_answer"],
    "q3_answer": '''
def below_overall(table, overall_rate):
    return sorted(table.index[table["rate"] < overall_rate])
''',
    "q4_answer": '''
def theme_count(narratives, theme):
    has = narratives["themes"].str.contains(theme)
    return {"narratives": int(has.sum()), "people": int(has.sum()), "share": float(has.mean())}
''',
    "q5_answer": ALTERNATIVE["q5_answer"],
}


def hard_coded() -> Answers:
    """Constants that satisfy the visible checks only."""
    return {
        "q1_answer": '''
def wilson(successes, n):
    if n < 1 or successes > n:
        raise ValueError("bad")
    return (0.3968, 0.8922)
''',
        "q2_answer": '''
def indicator_by_group(survey, indicator):
    groups = sorted(survey["group"].unique())
    table = pd.DataFrame({"n": 16, "agree": 9, "rate": 9 / 16, "low": 0.3318, "high": 0.7690}, index=groups)
    return table
''',
        "q3_answer": '''
def below_overall(table, overall_rate):
    return ["young adults"]
''',
        "q4_answer": '''
def theme_count(narratives, theme):
    return {"narratives": 15, "people": 10, "share": 15 / 36}
''',
        "q5_answer": '''
def attendance_by_slot(records, group):
    return pd.Series({"morning": 0.73, "afternoon": 0.69, "evening": 30 / 33})
''',
    }


EVIDENCE = Assignment(
    name="evidence",
    learners=standard_learners("evidence", ALTERNATIVE, PARTLY_WRONG,
                               frozenset({"q1_tests", "q2_tests", "q5_tests"}), hard_coded),
    written={"q6_answer": "Decided: evening trial. Evidence: narratives, routine data; survey too small. Report back."},
    partly_wrong_messages=("Compare 'high', not 'rate'", "Count distinct person_id values"),
)
