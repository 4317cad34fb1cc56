"""The extraction engine end to end, on documents written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwire import schema
from eventwire.config import Settings
from eventwire.extract.acled_eval import lead_event
from eventwire.extract.engine import (
    CARRY_BACK_SENTENCES,
    Document,
    Extractor,
    extractor_version,
    mention_id,
)

PUBLISHED = dt.datetime(2021, 6, 10, 8, 0, tzinfo=dt.UTC)  # a Thursday
COLUMNS = {f.name for f in schema.MENTIONS} - {"schema_version"}


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Settings())


def _extract(
    extractor: Extractor, text: str, published: dt.datetime | None = PUBLISHED
) -> list[dict]:
    return list(extractor.extract([Document(id="doc-1", text=text, published=published)]))


def _types(mentions: list[dict]) -> set[str]:
    return {m["plover_type"] for m in mentions if not m["negated"]}


def _assaults(extractor: Extractor, text: str) -> list[dict]:
    return [m for m in _extract(extractor, text) if m["plover_type"] == "ASSAULT"]


def test_record_has_every_mention_column_and_provenance(extractor) -> None:
    text = "Weather report first.\nSomali troops attacked an al-Shabaab camp in Kismayo on Tuesday."
    [mention] = _extract(extractor, text)
    assert set(mention) == COLUMNS
    assert mention["event_id"] is None
    assert mention["article_id"] == "doc-1"
    assert text[mention["char_start"] : mention["char_end"]] == mention["sentence_text"]
    assert mention["sentence_index"] == 1
    assert mention["rule"] == "lexicon:attack"
    assert mention["extractor_version"] == extractor_version()
    assert (mention["plover_type"], mention["cameo_root"], mention["quad_class"]) == (
        "ASSAULT",
        "19",
        4,
    )
    assert mention["actor_code"] == "SOMMIL" and mention["recipient_code"] == "SOMREB"
    assert mention["acled_event_type"] == "Battles"
    assert mention["event_date"] == dt.date(2021, 6, 8)
    assert mention["location_name"] == "Kismayo" and mention["country"] == "SOM"
    expected = mention_id("doc-1", 1, "ASSAULT", "SOMMIL", "SOMREB")
    assert mention["mention_id"] == expected and len(expected) == 16


def test_sentences_without_triggers_produce_nothing(extractor) -> None:
    assert _extract(extractor, "The weather was mild. Markets were calm in the capital.") == []


def test_passive_voice_gives_the_agent_as_actor(extractor) -> None:
    [m] = _extract(extractor, "A police post was attacked by Malian gunmen near Gao.")
    assert (m["actor_code"], m["recipient_sector"]) == ("MLIREB", "COP")


def test_coordinated_actors_give_one_mention_each(extractor) -> None:
    mentions = _extract(extractor, "Chile and Argentina signed a trade agreement on Monday.")
    assert {m["actor_code"] for m in mentions} == {"CHL", "ARG"}
    assert _types(mentions) == {"SUPPORT"}
    assert len({m["mention_id"] for m in mentions}) == 2


def test_negation_is_flagged(extractor) -> None:
    [m] = _extract(extractor, "Ugandan troops did not attack the village, officials said.")
    assert m["negated"] and m["plover_type"] == "ASSAULT"


def test_threat_is_coded_as_threaten_not_as_the_act(extractor) -> None:
    mentions = _extract(extractor, "The rebel commander threatened to attack Goma.")
    assert _types(mentions) == {"THREATEN"}


def test_promise_is_an_intent_not_the_act(extractor) -> None:
    mentions = _extract(extractor, "The minister promised to release the detained journalists.")
    assert _types(mentions) == {"AGREE"}
    assert all(m["date_flag"] == "future" or m["plover_type"] == "AGREE" for m in mentions)


def test_hypothetical_is_dropped(extractor) -> None:
    assert _extract(extractor, "The army could attack the town if talks fail.") == []


def test_refusal_is_reject(extractor) -> None:
    assert _types(_extract(extractor, "The opposition refused to negotiate with the junta.")) == {
        "REJECT"
    }


def test_casualties_and_aircraft(extractor) -> None:
    text = "Nigerian fighter jets bombed a Boko Haram camp near Maiduguri, killing 12 militants."
    [m] = _assaults(extractor, text)
    assert (m["cameo_code"], m["plover_mode"]) == ("195", "aerial")
    assert m["acled_sub_event_type"] == "Air/drone strike"
    assert m["fatalities"] == 12 and m["injured"] is None


def test_aircraft_destroying_targets_is_an_air_strike(extractor) -> None:
    text = "Russian aircraft destroyed ammunition depots of Islamic State near Deir ez-Zor."
    [m] = _assaults(extractor, text)
    assert (m["cameo_code"], m["acled_sub_event_type"]) == ("195", "Air/drone strike")


def test_follow_up_sentence_takes_the_town_before(extractor) -> None:
    text = "Fighting broke out in Kismayo on Monday. Seven soldiers were killed."
    found = _extract(extractor, text)
    killed = [m for m in found if m["sentence_index"] == 1]
    assert killed and killed[0]["location_name"] == "Kismayo"
    # One event told over two sentences: its toll is stated once, on the mention defining it.
    assert [(m["sentence_index"], m["fatalities"]) for m in found if m["fatalities"]] == [(0, 7)]


@pytest.mark.parametrize("between", range(CARRY_BACK_SENTENCES + 1))
def test_town_is_carried_back_over_its_window_and_no_further(extractor, between: int) -> None:
    quiet = " The weather was mild." * between  # nothing to code, no place named
    text = f"Heavy clashes broke out in Sinjar on Monday.{quiet} Nine fighters were killed."
    [follow_up] = [m for m in _extract(extractor, text) if m["sentence_index"] == between + 1]
    place = (follow_up["country"], follow_up["geo_precision"])
    if between < CARRY_BACK_SENTENCES:
        assert place == ("IRQ", 1) and follow_up["location_name"].startswith("Sinj")
    else:
        assert place == ("IRQ", 3)  # out of reach: the article's country


def test_the_mention_carrying_the_toll_leads_its_event(extractor) -> None:
    """Whoever reads one mention per event (the most confident) reads the event's toll."""
    text = (
        "Rioters looted shops and fought police in Dakar on Sunday; one officer died of his wounds."
    )
    found = [m for m in _extract(extractor, text) if m["acled_event_type"]]
    lead = max(found, key=lambda m: m["confidence"])
    assert len(found) > 1 and lead["fatalities"] == 1
    assert sum(m["fatalities"] or 0 for m in found) == 1


