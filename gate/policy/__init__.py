"""The policy subsystem: schema, loading with precise errors, and the effective policy."""

from gate.policy.errors import PolicyError, PolicyProblem
from gate.policy.load import LoadedPolicy, default_policy, load_policy, load_policy_text
from gate.policy.model import Mode, OnError, Policy, policy_model

__all__ = [
    "LoadedPolicy",
    "Mode",
    "OnError",
    "Policy",
    "PolicyError",
    "PolicyProblem",
    "default_policy",
    "load_policy",
    "load_policy_text",
    "policy_model",
]
