"""Every git command the gate runs, in one place.

git is run read-only over the repository under scan (the one exception: ``fetch``
of missing history for a base ref, which only adds objects): listing files
(:mod:`.files`), the index's content ids (:mod:`.index`), resolving a base ref
and its merge-base (:mod:`.refs`), what changed since it (:mod:`.changes`),
reading a commit's files from the object store (:mod:`.objects`) and the patch
log of a range (:mod:`.logs`). All of them go through :mod:`.command`, with one
environment: no prompts, no pager, no optional locks, the C locale.
"""
