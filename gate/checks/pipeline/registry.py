"""The explicit list of built-in pipeline rules (add a rule here to ship it)."""

from __future__ import annotations

from gate.checks.pipeline.rule import Rule
from gate.checks.pipeline.rules import (
    exfiltration,
    gitlab,
    injection,
    poisoning,
    privileged,
    supply,
)

__all__ = ["RULES", "rule_by_id"]

RULES: tuple[Rule, ...] = (
    supply.UnpinnedAction(), privileged.PullRequestTargetCheckout(), injection.RunInjection(),
    privileged.WriteAllPermissions(), injection.ScriptInputInjection(),
    injection.EnvFileInjection(), poisoning.ArtifactPoisoning(), poisoning.CachePoisoning(),
    poisoning.PersistedCredentialsUploaded(), exfiltration.SecretToUnknownHost(),
    exfiltration.AllSecretsSerialised(), exfiltration.ObfuscatedCommand(),
    exfiltration.InsecureCommands(), privileged.BotCondition(), privileged.SelfHostedRunner(),
    supply.KnownVulnerableAction(), supply.RemoteReusableWorkflow(),
    supply.FirstPartyUnpinned(),
    gitlab.UnpinnedImage(), gitlab.UnpinnedInclude(), gitlab.EvalOfUserInput(),
    gitlab.ComponentInputInScript(), gitlab.TokenToExternalHost(),
)


def rule_by_id(rule_id: str) -> Rule:
    """The rule with ``rule_id``; ``KeyError`` when there is none."""
    for rule in RULES:
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)
