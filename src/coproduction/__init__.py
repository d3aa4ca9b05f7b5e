"""Co-production in Practice: the logic, data and figures behind the course.

Topic modules (``coproduction.ladder`` …) hold plain, typed functions;
``coproduction.widgets`` builds the interactive scenarios on top of them;
``coproduction.data`` loads the fictional datasets with validation.
"""

__version__ = "0.1.0"
