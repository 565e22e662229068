"""Rules by provider and service; the explicit list lives in ``gate.checks.iac.registry``."""
