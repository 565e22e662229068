"""The ``sast`` check: bandit as a library, its markers read back as data.

``check.py`` is the check itself, ``bandit_run.py`` drives bandit over one file and
``source.py`` reads the comments and markers bandit does not return.
"""

from gate.checks.sast.check import SastCheck, SastScan, python_files, scan_files

__all__ = ["SastCheck", "SastScan", "python_files", "scan_files"]
