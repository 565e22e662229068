"""Google Cloud credentials written into the configuration: database user and root passwords."""

from __future__ import annotations

from gate.checks.iac.interface import Practice
from gate.checks.iac.rules.base import on
from gate.checks.iac.rules.passwords import LiteralPassword
from gate.findings import Severity

__all__ = ["SqlPassword"]


class SqlPassword(LiteralPassword):
    id = "GATE-GCP-SECRET-001"
    title = "Cloud SQL password in plain text"
    severity = Severity.HIGH
    practice = Practice.SECRETS
    rationale = ("A password in IaC lives in version control, in every clone and in the "
                 "Terraform state.")
    fix = ("Generate it (random_password) and keep it in Secret Manager, or use IAM database "
           "authentication (type = \"CLOUD_IAM_USER\") and no password at all.")
    arguments = {"google_sql_user": (("password",), ("password_wo",)),
                 "google_sql_database_instance": (("root_password",),)}
    resource_types = on(tf=list(arguments))
