"""One parser per framework; :func:`classify` decides which one a file needs.

Names decide first (``*.tf``, ``*.tf.json``, ``Dockerfile``, ``compose.yaml`` /
``docker-compose*.yml``); CI definitions belong to the ``pipeline`` check
(:mod:`gate.checks.pipeline`); other YAML/JSON files are sniffed for a CloudFormation
template or a Kubernetes manifest, so an arbitrary config file is never
parsed as either. :func:`classify` lives in :mod:`gate.checks.iac.names` (no parser
imported); importing this package (e.g. for ``yamlnodes``) loads no parser either.
"""

from __future__ import annotations

from gate.checks.iac.interface import Framework
from gate.checks.iac.names import SNIFF, classify

__all__ = ["SNIFF", "classify", "sniff"]


def sniff(text: str) -> Framework | None:
    """CloudFormation or Kubernetes from the content; None for any other YAML/JSON."""
    from gate.checks.iac.parsers.sniffing import looks_like_cloudformation, looks_like_kubernetes

    if looks_like_cloudformation(text):
        return Framework.CLOUDFORMATION
    if looks_like_kubernetes(text):
        return Framework.KUBERNETES
    return None
