"""Extraction components on sentences written for these tests (never the gold files')."""

from __future__ import annotations

import pytest

from eventwire import schema
from eventwire.config import Settings
from eventwire.extract import acled, cameo, modality, recoding
from eventwire.extract.actors import Actor, ActorDictionary
from eventwire.extract.lexicon import Lexicon, LexiconError, context_words
from eventwire.extract.roles import phrase, verb_roles
from eventwire.extract.sentences import split_sentences


@pytest.fixture(scope="module")
def nlp():
    from eventwire.extract.nlp import load_pipeline

    return load_pipeline(Settings())


@pytest.fixture(scope="module")
def actors() -> ActorDictionary:
    return ActorDictionary.load(Settings())


def _token(doc, word: str):
    return next(t for t in doc if t.text == word)


# --- sentences


def test_sentences_keep_offsets_and_abbreviations() -> None:
    text = (
        "Lt. Gen. Omar Said spoke in Kano.  The U.S. Embassy closed.\n"
        "Rebels fled. “We won,” he said."
    )
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Lt. Gen. Omar Said spoke in Kano.",
        "The U.S. Embassy closed.",
        "Rebels fled.",
        "“We won,” he said.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)
    assert [s.index for s in sentences] == [0, 1, 2, 3]


def test_related_headlines_and_footer_are_junk() -> None:
    text = (
        "Police arrested four men in Lagos.\n"
        "Army storms rebel camp in the northGMT 07:15 2019 Monday ,14 October\n"
        "Troops seize border townCopyright lines follow here\n"
        "All rights reserved to Example Media 2020 ©\n"
    )
    junk = [s.junk for s in split_sentences(text)]
    assert junk == [False, True, True, True]


def test_a_page_flattened_to_one_line_keeps_its_story_before_the_junk() -> None:
    text = (
        "A roadside bomb killed five soldiers in Kirkuk. It hit their patrol. "
        "Related: Bandits kill 30 in Zamfara. Gunmen kill 4 in Jos. "
        "Iraq: Twin bombing kills 31 in Baghdad GMT 05:13 2018 Monday ,15 January"
    )
    junk = [s.junk for s in split_sentences(text)]
    assert junk == [False, False, True, True, True]


# --- lexicon


def test_prefilter_rejects_sentences_without_trigger_words() -> None:
    lexicon = Lexicon.load()
    assert lexicon.may_contain_trigger("Gunmen ambushed a convoy.")
    assert lexicon.may_contain_trigger("The soldiers fought back.")  # irregular past
    assert not lexicon.may_contain_trigger("The weather was pleasant in the valley today.")


def _trigger(nlp, sentence: str, word: str):
    """The lexicon's trigger for ``word`` as it stands in ``sentence``, or None."""
    return Lexicon.load().match(_token(nlp(sentence), word))


def test_most_specific_pattern_wins(nlp) -> None:
    assert _trigger(nlp, "The two ministers held talks in Oslo.", "held").pattern == "hold +talk"
    assert _trigger(nlp, "The farmers held a picnic.", "held") is None


def test_noun_pattern_needs_its_modifier(nlp) -> None:
    assert _trigger(nlp, "Jets carried out an air strike on the depot.", "strike").cameo == "195"
    assert _trigger(nlp, "The dockers began a strike on Monday.", "strike") is None


def test_context_words_of_an_unknown_class_name_file_and_line(tmp_path) -> None:
    words = tmp_path / "trigger_context.tsv"
    words.write_text("# lemma, class\npromise\tintent\nthreaten\tthreats\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="threats") as err:
        context_words(words)
    assert (err.value.path, err.value.line) == (words, 3)


def test_context_words_need_every_class(tmp_path) -> None:
    every = context_words()
    rows = [f"{word}\t{name}" for name in ("intent", "threat") for word in getattr(every, name)]
    words = tmp_path / "trigger_context.tsv"
    words.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="arranged") as err:
        context_words(words)
    assert (err.value.path, err.value.line) == (words, None)


# --- CAMEO -> PLOVER, quad class, Goldstein, ACLED


@pytest.mark.parametrize(
    ("code", "plover", "quad"),
    [("190", "ASSAULT", 4), ("0874", "RETREAT", 2), ("036", "AGREE", 1), ("173", "COERCE", 4),
     ("023", "REQUEST", 1), ("1384", "THREATEN", 3), ("141", "PROTEST", 4)],
)  # fmt: skip
def test_cameo_to_plover(code: str, plover: str, quad: int) -> None:
    assert cameo.to_plover(code).plover_type == plover
    assert cameo.quad_class(code) == quad
    assert -10.0 <= cameo.goldstein(code) <= 10.0


def test_statements_are_not_plover_events() -> None:
    assert cameo.to_plover("010") is None


def test_every_table_mode_is_in_the_schema_vocabulary() -> None:
    modes = {row.mode for row in cameo.plover_table().values() if row.mode}
    assert modes <= schema.PLOVER_MODES


def test_every_lexicon_pattern_is_listed_once() -> None:
    patterns = [trigger.pattern for trigger in Lexicon.load().triggers]
    assert len(patterns) == len(set(patterns))


