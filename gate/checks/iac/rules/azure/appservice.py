"""Azure App Service web apps and Function Apps: HTTPS, TLS, FTP, remote debugging, auth."""

from __future__ import annotations

from gate.checks.iac.interface import Practice
from gate.checks.iac.rules.base import on
from gate.checks.iac.rules.settings import (
    Expect,
    SettingRule,
    at_least_tls,
    expects,
    falsy,
    is_one_of,
    truthy,
)
from gate.findings import Severity

__all__ = ["AppAuthentication", "AppFtps", "AppHttpsOnly", "AppMinTls", "AppRemoteDebugging",
           "FunctionHttpsOnly", "FunctionMinTls"]

WEB_APPS = ("azurerm_app_service", "azurerm_linux_web_app", "azurerm_windows_web_app",
            "azurerm_app_service_slot", "azurerm_linux_web_app_slot",
            "azurerm_windows_web_app_slot")
FUNCTION_APPS = ("azurerm_function_app", "azurerm_linux_function_app",
                 "azurerm_windows_function_app", "azurerm_function_app_slot",
                 "azurerm_linux_function_app_slot", "azurerm_windows_function_app_slot")
_LEGACY = frozenset({"azurerm_app_service", "azurerm_app_service_slot", "azurerm_function_app",
                     "azurerm_function_app_slot"})


def _tls_path(rtype: str) -> tuple[tuple[str, ...], ...]:
    if rtype in _LEGACY:
        return (("site_config", "min_tls_version"),)
    return (("site_config", "minimum_tls_version"),)


def _https(types: tuple[str, ...], alias: str) -> dict[str, tuple[Expect, ...]]:
    return {t: (Expect((("https_only",),), truthy, False,
                       "serves plain HTTP (https_only is {value}; the default is false)",
                       aliases=(alias,)),
                Expect((("auth_settings_v2", "require_https"),), truthy, True,
                       "lets its sign-in flow run over plain HTTP (auth_settings_v2 "
                       "require_https false)", aliases=(alias,))) for t in types}


def _tls(types: tuple[str, ...]) -> dict[str, Expect]:
    return {t: Expect(_tls_path(t), at_least_tls("1.2"), True,
                      "accepts TLS older than 1.2 (minimum TLS version {value})")
            for t in types}


class AppHttpsOnly(SettingRule):
    id = "GATE-AZ-APP-001"
    title = "Web app serves plain HTTP"
    severity = Severity.MEDIUM
    practice = Practice.ENCRYPTION_IN_FLIGHT
    rationale = "Without https_only the app answers HTTP requests, cookies and tokens in clear."
    fix = "Set https_only = true."
    aliases = ("CKV_AZURE_14",)
    resource_types = on(tf=WEB_APPS)
    expects = expects(_https(WEB_APPS, "CKV_AZURE_14"))


class AppMinTls(SettingRule):
    id = "GATE-AZ-APP-002"
    title = "Web app accepts TLS older than 1.2"
    severity = Severity.MEDIUM
    practice = Practice.ENCRYPTION_IN_FLIGHT
    rationale = "TLS 1.0 and 1.1 have known weaknesses and are being retired across Azure."
    fix = "Remove the minimum TLS version (default 1.2) or set it to \"1.2\" or \"1.3\"."
    aliases = ("CKV_AZURE_15",)
    resource_types = on(tf=WEB_APPS)
    expects = expects(_tls(WEB_APPS))


class AppFtps(SettingRule):
    id = "GATE-AZ-APP-003"
    title = "Web app allows plain FTP deployments"
    severity = Severity.MEDIUM
    practice = Practice.ENCRYPTION_IN_FLIGHT
    rationale = "FTP sends the deployment credentials and the code in clear."
    fix = "Set site_config.ftps_state = \"Disabled\" (or \"FtpsOnly\")."
    aliases = ("CKV_AZURE_78",)
    resource_types = on(tf=WEB_APPS)
    expects = expects({t: Expect(
        (("site_config", "ftps_state"),), is_one_of("AllAllowed"), t not in _LEGACY,
        "allows plain FTP (ftps_state {value})") for t in WEB_APPS})


class AppRemoteDebugging(SettingRule):
    id = "GATE-AZ-APP-004"
    title = "Web or function app with remote debugging enabled"
    severity = Severity.MEDIUM
    practice = Practice.BLAST_RADIUS
    rationale = "Remote debugging opens extra ports and lets an attached debugger run code."
    fix = "Remove remote_debugging_enabled (default false)."
    aliases = ("CKV_AZURE_72",)
    resource_types = on(tf=[*WEB_APPS, *FUNCTION_APPS])
    expects = expects({t: Expect((("site_config", "remote_debugging_enabled"),), falsy, True,
                                 "enables remote debugging") for t in (*WEB_APPS, *FUNCTION_APPS)})


class AppAuthentication(SettingRule):
    id = "GATE-AZ-APP-005"
    title = "Web app without App Service authentication"
    severity = Severity.LOW
    practice = Practice.AUTHENTICATED_APIS
    rationale = ("Built-in authentication rejects anonymous requests before they reach the app; "
                 "without it, every route must authenticate on its own.")
    fix = "Configure auth_settings_v2 { auth_enabled = true ... } with an identity provider."
    aliases = ("CKV_AZURE_13",)
    resource_types = on(tf=WEB_APPS)
    expects = expects({t: Expect(
        (("auth_settings_v2", "auth_enabled"), ("auth_settings", "enabled")), truthy, False,
        "does not enable App Service authentication") for t in WEB_APPS})


class FunctionHttpsOnly(SettingRule):
    id = "GATE-AZ-FUNC-001"
    title = "Function app serves plain HTTP"
    severity = Severity.MEDIUM
    practice = Practice.ENCRYPTION_IN_FLIGHT
    rationale = "Without https_only, HTTP triggers answer in clear, function keys included."
    fix = "Set https_only = true."
    aliases = ("CKV_AZURE_70",)
    resource_types = on(tf=FUNCTION_APPS)
    expects = expects(_https(FUNCTION_APPS, "CKV_AZURE_70"))


class FunctionMinTls(SettingRule):
    id = "GATE-AZ-FUNC-002"
    title = "Function app accepts TLS older than 1.2"
    severity = Severity.MEDIUM
    practice = Practice.ENCRYPTION_IN_FLIGHT
    rationale = "TLS 1.0 and 1.1 have known weaknesses and are being retired across Azure."
    fix = "Remove the minimum TLS version (default 1.2) or set it to \"1.2\" or \"1.3\"."
    aliases = ("CKV_AZURE_145",)
    resource_types = on(tf=FUNCTION_APPS)
    expects = expects(_tls(FUNCTION_APPS))