def test_an_after_clause_under_a_reported_death_is_the_event(extractor) -> None:
    text = "Three villagers were confirmed dead after a rocket struck a bus station in Kharkiv."
    [m] = _extract(extractor, text)
    assert m["acled_sub_event_type"] == "Shelling/artillery/missile attack"
    assert (m["fatalities"], m["location_name"]) == (3, "Kharkiv")


def test_a_meeting_on_the_calendar_is_the_meeting_not_an_intent(extractor) -> None:
    arranged = _extract(extractor, "Kenya's president is scheduled to meet Ugandan envoys.")
    promised = _extract(extractor, "Kenya's president promised to meet Ugandan envoys.")
    assert [m["cameo_code"] for m in arranged] == ["040"]
    assert [m["cameo_code"] for m in promised] == ["036"]


def test_pronoun_in_a_reported_clause_is_the_speaker(extractor) -> None:
    [m] = _extract(extractor, "The Ghanaian government said it would expel the diplomats.")
    assert (m["actor_text"], m["actor_country"]) == ("Ghanaian government", "GHA")
    # "they" after a single speaker is someone else: no actor is guessed.
    [m] = [
        m
        for m in _extract(extractor, "The Kenyan minister said they burned the village.")
        if m["plover_type"] == "ASSAULT"
    ]
    assert m["actor_text"] is None


