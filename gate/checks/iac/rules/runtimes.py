"""When the languages behind cloud function and web app runtimes stop getting patches.

Google Cloud Functions and Azure App Service / Functions deprecate a runtime
when its language reaches community end of life, then block creating (and later
updating) apps on it. The dates below are the languages' own end-of-life dates
(python.org devguide, Node.js release schedule, Go release policy, .NET and
Java support policies, PHP and Ruby branches), read 2026-12-01: after them the
runtime gets no security patches, which is the exposure the rules report.
"""

from __future__ import annotations

from datetime import date

__all__ = ["LANGUAGE_EOL", "language_eol"]

LANGUAGE_EOL: dict[tuple[str, str], date] = {
    ("python", "2.7"): date(2020, 1, 1), ("python", "3.6"): date(2021, 12, 23),
    ("python", "3.7"): date(2023, 6, 27), ("python", "3.8"): date(2024, 10, 7),
    ("python", "3.9"): date(2025, 10, 31), ("python", "3.10"): date(2026, 10, 31),
    ("python", "3.11"): date(2027, 10, 31), ("python", "3.12"): date(2028, 10, 31),
    ("node", "6"): date(2019, 4, 30), ("node", "8"): date(2019, 12, 31),
    ("node", "10"): date(2021, 4, 30), ("node", "12"): date(2022, 4, 30),
    ("node", "14"): date(2023, 4, 30), ("node", "16"): date(2023, 9, 11),
    ("node", "18"): date(2025, 4, 30), ("node", "20"): date(2026, 4, 30),
    ("node", "22"): date(2027, 4, 30),
    ("go", "1.11"): date(2020, 2, 25), ("go", "1.13"): date(2020, 8, 11),
    ("go", "1.16"): date(2022, 3, 15), ("go", "1.18"): date(2023, 2, 1),
    ("go", "1.19"): date(2023, 8, 8), ("go", "1.20"): date(2024, 2, 6),
    ("go", "1.21"): date(2024, 8, 13), ("go", "1.22"): date(2025, 2, 11),
    ("go", "1.23"): date(2025, 8, 12), ("go", "1.24"): date(2026, 2, 10),
    ("dotnet", "3.1"): date(2022, 12, 13), ("dotnet", "5.0"): date(2022, 5, 10),
    ("dotnet", "6.0"): date(2024, 11, 12), ("dotnet", "7.0"): date(2024, 5, 14),
    ("dotnet", "8.0"): date(2026, 11, 10),
    ("php", "7.4"): date(2022, 11, 28), ("php", "8.0"): date(2023, 11, 26),
    ("php", "8.1"): date(2025, 12, 31), ("php", "8.2"): date(2026, 12, 31),
    ("ruby", "2.6"): date(2022, 3, 31), ("ruby", "2.7"): date(2023, 3, 31),
    ("ruby", "3.0"): date(2024, 4, 23), ("ruby", "3.1"): date(2025, 3, 31),
    ("ruby", "3.2"): date(2026, 3, 31),
}
"""(language, version) -> the day the language version stopped (or stops) getting patches."""


def language_eol(language: str, version: str) -> date | None:
    """The end of life of ``language`` ``version`` (``3.8``, ``18``, ``6.0``, ``1.21``)."""
    version = version.strip().lower().removeprefix("v")
    for suffix in ("-lts", "lts", ".x"):
        version = version.removesuffix(suffix)
    if language == "dotnet" and version.count(".") == 0 and version.isdigit():
        version += ".0"
    if language == "node":
        version = version.split(".")[0]
    elif language in ("python", "go", "php", "ruby", "dotnet"):
        version = ".".join(version.split(".")[:2])
    return LANGUAGE_EOL.get((language, version))
