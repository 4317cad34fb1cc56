"""Extraction of classes of language the first lexicon missed, on sentences written for eventwire.

One case per rule: the lexicon's new verb classes and ACLED sub-types, event nouns that report
an event by themselves, the structural fallback, modality of coordinated and denied acts, and
document-level assembly of type, toll, place and date across sentences.
"""

from __future__ import annotations

import datetime as dt

import pytest

from eventwire.config import Settings
from eventwire.extract.engine import Document, Extractor

PUBLISHED = dt.datetime(2022, 3, 18, 9, 0, tzinfo=dt.UTC)  # a Friday


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Settings())


def _extract(extractor: Extractor, text: str) -> list[dict]:
    return list(extractor.extract([Document(id="d", text=text, published=PUBLISHED)]))


def _reported(mentions: list[dict]) -> list[dict]:
    return [m for m in mentions if not m["negated"]]


@pytest.mark.parametrize(
    ("text", "cameo_root", "sub_event"),
    [
        ("The governor imposed a curfew on Jos after the riots.", "17", "Change to group/activity"),
        ("Gunmen sprayed bullets at a bus near Garissa.", "19", "Attack"),
        ("Troops deployed chlorine against the trenches near Kupiansk.", "20", "Chemical weapon"),
        ("Villagers suffered burns after a sarin attack on Latamneh.", "20", "Chemical weapon"),
        ("The group announced the formation of a new battalion.", "15", "Change to group/activity"),
        ("Sappers found and destroyed a landmine near Kidal.", "08", "Disrupted weapons use"),
        ("JNIM militants built an outpost near Djibo.", "15", "Headquarters or base established"),
        ("Rebels handed over the airport.", "08", "Non-violent transfer of territory"),
        ("A mortar shell fell on a school in Gorlivka.", "19", "Shelling/artillery/missile attack"),
        ("A rocket fired from Gaza landed in Sderot.", "19", "Shelling/artillery/missile attack"),
        ("Police thwarted a bombing plot in Kaduna.", "08", "Disrupted weapons use"),
        ("The kidnappers freed four hostages in Zamfara.", "08", "Other"),
        ("Soldiers left the town of Anefis.", "08", "Non-violent transfer of territory"),
        ("Rebels moved out of Kitshanga.", "08", "Non-violent transfer of territory"),
        ("Police handed over the base to the militia.", "08", "Non-violent transfer of territory"),
        ("Troops evacuated their positions.", "08", "Non-violent transfer of territory"),
        ("Soldiers drove the militants out of Marte.", "19", "Government regains territory"),
        ("Troops reclaimed the port from the insurgents.", "19", "Government regains territory"),
        ("The bodies of two farmers were discovered near Bokkos.", "18", "Attack"),
        ("Militants paraded their troops through Kidal.", "15", "Other"),
        ("Gunmen blockaded the road into Sake.", "14", "Other"),
        ("Forty militants surrendered to troops in Borno.", "08", "Change to group/activity"),
        ("Deminers cleared a landmine near Gao.", "08", "Disrupted weapons use"),
        ("A militia relocated its headquarters.", "15", "Headquarters or base established"),
        ("Rebels ceded control of Tabqa to the army.", "08", "Non-violent transfer of territory"),
        ("Unknown men vandalised a polling station in Jos.", "17", "Looting/property destruction"),
        ("Rockets slammed into a hospital in Kherson.", "19", "Shelling/artillery/missile attack"),
        ("Authorities lifted the state of emergency in Tigray.", "08", None),
        ("The foreign minister postponed his visit to Ankara.", "16", None),
        ("Relief agencies delivered food to displaced families in Mekele.", "07", None),
        ("Fresh troops arrived in Bunia on Tuesday.", "15", "Change to group/activity"),
        (
            "Militiamen set up a checkpoint outside Kalehe.",
            "15",
            "Headquarters or base established",
        ),
        ("Rebels tightened the blockade of the city of Ta'izz.", "19", "Other"),
        ("Kinshasa restored diplomatic ties with Kigali.", "05", None),
        ("Dozens of fighters defected to the army in Ituri.", "15", "Change to group/activity"),
        ("Gunmen burned down the chief's house in Bawku.", "17", "Looting/property destruction"),
        ("A gunfight broke out between police and smugglers near Tumaco.", "19", "Armed clash"),
        (
            "Unknown attackers set off a bomb near the market in Maiduguri.",
            "18",
            "Remote explosive/landmine/IED",
        ),
        ("Soldiers intercepted two drones over Donetsk.", "08", "Disrupted weapons use"),
        ("Police seized three tonnes of cocaine at the port of Guayaquil.", "17", "Other"),
        (
            "Rebels withdrew from Rutshuru without a fight.",
            "08",
            "Non-violent transfer of territory",
        ),
        ("Villagers lynched two suspected thieves in Kasese.", "14", "Mob violence"),
        ("Soldiers raped three women in Yei.", "18", "Sexual violence"),
        ("Militants hurled a grenade at a police post in Srinagar.", "18", "Grenade"),
        ("Troops found a stockpile of detonators in Mopti.", "08", "Disrupted weapons use"),
        ("Police recovered a haul of bomb-making kits.", "08", "Disrupted weapons use"),
        ("Sappers neutralised a mine on the road to Kidal.", "08", "Disrupted weapons use"),
        ("The army handed over two outposts.", "08", "Non-violent transfer of territory"),
        ("Peacekeepers transferred the camp.", "08", "Non-violent transfer of territory"),
        ("Two armed factions merged in Idlib.", "15", "Change to group/activity"),
        ("Rebels held a parade in Goma to mark their victory.", "15", "Other"),
        ("Aircraft dropped barrels of explosives on Daraya.", "19", "Air/drone strike"),
        ("Insurgents erected a checkpoint in Mueda.", "15", "Headquarters or base established"),
        ("The militia turned a clinic into a base.", "15", "Headquarters or base established"),
        ("A splinter faction broke away from the FDLR.", "15", "Change to group/activity"),
        ("Former fighters were integrated into the army.", "15", "Change to group/activity"),
        ("The group suspended its operations in Ituri.", "15", "Change to group/activity"),
        ("The army graduated 900 recruits in Kaduna.", "15", "Change to group/activity"),
        ("The army completed the handover of the base.", "08", "Non-violent transfer of territory"),
        ("Troops redeployed out of Kidal.", "08", "Non-violent transfer of territory"),
        ("Rebels handed the town to the army.", "08", "Non-violent transfer of territory"),
        ("The parties struck a deal on a truce in Doha.", "05", "Agreement"),
        ("Elders brokered a ceasefire between the clans.", "05", "Agreement"),
        ("Both sides concluded a truce in Bangui.", "05", "Agreement"),
        ("The delegations met in Geneva, agreeing to a ceasefire.", "03", "Agreement"),
        ("Police broke up a sit-in by nurses in Lagos.", "17", "Protest with intervention"),
        ("A tanker hit a landmine near Tessalit.", "18", "Remote explosive/landmine/IED"),
        ("Their truck struck a roadside bomb near Ansongo.", "18", "Remote explosive/landmine/IED"),
        ("A bus ran over a mine near Gao.", "18", "Remote explosive/landmine/IED"),
        ("A mortar round hit a clinic in Marib.", "19", "Shelling/artillery/missile attack"),
        ("Gunmen strangled a village chief in Tanganyika.", "18", "Attack"),
        ("Militiamen bludgeoned a trader to death in Kasai.", "18", "Attack"),
        ("Attackers slashed two farmers with machetes in Benue.", "18", "Attack"),
        ("Soldiers bulldozed shops in Masafer Yatta.", "17", "Looting/property destruction"),
        ("Air defences downed two drones over Belgorod.", "08", "Disrupted weapons use"),
        # A day range is no match score.
        (
            "Police beat marchers with batons in Lagos on 5-6 May.",
            "18",
            "Protest with intervention",
        ),
        # Peacekeeping missions are armed forces: an ambush on them is a clash.
        ("Al-Shabaab fighters ambushed an AMISOM convoy near Leego.", "19", "Armed clash"),
        (
            "Jihadists carried out a hostage-taking at a hotel in Sevare.",
            "18",
            "Abduction/forced disappearance",
        ),
        ("Fireworks were thrown at police in Nantes.", "14", "Violent demonstration"),
        ("Youths smashed bus shelters in Rennes.", "14", "Violent demonstration"),
        ("Windows were broken at the town hall in Lyon.", "14", "Violent demonstration"),
        ("Soldiers subjected girls to sexual violence in Kalehe.", "18", "Sexual violence"),
        ("Militants mortared the airport in Mogadishu.", "19", "Shelling/artillery/missile attack"),
        ("200 rebels surrendered their weapons in Bunia.", "15", "Change to group/activity"),
        ("The sides swapped hostages in Rafah.", "08", "Agreement"),
        ("Raiders stole 200 cattle near Kotido.", "17", "Looting/property destruction"),
        ("Jets dropped chlorine-filled canisters on Saraqib.", "19", "Chemical weapon"),
        ("The rebels paraded captured soldiers in Goma.", "15", "Other"),
        ("Police seized a van loaded with rifles in Jos.", "08", "Disrupted weapons use"),
        ("Gunmen robbed traders on the road to Beni.", "17", "Looting/property destruction"),
        ("Troops picked up two suspected informants in Gao.", "17", "Arrests"),
        ("The parties signed a cessation of hostilities agreement.", "05", "Agreement"),
        ("Detainees were subjected to torture in Tripoli.", "18", "Attack"),
        ("Troops beat back an assault on their base near Sake.", "19", "Armed clash"),
        ("Rockets rained down on Ashdod.", "19", "Shelling/artillery/missile attack"),
        ("Men in uniform snatched a journalist in Bamako.", "18", "Abduction/forced disappearance"),
        ("Two ISKP commanders died in infighting near Jalalabad.", "19", "Armed clash"),
        ("A stabbing outside a polling station in Kano left one voter dead.", "18", "Attack"),
        ("The army is relocating its troops from Tessit to Gao.", "15", "Change to group/activity"),
        ("The insurgents suspended their offensive on Marib.", "15", "Change to group/activity"),
        ("Authorities cut internet access across Amhara.", "17", None),
        ("Students continued their sit-in at the ministry in Lusaka.", "14", "Peaceful protest"),
        ("Dock workers downed tools at the port of Mombasa.", "14", "Peaceful protest"),
        # The act's own "in" phrase is found beside one that says where.
        ("Shopkeepers closed their stores in Jammu in protest.", "14", "Peaceful protest"),
        ("Police charged at the marchers with batons in Dhaka.", "17", "Protest with intervention"),
        ("Soldiers stopped the march on the palace in Conakry.", "17", "Protest with intervention"),
        ("Three robbers died in a shoot-out with police in Soweto.", "19", "Armed clash"),
        ("Washington froze military assistance to Kampala.", "16", None),
        ("The senate voted down the peace accord.", "12", None),
        ("The militia vowed revenge for the killing of its commander.", "13", None),
        ("Communal violence broke out in Wukari on Sunday.", "19", "Armed clash"),
        ("Chad and Niger began joint patrols on their border.", "06", None),
        ("Youths burned a police post in Wajir.", "17", "Looting/property destruction"),
        (
            "Mothers of the missing gathered outside the court in Tunis to demand answers.",
            "14",
            "Peaceful protest",
        ),
        (
            "Members of the opposition assembled outside the election office in Lusaka to "
            "contest the results.",
            "14",
            "Peaceful protest",
        ),
        ("The rebels regrouped in the hills above Bunagana.", "15", "Change to group/activity"),
        ("Rioters burned a police post in Wajir.", "14", "Violent demonstration"),
        # A noun parsed as the sentence's root leaves the verb its participle.
        (
            "On 3 May 2021, about 300 nurses protested in Harare demanding higher pay.",
            "14",
            "Peaceful protest",
        ),
        # Army acronyms of ACLED notes are the state's forces.
        (
            "On 4 July 2022, FAMa and allied militia recaptured Boni from JNIM.",
            "19",
            "Government regains territory",
        ),
        ("Armenia called up reservists on Tuesday.", "15", None),
        (
            "Insurgents lobbed mortar rounds at the airport in Mogadishu.",
            "19",
            "Shelling/artillery/missile attack",
        ),
        (
            "Police lobbed tear gas canisters at marchers in Accra.",
            "17",
            "Protest with intervention",
        ),
        # Agreeing to extend a ceasefire is an agreement, whoever the armed groups are.
        ("Kinshasa and the M23 agreed to extend the truce.", "03", "Agreement"),
        ("Armed groups in Zawiya reached an agreement to end the fighting.", "05", "Agreement"),
        # The object of "shot and wounded" is the target of both verbs.
        ("Police shot and wounded a student in Kisumu.", "19", "Attack"),
        # A possessive pronoun on an event noun is the subject of the verb that carries it.
        (
            "Kenyan troops completed their withdrawal from the Kismayo base.",
            "08",
            "Non-violent transfer of territory",
        ),
        # A verb's act of its own kind is not lost in the event noun that says when it was.
        ("Gunmen carried off 30 farmers in a raid.", "18", "Abduction/forced disappearance"),
    ],
)
def test_lexicon_covers_the_class(extractor, text, cameo_root, sub_event) -> None:
    found = {
        (m["cameo_root"], m["acled_sub_event_type"]) for m in _reported(_extract(extractor, text))
    }
    assert (cameo_root, sub_event) in found, found


