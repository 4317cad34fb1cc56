"""A deterministic benchmark corpus of any size, scaled up from the bundled sample articles.

The bundled samples are 27 short pages (~250 words). Benchmarks need thousands of articles of
realistic length, offline and identical from run to run, so this module takes the samples'
own text (through the pipeline's article extractor, exactly what ingest stores), cuts it into
paragraphs and recombines them with a seeded ``random.Random``: each document opens with a
feed summary as its standfirst and adds paragraphs from any sample until it reaches a length
drawn around ``MEAN_WORDS``. Event reports and non-event text (markets, weather, sport) are
mixed as they are in the samples, and town names are permuted per document so no two
documents are the same text.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from eventwire.config import Settings

DEFAULT_SEED = 7
# Words per article: a normal spread around the length of a typical wire story.
MEAN_WORDS = 600
WORDS_SPREAD = 150
MIN_WORDS = 250
MAX_WORDS = 1_200
# Towns of the samples: each document swaps them among themselves under its own permutation,
# so the parser sees different names in the same sentence shapes.
TOWNS = (
    "Mosul", "Zummar", "Deir ez-Zor", "Douma", "Saada", "Najran", "Amman", "Ghazni", "Kisumu",
    "Baidoa", "Donetsk", "Marawi", "Beni", "Ambo", "Gao", "Kaduna", "Maiduguri", "Quito",
    "Istanbul", "Gaza", "Cox's Bazar", "Tillaberi",
)  # fmt: skip
_TOWN_PATTERN = re.compile(r"\b(" + "|".join(re.escape(town) for town in TOWNS) + r")\b")
PUBLISHED_FROM = datetime(2017, 10, 29, tzinfo=UTC)


@dataclass(frozen=True)
class SourceText:
    """One English sample article cut into paragraphs."""

    source_name: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class CorpusArticle:
    """One benchmark article: what the ingest stage would have stored for a page."""

    article_id: str
    source_name: str
    url: str
    title: str
    text: str
    published_at: datetime

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@cache
def sample_sources(samples_root: Path) -> tuple[tuple[SourceText, ...], tuple[str, ...]]:
    """The English sample pages as paragraphs, and the feed entries' summaries."""
    from eventwire.ingest.article import NoArticleText, extract_page
    from eventwire.ingest.feeds import parse_feed
    from eventwire.ingest.language import detect_language

    sources = []
    for path in sorted((samples_root / "pages").rglob("*.html")):
        try:
            page = extract_page(path.read_bytes(), f"file:{path.relative_to(samples_root)}")
        except NoArticleText:
            continue
        if detect_language(page.text) != "en":
            continue
        paragraphs = tuple(line for line in page.text.splitlines() if line.strip())
        sources.append(SourceText(path.parent.name, page.title or path.stem, paragraphs))
    summaries = tuple(
        entry.summary
        for path in sorted((samples_root / "feeds").iterdir())
        for entry in parse_feed(path.read_bytes()).entries
        if entry.summary and detect_language(entry.summary) == "en"
    )
    return tuple(sources), summaries


def build_corpus(
    size: int, seed: int = DEFAULT_SEED, settings: Settings | None = None
) -> list[CorpusArticle]:
    """``size`` articles; the same seed always gives the same articles."""
    sources, summaries = sample_sources((settings or Settings()).samples_root)
    rng = random.Random(seed)
    return [_article(number, seed, rng, sources, summaries) for number in range(size)]


def _article(
    number: int,
    seed: int,
    rng: random.Random,
    sources: tuple[SourceText, ...],
    summaries: tuple[str, ...],
) -> CorpusArticle:
    target = min(MAX_WORDS, max(MIN_WORDS, round(rng.gauss(MEAN_WORDS, WORDS_SPREAD))))
    lead = rng.choice(sources)
    paragraphs = [rng.choice(summaries), *lead.paragraphs]
    words = sum(len(paragraph.split()) for paragraph in paragraphs)
    while words < target:
        paragraph = rng.choice(rng.choice(sources).paragraphs)
        paragraphs.append(paragraph)
        words += len(paragraph.split())
    towns = list(TOWNS)
    rng.shuffle(towns)
    renamed = dict(zip(TOWNS, towns, strict=True))
    text = _TOWN_PATTERN.sub(lambda match: renamed[match.group(1)], "\n".join(paragraphs))
    article_id = hashlib.sha256(f"bench|{seed}|{number}".encode()).hexdigest()[:16]
    return CorpusArticle(
        article_id=article_id,
        source_name=lead.source_name,
        url=f"https://bench.example/{lead.source_name}/{article_id}",
        title=_TOWN_PATTERN.sub(lambda match: renamed[match.group(1)], lead.title),
        text=text,
        published_at=PUBLISHED_FROM + timedelta(minutes=rng.randrange(4 * 24 * 60)),
    )
