"""The ``secrets`` check: detect-secrets' plugins, values dropped inside the worker.

``check.py`` is the check, ``scan.py`` a faster drop-in for detect-secrets' per-file
scan, ``lines.py`` the markers and what to fingerprint, ``rules.py`` severities and CWEs.
"""

from gate.checks.secrets.check import SecretsCheck, SecretsScan, scan_files

__all__ = ["SecretsCheck", "SecretsScan", "scan_files"]