def test_model_lemma_errors_do_not_hide_a_verb(extractor) -> None:
    # The small model lemmatises "raped" as "rap"; the lexicon also tries the word's stem.
    [mention] = _reported(_extract(extractor, "Fighters raped a girl in Kindu."))
    assert mention["cameo_code"] == "1821"


def test_event_noun_as_subject_reports_its_event(extractor) -> None:
    found = _reported(_extract(extractor, "Riots are continuing in Nairobi's Kibera slum."))
    assert {m["acled_sub_event_type"] for m in found} == {"Violent demonstration"}


def test_event_noun_object_of_a_light_verb_reports_its_event(extractor) -> None:
    found = _reported(_extract(extractor, "Monitors recorded 40 explosions near Horlivka."))
    assert {m["acled_event_type"] for m in found} == {"Explosions/Remote violence"}


@pytest.mark.parametrize(
    "text",
    [
        "The minister blamed the opposition for the bombing.",
        "Talks resumed after five days of fighting.",
        "Officials opposed the deployment of foreign troops.",
        "The date of March 3 was set for the vote.",
        "Residents have lived in fear since the massacre.",
        "The report documents violence against women in the camps.",
    ],
)
def test_event_nouns_talked_about_are_no_events(extractor, text) -> None:
    violent = [m for m in _reported(_extract(extractor, text)) if m["cameo_root"] >= "14"]
    assert violent == []


