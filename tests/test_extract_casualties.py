"""Casualties: killed and injured counts from parsed sentences written for these tests."""

from __future__ import annotations

import pytest

from eventwire.config import Settings
from eventwire.extract.casualties import Casualties, count_casualties, parse_number


@pytest.fixture(scope="module")
def nlp():
    import spacy

    return spacy.load(Settings().spacy_model)


def _count(nlp, text: str) -> Casualties:
    return count_casualties(next(nlp(text).sents))


@pytest.mark.parametrize(
    ("text", "killed", "injured"),
    [
        ("Nine rebels and four policemen were killed, while six others were wounded.", 13, 6),
        ("The gunmen killed at least 8 farmers and injured more than 11 others.", 8, 11),
        ("A car bomb killed a dozen shoppers at the market.", 12, None),
        ("Dozens of students were injured when the police charged.", None, 12),
        ("Hundreds of villagers died when the siege began.", 100, None),
        ("The death toll rose to 27 on Sunday.", 27, None),
        ("Four people died and two hundred were hurt in the stampede.", 4, 200),
        ("The blast left 6 dead and 19 injured.", 6, 19),
        ("Tens of thousands of civilians were killed when the dam burst.", 10000, None),
        ("A 31-year-old farmer was killed by a landmine.", 1, None),
        ("The fighters burned twelve trucks and killed three drivers.", 3, None),
    ],
)
def test_counts(nlp, text: str, killed: int | None, injured: int | None) -> None:
    found = _count(nlp, text)
    assert (found.fatalities, found.injured) == (killed, injured)


@pytest.mark.parametrize(
    "text",
    [
        "Many soldiers were killed in the ambush.",
        "A huge number of fighters were killed when jets struck their column of nine vehicles.",
        "The rebels took 85% of the valley at a rate of 20 percent a day.",
        "Men aged 25 and 40 were among those killed in 2016.",
        "One third of the houses were destroyed, causing $4 million in damage.",
        # The death a protest is about is no casualty of the protest.
        "Lawyers in Quetta boycotted the courts to protest the killing of a colleague.",
    ],
)
def test_no_number_or_not_a_head_count_is_null(nlp, text: str) -> None:
    found = _count(nlp, text)
    assert (found.fatalities, found.injured, found.text) == (None, None, None)


@pytest.mark.parametrize(
    "text",
    [
        "Tens of thousands of civilians have been killed in the war.",
        "More than 140 of its members have been killed since it was deployed in 2013.",
        "The insurgency has killed 20,000 people since 2009.",
        "Rebels have killed 300 civilians so far.",
        "At least 40 protesters have died over the past three months.",
    ],
)
def test_running_tallies_are_not_counted(nlp, text: str) -> None:
    """A tally sums many events; giving it to one would inflate that event's toll."""
    assert _count(nlp, text).fatalities is None


def test_perfect_tense_without_a_period_is_counted(nlp) -> None:
    found = _count(nlp, "Gunmen have killed six villagers in an attack on a market last week.")
    assert found.fatalities == 6
    # Days of one event's fighting are no period.
    assert _count(nlp, "Clashes in Rutshuru have killed 17 people since Sunday.").fatalities == 17


def test_acled_quantity_word_beside_a_percentage(nlp) -> None:
    found = _count(nlp, "The rebels took 85% of the valley, killing scores of civilians.")
    assert found.fatalities == 20


def test_text_holds_the_phrase(nlp) -> None:
    found = _count(
        nlp, "Nine rebels and four policemen were killed, while six others were wounded."
    )
    assert found.text == "Nine rebels and four policemen were killed; six others were wounded"


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("thirteen", 13),
        ("two hundred", 200),
        ("one hundred and twenty", 120),
        ("1,700", 1700),
        ("a dozen", 12),
        ("hundreds of thousands", 100000),
        ("one third", None),
        ("many", None),
    ],
)
def test_parse_number(words: str, value: int | None) -> None:
    assert parse_number(words.split()) == value


