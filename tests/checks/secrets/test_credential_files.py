"""Issue 21 item 4: credentials in the files where leaks sit fail; development values do not.

A corpus of credential files, each written twice: with a realistic value
(random, generated here, for a real-looking host) and with a development or
template value. The first fails (``high`` or above), the second does not,
and the classification of each is asserted. No value is real.
"""

from __future__ import annotations

import base64
import json
import random
import string
from pathlib import Path

import pytest

from gate.checks.secrets import scan_files
from gate.checks.secrets.detectors.literals import secret_name
from gate.findings import Finding, Severity

RNG = random.Random(2104)


def _random(length: int = 24) -> str:
    return "".join(RNG.choice(string.ascii_letters + string.digits) for _ in range(length))


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _django(secret: str, password: str, host: str) -> str:
    return (f'DEBUG = False\nSECRET_KEY = "{secret}"\nDATABASES = {{\n    "default": {{\n'
            f'        "ENGINE": "django.db.backends.postgresql",\n        "NAME": "app",\n'
            f'        "USER": "app",\n        "PASSWORD": "{password}",\n'
            f'        "HOST": "{host}",\n    }}\n}}\n')


def _docker(host: str, user: str, password: str) -> str:
    return json.dumps({"auths": {host: {"auth": _b64(f"{user}:{password}")}}}, indent=2) + "\n"


def _kubeconfig(server: str, token: str) -> str:
    return (f"apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\n"
            f"users:\n- name: ci\n  user:\n    token: {token}\n")


LIVE = _random()
"""(path, content, rule id, classification) for a realistic credential: fails."""
REAL: list[tuple[str, str, str, str]] = [
    ("deploy/.env", f"DB_HOST=db.prod.acme-corp.com\nDB_PASSWORD={_random()}\n",
     "GATE-SECRET-DOTENV-CREDENTIAL", "live-format"),
    (".env.production", f'export STRIPE_WEBHOOK_KEY="{_random(32)}"\n',
     "GATE-SECRET-DOTENV-CREDENTIAL", "live-format"),
    ("home/.netrc", f"machine api.acme-corp.com\n  login deploy\n  password {_random()}\n",
     "GATE-SECRET-NETRC-PASSWORD", "live-format"),
    ("home/_netrc", f"machine git.acme-corp.com login ci password {_random()}\n",
     "GATE-SECRET-NETRC-PASSWORD", "live-format"),
    ("home/.pypirc", f"[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = acme\n"
     f"password = {_random()}\n", "GATE-SECRET-PYPIRC-PASSWORD", "live-format"),
    ("web/.npmrc", f"//npm.acme-corp.com/:_authToken={_random(36)}\n",
     "GATE-SECRET-NPMRC-AUTH", "live-format"),
    ("web/.npmrc-legacy/.npmrc", f"_auth={_b64('ci:' + _random())}\n",
     "GATE-SECRET-NPMRC-AUTH", "live-format"),
    (".docker/config.json", _docker("registry.acme-corp.com", "ci", _random()),
     "GATE-SECRET-DOCKER-CONFIG-AUTH", "live-format"),
    ("ops/kubeconfig", _kubeconfig("https://k8s.acme-corp.com:6443", _random(40)),
     "GATE-SECRET-KUBECONFIG-CREDENTIAL", "live-format"),
    ("app/settings/production.py", _django(_random(50), "x", "localhost"),
     "GATE-SECRET-PRODUCTION-SETTINGS", "live-format"),
    ("app/config/prod.py", _django("django-insecure-" + "a" * 8, _random(), "db.acme-corp.com"),
     "GATE-SECRET-PRODUCTION-SETTINGS", "live-format"),
    ("infra/prod.tfvars", f'region      = "eu-west-1"\ndb_password = "{_random(15)}"\n',
     "GATE-SECRET-TERRAFORM-VARIABLE", "live-format"),
    ("infra/variables.tf", f'variable "password" {{\n  type    = string\n  default = "{_random(16)}"\n}}\n',
     "GATE-SECRET-TERRAFORM-VARIABLE", "live-format"),
    ("home/.git-credentials", f"https://ci:{_random(30)}@git.acme-corp.com\n",
     "GATE-SECRET-URL-CREDENTIALS", "live-format"),
    ("home/.aws/credentials", "[default]\naws_secret_access_key = "
     + "".join(RNG.choice(string.ascii_letters + string.digits + "/+") for _ in range(40)) + "\n",
     "GATE-SECRET-AWS-SECRET-ACCESS-KEY", "live-format"),
]

