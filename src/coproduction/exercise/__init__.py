"""The exercises' core track: parts answered by choosing, not by coding.

A learner answers a core part by setting a named value in the exercise
notebook, from listed options (``q1_type = "Consult"``), as a number read
from a scenario or table (``q4_count = 7``) or as a short list
(``q3_add = ["travel", "care cover"]``), usually by choosing in the form the
course's JupyterLab extension draws. The check cell under it runs
``check("ladder", "q1_type")``, which says in plain words whether the answer
is right and, if not, what is wrong with *that* answer and where to reread.
``check_my_work("ladder")``, the notebook's last cell, judges every part as
grading would and shows a table.

The right answers are in neither the learner's notebook nor this package:
keys hold salted hashes and sealed messages only. One job a module, each
importing only those above it in this list:

- :mod:`~coproduction.exercise.notebook`: how a notebook is laid out (cells'
  text, parts and their titles, the going-further section);
- :mod:`~coproduction.exercise.estimates`: how long an exercise takes;
- :mod:`~coproduction.exercise.key`: the released key, as a learner's copy reads it;
- :mod:`~coproduction.exercise.authoring`: the questions as written, and the
  key made from them at release;
- :mod:`~coproduction.exercise.judging`: one answer judged against its key;
- :mod:`~coproduction.exercise.outcomes`: a check's outcome shown as its
  message alone, never a traceback;
- :mod:`~coproduction.exercise.report`: Check my work's table, from the
  saved notebook;
- :mod:`~coproduction.exercise.in_notebook`: what the notebook's cells call
  (``check``, ``going_further``, ``check_my_work``).

Released notebooks and learners' saved copies import these names from
:mod:`coproduction.questions`, which stays as their one stable address.
"""
