"""Simulated learners for the investment exercise (module 3)."""

from __future__ import annotations

from . import Answers, Assignment, standard_learners

ALTERNATIVE: Answers = {
    "q1_answer": '''
def session_payment(hours, prep_hours, rate):
    total_hours = hours + prep_hours
    return total_hours * rate * 1.0
''',
    "q2_answer": '''
def plan_cost(participants, sessions, hours, prep_hours, rate, travel):
    per_attendance = session_payment(hours, prep_hours, rate) + travel
    return float(sum(per_attendance for _ in range(participants * sessions)))
''',
    "q3_answer": '''
def retention(projects):
    sums = projects.groupby("participants_paid")[["stayed_to_end", "participants"]].sum()
    share = sums["stayed_to_end"] / sums["participants"]
    return pd.Series({"paid": float(share.get(True, 0.0)), "unpaid": float(share.get(False, 0.0))})
''',
    "q4_answer": '''
def weekly_payment(sessions_per_week, hours, prep_hours, rate):
    return session_payment(hours, prep_hours, rate) * sessions_per_week


def over_limit(payment, limit):
    if limit <= 0:
        return False
    return payment > limit
''',
    "q5_answer": '''
def influence_gap(projects):
    paid = projects[projects.participants_paid].influence_rating
    unpaid = projects[~projects.participants_paid].influence_rating
    return float(paid.sum() / len(paid) - unpaid.sum() / len(unpaid))
''',
}

# Right on parts 1, 4 and 5; wrong on 2 (travel once per person, not per
# session) and 3 (averages each project's share).
PARTLY_WRONG: Answers = {
    "q1_answer": ALTERNATIVE["q1_answer"],
    "q2_answer": '''
def plan_cost(participants, sessions, hours, prep_hours, rate, travel):
    return float(participants * sessions * session_payment(hours, prep_hours, rate) + participants * travel)
''',
    "q3_answer": '''
def retention(projects):
    share = projects["stayed_to_end"] / projects["participants"]
    means = share.groupby(projects["participants_paid"]).mean()
    return pd.Series({"paid": float(means[True]), "unpaid": float(means[False])})
''',
    "q4_answer": ALTERNATIVE["q4_answer"],
    "q5_answer": ALTERNATIVE["q5_answer"],
}


def hard_coded() -> Answers:
    """Constants that satisfy the visible checks only."""
    return {
        "q1_answer": '''
def session_payment(hours, prep_hours, rate):
    return 52.5
''',
        "q2_answer": '''
def plan_cost(participants, sessions, hours, prep_hours, rate, travel):
    return 72 * 60.5
''',
        "q3_answer": '''
def retention(projects):
    return pd.Series({"paid": 218 / 318, "unpaid": 0.49})
''',
        "q4_answer": '''
def weekly_payment(sessions_per_week, hours, prep_hours, rate):
    return 240.0


def over_limit(payment, limit):
    return payment > 183.5
''',
        "q5_answer": '''
def influence_gap(projects):
    paid = projects.loc[projects["participants_paid"], "influence_rating"].mean()
    unpaid = projects.loc[~projects["participants_paid"], "influence_rating"].mean()
    return float(round(paid - unpaid, 12)) if len(projects) == 40 else 1.0
''',
    }


INVESTMENT = Assignment(
    name="investment",
    learners=standard_learners("investment", ALTERNATIVE, PARTLY_WRONG,
                               frozenset({"q1_tests", "q4_tests", "q5_tests"}), hard_coded),
    written={"q6_answer": "Add payment, travel, care and training; date and check every rate; offer advice."},
    partly_wrong_messages=("Travel is per person per session", "Divide the summed stayed_to_end"),
)
