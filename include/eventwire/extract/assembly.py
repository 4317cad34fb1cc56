"""Document-level assembly: the mentions of one real event, across sentences, made one.

News tells an event over several sentences: the act ("Gunmen stormed the market"), the weapon
("a grenade was thrown into the crowd"), the toll two sentences later ("The death toll rose to
12."), the police response ("Police dispersed the crowd"). Sentence coding sees each alone.
This step groups an article's violence and demonstration mentions that can be one event (close
together, same day, same place where both name one) and gives the group what all its sentences
support together: the most specific ACLED sub-event type its cues allow, the highest casualty
figure stated for it (a restated toll is not added twice), its most precise place and the
date the text states (over the publication day, the default of a sentence that names none). Every
mention keeps its own sentence; ``rule`` gains ``+doc:s<i>,…``, the sentences the group was
assembled from, so each figure can be traced.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from eventwire.extract import acled
from eventwire.extract.actors import sector_of_word

# A toll or weapon stated this many sentences after the act still belongs to it; the same
# window the engine uses to carry a town forward to sentences that name none.
WINDOW_SENTENCES = 4
# A toll told before any act reaches the act told this many sentences after it.
LEAD_TOLL_SENTENCES = 2
# The mention that defines a group assembled from several sentences leads it by this much
# over the group's most confident mention.
CONFIDENCE_ASSEMBLED = 0.05
MAX_CONFIDENCE = 0.95
# ACLED event types that assembly groups: violence and demonstrations.
DISORDER_TYPES = frozenset(
    {"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots"}
)
# Words that state victims besides those counted before ("were also killed"), in the
# sentence or, for "others", "more" and ordinals, in the phrase that counts them ("Two others
# died later", "Three more soldiers died of their wounds", "A second soldier later died").
ADDITIONAL = re.compile(r"\b(also|another|further)\b", re.IGNORECASE)
OTHERS = re.compile(r"\b(others|second|third|fourth|fifth|more(?! than))\b", re.IGNORECASE)
# A figure stated as the toll or total counts everyone, those added included.
TOTAL = re.compile(r"\b(toll|total)\b", re.IGNORECASE)
# A side's own count of whom it killed: "claimed to have killed", "said it had killed".
CLAIM = re.compile(
    r"\bclaim(?:ed|s|ing)?\s+(?:to\s+have|that|it|they)\b"
    r"|\b(?:said|says)\b[^.;]*?\b(?:it|they)\s+(?:had\s+|have\s+)?(?:killed|shot)\b",
    re.IGNORECASE,
)
# Openers of a sentence that turns to another event.
ANOTHER_EVENT = re.compile(
    r"\W*(separately|elsewhere|in (a|another) (separate|different|second|similar)\b"
    r"|in another\b"
    # ... or to an earlier time: "Last week, ...", "In February, ...", "Two days earlier, ..."
    r"|(last|earlier this|earlier last) (week|month|year)\b"
    r"|(in|since|during|back in) (" + "|".join(m for m in calendar.month_name if m) + r"|\d{4})\b"
    r"|(a|one|two|three|four|five|six|several|few) (days?|weeks?|months?|years?) "
    r"(ago|earlier|before)\b)",
    re.IGNORECASE,
)
# Triggers that report the dead found ("find +body", "pull +body"), read from a mention's rule.
DISCOVERY = re.compile(r"lexicon:\S+ \+(body|corpse)\b")
# CAMEO codes that name no particular act: force used, people killed or hurt. Mentions with
# them join any group; mentions naming different acts (a clash, an air strike) never share one.
GENERIC_CODES = frozenset({"190", "1823", "182"})
# Ground taken and the fighting that took it are one event ("recaptured the town after
# clashes"): ACLED's territory sub-events are battles that changed who holds a place.
FIGHT_FOR_GROUND = {"192", "193"}
# Triggers of a fight both sides fought ("clashes", "an exchange of fire"), read from a
# mention's rule; shooting and sniping may be one-sided.
TWO_SIDED_FIGHT = re.compile(
    r"lexicon:(?:clash|fight|fighting|firefight|gunfight|battle|gun battle|skirmish|shootout"
    r"|shoot-out|infighting|combat|hostilities|confrontation)(?:/n)?(?:\+|$)"
    r"|lexicon:(?:exchange|trade) \+(?:fire|gunfire)(?:\+|$)"
)
# The sides of a fight whose dead are counted apart and added up: "Fifty Houthi fighters died
# in the fighting. Government forces lost 29 men." is 79 dead, while two counts of one side
# ("killed five soldiers", later "the five soldiers killed") are one toll restated.
SIDES = {
    **dict.fromkeys(("MIL", "COP"), "state forces"),
    **dict.fromkeys(("REB", "INS", "SEP", "UAF"), "armed group"),
    **dict.fromkeys(
        ("CVL", "EDU", "REL", "LAB", "BUS", "AGR", "HLH", "MED", "REF", "NGO", "OPP"), "civilians"
    ),
}
# Words for the armed side that name no sector of their own: who attacked, not who they are.
ATTACKERS = frozenset({"attacker", "assailant", "raider", "bandit", "kidnapper", "abductor"})
# Victim words of no side ("people", "men", "a family of six").
SIDELESS_VICTIMS = frozenset({"people", "person", "persons", "man", "men", "family", "families"})
# A count of some of the dead ("three soldiers were among the dead") is no side's whole toll.
PART_OF_TOLL = re.compile(r"\b(among|includ\w+|of them|of whom)\b", re.IGNORECASE)
DEMONSTRATION = "demonstration"
DEMONSTRATION_CODES = ("14", "175")
DEMONSTRATION_CLASHES = frozenset({DEMONSTRATION, "193"})
# The cue of unarmed victims (acled.cues_in), which makes violence an Attack.
CIVILIAN_CUE = frozenset({"civilian"})
# A demonstration whose stated casualties are all of the police or the army was violent.
UNRESISTED_PROTEST = frozenset({"Peaceful protest", "Protest with intervention"})
VIOLENT_DEMONSTRATION = acled.AcledType("Riots", "Violent demonstration")
# Arrests, which at a demonstration are the intervention on it (ACLED's protest with
# intervention).
ARREST_CODE = "173"
PEACEFUL_PROTEST = "Peaceful protest"
PROTEST_WITH_INTERVENTION = acled.AcledType("Protests", "Protest with intervention")
# Property destroyed or damaged, which a demonstration's own sentence may tell it did.
DAMAGE_CODES = ("1711", "1712")
# Sub-event types from most to least specific: a group takes the first its cues support.
SPECIFICITY = (
    "Chemical weapon",
    "Suicide bomb",
    "Air/drone strike",
    "Shelling/artillery/missile attack",
    "Grenade",
    "Remote explosive/landmine/IED",
    "Sexual violence",
    "Abduction/forced disappearance",
    "Excessive force against protesters",
    "Protest with intervention",
    "Mob violence",
    "Violent demonstration",
    "Government regains territory",
    "Non-state actor overtakes territory",
    "Attack",
    "Armed clash",
    "Peaceful protest",
)
_RANK: dict[str | None, int] = {sub: i for i, sub in enumerate(SPECIFICITY)}
# Sub-event types the cues of an event's sentences decide: the weapon, what befell a
# demonstration, a crowd acting on its own.
CUE_DECIDED = frozenset(SPECIFICITY[: SPECIFICITY.index("Violent demonstration") + 1])
# PLOVER types that carry a toll, in the order a group's toll is given to its mentions.
_TOLL_TYPES = ("ASSAULT", "PROTEST")
_PRECISION_UNKNOWN = 9


@dataclass(frozen=True)
class Toll:
    """Casualties stated in a sentence that codes no event ("Three people died.")."""

    sentence_index: int
    fatalities: int | None
    injured: int | None
    text: str | None
    cues: frozenset[str] = frozenset()
    additional: bool = False
    claimed: bool = False


@dataclass
class _Group:
    members: list[dict] = field(default_factory=list)
    tolls: list[Toll] = field(default_factory=list)
    act: str | None = None

    @property
    def first_index(self) -> int:
        return self.members[0]["sentence_index"]

    @property
    def last_index(self) -> int:
        return max(m["sentence_index"] for m in self.members)

    def add(self, record: dict) -> None:
        self.members.append(record)
        self.act = self.act or _specific_act(record)

    def accepts(self, record: dict) -> bool:
        if record["sentence_index"] - self.first_index > WINDOW_SENTENCES:
            return False
        if opens_another_event(record["sentence_text"]) and not _in_sentence(self, record):
            return False
        act = _specific_act(record)
        lead = self.members[0]
        if act and self.act and act != self.act and not _one_event(self.act, act, record, lead):
            return False  # "clashes" and, earlier that day, an air strike: two events
        if _placed(lead) and _placed(record) and lead["country"] != record["country"]:
            return False
        one, other = _stated_date(lead), _stated_date(record)
        if one and other and one != other and not _is_discovery(record):
            return False
        return not _distinct_towns(lead, record)


def opens_another_event(sentence: str | None) -> bool:
    """ "Separately, ...", "Elsewhere, ...", "In a separate attack, ...", "Last week, ...":
    the sentence turns to another event, whose acts and dead are not the previous one's, and
    which does not lead the article's own."""
    return bool(sentence and ANOTHER_EVENT.match(sentence))


