"""The ``iac`` check: gate's own rule engine for infrastructure as code and CI pipelines."""

from gate.checks.iac.check import IacCheck

__all__ = ["IacCheck"]
