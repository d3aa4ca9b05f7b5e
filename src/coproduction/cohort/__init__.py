"""Grading a cohort: what nbgrader lacks for running a real course.

A cohort lives in a *workspace* folder outside git (``coproduction cohort
create``): its roster, submissions, autograded copies, feedback, gradebook
and reports. Submissions are graded in parallel by long-lived worker
processes that have already imported Python's libraries and fork a fresh
process per learner (:mod:`coproduction.cohort.worker`, which runs the
learner's side in :mod:`coproduction.cohort.runner`) and a judge beside it
that runs the test cells where no learner code has run
(:mod:`coproduction.cohort.judge`, starting from the answers the host reads
from the saved cells, :mod:`coproduction.cohort.answers`, and calling the
learner's functions across as data, :mod:`coproduction.cohort.values`),
inside a bubblewrap sandbox where available
(:mod:`coproduction.cohort.sandbox`). The host drives each notebook cell by
cell and reads every reply as hostile (:mod:`coproduction.cohort.pool`,
:mod:`coproduction.cohort.channel`); code that reaches into the grader, or
a run that disagrees with the judge's, is marked for review
(:mod:`coproduction.cohort.review`, :mod:`coproduction.cohort.scoring`).
What a learner wrote is made inert before a trainer's terminal, spreadsheet
or Formgrader shows it (:mod:`coproduction.cohort.inert`,
:mod:`coproduction.cohort.guard`). The gradebook
is nbgrader's own, so nbgrader's commands (Formgrader above all) work on the
workspace as on any nbgrader course.

The files, in the order a trainer meets them::

    workspace     the workspace on disk: roster, settings, status records
    collect       cohort create, and filing an LMS download by learner
      exchange      on a hub: hand out, take submissions in, give feedback back
    grade         autograde: queue the submissions, record each status
      settings      every setting of a run, each default once: options, limits, graces
      prepare       read a submission, put back what a learner may not change -> answers
      plan          a submission's run as data: its steps, what the judge starts from, what happened
      pool          the workers, driven cell by cell    -> workers, protocol, channel
        workers       one worker process: started, watched, stopped -> sandbox
      worker        (in the sandbox) forks a process per learner -> runner, judge, values, ipc
      scoring       outputs into the notebook, scores into the gradebook -> inert
      progressbar   the run's progress
    marks, standing  every mark and status, read straight from the gradebook
    feedback, report, export, certificates, formgrader (-> guard)   what comes after
"""