def _one_event(act: str, other: str, record: dict, lead: dict) -> bool:
    """Two acts that tell one event: ground taken and the fight that took it; a demonstration
    and "the clashes" a later sentence names with nobody in them; a demonstration and the
    damage its own sentence tells ("cars were set on fire during a protest")."""
    if {act, other} == FIGHT_FOR_GROUND:
        return True
    damage = next((a for a in (act, other) if a.startswith(DAMAGE_CODES)), None)
    if damage and DEMONSTRATION in {act, other}:
        return record["sentence_index"] == lead["sentence_index"]
    unnamed = not record["actor_code"] and not record["recipient_code"]
    return {act, other} == DEMONSTRATION_CLASHES and unnamed


def _is_discovery(record: dict) -> bool:
    """ "Two more bodies were found on Monday": the day the dead were found, not the day of
    the event that killed them, which an earlier sentence told."""
    return DISCOVERY.match(record["rule"]) is not None


def _placed(record: dict) -> bool:
    """A place finer than a country: a country alone may come from a nationality ("US
    soldiers were killed"), not from where the event happened."""
    return bool(record["country"]) and (record["geo_precision"] or _PRECISION_UNKNOWN) < 3


def _stated_date(record: dict) -> dt.date | None:
    """The event's date when the text states one; a date that only repeats the publication
    day may be the engine's default for a sentence that names none."""
    published = record["published_at"]
    day = record["event_date"]
    if day is None or (published is not None and day == published.date()):
        return None
    return day


