"""Pins the vulnerability service could not judge: a pass needs them judged (``not_scanned``).

A package index that answers 404 for every pin (a corporate proxy, a mirror
without PyPI's JSON API) makes pip-audit skip each one as "not found on PyPI":
nothing was audited, and a run that passed would be lying. The policy's
``not_scanned`` decides, like for files the secrets check could not read:

* ``fail``: any such pin makes the check an error (exit 3 under ``on_error: fail``);
* ``auto`` (default): an error when more than :data:`SMALL_SHARE` of the pins got no
  answer (an unreachable or wrong index), a warning for a few (a private package
  PyPI does not know);
* ``warn``: a warning, whatever the share.

Either way every such pin is listed as not scanned, with the service's reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from gate.checks.dependencies.model import NO_ANSWER
from gate.checks.interface import NotScanned

__all__ = ["ADVICE", "SMALL_SHARE", "judge_unanswered"]

SMALL_SHARE = 0.1
"""Under ``not_scanned: auto``, more than this share of pins without an answer is an error."""
ADVICE = ("use an offline database (`gate db update`, or --vuln-db PATH), or check the package "
          "index and proxy settings (HTTPS_PROXY, REQUESTS_CA_BUNDLE)")


def judge_unanswered(not_scanned: Sequence[NotScanned], pins: int, setting: str
                     ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(errors, warnings)`` for the pins the service had no answer for, under ``setting``."""
    gaps = [n for n in not_scanned if NO_ANSWER in n.reason]
    if not gaps:
        return (), ()
    first = gaps[0].reason.split(NO_ANSWER, 1)[1].strip()
    line = (f"{len(gaps)} of {pins} pin(s) could not be audited, the vulnerability service had "
            f"no answer (first: {first})")
    fails = setting == "fail" or (setting == "auto" and len(gaps) > pins * SMALL_SHARE)
    if fails:
        return (f"{line}; {ADVICE}",), ()
    allowed = (f"allowed by not_scanned: {setting}" if setting != "auto"
               else f"allowed by not_scanned: auto (at most {SMALL_SHARE:.0%} of pins)")
    return (), (f"{line}; {allowed}",)
