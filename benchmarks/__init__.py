"""Timed comparisons for ``make bench``."""
