"""Pure extraction: normalized text in, tasks, targets, projects and departments out.

Nothing here reads files, opens a database or keeps state between calls, so it can run
over whole corpora in parallel. Spans returned by the extractors are in the coordinates of
the normalized text they were given; :mod:`luoshi.pipeline` maps them back to the source.
"""
