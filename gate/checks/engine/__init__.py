"""The scan engine shared by the file-local checks (sast, secrets).

``pool.py`` spreads files over a spawned process pool in balanced chunks, sharing CPU
tokens with every other check's pool; ``cached_scan.py`` is the result cache's front:
it looks each file up, scans only the misses, and stores what it scanned.
"""
