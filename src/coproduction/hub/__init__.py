"""The course for a whole organisation: JupyterHub, nbgrader's exchange and a
PostgreSQL gradebook.

    postgres    a PostgreSQL server of the project's own, for the gradebook
    home        a learner's home on the hub: their own copy of the course
    server      start and stop the course's JupyterHub (deploy/hub/), and speak its API

The trainer's side of the exchange (hand out, collect, return feedback) is
:mod:`coproduction.cohort.exchange`.
"""
