"""Dates after which AWS stops supporting a runtime or an engine version, and what follows.

Sources (read 2026-11-30): the "Lambda runtimes" page of the AWS Lambda developer
guide (deprecation dates; creating and then updating functions gets blocked after
them), the RDS for MySQL "supported major versions" table, the RDS for PostgreSQL
and Aurora release calendars (end of standard support; RDS Extended Support is
charged automatically afterwards). Update the tables when AWS announces a date.
"""

from __future__ import annotations

from datetime import date

from gate.findings import Severity

__all__ = ["LAMBDA_DEPRECATION", "RDS_END_OF_STANDARD_SUPPORT", "urgency", "version_key"]

LAMBDA_DEPRECATION: dict[str, date] = {
    "nodejs": date(2016, 10, 31), "nodejs4.3": date(2020, 3, 5),
    "nodejs4.3-edge": date(2020, 3, 5), "nodejs6.10": date(2019, 8, 12),
    "nodejs8.10": date(2020, 3, 6), "nodejs10.x": date(2021, 7, 30),
    "nodejs12.x": date(2023, 3, 31), "nodejs14.x": date(2023, 12, 4),
    "nodejs16.x": date(2024, 6, 12), "nodejs18.x": date(2025, 9, 1),
    "nodejs20.x": date(2026, 4, 30), "nodejs22.x": date(2027, 4, 30),
    "nodejs24.x": date(2028, 4, 30),
    "python2.7": date(2021, 7, 15), "python3.6": date(2022, 7, 18),
    "python3.7": date(2023, 12, 4), "python3.8": date(2024, 10, 14),
    "python3.9": date(2025, 12, 15), "python3.10": date(2026, 6, 30),
    "python3.11": date(2026, 6, 30), "python3.12": date(2028, 10, 31),
    "python3.13": date(2029, 6, 30), "python3.14": date(2029, 6, 30),
    "java8": date(2024, 1, 8), "java8.al2": date(2026, 6, 30), "java11": date(2026, 6, 30),
    "java17": date(2026, 6, 30), "java21": date(2029, 6, 30), "java25": date(2029, 6, 30),
    "dotnetcore1.0": date(2019, 7, 27), "dotnetcore2.0": date(2019, 5, 30),
    "dotnetcore2.1": date(2022, 1, 5), "dotnetcore3.1": date(2023, 4, 3),
    "dotnet5.0": date(2022, 5, 10), "dotnet6": date(2024, 11, 12), "dotnet7": date(2024, 5, 14),
    "dotnet8": date(2026, 11, 10), "dotnet10": date(2028, 11, 14),
    "ruby2.5": date(2021, 7, 30), "ruby2.7": date(2023, 11, 27), "ruby3.2": date(2026, 3, 31),
    "ruby3.3": date(2027, 3, 31), "ruby3.4": date(2028, 3, 31),
    "go1.x": date(2024, 1, 8), "provided": date(2024, 1, 8), "provided.al2": date(2026, 6, 30),
    "provided.al2023": date(2029, 6, 30),
}
"""Lambda runtime identifier -> deprecation date (phase 1: no more patches)."""

RDS_END_OF_STANDARD_SUPPORT: dict[tuple[str, str], date] = {
    ("mysql", "5.6"): date(2022, 3, 1), ("mysql", "5.7"): date(2024, 2, 29),
    ("mysql", "8.0"): date(2026, 7, 31),
    ("postgres", "9.6"): date(2022, 4, 26), ("postgres", "10"): date(2023, 4, 17),
    ("postgres", "11"): date(2024, 2, 29), ("postgres", "12"): date(2025, 2, 28),
    ("postgres", "13"): date(2026, 2, 28), ("postgres", "14"): date(2027, 2, 28),
    ("postgres", "15"): date(2028, 2, 29),
    ("aurora-mysql", "5.7"): date(2024, 10, 31), ("aurora", "5.6"): date(2023, 2, 28),
    ("aurora-postgresql", "11"): date(2024, 2, 29), ("aurora-postgresql", "12"): date(2025, 2, 28),
    ("aurora-postgresql", "13"): date(2026, 2, 28), ("aurora-postgresql", "14"): date(2027, 2, 28),
    ("mariadb", "10.3"): date(2023, 10, 23),
}
"""(engine, major version) -> end of RDS standard support."""

_LOW_WITHIN = 90
_INFO_WITHIN = 180


def urgency(deadline: date, today: date, *, unpatched_after: bool = False) -> Severity | None:
    """Severity by how close ``deadline`` is: past medium, 90 days low, 180 days info.

    A deprecation that only stops IaC from deploying is capped at medium: it is
    reported without failing the default ``fail_on: high``. ``unpatched_after``
    marks a deadline after which the software gets no security patches (a Lambda
    runtime, an RDS engine version): one step higher, so past it is ``high``.
    """
    days = (deadline - today).days
    steps = (Severity.MEDIUM, Severity.LOW, Severity.INFO)
    if unpatched_after:
        steps = (Severity.HIGH, Severity.MEDIUM, Severity.LOW)
    if days <= 0:
        return steps[0]
    if days <= _LOW_WITHIN:
        return steps[1]
    if days <= _INFO_WITHIN:
        return steps[2]
    return None


def version_key(engine: str, version: str) -> tuple[str, str]:
    """(engine, major) as the tables spell them: ``8.0.35`` -> 8.0, ``13.7`` -> 13."""
    engine = engine.lower()
    parts = version.strip().split(".")
    two = ".".join(parts[:2])
    if engine in ("postgres", "aurora-postgresql"):
        return engine, two if parts[0] == "9" else parts[0]
    if engine == "aurora-mysql" and version.startswith("5.7"):
        return engine, "5.7"
    return engine, two
