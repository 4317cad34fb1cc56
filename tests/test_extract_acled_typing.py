"""ACLED typing per mention and document-level assembly, as pure functions on coded records."""

from __future__ import annotations

import datetime as dt

import pytest

from eventwire.extract import acled, assembly


@pytest.mark.parametrize(
    ("plover", "code", "actor", "recipient", "text", "lethal", "sub"),
    [
        ("ASSAULT", "190", "REB", None, "They attacked a convoy with rockets.", False,
         "Shelling/artillery/missile attack"),
        ("ASSAULT", "190", "REB", None, "A drone fired a missile at the car.", False,
         "Air/drone strike"),
        ("ASSAULT", "190", "INS", None, "A suicide attacker hit the gate.", False, "Suicide bomb"),
        ("ASSAULT", "190", "REB", "CVL", "Gunmen killed five villagers.", True, "Attack"),
        ("ASSAULT", "190", "REB", "MIL", "Rebels attacked an army post.", True, "Armed clash"),
        ("ASSAULT", "193", "REB", None, "Militiamen opened fire on a minibus.", False, "Attack"),
        ("ASSAULT", "193", "MIL", None, "Soldiers opened fire on protesters.", True,
         "Excessive force against protesters"),
        ("ASSAULT", "175", "COP", "OPP", "Police fired tear gas at the march.", False,
         "Protest with intervention"),
        ("ASSAULT", "175", "MIL", None, "Troops used toxic gas on the town.", False,
         "Chemical weapon"),
        ("ASSAULT", "175", "COP", "CVL", "Police fired tear gas at residents.", False,
         "Protest with intervention"),
        ("ASSAULT", "175", "COP", "CVL", "Police beat residents.", False, "Attack"),
        ("ASSAULT", "175", "COP", "LAB", "Police fired rubber bullets at striking nurses.", False,
         "Protest with intervention"),
        ("ASSAULT", "1712", "CVL", None, "Angry youths burned a suspect's house.", False,
         "Mob violence"),
        ("PROTEST", "141", "OPP", None, "Teachers marched to the ministry.", False,
         "Peaceful protest"),
        ("PROTEST", "141", "OPP", None, "Police dispersed the marchers.", False,
         "Protest with intervention"),
        ("PROTEST", "145", "OPP", None, "A mob burned the station.", False, "Mob violence"),
        ("PROTEST", "144", "OPP", None, "Youths blocked roads with burning tyres.", False,
         "Violent demonstration"),
        ("PROTEST", "144", "OPP", None, "Demonstrators blocked a road and burned tyres.", False,
         "Violent demonstration"),
        ("PROTEST", "141", "OPP", None, "Crowds marched for the release of detained students.",
         False, "Peaceful protest"),
        ("ASSAULT", "1712", None, None, "Protesters set fire to the office.", False,
         "Violent demonstration"),
        ("PROTEST", "145", "CVL", "COP", "Angry residents stoned the police.", False,
         "Violent demonstration"),
        ("PROTEST", "144", "CVL", None, "Angry residents blocked the road with burning tyres.",
         False, "Violent demonstration"),
        ("ASSAULT", "180", "CVL", "COP", "An angry crowd attacked police officers.", False,
         "Violent demonstration"),
        ("ASSAULT", "1821", "CVL", None, "Two men raped a girl.", False, "Sexual violence"),
        ("ASSAULT", "1823", "CVL", None, "Villagers beat a thief to death.", True,
         "Mob violence"),
        ("COERCE", "192", "REB", None, "Rebels seized the town.", False,
         "Non-state actor overtakes territory"),
        ("COERCE", "192", "MIL", None, "The army retook the town.", False,
         "Government regains territory"),
        ("COERCE", "192", "REB", None, "Rebels entered the town unopposed.", False,
         "Non-violent transfer of territory"),
        ("COERCE", "192", "UAF", "CVL", "Gunmen seized 17 missionaries.", False,
         "Abduction/forced disappearance"),
        ("COERCE", "173", "COP", "OPP", "Police arrested 40 protesters.", False,
         "Protest with intervention"),
        ("COERCE", "173", "COP", "CVL", "Police arrested a smuggler.", False, "Arrests"),
        ("COERCE", "173", "COP", "CVL", "Police held students at a march.", False,
         "Protest with intervention"),
        ("RETREAT", "0872", "MIL", None, "The army withdrew from the town.", False,
         "Non-violent transfer of territory"),
        ("MOBILIZE", "154", "MIL", None, "Troops were deployed to the border.", False,
         "Change to group/activity"),
        ("MOBILIZE", "154", "GOV", None, "The government deployed troops to Tigray.", False,
         "Change to group/activity"),
        ("AGREE", "057", "REB", None, "The rebel factions signed a deal.", False, "Agreement"),
        ("AGREE", "057", "GOV", None, "The ministers signed a trade deal.", False, None),
        ("COERCE", "191", "REB", None, "Militants blockaded the town.", False, "Other"),
        ("ASSAULT", "190", None, "COP", "A police post was attacked during a protest.", False,
         "Violent demonstration"),
        ("ASSAULT", "193", None, None, "Clashes broke out during the demonstration.", False,
         "Violent demonstration"),
        ("ASSAULT", "190", "REB", "COP", "Rebels attacked a police post during a protest.",
         False, "Armed clash"),
    ],
)  # fmt: skip
def test_acled_sub_event_follows_codebook(plover, code, actor, recipient, text, lethal, sub):
    found = acled.acled_type(
        plover, code, actor, recipient, cues=acled.cues_in(text), lethal=lethal
    )
    assert found.sub_event_type == sub


