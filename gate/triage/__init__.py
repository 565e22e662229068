"""Triage: which findings count (inline markers, waivers, baseline) and which are new.

One entry point, :func:`gate.triage.apply.triage`; the base it compares with
comes from :mod:`gate.git.refs` (the ref, its merge-base, the diff),
:mod:`gate.triage.base` (the base's findings, rescanning as little as is
correct) and :mod:`gate.triage.governing` (the base branch's policy rules a
pull request). See ``docs/triage.md``.
"""
