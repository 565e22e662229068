"""The built-in checks by name, as data: importing this module loads no check (nor anything
else), so the command line can name them before it has loaded anything."""

from __future__ import annotations

__all__ = ["BUILTIN_CHECKS", "STANDBY_CHECKS"]

BUILTIN_CHECKS: dict[str, str] = {
    "sast": "gate.checks.sast:SastCheck",
    "dependencies": "gate.checks.dependencies:DependenciesCheck",
    "secrets": "gate.checks.secrets:SecretsCheck",
    "iac": "gate.checks.iac:IacCheck",
    "pipeline": "gate.checks.pipeline:PipelineCheck",
}
"""Name -> ``module:Class``, in the order reports list them."""

STANDBY_CHECKS = ("sast", "secrets")
"""Built-in checks whose worker ``gate run`` forks before it knows its jobs, to load their
scanner meanwhile (:mod:`gate.standby`): the two whose :meth:`Check.preload` costs most
and that nearly every repository gives files to."""
