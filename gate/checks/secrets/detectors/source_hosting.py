"""Source hosting and CI: GitHub, GitLab, Bitbucket/Atlassian, CircleCI, Buildkite.

Sources: GitHub "About authentication to GitHub: GitHub's token formats" and
the 2021 token-format post (prefix, 30 base62 characters, 6-character base62
CRC32); GitLab "Token overview" (prefix per token type); Atlassian "Manage API
tokens"; CircleCI "Managing API tokens"; Buildkite "API access tokens".
"""

from __future__ import annotations

from gate.checks.secrets.detectors.common import crc32_validator, entropy_validator, rx
from gate.checks.secrets.detectors.interface import Detector
from gate.findings import Severity

__all__ = ["DETECTORS"]

_GH_HELP = ("https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/"
            "about-authentication-to-github#githubs-token-formats")
_GH_REVOKE = ("Revoke it: GitHub > Settings > Developer settings (or the app's settings); "
              "GitHub also accepts leaked tokens at POST /credentials/revoke.")


def _github(prefix: str, rule: str, title: str) -> Detector:
    return Detector(
        rule_id=f"GATE-SECRET-{rule}", provider="GitHub", title=title,
        severity=Severity.HIGH, pattern=rx(prefix + r"[A-Za-z0-9]{36}"), anchors=(prefix,),
        help_url=_GH_HELP, revoke=_GH_REVOKE, validator=crc32_validator(len(prefix)),
        checksum=True)


def _gitlab(prefix: str, rule: str, title: str, body: str = r"[A-Za-z0-9_-]{20,}") -> Detector:
    return Detector(
        rule_id=f"GATE-SECRET-{rule}", provider="GitLab", title=title, severity=Severity.HIGH,
        pattern=rx(prefix + body + r"(?:\.[0-9a-z]{2}\.[0-9a-z]{9})?"),
        anchors=(prefix.lower(),),
        help_url="https://docs.gitlab.com/security/tokens/",
        revoke="Revoke it in GitLab (User/Project/Group settings > Access tokens, or the "
               "runner/deploy token page); GitLab's token revocation API also accepts it.",
        validator=entropy_validator(3.0, lambda v: v[len(prefix):]))


DETECTORS: tuple[Detector, ...] = (
    _github("ghp_", "GITHUB-PAT", "GitHub personal access token (classic)"),
    _github("gho_", "GITHUB-OAUTH", "GitHub OAuth access token"),
    _github("ghu_", "GITHUB-USER-TO-SERVER", "GitHub App user-to-server token"),
    _github("ghs_", "GITHUB-APP-INSTALLATION", "GitHub App installation (server-to-server) token"),
    _github("ghr_", "GITHUB-REFRESH", "GitHub refresh token"),
    Detector(
        rule_id="GATE-SECRET-GITHUB-FINE-GRAINED-PAT", provider="GitHub",
        title="GitHub fine-grained personal access token", severity=Severity.HIGH,
        pattern=rx(r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}"), anchors=("github_pat_",),
        help_url=_GH_HELP, revoke=_GH_REVOKE,
        validator=entropy_validator(3.5, lambda v: v[11:])),
    _gitlab("glpat-", "GITLAB-PAT", "GitLab personal, project or group access token"),
    _gitlab("gldt-", "GITLAB-DEPLOY-TOKEN", "GitLab deploy token"),
    _gitlab("glrt-", "GITLAB-RUNNER-TOKEN", "GitLab runner authentication token"),
    _gitlab("GR1348941", "GITLAB-RUNNER-REGISTRATION", "GitLab runner registration token"),
    _gitlab("glcbt-", "GITLAB-CI-JOB-TOKEN", "GitLab CI/CD job token"),
    _gitlab("glptt-", "GITLAB-TRIGGER-TOKEN", "GitLab pipeline trigger token"),
    _gitlab("glft-", "GITLAB-FEED-TOKEN", "GitLab feed token"),
    _gitlab("gloas-", "GITLAB-OAUTH-SECRET", "GitLab OAuth application secret"),
    _gitlab("glagent-", "GITLAB-AGENT-TOKEN", "GitLab agent for Kubernetes token"),
    Detector(
        rule_id="GATE-SECRET-BITBUCKET-APP-PASSWORD", provider="Bitbucket",
        title="Bitbucket app password", severity=Severity.HIGH,
        pattern=rx(r"ATBB[A-Za-z0-9_=.-]{28,60}"), anchors=("atbb",),
        help_url="https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/",
        revoke="Revoke it: Bitbucket > Personal settings > App passwords.",
        validator=entropy_validator(3.5, lambda v: v[4:])),
    Detector(
        rule_id="GATE-SECRET-ATLASSIAN-API-TOKEN", provider="Atlassian",
        title="Atlassian API token (Jira, Confluence, Bitbucket access token)",
        severity=Severity.HIGH,
        pattern=rx(r"AT(?:ATT|CTT)3[A-Za-z0-9_=-]{150,}"), anchors=("atatt3", "atctt3"),
        help_url="https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-"
                 "your-atlassian-account/",
        revoke="Revoke it at id.atlassian.com > Security > API tokens (or the repository's "
               "access tokens page).",
        validator=entropy_validator(4.0, lambda v: v[6:])),
    Detector(
        rule_id="GATE-SECRET-CIRCLECI-TOKEN", provider="CircleCI",
        title="CircleCI personal or project API token", severity=Severity.HIGH,
        pattern=rx(r"CCIP(?:AT|RJ)_[A-Za-z0-9]{22}_[a-f0-9]{40}"), anchors=("ccipat_", "cciprj_"),
        help_url="https://circleci.com/docs/managing-api-tokens/",
        revoke="Revoke it: CircleCI > User settings > Personal API tokens (or Project "
               "settings > API permissions).",
        validator=entropy_validator(3.0, lambda v: v[7:])),
    Detector(
        rule_id="GATE-SECRET-BUILDKITE-TOKEN", provider="Buildkite",
        title="Buildkite API access token", severity=Severity.HIGH,
        pattern=rx(r"bkua_[a-f0-9]{40}"), anchors=("bkua_",),
        help_url="https://buildkite.com/docs/apis/managing-api-tokens",
        revoke="Revoke it: Buildkite > Personal settings > API access tokens.",
        validator=entropy_validator(3.0, lambda v: v[5:])),
)