DEV: list[tuple[str, str, str, str | tuple[str, ...]]] = [
    ("deploy/.env", "DB_HOST=localhost\nDB_PASSWORD=" + _random() + "\n",
     "GATE-SECRET-DOTENV-CREDENTIAL", "dev-credential"),
    (".env.local", "POSTGRES_PASSWORD=postgres\n", "GATE-SECRET-DOTENV-CREDENTIAL",
     "dev-credential"),
    ("deploy/.env.ci", "API_TOKEN=${API_TOKEN}\n", "", ""),  # a reference: quiet
    ("home/.git-credentials", f"http://ci:{_random(30)}@localhost:3000\n",
     "GATE-SECRET-URL-CREDENTIALS", "dev-credential"),
    ("home/.netrc", "machine localhost login dev password " + _random() + "\n",
     "GATE-SECRET-NETRC-PASSWORD", "dev-credential"),
    ("home/.pypirc", "[pypi]\nusername = __token__\npassword = <your token>\n", "", ""),
    ("web/.npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n", "", ""),
    (".docker/config.json", _docker("localhost:5000", "dev", _random()),
     "GATE-SECRET-DOCKER-CONFIG-AUTH", "dev-credential"),
    ("ops/kubeconfig", _kubeconfig("https://127.0.0.1:6443", _random(40)),
     "GATE-SECRET-KUBECONFIG-CREDENTIAL", "dev-credential"),
    ("app/settings/production.py", _django("changeme", "postgres", "db"),
     "GATE-SECRET-PRODUCTION-SETTINGS", ("placeholder", "dev-credential")),
    # detect-secrets' keyword hit, re-rated by the rule that knows the place
    ("infra/prod.tfvars", 'db_password = "changeme"\n', "GATE-SECRET-TERRAFORM-VARIABLE",
     "placeholder"),
    ("infra/variables.tf", 'variable "password" {\n  type    = string\n  default = "postgres"\n}\n',
     "GATE-SECRET-TERRAFORM-VARIABLE", "dev-credential"),
    # example files are not credential files: what detect-secrets says alone, never high
    ("deploy/.env.example", "DB_PASSWORD=" + _random() + "\n", "", ""),
]


def _scan(tmp_path: Path, corpus: list[tuple[str, str, str, str | tuple[str, ...]]],
          ) -> list[list[Finding]]:
    out = []
    for number, (path, content, _, _) in enumerate(corpus):
        root = tmp_path / str(number)
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(content)
        result = scan_files(root, [path])
        assert result.not_scanned == ()
        out.append(list(result.findings))
    return out


def test_realistic_credentials_fail(tmp_path: Path) -> None:
    found = _scan(tmp_path, REAL)
    got = [(path, sorted((f.rule_id, dict(f.extra).get("classification", ""))
                         for f in findings if f.severity >= Severity.HIGH))
           for (path, _, _, _), findings in zip(REAL, found, strict=True)]

    assert got == [(path, [(rule, kind)]) for path, _, rule, kind in REAL]