def test_what_an_act_came_from_is_not_what_it_was_done_to(extractor) -> None:
    text = "The town has slowly recovered from the car bomb attack of 2019."
    assert [m["cameo_code"] for m in _reported(_extract(extractor, text))] == []


def test_event_noun_under_a_promise_is_no_report(extractor) -> None:
    found = _extract(extractor, "The prime minister promised to announce the liberation of Qaim.")
    assert all(m["plover_type"] != "ASSAULT" or m["negated"] for m in found)


def test_coordinated_verb_shares_the_first_verbs_intent(extractor) -> None:
    text = "The council voted for a plan that aims to tighten sanctions and impose a blockade."
    assert not any(m["cameo_code"] == "191" for m in _extract(extractor, text))


def test_denied_act_is_negated(extractor) -> None:
    found = _extract(extractor, "The army denied that it had shelled the village of Kodyma.")
    assert found and all(m["negated"] for m in found if m["plover_type"] == "ASSAULT")


def test_act_in_an_after_clause_of_a_casualty_report_is_coded(extractor) -> None:
    text = "Two people were injured after police dispersed a protest in Harare."
    found = _reported(_extract(extractor, text))
    assert "Protest with intervention" in {m["acled_sub_event_type"] for m in found}


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # An "after" clause that counts the dead of its own act reports that act ...
        (
            "Herders and soldiers in Kidal exchanged accusations after an army raid on Sunday "
            "left four herders dead.",
            4,
        ),
        # ... unless it sets the act before the main clause's time.
        ("Elders and soldiers traded blame after gunmen had killed four herders.", None),
    ],
)
def test_an_after_clause_counting_its_own_dead_reports_its_act(
    extractor, text: str, killed: int | None
) -> None:
    found = [m for m in _reported(_extract(extractor, text)) if m["plover_type"] == "ASSAULT"]
    assert [m["fatalities"] for m in found] == ([killed] if killed else [])


