"""Article text: token F1 against hand-written bodies, the seed page's junk, the line cutter."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from eventwire.config import Settings
from eventwire.ingest.article import NoArticleText, cut_boilerplate, extract_page
from eventwire.ingest.text import normalised_words

REPO_ROOT = Path(__file__).resolve().parents[1]
EXPECTATIONS = yaml.safe_load((REPO_ROOT / "tests/data/sample_expectations.yaml").read_text())
SAMPLES = Settings().samples_root
PAGES = {url: fact for url, fact in EXPECTATIONS["pages"].items() if fact.get("body")}
MIN_F1 = 0.90  # the extraction bar every bundled page must clear

SEED_JUNK = [
    "GMT 05:05 2018 Friday ,19 January",
    "IS poses threat to Iraq one month after 'liberation'",
    "Baghdad twin suicide bombing kills 31",
    "Iraq PM heads for May elections after defeating IS",
    "Iraq faces 'new war' - on corruption",
    "Iraqi army seizes more territories in Anbar's desert",
    "Maintained and developed by Arabs Today Group SAL.",
    "All rights reserved",
    "Send your comments",
    "Your comment as a visitor",
]


def token_f1(got: str, want: str) -> float:
    got_tokens, want_tokens = Counter(normalised_words(got)), Counter(normalised_words(want))
    common = sum((got_tokens & want_tokens).values())
    if not common:
        return 0.0
    precision = common / sum(got_tokens.values())
    recall = common / sum(want_tokens.values())
    return 2 * precision * recall / (precision + recall)


def _extract(url: str):
    return extract_page((SAMPLES / url.removeprefix("file:")).read_bytes(), url)


@pytest.fixture(scope="module")
def scores() -> dict[str, float]:
    return {
        url: token_f1(_extract(url).text, (REPO_ROOT / fact["body"]).read_text())
        for url, fact in PAGES.items()
    }


def test_token_f1_on_every_bundled_page(scores):
    mean = sum(scores.values()) / len(scores)
    print(f"\ntoken F1 over {len(scores)} pages: mean {mean:.3f}, min {min(scores.values()):.3f}")
    assert len(scores) >= 20
    assert {url: score for url, score in scores.items() if score < MIN_F1} == {}


def test_token_f1_measures_what_it_should():
    assert token_f1("a b c", "a b c") == 1.0
    assert token_f1("a b c d", "a b") == pytest.approx(2 / 3)
    assert token_f1("x", "y") == 0.0


def test_titles_and_dates_come_from_the_page():
    for url, fact in PAGES.items():
        page = _extract(url)
        assert page.title == fact["title"], url


def test_seed_page_keeps_its_body_and_loses_its_related_headlines():
    seed = EXPECTATIONS["seed_page"]
    page = _extract(seed["url"])
    assert page.text.rstrip().endswith(seed["last_body_sentence"])
    for junk in [*SEED_JUNK, seed["first_junk_line"]]:
        assert junk not in page.text
    assert page.published.isoformat() == seed["published_page"].replace("Z", "+00:00")


def test_cutter_on_the_shared_seed_text(shared_dir):
    text = next((shared_dir / "seed").glob("*.txt")).read_text()
    cut = cut_boilerplate(text)
    assert cut.endswith("proclaim a self-styled Islamic “Caliphate”.")
    assert not any(junk in cut for junk in SEED_JUNK)
    body_lines = text.split("\nGMT 05:05 2018 Friday ,19 January")[0].splitlines()
    assert cut.splitlines() == [line.strip() for line in body_lines]


def test_cutter_keeps_a_body_sentence_that_quotes_boilerplate_words():
    body = (
        "The ministry said all rights reserved under the 1951 convention would be respected by "
        "every party to the conflict, including the rebels, the army and the militias in the "
        "north of the country."
    )
    assert cut_boilerplate(body + "\nAll rights reserved\nSend your comments") == body


def test_plain_text_page_and_pages_without_a_body():
    text = "Troops were deployed near the border on Monday. " * 10 + "\nAll rights reserved"
    page = extract_page(text.encode(), "file:x.txt", "text/plain")
    assert "All rights reserved" not in page.text and page.title is None
    with pytest.raises(NoArticleText, match=r"no article body|too short"):
        extract_page(b"<html><body><script>app()</script></body></html>", "file:x.html")
    broken = EXPECTATIONS["broken_page"]
    with pytest.raises(NoArticleText):
        _extract(broken)
