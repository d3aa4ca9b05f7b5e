"""Grading a cohort: what nbgrader lacks for running a real course.

A cohort lives in a *workspace* folder outside git (``coproduction cohort
create``): its roster, submissions, autograded copies, feedback, gradebook
and reports. Submissions are graded in parallel by long-lived worker
processes that have already imported Python's libraries and fork a fresh
child per learner (:mod:`coproduction.cohort.worker`), inside a bubblewrap
sandbox where available (:mod:`coproduction.cohort.sandbox`). The gradebook
is nbgrader's own, so nbgrader's commands (Formgrader above all) work on the
workspace as on any nbgrader course.
"""