def test_gathering_is_a_protest_only_with_demonstrators(extractor) -> None:
    protest = _extract(extractor, "Hundreds of demonstrators gathered outside parliament in Lima.")
    summit = _extract(extractor, "Finance ministers gathered in Lima for the summit.")
    mourners = _extract(extractor, "Leaders gathered in Lima to mourn the late president.")
    assert {m["plover_type"] for m in protest} == {"PROTEST"}
    assert "PROTEST" not in {m["plover_type"] for m in summit + mourners}


def test_armed_forces_visiting_are_deploying(extractor) -> None:
    [mention] = _extract(extractor, "Burundian soldiers arrived in Uvira on Monday.")
    assert (mention["plover_type"], mention["cameo_code"]) == ("MOBILIZE", "154")


def test_negated_act_carries_no_casualties(extractor) -> None:
    found = _extract(extractor, "Troops did not attack Avdiivka, where 12 people were killed.")
    assert all(m["fatalities"] is None for m in found if m["negated"])


def test_state_forces_firing_on_a_protest_is_excessive_force(extractor) -> None:
    text = "Security forces opened fire on protesters in Zahedan. At least 30 people were killed."
    lead = max(_reported(_extract(extractor, text)), key=lambda m: m["confidence"])
    assert (lead["acled_sub_event_type"], lead["fatalities"]) == (
        "Excessive force against protesters",
        30,
    )


