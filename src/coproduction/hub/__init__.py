"""The course for a whole organisation: JupyterHub, nbgrader's exchange and a
PostgreSQL gradebook.

    postgres    a PostgreSQL server of the project's own, for the gradebook
"""