def test_acled_leaves_uncoded_types_alone() -> None:
    assert acled.acled_type("CONSULT", "040", "GOV", "GOV") == acled.NONE
    assert acled.acled_type(
        "SUPPORT", "057", "GOV", "REB", override="Agreement"
    ).sub_event_type == ("Agreement")


def test_cues_read_words_and_two_word_phrases() -> None:
    assert acled.cues_in("A booby-trapped car and tear gas") >= {"explosive", "intervention"}
    assert acled.cues_in("Villagers gathered") == {"civilian", "mob"}


PUBLISHED = dt.datetime(2023, 5, 4, tzinfo=dt.UTC)


def _record(index: int, code: str, plover: str = "ASSAULT", **values) -> dict:
    sub = values.pop("sub", "Armed clash")
    record = {
        "sentence_index": index,
        "sentence_text": values.pop("text", "Fighting erupted."),
        "plover_type": plover,
        "cameo_code": code,
        "acled_event_type": acled.acled_type(plover, code, None, None).event_type or "Battles",
        "acled_sub_event_type": sub,
        "actor_code": None,
        "recipient_code": None,
        "actor_sector": None,
        "recipient_sector": None,
        "negated": False,
        "date_flag": "reported",
        "event_date": PUBLISHED.date(),
        "date_precision": "day",
        "published_at": PUBLISHED,
        "country": "NGA",
        "geo_precision": 1,
        "geonames_id": 1,
        "location_name": "Bama",
        "admin1": None,
        "lat": 11.5,
        "lon": 13.7,
        "fatalities": None,
        "injured": None,
        "fatalities_text": None,
        "rule": "lexicon:x",
        "confidence": 0.6,
    }
    record.update(values)
    return record


def test_people_who_only_speak_are_no_victims_or_crowd() -> None:
    assert "civilian" not in acled.cues_in("Residents said fighters clashed with troops.")
    assert "mob" not in acled.cues_in("Villagers told reporters the army shelled the hills.")
    assert "civilian" in acled.cues_in("Fighters shot two residents, police said.")
    assert "protest" in acled.cues_in("Protesters said police fired tear gas.")


def test_restated_toll_is_not_added_twice() -> None:
    records = [_record(0, "193", fatalities=20), _record(2, "190", fatalities=24)]
    tolls = [assembly.Toll(1, 22, None, "22 died")]
    out = assembly.assemble(records, tolls)
    # One mention carries the event's toll, so its dead are never counted twice.
    assert sorted(r["fatalities"] or 0 for r in out) == [0, 24]


def test_additional_victims_are_added() -> None:
    records = [_record(0, "193", fatalities=3)]
    tolls = [assembly.Toll(1, 2, None, "two more", additional=True)]
    [lead] = assembly.assemble(records, tolls)
    assert lead["fatalities"] == 5
    assert lead["rule"].endswith("+doc:s0,s1")


@pytest.mark.parametrize(
    ("later", "figure", "toll"),
    [
        ("25 militants were killed", 25, 37),
        ("12 soldiers died", 12, 12),
        ("three soldiers were among the dead", 3, 12),
        ("The toll rose to 15", 15, 15),
    ],
)
def test_counts_of_different_sides_add_up(later: str, figure: int, toll: int) -> None:
    records = [_record(0, "193", fatalities=12, fatalities_text="killed 12 soldiers")]
    [lead] = assembly.assemble(records, [assembly.Toll(1, figure, None, later)])
    assert lead["fatalities"] == toll


@pytest.mark.parametrize(
    ("claim", "phrase", "toll"),
    [
        # A side's claim of the same dead yields to the other account of them.
        ("The group said in a statement it had killed 15 soldiers.", "killed 15 soldiers", 6),
        ("The rebels claimed to have killed 15 soldiers.", "killed 15 soldiers", 6),
        # A claim of the other side's dead stands beside the first count.
        ("The army said it had killed 15 militants.", "killed 15 militants", 21),
        # Not a claim: a later, higher report of the same dead.
        ("Hospital staff said 15 soldiers had died.", "15 soldiers had died", 15),
    ],
)
def test_a_claim_of_whom_a_side_killed_yields_to_another_account(
    claim: str, phrase: str, toll: int
) -> None:
    sentence = "Militants attacked a base in Bama, killing six soldiers."
    records = [
        _record(0, "190", text=sentence, fatalities=6, fatalities_text="killing six soldiers"),
        _record(1, "1823", text=claim, fatalities=15, fatalities_text=phrase),
    ]
    out = assembly.assemble(records, [])
    assert max(r["fatalities"] or 0 for r in out) == toll