def _distinct_towns(one: dict, other: dict) -> bool:
    towns = [r for r in (one, other) if r["geo_precision"] == 1 and r["geonames_id"]]
    return len(towns) == 2 and towns[0]["geonames_id"] != towns[1]["geonames_id"]


def _specific_act(record: dict) -> str | None:
    """The act a mention names beyond "force was used" or "people were killed"."""
    code = record["cameo_code"]
    if code in GENERIC_CODES:
        return None
    # A demonstration and the force used on it are one event ("protest with intervention").
    return DEMONSTRATION if code.startswith(DEMONSTRATION_CODES) else code


def _is_disorder(record: dict) -> bool:
    return (
        (record["plover_type"] in _TOLL_TYPES or record["acled_event_type"] == "Battles")
        and record["acled_event_type"] in DISORDER_TYPES
        and not record["negated"]
        and record["date_flag"] in (None, "reported")
    )


def assemble(records: Sequence[dict], tolls: Sequence[Toll]) -> list[dict]:
    """The records of one article with each group's shared attributes written into its
    members; records outside any group come back unchanged."""
    groups: list[_Group] = []
    ordered = sorted(records, key=lambda r: (r["sentence_index"], _specific_act(r) is None))
    for record in ordered:
        if not _is_disorder(record):
            continue
        _home(groups, record).add(record)
    _attach_tolls(groups, tolls)
    definings = [_settle(group) for group in groups]
    for defining, group in zip(definings, groups, strict=True):
        if defining["fatalities"] and not opens_another_event(defining["sentence_text"]):
            _lead_the_article(defining, group, records)
    _below_the_article_event(definings, groups)
    _arrests_at_demonstrations(groups, records)
    return list(records)


def _arrests_at_demonstrations(groups: list[_Group], records: Sequence[dict]) -> None:
    """ "Students protested ... Police detained 14 students.": arrests told after a peaceful
    demonstration were made at it, which ACLED codes as one protest with intervention."""
    for record in records:
        if (
            not record["cameo_code"].startswith(ARREST_CODE)
            or record["negated"]
            or opens_another_event(record["sentence_text"])
        ):
            continue
        index = record["sentence_index"]
        for group in groups:
            if group.act != DEMONSTRATION or not (
                group.first_index <= index <= group.first_index + WINDOW_SENTENCES
            ):
                continue
            if group.members[0]["acled_sub_event_type"] != PEACEFUL_PROTEST:
                continue
            for member in [*group.members, record]:
                member["acled_event_type"], member["acled_sub_event_type"] = (
                    PROTEST_WITH_INTERVENTION.event_type,
                    PROTEST_WITH_INTERVENTION.sub_event_type,
                )
            break


