"""Docker Compose files (``compose.yaml``, ``docker-compose*.yml``) -> one resource per service.

Each service becomes a resource of type ``service`` whose properties are the
service mapping, with attribute lines relative to it, so rules point at the
``privileged:`` or ``volumes:`` entry that is the problem. Anything that is not
a mapping of services is a parse error (the file is reported as not scanned).
"""

from __future__ import annotations

from collections.abc import Mapping

from gate.checks.iac.interface import AttrPath, Framework, ParseError, Resource, Unit
from gate.checks.iac.names import is_compose_name
from gate.checks.iac.parsers.ignores import comment_ignores, in_span
from gate.checks.iac.parsers.yamlnodes import load_documents

__all__ = ["SERVICE", "is_compose_name", "parse_compose"]

SERVICE = "service"


def parse_compose(path: str, text: str) -> Unit:
    """The services of the (first) YAML document."""
    doc = next(load_documents(text), None)
    if doc is None or doc.value is None:
        return Unit(Framework.COMPOSE, ())
    if not isinstance(doc.value, Mapping):
        raise ParseError("a Compose file must be a mapping", doc.start_line)
    services = doc.value.get("services", {})
    if services is None:
        return Unit(Framework.COMPOSE, ())
    if not isinstance(services, Mapping):
        raise ParseError("services must be a mapping", doc.lines.get(("services",)))
    comments = comment_ignores(text)
    out = []
    for name, service in services.items():
        prefix: AttrPath = ("services", name)
        start = doc.lines.get(prefix, doc.start_line)
        end = doc.ends.get(prefix, start)
        lines = {p[2:]: line for p, line in doc.lines.items() if p[:2] == prefix and len(p) > 2}
        out.append(Resource(
            framework=Framework.COMPOSE, path=path, type=SERVICE, name=str(name),
            address=f"services.{name}", start_line=start, end_line=end,
            properties=service if isinstance(service, Mapping) else {}, lines=lines,
            ignores=in_span(comments, start, end),
            unreadable="" if isinstance(service, Mapping) else "the service is not a mapping",
        ))
    return Unit(Framework.COMPOSE, tuple(out))