def test_assembly_takes_weapon_toll_and_date_from_other_sentences(extractor) -> None:
    text = (
        "Gunmen stormed a livestock market in Gwoza on Monday. A grenade was thrown into the "
        "crowd. Three people died at the scene. The death toll later rose to 9."
    )
    found = _reported(_extract(extractor, text))
    lead = max(found, key=lambda m: m["confidence"])
    assert lead["acled_sub_event_type"] == "Grenade"
    assert lead["fatalities"] == 9
    assert str(lead["event_date"]) == "2022-03-14"
    assert "+doc:s0,s1,s2,s3" in lead["rule"]


def test_assembly_adds_victims_stated_as_additional(extractor) -> None:
    text = (
        "Clashes erupted between the army and the KIA near Laiza on Sunday. Four soldiers were "
        "killed. Three KIA fighters were also killed."
    )
    lead = max(_reported(_extract(extractor, text)), key=lambda m: m["confidence"])
    assert lead["fatalities"] == 7


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # "others" counts victims besides those already counted; two mentions of one
        # sentence state its figure once.
        (
            "Gunmen fired on a funeral procession in Jalalabad on Sunday. Four mourners were "
            "shot dead. Three others died overnight in hospital.",
            7,
        ),
        # A side's losses in a sentence of their own belong to the fight before.
        (
            "Insurgents overran the garrison town of Tibati on Monday after heavy fighting. "
            "The army said it lost nine soldiers.",
            9,
        ),
    ],
)
def test_assembly_counts_later_and_lost_victims(extractor, text: str, killed: int) -> None:
    lead = max(_reported(_extract(extractor, text)), key=lambda m: m["confidence"])
    assert lead["fatalities"] == killed


@pytest.mark.parametrize(
    ("text", "sub_event"),
    [
        # A noun in the passive's agent hit something; a noun after a stated death is its event.
        (
            "Two children died when their school bus was hit by a mortar round in Sloviansk.",
            "Shelling/artillery/missile attack",
        ),
        (
            "Five shoppers were confirmed dead after the bombing of a bakery in Kirkuk.",
            "Remote explosive/landmine/IED",
        ),
        # A mention without roles stays when it names the act more precisely than one with.
        (
            "Eight villagers were killed and 11 others were hurt in a bomb blast near Ghazni.",
            "Remote explosive/landmine/IED",
        ),
    ],
)
def test_event_nouns_beside_a_stated_death_type_the_event(extractor, text, sub_event) -> None:
    lead = max(_reported(_extract(extractor, text)), key=lambda m: m["confidence"])
    assert lead["acled_sub_event_type"] == sub_event
    assert lead["fatalities"] is not None


def test_assembly_keeps_distinct_acts_apart(extractor) -> None:
    text = (
        "Fierce clashes broke out between troops and militants in Tal Afar. Earlier that day, "
        "jets struck a militant convoy near the town, killing many fighters."
    )
    subs = {m["acled_sub_event_type"] for m in _reported(_extract(extractor, text))}
    assert {"Armed clash", "Air/drone strike"} <= subs


def test_protest_then_intervention_is_one_protest_with_intervention(extractor) -> None:
    text = (
        "About 500 protesters gathered in front of the governor's office in Bukavu on "
        "Wednesday. Police fired tear gas and arrested 14 of them."
    )
    found = _reported(_extract(extractor, text))
    protest = [m for m in found if m["plover_type"] == "PROTEST"]
    assert protest and protest[0]["acled_sub_event_type"] == "Protest with intervention"
    assert str(protest[0]["event_date"]) == "2022-03-16"