def _below_the_article_event(definings: list[dict], groups: list[_Group]) -> None:
    """An event a later sentence turns to ("Last week, 23 people were killed when ...") is
    background to the article's first event and ranks below it, however deadly."""
    if not definings or opens_another_event(definings[0]["sentence_text"]):
        return
    ceiling = definings[0]["confidence"] - CONFIDENCE_ASSEMBLED
    for defining, group in zip(definings[1:], groups[1:], strict=True):
        if opens_another_event(defining["sentence_text"]):
            for member in group.members:
                member["confidence"] = round(max(min(member["confidence"], ceiling), 0.0), 3)


def _lead_the_article(defining: dict, group: _Group, records: Sequence[dict]) -> None:
    """An event that killed people leads every other act its sentences tell and every act of
    its article that killed nobody ("raided the town, arresting several men. Two were killed
    in an exchange of fire"; "Police said they had deployed officers"): ACLED codes the
    violence, and whoever reads one mention per article reads the deadly event."""
    told = {m["sentence_index"] for m in group.members}
    members = {id(m) for m in group.members}
    _lead_above(
        defining,
        [
            r["confidence"]
            for r in records
            if id(r) not in members
            and not r["negated"]
            and (r["sentence_index"] in told or not r["fatalities"])
        ],
    )


def _lead_above(defining: dict, confidences: list[float]) -> None:
    """Raise the defining mention above the most confident of ``confidences``."""
    top = max(confidences, default=0.0)
    if top >= defining["confidence"]:
        defining["confidence"] = round(min(top + CONFIDENCE_ASSEMBLED, MAX_CONFIDENCE), 3)


def _home(groups: list[_Group], record: dict) -> _Group:
    """The group a mention joins: a bare "were killed" joins the act named in its own
    sentence, else the open group; a new group where neither accepts it."""
    if _specific_act(record) is None:
        same = [g for g in groups if g.accepts(record) and _in_sentence(g, record)]
        if same:
            return same[-1]
    if groups and groups[-1].accepts(record):
        return groups[-1]
    groups.append(_Group())
    return groups[-1]


def _in_sentence(group: _Group, record: dict) -> bool:
    return any(m["sentence_index"] == record["sentence_index"] for m in group.members)


def _attach_tolls(groups: list[_Group], tolls: Sequence[Toll]) -> None:
    """Each toll sentence goes to the nearest group before it within the window; a toll that
    opens the story ("Three soldiers died. Militants had ambushed their patrol ...") to the
    group that follows it closely."""
    for toll in tolls:
        before = [
            g
            for g in groups
            if g.members[0]["sentence_index"] < toll.sentence_index
            and toll.sentence_index - g.last_index <= WINDOW_SENTENCES
        ]
        after = [
            g for g in groups if 0 < g.first_index - toll.sentence_index <= LEAD_TOLL_SENTENCES
        ]
        if before:
            before[-1].tolls.append(toll)
        elif after:
            after[0].tolls.append(toll)