def test_a_drone_that_hits_a_target_is_an_air_strike(extractor) -> None:
    [m] = _extract(extractor, "A drone hit a fuel depot in Belgorod on Saturday, officials said.")
    assert (m["cameo_code"], m["acled_sub_event_type"]) == ("195", "Air/drone strike")


def test_who_died_in_a_fight_did_not_fight(extractor) -> None:
    text = (
        "Clashes broke out in Gondar between militiamen and soldiers on Monday. "
        "At least nine people died in the fighting."
    )
    found = [m for m in _extract(extractor, text) if m["acled_event_type"]]
    assert found and {m["acled_sub_event_type"] for m in found} == {"Armed clash"}
    assert all(m["actor_text"] != "people" for m in found)


def test_what_was_done_without_fighting_was_not_fought(extractor) -> None:
    text = "The rebels left Tabqa to the army without fighting."
    fought = [m for m in _extract(extractor, text) if m["cameo_code"] == "190"]
    assert fought and all(m["negated"] for m in fought)


def test_ground_taken_after_fighting_is_one_event_with_its_toll(extractor) -> None:
    text = "Troops recaptured Bama after heavy clashes with the insurgents. Nine soldiers died."
    found = [m for m in _extract(extractor, text) if m["acled_event_type"]]
    lead = max(found, key=lambda m: m["confidence"])
    assert lead["acled_sub_event_type"] == "Government regains territory"
    assert lead["fatalities"] == 9
    assert sum(m["fatalities"] or 0 for m in found) == 9


def test_a_plural_opening_the_sentence_keeps_its_sector(extractor) -> None:
    [m] = _extract(extractor, "Rebels shelled the town of Kitchanga.")
    assert m["actor_sector"] == "REB"


def test_a_phrase_naming_ground_is_no_actor(extractor) -> None:
    [m] = _extract(extractor, "Insurgents captured the port of Praia Grande.")
    assert m["recipient_text"] is None
    assert m["acled_sub_event_type"] == "Non-state actor overtakes territory"


def test_related_headline_junk_is_never_coded(extractor) -> None:
    text = (
        "Officials met in Accra.\n"
        "Rebels seize key town in the northGMT 06:10 2019 Friday ,11 October\n"
        "Army kills 40 insurgentsGMT 05:00 2019 Thursday ,10 October\n"
    )
    assert all(m["sentence_index"] == 0 for m in _extract(extractor, text))


def test_no_publication_date_gives_no_event_date(extractor) -> None:
    [m] = _extract(extractor, "Kenyan police arrested two suspects in Mombasa.", published=None)
    assert m["event_date"] is None and m["plover_type"] == "COERCE"
    assert m["acled_sub_event_type"] == "Arrests"


def test_documents_are_batched_and_keep_their_ids(extractor) -> None:
    docs = [
        Document(id=f"d{i}", text=f"Police arrested {i + 2} protesters in Lima.") for i in range(5)
    ]
    mentions = list(extractor.extract(docs, batch_size=2))
    assert [m["article_id"] for m in mentions] == [f"d{i}" for i in range(5)]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_crashes(extractor, text: str) -> None:
    for m in extractor.extract([Document(id="x", text=text, published=PUBLISHED)]):
        assert text[m["char_start"] : m["char_end"]] == m["sentence_text"]
        assert m["plover_type"] in schema.PLOVER_TYPES


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(["Rebels attacked", "the base", "near Gao.", "\n", "GMT", "ÿ", "Police"]),
        max_size=30,
    )
)
def test_trigger_heavy_noise_never_crashes(extractor, words: list[str]) -> None:
    text = " ".join(words)
    for m in extractor.extract([Document(id="x", text=text, published=PUBLISHED)]):
        assert text[m["char_start"] : m["char_end"]] == m["sentence_text"]


