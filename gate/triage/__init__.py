"""Triage: decide which findings are suppressed (inline markers, waivers, baselines)."""