def _settle(group: _Group) -> dict:
    """Write the group's shared attributes into its members; returns the defining member."""
    members = group.members
    # Cues come from the sentences that name the act; a bare "were killed" that joined the
    # group may stand in a sentence about something else ("as fighter jets shelled a convoy").
    # A bare "killed" in the act's own sentence tells whom the act was done to ("shot and
    # killed a trader": an attack on a civilian), except in a fight between two armed sides,
    # whose dead are its casualties ("fighting between the army and the RSF killed 23").
    lead = members[0]
    telling = [
        m
        for m in members
        if m is lead
        or _specific_act(m)
        or (
            m["sentence_index"] == lead["sentence_index"]
            and m["recipient_code"]
            and not _between_armed_sides(lead)
        )
    ]
    cues = frozenset().union(
        *(acled.cues_in(m["sentence_text"] or "") for m in telling),
        *(t.cues for t in group.tolls),
        # "Gunmen attacked the village. Four civilians were killed.": whom a bare "were
        # killed" of a later sentence names, as a toll sentence would.
        *(CIVILIAN_CUE for m in members if _names_civilian_dead(m, telling, lead)),
    )
    # Two mentions of one sentence state its figures once ("opened fire ..., killing one").
    stated = list(
        {(t.sentence_index, t.fatalities, t.injured): t for t in map(_stated, members)}.values()
    ) + list(group.tolls)
    fatalities = _combined([(t.fatalities, t.additional, t.text, t.claimed) for t in stated])
    injured = _combined([(t.injured, t.additional, t.text, t.claimed) for t in stated])
    kind = _most_specific(telling, cues, bool(fatalities))
    toll_text = _toll_text(members, group.tolls, fatalities, injured)
    if kind.sub_event_type in UNRESISTED_PROTEST and _side(toll_text) == SIDES["COP"]:
        # "Twelve police officers were injured during the demonstration": the crowd fought.
        kind = VIOLENT_DEMONSTRATION
    place = min(members, key=lambda m: m["geo_precision"] or _PRECISION_UNKNOWN)
    dated = next((m for m in members if _stated_date(m)), None)
    defining = _defining(telling, kind.sub_event_type) or members[0]
    sources = sorted(
        {m["sentence_index"] for m in members} | {t.sentence_index for t in group.tolls}
    )
    for member in members:
        member["acled_event_type"], member["acled_sub_event_type"] = (
            kind.event_type,
            kind.sub_event_type,
        )
        if member["geo_precision"] is None or member["geo_precision"] > (
            place["geo_precision"] or 0
        ):
            for key in ("location_name", "country", "admin1", "lat", "lon", "geonames_id"):
                member[key] = place[key]
            member["geo_precision"] = place["geo_precision"]
        if dated is not None and not _stated_date(member):
            for key in ("event_date", "date_precision", "date_flag"):
                member[key] = dated[key]
        # One mention carries the group's toll: two mentions of one event that the merge
        # cannot join (different actors named) must not count its dead twice.
        carries_toll = member is defining
        member["fatalities"] = fatalities if carries_toll else None
        member["injured"] = injured if carries_toll else None
        member["fatalities_text"] = toll_text if carries_toll else None
    if len(sources) > 1:
        trace = "+doc:" + ",".join(f"s{i}" for i in sources)
        for member in members:
            member["rule"] = member["rule"] + trace
    if len(sources) > 1 or len(members) > 1:
        # The mention that defines the group, and carries its toll, leads it: above the
        # group's most confident, so whoever reads one mention per event reads that one.
        others = [m["confidence"] for m in members if m is not defining]
        # A lone mention assembled from several sentences gains the same margin.
        _lead_above(defining, others or [defining["confidence"]])
    return defining


def _names_civilian_dead(member: dict, telling: list[dict], lead: dict) -> bool:
    """A bare "were killed" of a later sentence whose dead are civilians, in an act on no
    armed target and no fight both sides fought (an attack on an army post, or fighting
    between militias, that also killed civilians is still a clash)."""
    return (
        not _between_armed_sides(lead)
        and lead["recipient_sector"] not in acled.ARMED_SECTORS
        and member["sentence_index"] != lead["sentence_index"]
        and _specific_act(member) is None
        and all(member is not m for m in telling)
        and member["recipient_sector"] in acled.CIVILIAN_SECTORS
    )


def _between_armed_sides(record: dict) -> bool:
    """Both sides armed, or a fight ("clashes between rival armed groups") naming no side
    that is unarmed."""
    sides = (record["actor_sector"], record["recipient_sector"])
    if TWO_SIDED_FIGHT.match(record["rule"]):
        return not any(s in acled.CIVILIAN_SECTORS | acled.PROTESTER_SECTORS for s in sides)
    return all(s in acled.ARMED_SECTORS for s in sides)


def _defining(telling: list[dict], sub_event_type: str | None) -> dict | None:
    """The most confident mention that names the group's sub-event type (the first on a tie)."""
    named = [m for m in telling if m["acled_sub_event_type"] == sub_event_type]
    return max(named, key=lambda m: m["confidence"]) if named else None


def _stated(member: dict) -> Toll:
    text = member["sentence_text"] or ""
    return Toll(
        member["sentence_index"],
        member["fatalities"],
        member["injured"],
        member["fatalities_text"],
        additional=adds_victims(text, member["fatalities_text"]),
        claimed=states_a_claim(text),
    )


