"""The ``pipeline`` check: CI definitions (GitHub Actions, GitLab CI) judged as attack surface."""

from gate.checks.pipeline.check import PipelineCheck

__all__ = ["PipelineCheck"]