def test_dateline_is_not_part_of_the_subject(extractor) -> None:
    text = "NAIROBI - Residents of a Nairobi suburb beat two suspected thieves to death."
    [mention] = _reported(_extract(extractor, text))
    assert mention["actor_code"] == "KENCVL"  # not the capital standing for its government
    assert mention["sentence_text"].startswith("Residents")


def test_capital_alone_names_its_government(extractor) -> None:
    [mention] = _extract(extractor, "Nairobi condemned the attack on its embassy.")
    assert mention["actor_code"] == "KENGOV"


@pytest.mark.parametrize(
    "text",
    [
        "A strong earthquake struck eastern Turkey on Monday, killing 40 people.",
        "A fire broke out at a garment factory in Gazipur, killing 9 workers.",
        "Senegal beat Egypt 1-0 in the Cup final in Yaounde on Sunday.",
        # A score tells a match even where no word of sport does.
        "Al Ahly beat Zamalek 3-1 in Cairo on Friday.",
        "A ferry capsized on Lake Kivu on Friday, killing 30 passengers.",
        "A gas explosion in a bakery in Herat killed three people on Monday.",
        "A stampede at a concert in Luanda killed six people.",
        "A fire at a warehouse in Kano destroyed goods worth millions.",
        "Torrential rains destroyed hundreds of homes in Beira.",
        "A crocodile attack killed a fisherman on the shore of Lake Turkana.",
        "The central bank raised rates to fight inflation.",
    ],
)
def test_disasters_and_sport_are_no_political_violence(extractor, text) -> None:
    coded = _extract(extractor, text)
    assert not [m for m in coded if m["plover_type"] == "ASSAULT" or m["acled_event_type"]]


def test_an_event_a_denied_report_tells_is_negated(extractor) -> None:
    text = "The ministry denied reports that police had beaten detainees in Mombasa."
    assert [m["negated"] for m in _extract(extractor, text) if m["cameo_root"] >= "18"] == [True]


def test_a_grenade_near_a_match_is_still_an_attack(extractor) -> None:
    text = "Attackers threw a grenade into a bar where fans were watching a football match."
    subs = {m["acled_sub_event_type"] for m in _reported(_extract(extractor, text))}
    assert subs == {"Grenade"}


def test_protesters_wrecking_property_riot(extractor) -> None:
    [mention] = _reported(_extract(extractor, "Protesters set fire to the town hall in Kasserine."))
    assert (mention["cameo_code"], mention["acled_sub_event_type"]) == (
        "145",
        "Violent demonstration",
    )


def test_irregular_past_forms_reach_their_verb(extractor) -> None:
    [mention] = _reported(_extract(extractor, "Government troops retook Kidal from the rebels."))
    assert mention["acled_sub_event_type"] == "Government regains territory"


def test_vowed_act_under_a_misparsed_infinitive_is_a_threat(extractor) -> None:
    found = _extract(extractor, "The rebels have sworn to fight until they take the capital.")
    assert {m["plover_type"] for m in found} == {"THREATEN"}


def test_a_death_protested_about_is_no_toll(extractor) -> None:
    text = "About 200 students protested in Shiraz against the death of Mahsa Amini."
    [mention] = _reported(_extract(extractor, text))
    assert (mention["fatalities"], mention["acled_sub_event_type"]) == (None, "Peaceful protest")


@pytest.mark.parametrize(
    "text",
    [
        "Hundreds of people gathered peacefully in Valparaiso to mark the anniversary.",
        "Nurses formed a human chain outside the hospital in Kano demanding back pay.",
    ],
)
def test_peaceful_gatherings_are_protests(extractor, text) -> None:
    subs = {m["acled_sub_event_type"] for m in _reported(_extract(extractor, text))}
    assert subs == {"Peaceful protest"}


@pytest.mark.parametrize(
    "text",
    [
        "Gunmen killed a pastor outside his church in Plateau state on Sunday.",
        "Gunmen killed two schoolteachers and a nurse near Mandera on Friday.",
        "Unknown attackers killed a local councillor outside his home in Acapulco.",
        "Gunmen killed the village head of Tsafe in Zamfara on Monday.",
    ],
)
def test_killing_unarmed_people_of_any_calling_is_an_attack(extractor, text: str) -> None:
    lead = max(_reported(_extract(extractor, text)), key=lambda m: m["confidence"])
    assert lead["acled_sub_event_type"] == "Attack"


