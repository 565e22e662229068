"""Azure virtual machines and disks: password logins, credentials in custom data, encryption."""

from __future__ import annotations

from collections.abc import Iterator

from gate.checks.iac.interface import (
    Outcome,
    Practice,
    Resource,
    Rule,
    Unit,
    Violation,
)
from gate.checks.iac.rules.base import on
from gate.checks.iac.rules.credentials import decoded_text, in_text
from gate.checks.iac.rules.passwords import LiteralPassword
from gate.checks.iac.rules.settings import Expect, SettingRule, expects, locate, read, truthy
from gate.checks.iac.values import MISSING
from gate.findings import Severity

__all__ = ["CustomDataSecret", "DiskEncryption", "VmAdminPassword", "VmPasswordLogin"]


class DiskEncryption(SettingRule):
    id = "GATE-AZ-DISK-001"
    title = "Managed disk with Azure Disk Encryption turned off"
    severity = Severity.LOW
    practice = Practice.ENCRYPTION_AT_REST
    rationale = ("Managed disks are always encrypted at rest by the platform; an "
                 "encryption_settings block that is disabled states the opposite intent and "
                 "leaves the disk without guest-level (ADE) encryption.")
    fix = ("Remove the disabled encryption_settings block, or enable it / set "
           "disk_encryption_set_id for customer-managed keys.")
    aliases = ("CKV_AZURE_2",)
    resource_types = on(tf=["azurerm_managed_disk"])
    expects = expects({"azurerm_managed_disk": Expect(
        (("encryption_settings", "enabled"),), truthy, True,
        "turns Azure Disk Encryption off (encryption_settings enabled {value})")})


_LINUX = ("azurerm_linux_virtual_machine", "azurerm_linux_virtual_machine_scale_set",
          "azurerm_orchestrated_virtual_machine_scale_set")


class VmPasswordLogin(SettingRule):
    id = "GATE-AZ-VM-001"
    title = "Linux VM accepts password logins"
    severity = Severity.MEDIUM
    practice = Practice.AUTHENTICATED_APIS
    rationale = "Password logins over SSH can be guessed; keys cannot."
    fix = "Remove disable_password_authentication = false (default true) and use admin_ssh_key."
    aliases = ("CKV_AZURE_149", "CKV_AZURE_1", "CKV_AZURE_49")
    resource_types = on(tf=[*_LINUX, "azurerm_virtual_machine"])
    expects = expects({
        **{t: Expect((("disable_password_authentication",),), truthy, True,
                     "accepts SSH password logins (disable_password_authentication false)")
           for t in _LINUX},
        "azurerm_virtual_machine": Expect(
            (("os_profile_linux_config", "disable_password_authentication"),), truthy, True,
            "accepts SSH password logins (disable_password_authentication false)"),
    })


_CUSTOM_DATA = {
    "azurerm_virtual_machine": (("os_profile", "custom_data"),),
    "azurerm_linux_virtual_machine": (("custom_data",), ("user_data",)),
    "azurerm_windows_virtual_machine": (("custom_data",), ("user_data",)),
    "azurerm_linux_virtual_machine_scale_set": (("custom_data",), ("user_data",)),
    "azurerm_windows_virtual_machine_scale_set": (("custom_data",), ("user_data",)),
}


class CustomDataSecret(Rule):
    id = "GATE-AZ-VM-002"
    title = "Credential in plain text in VM custom data"
    severity = Severity.HIGH
    practice = Practice.SECRETS
    rationale = ("Custom data is readable by anyone who can read the VM model and by every "
                 "process on the VM (instance metadata), and it is kept in the state.")
    fix = ("Keep the secret in Key Vault and fetch it at boot with the VM's managed identity "
           "(az keyvault secret show / the Key Vault VM extension).")
    aliases = ("CKV_AZURE_45",)
    resource_types = on(tf=list(_CUSTOM_DATA))

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for path in _CUSTOM_DATA[resource.type]:
            value = read(resource, path)
            text = decoded_text(value) if value is not MISSING else None
            if not text:
                continue
            hits = list(in_text(text))
            if hits:
                kinds = sorted({h.kind + (f" ({h.name})" if h.name else "") for h in hits})
                yield Violation(f"has {', '.join(kinds)} in plain text in its {path[-1]}; "
                                "value redacted", locate(resource, path))
                return


class VmAdminPassword(LiteralPassword):
    id = "GATE-AZ-SECRET-001"
    title = "Admin password or Key Vault secret value in plain text"
    severity = Severity.HIGH
    practice = Practice.SECRETS
    rationale = ("A password in IaC lives in version control, in every clone and in the "
                 "Terraform state; a Key Vault secret written as a literal is not kept secret "
                 "by the vault.")
    fix = ("Generate it (random_password) and keep it in Key Vault; for Linux VMs use SSH keys, "
           "for databases Entra ID authentication; write secret values from a generator or "
           "outside Terraform, never as a literal.")
    arguments = {
        "azurerm_linux_virtual_machine": (("admin_password",),),
        "azurerm_windows_virtual_machine": (("admin_password",),),
        "azurerm_linux_virtual_machine_scale_set": (("admin_password",),),
        "azurerm_windows_virtual_machine_scale_set": (("admin_password",),),
        "azurerm_virtual_machine": (("os_profile", "admin_password"),),
        "azurerm_mssql_server": (("administrator_login_password",),),
        "azurerm_sql_server": (("administrator_login_password",),),
        "azurerm_mysql_server": (("administrator_login_password",),),
        "azurerm_mysql_flexible_server": (("administrator_password",),),
        "azurerm_postgresql_server": (("administrator_login_password",),),
        "azurerm_postgresql_flexible_server": (("administrator_password",),),
        "azurerm_mariadb_server": (("administrator_login_password",),),
        "azurerm_synapse_workspace": (("sql_administrator_login_password",),),
        "azurerm_key_vault_secret": (("value",),),
    }
    resource_types = on(tf=list(arguments))