def test_every_lexicon_code_maps_to_plover_and_a_known_acled_sub_type() -> None:
    subs = {s for group in schema.ACLED_SUB_EVENT_TYPES.values() for s in group}
    subs.add(acled.NOT_CODED)
    for trigger in Lexicon.load().triggers:
        if trigger.cameo:
            assert cameo.to_plover(trigger.cameo) is not None, trigger.pattern
        assert trigger.acled_sub is None or trigger.acled_sub in subs, trigger.pattern
        assert trigger.mode is None or trigger.mode in schema.PLOVER_MODES, trigger.pattern


@pytest.mark.parametrize(
    ("plover", "code", "actor", "recipient", "sub"),
    [
        ("ASSAULT", "195", "MIL", "REB", "Air/drone strike"),
        ("ASSAULT", "190", "REB", "MIL", "Armed clash"),
        ("ASSAULT", "190", "REB", "CVL", "Attack"),
        ("ASSAULT", "1831", None, None, "Suicide bomb"),
        ("COERCE", "192", "MIL", "REB", "Government regains territory"),
        ("COERCE", "192", "REB", "MIL", "Non-state actor overtakes territory"),
        ("COERCE", "173", "COP", "OPP", "Arrests"),
        ("ASSAULT", "175", "COP", "OPP", "Protest with intervention"),
        ("PROTEST", "145", "OPP", None, "Violent demonstration"),
        ("PROTEST", "141", "OPP", None, "Peaceful protest"),
    ],
)
def test_acled_types(plover, code, actor, recipient, sub) -> None:
    found = acled.acled_type(plover, code, actor, recipient)
    assert found.sub_event_type == sub
    assert sub in schema.ACLED_SUB_EVENT_TYPES[found.event_type]


def test_acled_codes_nothing_outside_its_types() -> None:
    assert acled.acled_type("CONSULT", "040", "GOV", "GOV") == acled.NONE


def test_acled_table_names_file_and_line_of_an_unknown_sub_event_type(tmp_path) -> None:
    table = tmp_path / "acled_by_code.tsv"
    table.write_text("# code, sub-event type\n173\tArrests\n191\tOthers\n", encoding="utf-8")
    with pytest.raises(acled.AcledTableError, match="Others") as err:
        acled._by_code(table)
    assert (err.value.path, err.value.line) == (table, 3)


# --- recoding by modality and by actor


@pytest.mark.parametrize(
    ("recode", "code", "expected"),
    [(recoding.intent, "0871", "035"), (recoding.intent, "090", "090"),
     (recoding.intent, "1631", "1312"), (recoding.threat, "175", "137"),
     (recoding.refuse, "070", "121"), (lambda code: recoding.request(code, "order"), "081", "105"),
     (lambda code: recoding.request(code, "urge"), "190", "021"),
     (lambda code: recoding.request(code, "pressure"), "040", "170")],
)  # fmt: skip
def test_modality_recodes_by_the_longest_listed_code(recode, code: str, expected: str) -> None:
    assert recode(code) == expected


def test_by_actor_recoding_takes_the_first_situation_that_holds() -> None:
    jets = Actor("jets", "RUSMIL", "RUS", "MIL", aircraft=True)
    police = Actor("police", "---COP", None, "COP")
    protesters = Actor("protesters", "---OPP", None, "OPP")
    assert recoding.by_actor("190", "ASSAULT", jets, protesters) == ("195", "aerial")
    assert recoding.by_actor("190", "ASSAULT", police, protesters) == ("175", None)
    assert recoding.by_actor("1712", "ASSAULT", protesters, None) == ("145", "riot")
    assert recoding.by_actor("042", "CONSULT", police, None) == ("154", None)
    assert recoding.by_actor("042", "CONSULT", protesters, None) is None


@pytest.mark.parametrize(
    ("rows", "line", "reason"),
    [("intent\t04\t036\nthreaten\t*\t130\n", 3, "unknown table"),
     ("refuse\t04\t1255\n", 2, "unknown CAMEO code"),
     ("refuse\t21\t125\n", 2, "unknown CAMEO code or root"),
     ("intent\t*\tthreat\nthreat\t*\tintent\n", 2, "refers to another table"),
     ("refuse\t04\t125\n", None, "has no")],
)  # fmt: skip
def test_modality_table_names_file_and_line_of_a_bad_row(tmp_path, rows, line, reason) -> None:
    complete = "".join(f"{t}\t*\t130\n" for t in sorted(recoding.TABLES) if t not in rows)
    table = tmp_path / "cameo_recoding.tsv"
    table.write_text("# table, acts, becomes\n" + rows + complete, encoding="utf-8")
    with pytest.raises(recoding.RecodingTableError, match=reason) as err:
        recoding.modality_tables(table)
    assert (err.value.path, err.value.line) == (table, line)