@pytest.mark.parametrize(
    ("text", "plover", "cameo", "acled_sub"),
    [
        (
            "Demonstrators clashed with police in Dakar on Friday.",
            "PROTEST",
            "145",
            "Violent demonstration",
        ),
        (
            "Riot police fired tear gas at protesters in Quito.",
            "ASSAULT",
            "175",
            "Protest with intervention",
        ),
        (
            "Rebels overran an army outpost near Kidal.",
            "COERCE",
            "192",
            "Non-state actor overtakes territory",
        ),
    ],
)
def test_who_fights_whom_decides_the_coding(extractor, text, plover, cameo, acled_sub) -> None:
    found = {
        (m["plover_type"], m["cameo_code"], m["acled_sub_event_type"])
        for m in _extract(extractor, text)
    }
    assert (plover, cameo, acled_sub) in found


def test_a_state_claiming_an_attack_also_accuses(extractor) -> None:
    mentions = _extract(
        extractor, "Armenia claimed that Azerbaijani troops had shelled its border posts."
    )
    accusations = [m for m in mentions if m["plover_type"] == "ACCUSE"]
    assert _types(mentions) == {"ASSAULT", "ACCUSE"}
    assert (accusations[0]["actor_code"], accusations[0]["recipient_code"]) == ("ARM", "AZEMIL")


def test_a_state_telling_of_its_own_strike_accuses_nobody(extractor) -> None:
    text = "A US drone strike near Jilib killed an al-Shabaab commander, the White House said."
    mentions = _extract(extractor, text)
    # One mention for the strike: "drone" inside "drone strike" is no event of its own.
    assert [m["plover_type"] for m in mentions] == ["ASSAULT"]


def test_said_must_is_a_demand_on_the_other_party(extractor) -> None:
    [m] = _extract(extractor, "Norway said Sweden must explain the decision.")
    assert (m["plover_type"], m["actor_code"], m["recipient_code"]) == ("REQUEST", "NOR", "SWE")


def test_receiving_from_makes_the_giver_the_actor(extractor) -> None:
    [m] = _extract(extractor, "Malian soldiers received weapons from Russia.")
    assert (m["plover_type"], m["actor_code"], m["recipient_code"]) == ("AID", "RUS", "MLIMIL")


@pytest.mark.parametrize(
    "text",
    [
        "Officials visited the besieged town of Marawi.",  # participle as adjective
        "Aid reached refugees fleeing the fighting.",  # clause on a noun
        "The mayor accused the militia of attacking the market.",  # the alleged act
        "Markets reopened after the army had shelled the district.",  # background clause
        "The governor said he will not allow gangs to destroy property.",  # only considered
    ],
)
def test_descriptions_and_allegations_are_not_events(extractor, text: str) -> None:
    assert not {"ASSAULT", "COERCE", "RETREAT", "AID"} & _types(_extract(extractor, text))


def test_the_charge_of_an_arrest_is_not_an_event(extractor) -> None:
    text = "Police said 31 people had been arrested for destroying public property."
    assert _types(_extract(extractor, text)) == {"COERCE"}


@pytest.mark.parametrize(
    "text",
    [
        "More than 10,000 people have been killed in the conflict in Yemen.",
        "The insurgency has killed more than 20,000 people in Nigeria since 2009.",
    ],
)
def test_casualty_tallies_are_background_not_events(extractor, text: str) -> None:
    assert _extract(extractor, text) == []


def test_perfect_tense_acts_over_a_period_still_happened(extractor) -> None:
    text = "Hundreds of fighters have been demobilized in Mali since the peace accord."
    assert _types(_extract(extractor, text)) == {"RETREAT"}


def test_extraction_is_deterministic(extractor) -> None:
    text = "Sudanese troops attacked a rebel base near Kadugli, killing 14 fighters."
    assert _extract(extractor, text) == _extract(extractor, text)


