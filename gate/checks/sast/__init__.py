"""The ``sast`` check: bandit as a library, its markers read back as data, plus dataflow.

``check.py`` is the check itself, ``bandit_run.py`` drives bandit over one file,
``source.py`` reads the comments and markers bandit does not return and
``syntax.py`` explains files that do not parse. ``taint/`` follows user input
from source to sink; ``taint_scan.py`` runs it over a batch of files and
``downgrade.py`` lowers the bandit findings it disproves.
"""

from gate.checks.sast.check import SastCheck, SastScan, python_files, scan_files

__all__ = ["SastCheck", "SastScan", "python_files", "scan_files"]
