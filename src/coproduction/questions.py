"""The names exercise notebooks import (``from coproduction.questions import
check``), kept at this address for every released notebook and every
learner's saved copy. The code lives in :mod:`coproduction.exercise`, one job
a module (see its docstring)."""

from __future__ import annotations

from coproduction.exercise.authoring import Question, QuestionError, make_key, read_questions, write_keys
from coproduction.exercise.estimates import estimated_minutes
from coproduction.exercise.in_notebook import check, check_my_work, going_further, is_empty_function
from coproduction.exercise.judging import Verdict, judge
from coproduction.exercise.key import BLANK, KEYS, core_part, load_key
from coproduction.exercise.notebook import cell_source, is_going_further, part_name, part_names, part_title
from coproduction.exercise.outcomes import NOT_ATTEMPTED, NotAnswered, NotRight
from coproduction.exercise.report import Report, Row, check_notebook

__all__ = ["Question", "QuestionError", "Verdict", "NotAnswered", "NotRight", "check", "going_further",
           "check_my_work", "Report", "Row", "part_title", "part_name", "part_names", "cell_source",
           "read_questions", "make_key", "write_keys", "load_key", "judge", "check_notebook", "core_part",
           "estimated_minutes", "is_going_further", "KEYS", "BLANK", "NOT_ATTEMPTED", "is_empty_function"]
