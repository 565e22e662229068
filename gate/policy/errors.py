"""The policy subsystem's error: every problem with file, line and key."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PolicyError", "PolicyProblem"]


@dataclass(frozen=True)
class PolicyProblem:
    """One thing wrong with a policy file."""

    line: int | None
    key: str | None
    message: str

    def render(self, source: str) -> str:
        """``.gate.yml:3: checks.sast.fail_onn: unknown key 'fail_onn' (did you mean 'fail_on'?)``."""
        where = source if self.line is None else f"{source}:{self.line}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class PolicyError(Exception):
    """The policy is invalid; maps to exit code 2 (configuration error)."""

    def __init__(self, source: str, problems: list[PolicyProblem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__(self.diagnostics())

    def diagnostics(self) -> str:
        """All problems, one per line, ready for the user."""
        lines = [f"invalid policy {self.source}:"]
        lines += ["  " + p.render(self.source) for p in self.problems]
        return "\n".join(lines)
