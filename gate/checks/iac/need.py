"""A parsed resource that needs a rule, as a part's verdict remembers it.

Apart from :mod:`gate.checks.iac.coverage` (which counts them and words what no rule
covers) so that a warm run decodes the remembered verdicts without importing the rest:
when every resource is covered, the check has nothing to count.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Need"]


@dataclass(frozen=True)
class Need:
    """A parsed resource that needs a rule, and whether one covers its type."""

    path: str
    ref_key: str
    line: int
    type: str
    covered: bool