@pytest.mark.parametrize(
    ("text", "killed", "sub_event"),
    [
        # The event a toll counts happened, wherever the toll stands in the sentence.
        (
            "The death toll from Sunday's car bombing in Kirkuk has risen to 19.",
            19,
            "Remote explosive/landmine/IED",
        ),
        (
            "Two more men died in hospital, bringing the toll of the grenade attack in Jammu to 6.",
            6,
            "Grenade",
        ),
        # A state of death after an event noun reports that event.
        ("Three shopkeepers are dead after a shooting in Kano.", 3, None),
        # Military jargon for killing, and the dead of an absolute clause.
        ("Troops neutralised eleven jihadists near Menaka, the army said.", 11, "Armed clash"),
        ("Fighting broke out again in Kismayo, with four fighters killed.", 4, "Armed clash"),
    ],
)
def test_tolls_and_states_report_their_event(
    extractor, text: str, killed: int, sub_event: str | None
) -> None:
    mentions = _assaults(extractor, text)
    assert [m["fatalities"] for m in mentions] == [killed]
    assert sub_event is None or mentions[0]["acled_sub_event_type"] == sub_event


def test_the_victims_of_an_absolute_clause_are_not_its_actors(extractor) -> None:
    text = "Violence erupted in Jos overnight, with six traders killed."
    (mention,) = _extract(extractor, text)
    assert (mention["actor_text"], mention["fatalities"]) == (None, 6)


def test_a_burning_alive_is_an_attack_on_the_people_it_burned(extractor) -> None:
    text = "A crowd caught three alleged thieves in Mwanza and burned them alive on Sunday."
    killing = [m for m in _extract(extractor, text) if m["cameo_code"] == "1823"]
    assert [m["fatalities"] for m in killing] == [3]


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # A relative clause on an event noun says what the event did: the event happened.
        ("The African Union condemned the ambush near Gao that killed seven soldiers.", 7),
        ("Police are questioning witnesses to a shooting that left two dead in Durban.", 2),
        ("Villagers fled after the raid near Beni, in which rebels killed 15 people.", 15),
    ],
)
def test_an_event_noun_with_a_deadly_relative_clause_is_reported(
    extractor, text: str, killed: int
) -> None:
    assert [m["fatalities"] for m in _assaults(extractor, text)] == [killed]


def test_ground_retaken_carries_the_dead_of_its_battle(extractor) -> None:
    text = "Government troops recaptured the village of Tabit on Friday, killing 21 rebels."
    (mention,) = _extract(extractor, text)
    assert (mention["acled_sub_event_type"], mention["fatalities"]) == (
        "Government regains territory",
        21,
    )


def test_a_place_an_act_happened_in_is_not_what_it_was_done_to(extractor) -> None:
    text = "A gunman opened fire in a bar in Cape Town on Friday, leaving four dead."
    assert "RETREAT" not in _types(_extract(extractor, text))


def test_counted_deaths_a_side_is_accused_of_are_reported(extractor) -> None:
    text = "The governor accused bandits of killing eight herders near Sokoto on Friday."
    assert [m["fatalities"] for m in _assaults(extractor, text)] == [8]


def test_an_act_a_side_is_accused_of_without_dead_is_no_event(extractor) -> None:
    text = "The government accused the opposition of stoking the riots in Lusaka."
    assert "PROTEST" not in _types(_extract(extractor, text))


def test_control_seized_is_ground_not_a_government(extractor) -> None:
    text = "Rebels seized control of Kiwanja on Thursday after clashes with the army."
    seized = [m for m in _extract(extractor, text) if m["cameo_code"] == "192"]
    assert [m["acled_sub_event_type"] for m in seized] == ["Non-state actor overtakes territory"]


def test_no_casualties_in_an_attack_is_an_attack_that_killed_nobody(extractor) -> None:
    text = "There were no casualties in the attack on the gendarmerie post near Dori."
    assert [m["fatalities"] for m in _assaults(extractor, text)] == [0]