def states_a_claim(sentence: str) -> bool:
    """ "The group said in a statement it had killed 15 policemen", "the army claimed to have
    killed 40": a side's count of those it killed, a claim."""
    return CLAIM.search(sentence) is not None


def adds_victims(sentence: str, phrase: str | None) -> bool:
    """ "Two AA fighters were also killed", "Two others died later in hospital", "A second
    soldier later died": victims besides those already counted, unless the figure is the new
    total ("Two more died, bringing the toll to seven")."""
    if phrase and TOTAL.search(phrase):
        return False
    return bool(ADDITIONAL.search(sentence) or (phrase and OTHERS.search(phrase)))


def _combined(figures: list[tuple[int | None, bool, str | None, bool]]) -> int | None:
    """Later reports of one toll raise it, they do not add to it ("the toll rose to 24"):
    the highest figure stands, or the sum of the highest of each side where counts name one
    side each, plus the figures of victims stated as additional. A side's claim of whom it
    killed yields to another account of the same dead (ACLED takes the conservative one)."""
    reported = {_side(text) for v, extra, text, claim in figures if v is not None and not claim}
    base = [
        (v, text)
        for v, extra, text, claim in figures
        if v is not None and not extra and not (claim and _side(text) in reported)
    ]
    extra = [v for v, more, _, _ in figures if v is not None and more]
    if not base and not extra:
        return None
    by_side: dict[str, int] = {}
    sideless = 0
    for value, text in base:
        side = _side(text)
        if side is None:
            sideless = max(sideless, value)
        else:
            by_side[side] = max(by_side.get(side, 0), value)
    return max(sideless, sum(by_side.values())) + sum(extra)


def _side_of_word(word: str) -> str | None:
    if word in ATTACKERS or word.removesuffix("s") in ATTACKERS:
        return SIDES["UAF"]
    return SIDES.get(sector_of_word(word) or "")


def _side(phrase: str | None) -> str | None:
    """The one side whose dead a count phrase names, or None where it names none, several
    or only some of the dead."""
    if not phrase or PART_OF_TOLL.search(phrase):
        return None
    words = re.findall(r"[A-Za-z]+", phrase)
    sides = {_side_of_word(w.lower()) for w in words if w.lower() not in SIDELESS_VICTIMS}
    sides.discard(None)
    return sides.pop() if len(sides) == 1 else None


def _toll_text(
    members: list[dict], tolls: list[Toll], fatalities: int | None, injured: int | None
) -> str | None:
    for m in members:
        if m["fatalities"] == fatalities and m["injured"] == injured and m["fatalities_text"]:
            return m["fatalities_text"]
    texts = [t.text for t in tolls if t.text]
    texts += [m["fatalities_text"] for m in members if m["fatalities_text"]]
    return "; ".join(dict.fromkeys(texts)) or None


def _decided_by_cues(kind: acled.AcledType, cues: frozenset[str]) -> bool:
    if kind.sub_event_type == "Attack":
        return "civilian" in cues
    return kind.sub_event_type in CUE_DECIDED


def more_specific(record: dict, others: Sequence[dict]) -> bool:
    """Whether ``record``'s ACLED sub-event type is more specific than every one of ``others``."""
    rank = _RANK.get(record["acled_sub_event_type"], len(_RANK))
    return all(rank < _RANK.get(o["acled_sub_event_type"], len(_RANK)) for o in others)


def _most_specific(members: list[dict], cues: frozenset[str], lethal: bool) -> acled.AcledType:
    """The most specific sub-event type any member supports with the group's cues. A member
    re-typed with the group's cues may gain what cues decide (a weapon, a demonstration, named
    civilians), not lose what its own words fixed ("killed in a firefight" is a clash)."""
    options = []
    for m in members:
        if m["acled_sub_event_type"]:
            options.append(acled.AcledType(m["acled_event_type"], m["acled_sub_event_type"]))
        retyped = acled.acled_type(
            m["plover_type"],
            m["cameo_code"],
            m["actor_sector"],
            m["recipient_sector"],
            cues=cues,
            lethal=lethal,
        )
        if not m["acled_sub_event_type"] or _decided_by_cues(retyped, cues):
            options.append(retyped)
    typed = [o for o in options if o.sub_event_type in _RANK]
    return min(typed, key=lambda o: _RANK[o.sub_event_type])