def test_toll_far_after_the_act_stays_out() -> None:
    far = assembly.WINDOW_SENTENCES + 1
    [lead] = assembly.assemble([_record(0, "193")], [assembly.Toll(far, 9, None, "9 died")])
    assert lead["fatalities"] is None


def test_distinct_acts_and_places_form_distinct_events() -> None:
    clash = _record(0, "193")
    strike = _record(1, "195", sub="Air/drone strike", text="Jets struck a convoy.")
    elsewhere = _record(2, "193", geonames_id=2, location_name="Gwoza")
    out = assembly.assemble([clash, strike, elsewhere], [])
    assert [r["acled_sub_event_type"] for r in out] == [
        "Armed clash",
        "Air/drone strike",
        "Armed clash",
    ]
    assert all("+doc" not in r["rule"] for r in out)


def test_weapon_named_later_makes_the_attack_specific() -> None:
    attack = _record(0, "190", sub="Attack", text="Gunmen stormed the market.")
    grenade = _record(1, "183", sub="Grenade", text="A grenade was thrown into the crowd.")
    out = assembly.assemble([attack, grenade], [])
    assert {r["acled_sub_event_type"] for r in out} == {"Grenade"}
    lead = max(out, key=lambda r: r["confidence"])
    assert lead["confidence"] == pytest.approx(0.6 + assembly.CONFIDENCE_ASSEMBLED)


def test_cues_of_the_group_do_not_undo_what_a_mention_fixed() -> None:
    """ "Nine people were killed in the firefight": the lexicon fixed a clash; the victims'
    sector alone does not make it an attack, a civilian named in a later sentence does."""
    firefight = _record(
        0,
        "193",
        sub="Armed clash",
        recipient_sector="CVL",
        text="Nine people were killed in the firefight.",
    )
    [alone] = assembly.assemble([dict(firefight)], [])
    assert alone["acled_sub_event_type"] == "Armed clash"
    toll = assembly.Toll(1, 2, None, "two civilians died", acled.cues_in("Two civilians died."))
    [with_civilians] = assembly.assemble([dict(firefight)], [toll])
    assert with_civilians["acled_sub_event_type"] == "Attack"


def test_stated_date_wins_over_the_publication_day() -> None:
    dated = _record(0, "193", event_date=dt.date(2023, 5, 1))
    undated = _record(1, "190")
    out = assembly.assemble([dated, undated], [])
    assert {r["event_date"] for r in out} == {dt.date(2023, 5, 1)}


def test_negated_and_historical_mentions_are_left_alone() -> None:
    negated = _record(0, "193", negated=True, fatalities=None)
    old = _record(1, "193", date_flag="historical", fatalities=7)
    out = assembly.assemble([negated, old], [assembly.Toll(2, 5, None, "5 died")])
    assert [r["fatalities"] for r in out] == [None, 7]


def test_a_demonstration_whose_casualties_are_police_was_violent() -> None:
    text = "Nine police officers were injured during the march."
    [record] = assembly.assemble(
        [
            _record(
                0, "141", "PROTEST", sub="Peaceful protest", text=text, injured=9,
                fatalities_text="Nine police officers were injured",
            )
        ],
        [],
    )  # fmt: skip
    assert record["acled_sub_event_type"] == "Violent demonstration"


def test_damage_told_in_a_demonstrations_sentence_is_that_demonstration() -> None:
    text = "Cars were set on fire during a protest in Bama."
    damage = _record(
        0, "1712", sub="Violent demonstration", acled_event_type="Riots", text=text,
        confidence=0.6,
    )  # fmt: skip
    protest = _record(0, "141", "PROTEST", sub="Peaceful protest", text=text, confidence=0.5)
    assembly.assemble([damage, protest], [])
    assert protest["acled_sub_event_type"] == "Violent demonstration"


@pytest.mark.parametrize(
    ("later", "sub"),
    [
        ("Police detained 14 of the students.", "Protest with intervention"),
        # Arrests the sentence sets apart are another event.
        ("Separately, police detained a smuggler.", "Arrests"),
    ],
)
def test_arrests_told_after_a_demonstration_were_made_at_it(later: str, sub: str) -> None:
    march = _record(
        0, "141", "PROTEST", sub="Peaceful protest", text="Students marched in Bama."
    )  # fmt: skip
    arrest = _record(
        1, "173", "COERCE", sub="Arrests", acled_event_type="Strategic developments", text=later
    )
    assembly.assemble([march, arrest], [])
    assert arrest["acled_sub_event_type"] == sub
    assert march["acled_sub_event_type"] == (
        "Protest with intervention" if sub != "Arrests" else "Peaceful protest"
    )