@pytest.mark.parametrize(
    ("text", "killed", "injured"),
    [
        ("Between 12 and 20 herders were killed near the river.", 12, None),
        ("Militants killed 5-8 traders on the road.", 5, None),
        ("Two or three guards were wounded in the raid.", None, 2),
        ("Thirty-two worshippers died in the attack.", 32, None),
        ("The death toll climbed from 14 to 31 by the evening.", 31, None),
        ("Fatalities: 6.", 6, None),
        ("The bodies of seven fishermen were pulled from the lake.", 7, None),
        ("Three bodies were found beside the road.", 3, None),
        ("A crowd beat him to death outside the mosque.", 1, None),
        ("Sixty soldiers were reported killed in the ambush.", 60, None),
    ],
)
def test_ranges_listings_and_indirect_tolls(nlp, text: str, killed, injured) -> None:
    found = _count(nlp, text)
    assert (found.fatalities, found.injured) == (killed, injured)


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # Lives lost or claimed are deaths; lives saved or a life sentence are not.
        ("Twelve soldiers lost their lives in the ambush.", 12),
        ("The bombing claimed 23 lives on Sunday.", 23),
        ("The blast claimed the lives of seven people.", 7),
        ("Doctors saved 20 lives after the blast.", None),
        ("He was sentenced to life imprisonment for the bombing.", None),
        # A newer figure replaces the one it updates.
        ("The raid killed 110 farmers, officials said, up from an earlier toll of 43.", 110),
        # A victim named beside an age or a description is one person.
        ("Tawfiq, 27, a trader, was shot dead in the market.", 1),
        ("Gunmen shot dead community leader Amina Bello, 52, in her home.", 1),
        ("A 17-year-old was killed at the checkpoint.", 1),
        # One person the sentence refers to by a pronoun or as someone's.
        ("A bomb went off under the truck, killing its driver.", 1),
        ("The mob beat the trader and he died in hospital.", 1),
        # Victims "among the dead" are at least that many.
        ("Twenty soldiers were among the dead.", 20),
        # A group whose size is stated after "of".
        ("Attackers hacked a family of four to death.", 4),
    ],
)
def test_lives_lost_newer_tolls_and_named_victims(nlp, text: str, killed: int | None) -> None:
    assert _count(nlp, text).fatalities == killed


def test_acronym_spelt_like_a_verb_keeps_its_victims() -> None:
    """With the project's pipeline, "IS" is read as a name, so the count reaches the victims."""
    from eventwire.extract.nlp import load_pipeline

    nlp = load_pipeline(Settings())
    assert count_casualties(next(nlp("15 IS militants were killed.").sents)).fatalities == 15
    assert count_casualties(next(nlp("Two AS fighters were killed.").sents)).fatalities == 2


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # Nobody is a toll of 0, not the "one" it is written with.
        ("No one was killed when the shell landed near the school.", 0),
        ("None of the pilgrims was killed in the blast.", 0),
        # A phrasal verb, a verb said to have killed, a verb whose subject died.
        ("The opposition organiser was gunned down outside his office.", 1),
        ("A border guard was fatally shot during the night.", 1),
        ("Three miners succumbed to their wounds on Friday.", 3),
        ("Troops neutralised nine insurgents near the river.", 9),
        # "them" counts the people it stands for; "the" before one person counts one.
        ("The mob dragged four suspects from the station and burned them alive.", 4),
        ("The bomb killed eight people; the bomber also died.", 9),
        ("Gunmen killed the driver and three passengers of a lorry.", 4),
        # A list the parser reads as an appositive is still a list.
        ("Attackers shot dead the imam, his nephew and a guard.", 3),
        ("Three nurses were among those killed in the shelling.", 3),
        # A toll is the whole count: it replaces the sentence's other figures.
        ("Six more bodies were pulled from the rubble, bringing the death toll to 31.", 31),
        # A period's tally and another event's dead are not this event's toll.
        ("Nine people were killed on Monday, bringing the month's toll to 60.", 9),
        ("Drones killed 14 people, bringing the toll since the offensive began to 3,000.", 14),
        ("Five guards died in the raid; eight guards died in a similar raid in May.", 5),
        ("A mine killed six herders, a month after a similar blast killed eleven.", 6),
    ],
)
def test_nobody_phrasal_kills_pronouns_lists_and_whole_tolls(nlp, text: str, killed: int) -> None:
    assert _count(nlp, text).fatalities == killed


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # A bomber who blew himself up died; a toll stated beside him is the reporters' count.
        ("A bomber blew himself up at the gate of the barracks.", 1),
        ("A bomber blew himself up at the gate, killing at least 30 recruits.", 30),
        ("Sappers blew up the bridge before dawn.", None),
    ],
)
def test_a_bomber_who_blew_himself_up_is_counted_when_nobody_else_is(
    nlp, text: str, killed: int | None
) -> None:
    assert _count(nlp, text).fatalities == killed


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # A second verb without a subject of its own speaks of the first verb's.
        ("A cyclist was hit by an army lorry near the barracks and died.", 1),
        ("Two aid workers were kidnapped and later found dead.", 2),
        # A bare participle joined to a passive verb shares its auxiliary and its subject.
        ("Three herders were trapped in the crossfire and killed near Bama.", 3),
    ],
)
def test_a_second_verb_borrows_the_first_verbs_victims(nlp, text: str, killed: int) -> None:
    assert _count(nlp, text).fatalities == killed