def test_an_irregular_form_of_killing_is_an_attack(extractor) -> None:
    lead = max(
        _reported(_extract(extractor, "Raiders slew nine herders near Bokkos.")),
        key=lambda m: m["confidence"],
    )
    assert (lead["acled_sub_event_type"], lead["fatalities"]) == ("Attack", 9)


def test_a_toll_sentence_with_an_irregular_form_reaches_the_engine(extractor) -> None:
    """The cheap prefilter knows "slain" is "slay": the toll sentence is parsed and joins
    the attack."""
    text = "Twenty-seven villagers were slain. Raiders attacked the village of Kadisau on Sunday."
    lead = max(_reported(_extract(extractor, text)), key=lambda m: m["confidence"])
    assert (lead["acled_sub_event_type"], lead["fatalities"]) == ("Attack", 27)


def test_a_conjunct_with_its_own_casualty_word_is_its_own_count(extractor) -> None:
    text = "A blast at a market in Kabul has killed five people and injured dozens, police said."
    lead = max(_reported(_extract(extractor, text)), key=lambda m: m["confidence"])
    assert (lead["fatalities"], lead["injured"]) == (5, 12)


@pytest.mark.parametrize(
    "text",
    [
        "The regulator shut down an independent radio station in Bamako.",
        "The junta suspended the activities of all political parties.",
        "Officials revoked the accreditation of two foreign correspondents.",
        "Hackers launched a cyberattack on the electoral commission's servers.",
        "Soldiers placed the prime minister under house arrest.",
        "The central bank froze the accounts of three opposition figures.",
        "The governor restricted movement between the districts.",
    ],
)
def test_restrictions_censorship_and_cyberattacks_coerce(extractor, text: str) -> None:
    assert "COERCE" in {m["plover_type"] for m in _reported(_extract(extractor, text))}


@pytest.mark.parametrize(
    ("text", "plover_type"),
    [
        # The small model lemmatises "bases" as "basis": a pattern's object also matches plurals.
        ("Rebels abandoned their bases in the hills.", "RETREAT"),
        ("The opposition ended its boycott of the assembly.", "CONCEDE"),
        ("The regional bloc suspended Guinea's membership.", "SANCTION"),
        # A sum's "in" names what is given.
        ("Norway sent $20 million in humanitarian aid to Yemen.", "AID"),
        ("The two presidents spoke by phone on Friday.", "CONSULT"),
        ("Paris voiced support for the mediation.", "SUPPORT"),
    ],
)
def test_relations_aid_talks_and_ground_given_up(extractor, text: str, plover_type: str) -> None:
    assert plover_type in {m["plover_type"] for m in _reported(_extract(extractor, text))}


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # Headlines without a finite verb, or with one that only says who reports them.
        ("Eleven herders killed in raid on cattle camp in Jonglei.", 11),
        ("At least 6 killed in bombing at bus station in Quetta, police say.", 6),
        ("Guard killed, three hurt in attack on bank in Ikare.", 1),
        ("Two policemen killed, 4 hurt in grenade blast in Sopore, police say.", 2),
        ("Two gunmen shot and killed three farmers in Guma.", 3),
        # "both" counts two; "a couple" is two people.
        ("Both guards were shot dead when gunmen robbed the bank in Ikare.", 2),
        ("A couple was hacked to death by raiders in Ngoroko.", 2),
        # "as were" shares the casualty; a patrol that came under fire was attacked.
        ("Four policemen were killed in the raid on Dire, as were two gunmen.", 6),
        ("A guard died when the convoy came under fire near Timbuktu.", 1),
        # A passive whose auxiliary is left out: "and two guards killed".
        ("Six pilgrims were wounded, and two guards killed, in a blast in Karbala.", 2),
        # The recogniser calls one name of a list a place; its neighbours are people.
        ("Gunmen tortured and killed Musa Bello, Ali Sani and Ibrahim Garba in Zamfara.", 3),
        # A side's claimed toll yields to another account of the dead in its sentence.
        ("The rebels claimed to have killed 40 troops, but the army said 9 soldiers died.", 9),
        # An ordinal victim in a later sentence is one more.
        ("A miner was killed by a landmine near Tessit. A second miner died later.", 2),
        # The event the dead were among is reported, with the whole toll.
        ("A tribal elder was among the 17 dead in the raid on the market in Kismayo.", 17),
        ("Four policemen were among the 23 people killed in the ambush near Tillaberi.", 23),
        # A sentence that turns to another event keeps its acts and its dead to itself.
        (
            "A roadside bomb killed 5 pilgrims near Baiji. Separately, 14 soldiers were killed "
            "in an attack on an outpost, the ministry said.",
            5,
        ),
        ("Gunmen killed 3 traders near Gusau. Elsewhere, eight villagers died.", 3),
        # The dead of an event a sentence sets aside are not the article's event's.
        (
            "Two policemen were killed when gunmen ambushed a patrol near Kaduna on Sunday. "
            "It was the worst attack in the area this year, after clashes in March left 40 "
            "dead.",
            2,
        ),
    ],
)
def test_tolls_of_headlines_pairs_and_later_victims(extractor, text: str, killed: int) -> None:
    lead = max(_reported(_extract(extractor, text)), key=lambda m: m["confidence"])
    assert lead["fatalities"] == killed