@pytest.mark.parametrize(
    ("text", "sub_event", "toll"),
    [
        # Bodies found on a later day belong to the event that killed them.
        (
            "Rockets hit a market in Kramatorsk on Tuesday. Rescuers found four more bodies "
            "under the rubble on Wednesday, bringing the toll to 11.",
            "Shelling/artillery/missile attack",
            11,
        ),
        # A later sentence's bare "the clashes" is the demonstration before it.
        (
            "Demonstrators set fire to tyres across Lilongwe on Thursday. "
            "The clashes left at least four people dead.",
            "Violent demonstration",
            4,
        ),
    ],
)
def test_a_later_sentence_joins_the_event_before_it(
    extractor, text: str, sub_event: str, toll: int
) -> None:
    mentions = _extract(extractor, text)
    assert {m["acled_sub_event_type"] for m in mentions} == {sub_event}
    assert sorted(m["fatalities"] or 0 for m in mentions) == [0, toll]


@pytest.mark.parametrize(
    "text",
    [
        "A street vendor was crushed to death by a police van during the protest in Harare.",
        "A human rights lawyer was found dead in a ditch outside Juba.",
        "A demonstrator was run over by an army truck in Khartoum and died.",
    ],
)
def test_deaths_by_crushing_found_dead_and_run_over_are_events(extractor, text: str) -> None:
    assert [m["fatalities"] for m in _assaults(extractor, text)] == [1]


def test_an_after_clause_under_the_dead_a_preposition_names_is_the_event(extractor) -> None:
    text = "A teacher was among the dead after a shell struck a school in Horlivka."
    assert [(m["acled_sub_event_type"], m["fatalities"]) for m in _assaults(extractor, text)] == [
        ("Shelling/artillery/missile attack", 1)
    ]


def test_breaking_up_a_march_is_force_on_a_demonstration(extractor) -> None:
    text = "Riot police broke up a march by teachers in Harare on Wednesday."
    (mention,) = _extract(extractor, text)
    assert (mention["cameo_code"], mention["acled_sub_event_type"]) == (
        "175",
        "Protest with intervention",
    )


@pytest.mark.parametrize(
    ("text", "toll"),
    [
        # Each side's dead, counted in sentences of their own, add up.
        ("Fifty rebels died in the battle for Ménaka, the army said. It lost 31 soldiers.", 81),
        (
            "Insurgents killed nine policemen in an ambush near Mocímboa. Troops later killed "
            "14 of the attackers.",
            23,
        ),
        # One side's dead told twice are one toll.
        ("Bandits killed six villagers in Kebbi. The six villagers were buried on Friday.", 6),
        # A figure stated as the new toll holds the dead it adds.
        (
            "A grenade killed two people at a rally in Gitega. Three more died overnight, "
            "bringing the toll to five.",
            5,
        ),
        # "more" still adds where no new toll is given.
        ("Gunmen shot dead four guards at a mine in Kamituga. Two more guards died later.", 6),
    ],
)
def test_the_dead_of_each_side_add_up_and_restated_ones_do_not(
    extractor, text: str, toll: int
) -> None:
    lead = lead_event(_extract(extractor, text))
    assert lead is not None and lead["fatalities"] == toll


def test_a_toll_told_before_the_act_joins_it(extractor) -> None:
    text = (
        "Four gendarmes died on Saturday. Jihadists had ambushed their convoy near Kantchari "
        "at dawn, the ministry said."
    )
    lead = lead_event(_extract(extractor, text))
    assert lead is not None and lead["fatalities"] == 4
    assert lead["rule"].endswith("+doc:s0,s1")