def test_they_counts_the_people_of_the_clause_it_hangs_on(nlp) -> None:
    text = "All four had been beaten before they were killed near the quarry."
    assert _count(nlp, text).fatalities == 4


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # Who died is the subject of "die", whatever the parser made its object.
        ("Seven people died in the attack, among them two children, the governor said.", 7),
        # A second object the parser hung on the verb, a bare noun sharing the first's article.
        ("Gunmen killed a priest and his driver in Kaduna state on Sunday.", 2),
        ("A farmer and son were hacked to death in their field.", 2),
        # Lives owned by the counted; a toll that rose from one figure to another.
        ("The ambush claimed nine policemen's lives.", 9),
        ("The death toll from the attack climbed from 12 to 19, officials said.", 19),
        # The dead some are among: their number is the toll, and those named among them are
        # part of a toll stated beside them, not added to it.
        ("An aid worker was among the 31 dead.", 31),
        ("Nine pilgrims died when gunmen fired on their bus, and a boy was among the dead.", 9),
        ("Three medics were among the dead.", 3),
        # A noun of killing counts the people it is of.
        ("Police blamed the killing of four herders in Koro on a rival militia.", 4),
        ("The assassination of two judges in Peshawar shocked the city.", 2),
        # A state written after a list is the state of every item in it.
        (
            "Fighting between the army and militants in Marawi left three soldiers and six "
            "militants dead.",
            9,
        ),
        ("The ambush left four soldiers dead and seven rebels wounded.", 4),
        # A participle read as the copula's complement is a passive all the same.
        ("Twenty-seven villagers were slain.", 27),
        # A number the parser hung on the verb; a closing line that lists its dead.
        ("Gunmen killed a pastor and two of his sons in Kagoro on Sunday.", 3),
        ("Fatalities: 17 soldiers and 8 militants.", 25),
        # Those named as the dead: the whole toll after "were", part of it after "included".
        ("The dead included 12 soldiers and 25 civilians.", 37),
        ("Those killed were two guards and a driver.", 3),
        ("The shelling killed 30 people; the dead included 12 children.", 30),
        # "20 of them children" counts some of the people just counted, not more of them.
        (
            "A drone strike on a wedding in Kunar killed at least 64 people, 20 of them "
            "children, health workers said.",
            64,
        ),
        # A range the parser read as a "between" phrase; a toll that reached a figure.
        (
            "An air strike on a market in Tigray killed between 50 and 79 people, according "
            "to different sources.",
            50,
        ),
        ("Gunmen killed 9 people on Monday; by Friday the toll had reached 16.", 16),
        ("Soldiers opened fire on a crowd of protesters in Mandalay, killing half a dozen.", 6),
        ("Gunmen attacked a bus in Plateau state on Sunday with the loss of five lives.", 5),
        # An object the parser made a second subject of the reporting verb.
        (
            "An Israeli air strike on a school housing displaced families in Gaza City killed "
            "at least 18 people, including six UN staff, the UN agency for Palestinian "
            "refugees said on Wednesday.",
            18,
        ),
        # A participle with an object of its own is the verb, whatever it was hung on.
        (
            "A Saudi air strike on a bus carrying schoolchildren in Dahyan killed at least 40 "
            "people, including 29 children, the Red Cross said on Friday.",
            40,
        ),
        (
            "A Russian missile strike on a hotel housing aid workers in Kramatorsk killed at "
            "least 12 people, including three journalists, the regional governor said on Sunday.",
            12,
        ),
        # A toll by another name; a raised subject; the number a state is of.
        ("The number of fatalities reached eleven by Tuesday.", 11),
        ("Four herders are known to have died.", 4),
        ("Two soldiers are said to have been killed.", 2),
        ("Local sources spoke of ten dead.", 10),
        # "no other deaths" adds none to the count, it is no toll of 0.
        ("Six miners were among those killed; no other deaths were reported.", 6),
    ],
)
def test_phrasings_of_the_dead_met_in_news(nlp, text: str, killed: int) -> None:
    """Misparses and phrasings found with the project's own news-style probe sentences."""
    assert _count(nlp, text).fatalities == killed


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # A total and the counts that break it down are one toll.
        (
            "Raiders killed 14 people in two villages of Koro: nine in Yoro and five in "
            "Dinangourou.",
            14,
        ),
        ("The fighting killed 30 people - 12 soldiers, 15 militants and three civilians.", 30),
        ("An IED hit a patrol near Tessit, killing 3 (2 soldiers and 1 interpreter).", 3),
        # Parts named before the largest are added, not read as its breakdown.
        ("A trader, his wife and their two children were killed in Kano.", 4),
        # Counts that do not add up to another are each side's dead.
        ("Clashes killed 7 soldiers, 7 rebels and 2 civilians near Rutshuru.", 16),
        # "the number killed" is a tally, not a victim.
        ("Police shot dead two protesters, bringing the number killed since March to 40.", 2),
        # "18 of them ..." names some of those just counted, whatever it is coordinated with.
        ("Bandits killed 25 villagers near Gusau, 20 of them women and children.", 25),
    ],
)
def test_a_breakdown_is_not_added_to_its_total(nlp, text: str, killed: int) -> None:
    assert _count(nlp, text).fatalities == killed


def test_the_phrase_names_whose_dead_were_counted(nlp) -> None:
    assert _count(nlp, "Troops killed 14 of the attackers.").text == "killed 14 of the attackers"
    assert _count(nlp, "Government forces lost 29 men.").text == "Government forces lost 29 men"


def test_a_particle_read_as_an_adverb_still_makes_the_phrasal_verb(nlp) -> None:
    assert _count(nlp, "Gang members mowed down 11 people at a party in Celaya.").fatalities == 11


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("The number of people killed in the ambush near Mopti has risen to 19.", 19),
        ("The number of dead stood at 31 on Tuesday.", 31),
        # A number of the dead since a start is a tally of a period.
        ("The number of people killed since the revolt began has passed 800.", None),
    ],
)
def test_the_number_of_the_dead_is_a_toll(nlp, text: str, killed: int | None) -> None:
    assert _count(nlp, text).fatalities == killed


def test_a_speakers_own_dead_are_counted(nlp) -> None:
    assert _count(nlp, "They killed my father and two of my uncles.").fatalities == 3