@pytest.mark.parametrize(
    ("row", "reason"),
    [("aircraft\tASSAULTS\t195\taerial", "unknown CAMEO code or PLOVER type"),
     ("airplane\tASSAULT\t195\taerial", "unknown situation"),
     ("riot\t18\t145\triots", "unknown PLOVER mode")],
)  # fmt: skip
def test_by_actor_table_names_file_and_line_of_a_bad_row(tmp_path, row: str, reason) -> None:
    table = tmp_path / "cameo_by_actor.tsv"
    table.write_text(f"# situation, acts, code, mode\n{row}\n", encoding="utf-8")
    with pytest.raises(recoding.RecodingTableError, match=reason) as err:
        recoding.actor_recodings(table)
    assert (err.value.path, err.value.line) == (table, 2)


# --- actors


@pytest.mark.parametrize(
    ("sentence", "word", "code"),
    [
        ("Iraqi troops entered the town.", "troops", "IRQMIL"),
        ("Kenyan police arrested him.", "police", "KENCOP"),
        ("The Peshmerga withdrew.", "Peshmerga", "IRQMIL"),
        ("Militants of the Islamic State fled.", "Militants", "IMGMUSISI"),
        ("Prime Minister Ali Hassan of Somalia resigned.", "Hassan", "SOMGOV"),
        ("Nairobi protested the decision.", "Nairobi", "KENGOV"),
        ("Unknown gunmen opened fire.", "gunmen", "---REB"),
        ("Pro-Russia separatists advanced.", "separatists", "---SEP"),
        # Civilians who carry arms act as an armed group.
        ("Armed herders raided the village.", "herders", "---UAF"),
        ("Peacekeepers of MINUSMA left Ber.", "Peacekeepers", "IGOUNOPKO"),
    ],
)
def test_actor_codes(nlp, actors, sentence: str, word: str, code: str) -> None:
    doc = nlp(sentence)
    head = _token(doc, word)
    assert actors.resolve(phrase(head), head).code == code


def test_a_phrase_without_actor_words_is_no_actor(nlp, actors) -> None:
    doc = nlp("The weather turned cold.")
    head = _token(doc, "weather")
    assert actors.resolve(phrase(head), head) is None


# --- roles and modality


def test_passive_agent_is_the_actor(nlp) -> None:
    doc = nlp("The convoy was ambushed by Chadian rebels.")
    roles = verb_roles(_token(doc, "ambushed"))
    assert [t.text for t in roles.actors] == ["rebels"]
    assert [t.text for t in roles.recipients] == ["convoy"]


def test_what_a_missile_is_aimed_at_is_the_recipient(nlp) -> None:
    doc = nlp("Guards fired pellets at the strikers outside the mine.")
    assert [t.text for t in verb_roles(_token(doc, "fired")).recipients] == ["strikers"]
    doc = nlp("Gunmen shot two farmers at a market.")
    assert [t.text for t in verb_roles(_token(doc, "shot")).recipients] == ["farmers"]


def test_coordinated_actors_are_separate(nlp) -> None:
    doc = nlp("Chile and Peru signed a treaty.")
    roles = verb_roles(_token(doc, "signed"))
    assert [t.text for t in roles.actors] == ["Chile", "Peru"]


@pytest.mark.parametrize(
    ("sentence", "word", "kind", "negated"),
    [
        ("The army did not attack the village.", "attack", modality.DONE, True),
        ("The rebels threatened to attack the village.", "attack", modality.THREAT, False),
        ("The minister promised to release the prisoners.", "release", modality.INTENT, False),
        ("The army will withdraw from the town.", "withdraw", modality.INTENT, False),
        ("The army could attack the village.", "attack", modality.HYPOTHETICAL, False),
        (
            "If the army attacked the village, the rebels would flee.",
            "attacked",
            modality.HYPOTHETICAL,
            False,
        ),
        ("The union urged the government to negotiate.", "negotiate", modality.REQUEST, False),
        ("The party refused to negotiate.", "negotiate", modality.REFUSE, False),
        ("The jets managed to strike the depot.", "strike", modality.DONE, False),
    ],
)
def test_modality(nlp, sentence: str, word: str, kind: str, negated: bool) -> None:
    mood = modality.modality_of(_token(nlp(sentence), word))
    assert (mood.kind, mood.negated) == (kind, negated)


# --- optional Phoenix-format dictionaries (a file in their format, written here)


def test_phoenix_format_dictionary(tmp_path) -> None:
    from eventwire.extract.dictionaries import PhoenixDictionaries

    (tmp_path / "Phoenix.Countries.actors.txt").write_text(
        "JOHN_QUINCY_EXAMPLE_  # a made-up leader\n"
        "+PRESIDENT_EXAMPLE_\n"
        "\t[ATLGOV 900101-991231]\n"
        "\t[ATLELI >991231]\n"
        "FREEDONIA_ARMY_\t[FRDMIL]\n",
        encoding="utf-8",
    )
    found = PhoenixDictionaries.load(tmp_path)
    assert found.lookup("President Example said")[0] == "ATLELI"
    assert found.lookup("John Quincy Example")[0] == "ATLELI"
    assert found.lookup("the Freedonia army") == ("FRDMIL", None, "MIL")
    assert found.lookup("nobody here") is None
