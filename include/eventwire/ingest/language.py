"""Language of an article body (py3langid), so only English goes on to event extraction."""

from __future__ import annotations

from functools import cache
from typing import Any

UNDETERMINED = "und"  # ISO 639-2 code for "no language could be told"
# Below these, py3langid's guesses are noise: too little text, or a near tie between languages.
# Calibrated on the sample corpus' titles and bodies (short headlines misfire under ~5 words).
MIN_CHARS = 30
MIN_PROBABILITY = 0.5


@cache
def _identifier() -> Any:  # py3langid.langid.LanguageIdentifier
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True)


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``, or ``und`` when it is too short or too ambiguous."""
    sample = " ".join(text.split())
    if len(sample) < MIN_CHARS:
        return UNDETERMINED
    language, probability = _identifier().classify(sample)
    return language if probability >= MIN_PROBABILITY else UNDETERMINED
