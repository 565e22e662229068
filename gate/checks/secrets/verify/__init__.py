"""Optional live verification of found credentials (``--verify-secrets``, off by default)."""

from gate.checks.secrets.verify.client import LIVE, REVOKED, UNKNOWN, check_one, verify_hits
from gate.checks.secrets.verify.interface import ENDPOINTS, Endpoint, VerifySettings

__all__ = ["ENDPOINTS", "LIVE", "REVOKED", "UNKNOWN", "Endpoint", "VerifySettings", "check_one",
           "verify_hits"]
