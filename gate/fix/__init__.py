"""``gate fix``: rewrite vulnerable exact pins to the smallest version that fixes them all.

``pins`` plans the rewrites (requirements files, ``pyproject.toml``); the
grouping that chooses the version lives in :mod:`gate.report.grouping`, which
the reports share.
"""

from gate.fix.pins import FixPlan, Skipped, plan_fixes

__all__ = ["FixPlan", "Skipped", "plan_fixes"]
