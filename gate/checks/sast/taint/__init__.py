"""Taint tracking for the sast check: user input followed from source to sink on Python's ``ast``.

``interface.py`` holds the data model (specs and findings), ``sources.py``,
``sinks.py`` and ``sanitisers.py`` the catalogues, ``values.py`` the abstract
values, ``expressions.py`` and ``propagate.py`` the intra-procedural analysis,
``summaries.py`` and ``resolve.py`` the function summaries (same module, then
across the repository's imports), ``mentions.py`` the word filters that decide which
files and functions are worth analysing, and ``analyse.py`` the entry point.
"""

from gate.checks.sast.taint.analyse import analyse_file
from gate.checks.sast.taint.interface import FileAnalysis, SinkMark, Step, TaintFinding

__all__ = ["FileAnalysis", "SinkMark", "Step", "TaintFinding", "analyse_file"]
