"""Co-production in Practice: the logic, data and figures behind the course.

How the package fits together, top to bottom (arrows are imports)::

    modules            the registry: each course module declared once
    errors             CourseInputError: the one kind of error a learner sees
    data               the fictional datasets, loaded with validation
    ladder, power,     a topic's logic: plain, typed functions over data
    investment,          (one per module with a topic, named in the registry)
    evidence, practice
    figures/<topic>    draws a topic's results  -> plotting (alt text, palette)
    widgets/<topic>    a topic's scenarios: labelled controls -> logic -> HTML
                         (widgets.base.Scenario), exported by the registry
    exercise/          the exercises' core track: keys, judging, checks and
                         Check my work, one job a module (see coproduction.exercise);
                         questions re-exports what notebooks import
    checks             helpers for the hidden checks: normalised options, numbers,
                         pristine course functions
    answer_cells,      reading an answer cell as the learner meant it; the
      answering, lab     kernel's reader, the JupyterLab server extension
    learner, progress, the learner's own copies, progress page and CPD record
      cpd, printing
    pages              the pages the course writes, from templates/ (Jinja2,
                         autoescaped): one base, one stylesheet
    book               builds and serves the web book
    nbgrader_tools     the project's one way to run nbgrader; what may not leak
    release            make release: exercises/ from solutions/
    cohort/            the trainer's pipeline (see coproduction.cohort)
    hub/               the course on JupyterHub: PostgreSQL, a learner's home,
                         the hub itself (see coproduction.hub)

Notebooks in ``course/`` stay narrative and call these functions.
"""

__version__ = "0.1.0"