@pytest.mark.parametrize(
    ("text", "toll"),
    [
        # Over the other acts its sentences tell.
        (
            "Soldiers stormed the district of Tadamon at dawn, detaining a dozen young men. "
            "Three residents were killed in the shooting that followed, activists said.",
            3,
        ),
        # Over the acts of its article that killed nobody.
        (
            "Missiles struck Zaporizhzhia early on Thursday, killing three people. "
            "Air defences shot down 12 of 15 drones launched overnight, the air force said.",
            3,
        ),
    ],
)
def test_the_deadly_event_leads(extractor, text: str, toll: int) -> None:
    lead = lead_event(_extract(extractor, text))
    assert lead is not None and lead["fatalities"] == toll
    assert lead["acled_event_type"] != "Strategic developments"


@pytest.mark.parametrize(
    "text",
    [
        # The disaster a relative clause hangs on did the killing.
        "Heavy rain set off landslides that killed nine people in Bududa on Monday.",
        # The phrase the act happened in names an accident.
        "Two soldiers were killed in a road accident near Kaya on Sunday.",
    ],
)
def test_deaths_by_disaster_or_accident_are_no_political_violence(extractor, text: str) -> None:
    assert "ASSAULT" not in _types(_extract(extractor, text))


@pytest.mark.parametrize(
    ("text", "toll"),
    [
        # The event the dead died in, however the phrase names it.
        ("Fourteen villagers died as a result of the raid on Kpankpan.", 14),
        ("Nine soldiers were confirmed dead following the ambush near Tessit.", 9),
        ("Relatives buried the six men killed in the raid on Kwatas.", 6),
        # A toll noun states the deaths of the act its "after" phrase or clause names.
        ("Officials confirmed eight fatalities after the ambush near Tessit.", 8),
        ("Five deaths were recorded after gunmen attacked a market in Kwall.", 5),
    ],
)
def test_the_event_a_toll_names_is_reported(extractor, text: str, toll: int) -> None:
    lead = lead_event(_extract(extractor, text))
    assert lead is not None and lead["plover_type"] == "ASSAULT"
    assert lead["fatalities"] == toll


def test_a_bare_kill_in_the_acts_sentence_tells_whom_it_was_done_to(extractor) -> None:
    text = (
        "On 8 June 2021, unidentified gunmen shot and killed a trader in Baidoa (Bay). 1 fatality."
    )
    lead = lead_event(_extract(extractor, text))
    assert lead is not None and lead["acled_sub_event_type"] == "Attack"


def test_the_noun_a_misparsed_main_verb_hangs_on_is_its_subject(extractor) -> None:
    text = "On 7 June 2021, around 300 nurses protested in Harare (Harare) demanding higher pay."
    lead = lead_event(_extract(extractor, text))
    assert lead is not None and lead["actor_code"] == "---HLH"


@pytest.mark.parametrize(
    "text",
    [
        "Fighting between the army and the RSF in Nyala killed at least 15 people on Sunday.",
        # A fight both sides fought, whoever the parse finds on one side.
        "Clashes between rival armed groups in Zawiya killed at least 12 people on Monday.",
    ],
)
def test_the_dead_of_a_fight_between_armed_sides_are_its_casualties(extractor, text) -> None:
    lead = lead_event(_extract(extractor, text))
    assert lead is not None and lead["acled_sub_event_type"] == "Armed clash"


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        # Civilians a later sentence says were killed make an attack on no armed target one
        # on civilians ...
        ("Gunmen stormed the village of Kuka on Sunday. Four civilians were killed.", "Attack"),
        # ... but not an attack on an army post, nor a fight both sides fought.
        ("Gunmen stormed an army post near Gao. Four civilians were killed.", "Armed clash"),
        (
            "Fighting erupted between two militias near Kabalo. Six civilians were killed.",
            "Armed clash",
        ),
    ],
)
def test_civilians_a_later_sentence_counts_decide_whom_an_act_hit(extractor, text, sub) -> None:
    lead = lead_event(_extract(extractor, text))
    assert lead is not None and lead["acled_sub_event_type"] == sub
