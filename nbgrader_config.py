"""nbgrader configuration for the course repository.

solutions/ is nbgrader's source folder (instructor notebooks with solutions
and hidden tests); exercises/ is its release folder (what learners get,
committed). Everything nbgrader writes about learners (submitted/,
autograded/, feedback/, the gradebook) goes under .nbgrader/, which git
ignores: learner data never enters the repository.
"""

from pathlib import Path

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

ROOT = Path(__file__).resolve().parent
LEARNER_DATA = ROOT / ".nbgrader"
# Plain nbgrader commands work on a fresh clone too: SQLite needs the folder.
LEARNER_DATA.mkdir(exist_ok=True)

c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.submitted_directory = str(LEARNER_DATA / "submitted")
c.CourseDirectory.autograded_directory = str(LEARNER_DATA / "autograded")
c.CourseDirectory.feedback_directory = str(LEARNER_DATA / "feedback")
c.CourseDirectory.db_url = f"sqlite:///{LEARNER_DATA / 'gradebook.db'}"
c.CourseDirectory.course_id = "coproduction-in-practice"

# A cleared solution leaves nothing behind: a core part's cell keeps its blank
# answer line (q1_type = ""), and a going-further function keeps the docstring
# that says YOUR CODE HERE, so nothing a learner runs before answering raises
# NotImplementedError (coproduction.questions says "not answered yet" instead).
c.ClearSolutions.code_stub = {"python": ""}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Validate cuts report lines at this width; the checks' messages are wrapped
# to fit (coproduction.checks.wrap), so learners see every word.
c.Validator.width = 100

# A cell that runs too long (an infinite loop) fails rather than hanging grading.
c.Execute.timeout = 60