def test_an_earlier_deadly_event_told_as_background_does_not_lead(extractor) -> None:
    text = (
        "Police fired tear gas at striking teachers in Accra on Monday. Last month, four "
        "people were killed when soldiers opened fire on a march in Tamale."
    )
    mentions = _reported(_extract(extractor, text))
    lead = max(mentions, key=lambda m: m["confidence"])
    assert (lead["sentence_index"], lead["acled_sub_event_type"]) == (
        0,
        "Protest with intervention",
    )
    # The earlier event is still coded, with its own dead.
    assert max(m["fatalities"] or 0 for m in mentions) == 4


def test_a_courts_sentence_coerces_but_acled_codes_no_event(extractor) -> None:
    [mention] = _extract(extractor, "A court in Tunis sentenced two activists to five years.")
    assert (mention["plover_type"], mention["acled_sub_event_type"]) == ("COERCE", None)


def test_a_drone_crashing_into_a_home_is_still_an_attack(extractor) -> None:
    text = "A Russian drone crashed into an apartment block in Kyiv, killing three people."
    assert "ASSAULT" in {m["plover_type"] for m in _reported(_extract(extractor, text))}


def test_a_wars_tally_and_how_long_it_lasted_are_no_event_of_the_day(extractor) -> None:
    text = (
        "A drone strike on a bus station in Sennar killed six people on Monday, medics said, "
        "as fighting between the army and the RSF entered its second year. "
        "The war has killed tens of thousands."
    )
    [lead] = [m for m in _reported(_extract(extractor, text)) if m["acled_sub_event_type"]]
    assert (lead["acled_sub_event_type"], lead["fatalities"]) == ("Air/drone strike", 6)


def test_insurgents_whose_victims_the_parser_lost_are_no_victims(extractor) -> None:
    # The parse makes "15 farmers" the subject of "said": the insurgents still did the killing.
    text = (
        "Suspected insurgents killed at least 15 farmers working in rice fields near Damboa "
        "on Saturday, a militia leader and residents said."
    )
    subs = {m["acled_sub_event_type"] for m in _reported(_extract(extractor, text))}
    assert subs == {"Attack"}


def test_a_phrase_hung_on_the_object_still_completes_the_pattern(extractor) -> None:
    # The parser hangs "with bullets" on "market", not on "sprayed".
    text = "Gunmen sprayed a crowded market with bullets in Tillaberi."
    assert any(m["rule"] == "lexicon:spray with +bullet" for m in _extract(extractor, text))


def test_an_act_during_a_demonstration_says_it_took_place(extractor) -> None:
    text = "A student was hit by a tear gas canister during a demonstration in Conakry and died."
    [mention] = _reported(_extract(extractor, text))
    assert (mention["plover_type"], mention["fatalities"]) == ("PROTEST", 1)


def test_an_aim_the_parser_hung_on_the_missile_is_the_target(extractor) -> None:
    text = "On 2 May 2023, soldiers fired birdshot at protesters in Sanandaj."
    [mention] = _reported(_extract(extractor, text))
    assert (mention["recipient_text"], mention["acled_sub_event_type"]) == (
        "protesters",
        "Protest with intervention",
    )
