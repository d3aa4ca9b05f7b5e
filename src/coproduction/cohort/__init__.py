"""Grading a cohort: what nbgrader lacks for running a real course.

A cohort lives in a *workspace* folder outside git (``coproduction cohort
create``): its roster, submissions, autograded copies, feedback, gradebook
and reports. Submissions are graded in parallel by long-lived worker
processes that have already imported Python's libraries and fork a fresh
process per learner (:mod:`coproduction.cohort.worker`, which runs the
learner's side in :mod:`coproduction.cohort.runner`), inside a bubblewrap
sandbox where available (:mod:`coproduction.cohort.sandbox`). The host
drives each notebook cell by cell and reads every reply as hostile
(:mod:`coproduction.cohort.pool`, :mod:`coproduction.cohort.channel`);
code that reaches into the grader is marked for review
(:mod:`coproduction.cohort.review`). The gradebook
is nbgrader's own, so nbgrader's commands (Formgrader above all) work on the
workspace as on any nbgrader course.

The files, in the order a trainer meets them::

    workspace     the workspace on disk: roster, settings, status records
    collect       cohort create, and filing an LMS download by learner
      exchange      on a hub: hand out, take submissions in, give feedback back
    grade         autograde: queue the submissions, record each status
      prepare       read a submission, put back what a learner may not change
      pool          the workers, driven cell by cell    -> protocol, channel
      worker        (in the sandbox) forks a process per learner -> runner
      scoring       outputs into the notebook, scores into the gradebook
      progressbar   the run's progress
    marks, standing  every mark and status, read straight from the gradebook
    feedback, report, export, certificates, formgrader   what comes after
"""