def test_development_and_template_values_do_not_fail(tmp_path: Path) -> None:
    found = _scan(tmp_path, DEV)
    loud = [(path, f.rule_id) for (path, _, _, _), findings in zip(DEV, found, strict=True)
            for f in findings if f.severity >= Severity.HIGH]
    ours = [(path, [(f.rule_id, dict(f.extra).get("classification", "")) for f in findings
                    if f.rule_id.startswith("GATE-SECRET-")])
            for (path, _, _, _), findings in zip(DEV, found, strict=True)]

    assert loud == []
    assert ours == [(path, [(rule, k) for k in ((kind,) if isinstance(kind, str) else kind)]
                     if rule else []) for path, _, rule, kind in DEV]


def test_a_provider_token_in_a_credential_file_keeps_its_own_rule(tmp_path: Path) -> None:
    from gate.checks.secrets.detectors.samples import positive

    line = positive("GATE-SECRET-GITHUB-PAT", RNG).replace('value = "', "GITHUB_TOKEN=")[:-1]
    (tmp_path / ".env").write_text(line + "\n")

    findings = scan_files(tmp_path, [".env"]).findings

    assert [(f.rule_id, f.severity) for f in findings] == [
        ("GATE-SECRET-GITHUB-PAT", Severity.CRITICAL)]


def test_terragoat_password_default_fails(tmp_path: Path) -> None:
    """TerraGoat's ``variable "password"`` default, written into EC2 user data."""
    (tmp_path / "variables.tf").write_text(
        'variable "password" {\n  default = "Aa1234321Bb"\n}\n')
    (tmp_path / "ec2.tf").write_text(
        'resource "aws_instance" "db_app" {\n  user_data = <<EOF\n'
        'export DB_PASSWORD=${var.password}\nEOF\n}\n')

    findings = scan_files(tmp_path, ["variables.tf", "ec2.tf"]).findings

    assert [(f.path, f.start_line, f.rule_id, f.severity) for f in findings] == [
        ("variables.tf", 2, "GATE-SECRET-TERRAFORM-VARIABLE", Severity.HIGH)]


def test_terraform_arguments_and_flows_in_one_file(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "bootstrap" {\n  default = "Zr8' + 'kQ2mLp4W"\n}\n'
        'variable "region" {\n  default = "eu-west-1"\n}\n'
        'resource "aws_instance" "app" {\n  user_data = "x=${var.bootstrap}"\n}\n'
        'resource "azurerm_sql_server" "db" {\n  administrator_login_password = "thisIs' + 'Kat11"\n'
        '  ssh_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH8 ci@example"\n}\n')

    findings = scan_files(tmp_path, ["main.tf"]).findings

    assert [(f.start_line, f.rule_id, f.severity) for f in findings
            if f.rule_id.startswith("GATE-")] == [
        (2, "GATE-SECRET-TERRAFORM-VARIABLE", Severity.HIGH),
        (11, "GATE-SECRET-TERRAFORM-VARIABLE", Severity.HIGH)]


@pytest.mark.parametrize(("value", "rated"), [
    ("Aa1234321Bb", "high"), ("Passw0rd123", "medium"), ("Welcome2024!", "medium"),
    ("hunter2hunter", "medium"), ("k9" + "Xv" * 7, "high"), ("postgres", "low")])
def test_password_like_values(tmp_path: Path, value: str, rated: str) -> None:
    (tmp_path / "prod.tfvars").write_text(f'db_password = "{value}"\n')

    findings = scan_files(tmp_path, ["prod.tfvars"]).findings

    assert [(f.rule_id, f.severity.label) for f in findings] == [
        ("GATE-SECRET-TERRAFORM-VARIABLE", rated)]


@pytest.mark.parametrize(("name", "expected"), [
    ("DB_PASSWORD", True), ("api_key", True), ("SECRET_KEY", True), ("token", True),
    ("PASSWORD_FILE", False), ("TOKEN_EXPIRY", False), ("SECRET_NAME", False), ("region", False),
    ("WEBHOOK_KEY", True), ("PUBLIC_KEY", False), ("SORT_KEY", False), ("STRIPE_PUBLISHABLE_KEY", False),
])
def test_secret_names(name: str, expected: bool) -> None:
    assert secret_name(name) is expected
