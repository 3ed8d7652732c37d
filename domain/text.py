"""Marking user-facing text in the domain without translating it here.

The domain never speaks one language: it returns message ids marked with ``N_`` so that Babel
extracts them, and the presentation layer translates them in the applicant's locale.
"""


def N_(message: str) -> str:
    """Mark ``message`` for extraction; return it unchanged."""
    return message
