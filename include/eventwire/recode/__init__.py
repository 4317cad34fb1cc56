"""Re-coding stored history with the current engine: ``day`` (the work), ``changes`` (what a
recode changed, in numbers) and ``commands`` (``eventwire recode``).

Analysts compare months; a store whose old days were coded by an old engine and its new days
by a new one shows trends that are only artefacts. ``articles/`` keeps every article's text, so
any range of history can be coded again without fetching anything.
"""
