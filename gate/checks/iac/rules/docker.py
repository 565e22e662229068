"""Dockerfiles: do not run as root, do not ADD from URLs, do not build on floating tags."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from gate.checks.iac.interface import (
    Outcome,
    Practice,
    Resource,
    Rule,
    Undetermined,
    Unit,
    Violation,
)
from gate.checks.iac.rules.base import on
from gate.checks.iac.rules.images import floating_tag
from gate.findings import Severity

__all__ = ["AddFromUrl", "LatestBaseImage", "RootUser"]

_DOCKERFILE = on(docker=["Dockerfile"])
_ARG_REF = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


def _instructions(resource: Resource) -> list[Mapping[str, Any]]:
    items = resource.properties.get("instructions", [])
    return [i for i in items if isinstance(i, Mapping)]


def _words(value: str) -> list[str]:
    return [w for w in value.split() if not w.startswith("--")]


class RootUser(Rule):
    """The final stage must switch to a non-root user."""

    id = "GATE-DOCKER-001"
    title = "Container runs as root"
    severity = Severity.MEDIUM
    practice = Practice.PIPELINE_HYGIENE
    rationale = "A process running as root in the container turns any RCE into root in the container."
    fix = "Add a USER instruction with a non-root user (USER 10001) to the final stage."
    aliases = ("CKV_DOCKER_3", "CKV_DOCKER_8")
    resource_types = _DOCKERFILE

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        items = _instructions(resource)
        froms = [i for i, ins in enumerate(items) if ins["cmd"] == "FROM"]
        if not froms:
            return
        final = froms[-1]
        users = [i for i in range(final, len(items)) if items[i]["cmd"] == "USER"]
        if not users:
            yield Violation("runs as root (no USER in the final stage)", ("instructions", final))
            return
        last = users[-1]
        user = str(items[last]["value"]).split(":", 1)[0].strip()
        if user in ("root", "0"):
            yield Violation(f"runs as root (USER {user})", ("instructions", last))


class AddFromUrl(Rule):
    """``ADD https://...`` downloads unverified content into the image."""

    id = "GATE-DOCKER-002"
    title = "ADD from a URL"
    severity = Severity.MEDIUM
    practice = Practice.PIPELINE_HYGIENE
    rationale = "A remote ADD fetches whatever the server returns today, with no integrity check."
    fix = "Download with curl and verify a checksum, or use ADD --checksum=sha256:..."
    aliases = ("CKV_DOCKER_4",)
    resource_types = _DOCKERFILE

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for i, ins in enumerate(_instructions(resource)):
            value = str(ins["value"])
            if ins["cmd"] != "ADD" or "--checksum=" in value:
                continue
            urls = [w for w in _words(value) if w.startswith(("http://", "https://"))]
            if urls:
                yield Violation(f"ADDs {urls[0]} without a checksum", ("instructions", i),
                                key=urls[0])


class LatestBaseImage(Rule):
    """Base images must be pinned to a version tag or a digest."""

    id = "GATE-DOCKER-003"
    title = "Base image not pinned"
    severity = Severity.MEDIUM
    practice = Practice.PIPELINE_HYGIENE
    rationale = "latest (or no tag) makes builds change silently and can pull a compromised image."
    fix = "Use a version tag, ideally with a digest (python:3.12-slim@sha256:...)."
    aliases = ("CKV_DOCKER_7",)
    resource_types = _DOCKERFILE

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        args: dict[str, str] = {}
        stages: set[str] = set()
        for i, ins in enumerate(_instructions(resource)):
            words = _words(str(ins["value"]))
            if ins["cmd"] == "ARG" and words and "=" in words[0]:
                name, _, default = words[0].partition("=")
                args.setdefault(name, default.strip("\"'"))
            if ins["cmd"] != "FROM" or not words:
                continue
            image = _ARG_REF.sub(lambda m: args.get(m.group(1), m.group(0)), words[0])
            earlier = image.lower() == "scratch" or image.lower() in stages
            if len(words) >= 3 and words[1].lower() == "as":
                stages.add(words[2].lower())
            if earlier:
                continue
            if "$" in image:
                yield Undetermined(f"base image {words[0]} depends on a build argument",
                                   ("instructions", i))
                continue
            why = floating_tag(image)
            if why:
                yield Violation(f"builds FROM {image} with {why}", ("instructions", i),
                                key=image)
