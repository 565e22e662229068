"""Google Cloud configurations that no longer deploy, or run unpatched: retired runtimes and
database versions past their end of standard support.

Judged against the day of the scan (injectable for tests), with the severity
graded by how close the date is (:func:`gate.checks.iac.rules.aws.lifecycles.urgency`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from gate.checks.iac.interface import (
    Outcome,
    Practice,
    Resource,
    Undetermined,
    Unit,
    Unknown,
    Violation,
)
from gate.checks.iac.rules.aws.deprecations import _Dated, _when
from gate.checks.iac.rules.aws.lifecycles import urgency
from gate.checks.iac.rules.base import on
from gate.checks.iac.rules.runtimes import language_eol
from gate.checks.iac.rules.settings import locate, read
from gate.checks.iac.values import MISSING
from gate.findings import Severity

__all__ = ["CLOUD_SQL_END_OF_STANDARD_SUPPORT", "CloudFunctionRuntime", "CloudSqlVersion",
           "function_runtime_eol"]

_RUNTIME = re.compile(r"^(python|nodejs|go|dotnet|php|ruby)(\d+)$")


def function_runtime_eol(runtime: str) -> date | None:
    """End of life of a Cloud Functions runtime id (``python38``, ``nodejs18``, ``go121``)."""
    match = _RUNTIME.match(runtime.strip().lower())
    if not match:
        return None
    family, digits = match.groups()
    if family == "nodejs":
        return language_eol("node", digits)
    if family == "dotnet":
        return language_eol("dotnet", "3.1" if digits == "3" else f"{digits}.0")
    version = f"{digits[0]}.{digits[1:]}" if len(digits) > 1 else digits
    return language_eol(family, version)


class CloudFunctionRuntime(_Dated):
    id = "GATE-GCP-DEPR-001"
    title = "Cloud Functions runtime past (or near) its end of life"
    severity = Severity.HIGH
    practice = Practice.STILL_DEPLOYS
    rationale = ("A runtime whose language is end of life gets no security patches; Cloud "
                 "Functions then deprecates it and later blocks deploying functions on it.")
    fix = "Move to a supported runtime (python312, nodejs22, go123, java21, dotnet8, ...)."
    resource_types = on(tf=["google_cloudfunctions_function", "google_cloudfunctions2_function"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        path = ("runtime",) if resource.type == "google_cloudfunctions_function" \
            else ("build_config", "runtime")
        runtime = read(resource, path)
        if isinstance(runtime, Unknown):
            yield Undetermined("runtime is not known statically", locate(resource, path))
            return
        deadline = function_runtime_eol(runtime) if isinstance(runtime, str) else None
        if deadline is None:
            return
        severity = urgency(deadline, self.today, unpatched_after=True)
        if severity is not None:
            verb = "reached" if deadline <= self.today else "reaches"
            yield Violation(f"uses runtime {runtime}, whose language {verb} end of life "
                            f"{_when(deadline, self.today)}", locate(resource, path),
                            severity=severity)


CLOUD_SQL_END_OF_STANDARD_SUPPORT: dict[str, date] = {
    "MYSQL_5_6": date(2025, 2, 1), "MYSQL_5_7": date(2025, 2, 1),
    "POSTGRES_9_6": date(2025, 2, 1), "POSTGRES_10": date(2025, 2, 1),
    "POSTGRES_11": date(2025, 2, 1), "POSTGRES_12": date(2025, 2, 1),
}
"""Cloud SQL major versions in (paid) extended support since the date (Cloud SQL docs,
"Extended support for Cloud SQL", read 2026-12-01)."""


class CloudSqlVersion(_Dated):
    id = "GATE-GCP-DEPR-002"
    title = "Cloud SQL database version past its end of standard support"
    severity = Severity.HIGH
    practice = Practice.STILL_DEPLOYS
    rationale = ("Past the end of standard support Cloud SQL bills extended support "
                 "automatically and the engine gets no community patches.")
    fix = "Upgrade database_version (MYSQL_8_4, POSTGRES_16 or POSTGRES_17) and test first."
    resource_types = on(tf=["google_sql_database_instance"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        version = resource.properties.get("database_version", MISSING)
        if isinstance(version, Unknown):
            yield Undetermined("database_version is not known statically", ("database_version",))
            return
        deadline = CLOUD_SQL_END_OF_STANDARD_SUPPORT.get(version.strip().upper()) \
            if isinstance(version, str) else None
        if deadline is None:
            return
        severity = urgency(deadline, self.today, unpatched_after=True)
        if severity is not None:
            verb = "ended" if deadline <= self.today else "ends"
            yield Violation(f"runs {version}, whose standard support {verb} "
                            f"{_when(deadline, self.today)}", ("database_version",),
                            severity=severity)
