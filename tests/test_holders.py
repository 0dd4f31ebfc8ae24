"""The holder rules, frozen as a table: ``tests/holder_cases.csv`` holds one row per expected attribution of a
sentence (a row with an empty holder: none is expected), with the sentences read before it (``context``, in the same
call) and after it (``next``: a quotation without a speaker takes the next sentence's). Each case names the rule its
sentence exercises. The table was written from the finder's output before the rules moved out of ``stance.actors``;
a change of behaviour shows up here as a failing case, and an intended one as a reviewed diff of the table."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from stance.actors import Registry
from stance.holders import Attribution, Finder, Voice

CASES = Path(__file__).with_name("holder_cases.csv")
COLUMNS = ["case", "context", "sentence", "next", "holder", "holder_code", "target", "target_code", "start", "end"]

ROWS = [
    {"name": "Russia", "kind": "state", "affiliation": "", "code": "RUS", "aliases": "Russia|Moscow|the Kremlin"},
    {"name": "Vladimir Putin", "kind": "person", "affiliation": "Russia", "code": "RUS", "aliases": "Putin"},
    {"name": "Iran", "kind": "state", "affiliation": "", "code": "IRN", "aliases": "Iran|Tehran"},
    {"name": "Abbas Araghchi", "kind": "person", "affiliation": "Iran", "code": "IRN",
     "aliases": "Araghchi|Foreign Minister Araghchi"},
    {"name": "United States", "kind": "state", "affiliation": "", "code": "USA",
     "aliases": "U.S.|Washington|United States"},
    {"name": "Israel", "kind": "state", "affiliation": "", "code": "ISR", "aliases": "Israel"},
    {"name": "Donald Trump", "kind": "person", "affiliation": "United States", "code": "USA",
     "aliases": "Trump|President Trump|TRUMP"},
    {"name": "Bernie Sanders", "kind": "person", "affiliation": "United States", "code": "USA",
     "aliases": "Sanders|Mr. Sanders"},
    {"name": "Marco Rubio", "kind": "person", "affiliation": "United States", "code": "USA", "aliases": "Rubio"},
    {"name": "Nancy Pelosi", "kind": "person", "affiliation": "United States", "code": "USA", "aliases": "Pelosi"},
    {"name": "Chuck Schumer", "kind": "person", "affiliation": "United States", "code": "USA", "aliases": "Schumer"},
    {"name": "John Kerry", "kind": "person", "affiliation": "United States", "code": "USA",
     "aliases": "Kerry|Secretary Kerry|Secretary of State John Kerry"},
    {"name": "Christopher Wray", "kind": "person", "affiliation": "United States", "code": "USA", "aliases": "Wray"},
    {"name": "Kirstjen Nielsen", "kind": "person", "affiliation": "United States", "code": "USA",
     "aliases": "Nielsen"},
    {"name": "Oprah Winfrey", "kind": "person", "affiliation": "United States", "code": "USA",
     "aliases": "Winfrey|Ms. Winfrey"},
    {"name": "Fox News", "kind": "organisation", "affiliation": "United States", "code": "USA", "aliases": ""},
    {"name": "CBS", "kind": "organisation", "affiliation": "United States", "code": "USA", "aliases": "CBS News"},
    {"name": "NBC", "kind": "organisation", "affiliation": "United States", "code": "USA", "aliases": "NBC News"},
    {"name": "Republican Party", "kind": "organisation", "affiliation": "United States", "code": "USA",
     "aliases": "Republican|Republicans|GOP"},
    {"name": "Democratic Party", "kind": "organisation", "affiliation": "United States", "code": "USA",
     "aliases": "Democrats|Democratic"},
    {"name": "United Nations", "kind": "organisation", "affiliation": "", "code": "UN",
     "aliases": "United Nations|the United Nations|the U.N.|U.N."},
    # surnames no alias names: one person (a common word), two people of one state
    {"name": "Elizabeth Warren", "kind": "person", "affiliation": "United States", "code": "USA", "aliases": ""},
    {"name": "Paul Ryan", "kind": "person", "affiliation": "United States", "code": "USA", "aliases": ""},
    {"name": "Tim Ryan", "kind": "person", "affiliation": "United States", "code": "USA", "aliases": ""},
    {"name": "Jane al-Doe", "kind": "person", "affiliation": "Iran", "code": "IRN", "aliases": "al-Doe"},
    {"name": "France", "kind": "state", "affiliation": "", "code": "FRA", "aliases": "France|Paris"},
]


def sentences(cell: str) -> list[str]:
    """A context cell: sentences separated by " | "."""
    return [s for s in cell.split(" | ") if s]


def load_cases() -> dict[str, tuple[list[str], str, list[str], list[Attribution]]]:
    with CASES.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        cases: dict = {}
        for row in reader:
            key = row["case"]
            context, sentence, after, expected = cases.setdefault(
                key, (sentences(row["context"]), row["sentence"], sentences(row["next"]), []))
            assert (sentence, sentences(row["context"])) == (row["sentence"], context), f"{key}: one sentence per case"
            if row["holder"]:
                expected.append(Attribution(row["holder"], row["holder_code"], row["target"], row["target_code"],
                                            int(row["start"]), int(row["end"])))
    return cases


def run(finder: Finder, context: list[str], sentence: str, after: list[str]) -> list[Attribution]:
    return finder.find_all([*context, sentence, *after])[len(context)]


CASE_TABLE = load_cases()


@pytest.fixture(scope="module")
def finder():
    return Finder(Registry.from_rows(ROWS))


@pytest.mark.parametrize("case", list(CASE_TABLE))
def test_case(finder, case):
    context, sentence, after, expected = CASE_TABLE[case]
    assert run(finder, context, sentence, after) == expected


def test_the_table_covers_every_kind_of_outcome():
    expected = [e for *_, e in CASE_TABLE.values()]
    assert len(CASE_TABLE) >= 60
    assert any(not e for e in expected) and any(len(e) > 1 for e in expected)
    assert any(a.holder_code == "" for e in expected for a in e)  # names not in the registry
    assert any(a.target == "" for e in expected for a in e)



def test_the_registry_module_knows_nothing_of_holders():
    import stance.actors
    assert not hasattr(stance.actors, "Finder") and not hasattr(stance.actors, "Attribution")


# --- the finder's interface, on a registry of six actors ----------------------------------------------------------
SMALL = [
    {"name": "Russia", "kind": "state", "affiliation": "", "code": "RUS", "aliases": "Russia|Moscow|the Kremlin"},
    {"name": "Vladimir Putin", "kind": "person", "affiliation": "Russia", "code": "RUS", "aliases": "Putin"},
    {"name": "Iran", "kind": "state", "affiliation": "", "code": "IRN", "aliases": "Iran|Tehran"},
    {"name": "Abbas Araghchi", "kind": "person", "affiliation": "Iran", "code": "IRN",
     "aliases": "Araghchi|Foreign Minister Araghchi"},
    {"name": "United States", "kind": "state", "affiliation": "", "code": "USA", "aliases": "U.S.|Washington"},
    {"name": "Israel", "kind": "state", "affiliation": "", "code": "ISR", "aliases": "Israel"},
]


@pytest.fixture()
def small():
    return Finder(Registry.from_rows(SMALL))


def pairs(found):
    return [(a.holder, a.target) for a in found]


def test_reported_speech(small):
    a = small.find(["Araghchi said Tehran condemned the U.S. strikes."])[0]
    assert (a.holder, a.holder_code, a.target, a.target_code) == ("Abbas Araghchi", "IRN", "United States", "USA")


def test_reported_speech_with_several_verbs(small):
    found = small.find_all([
        "Araghchi warned Washington against new strikes.",
        "Moscow urged Israel to stop the attacks.",
        "Putin told reporters that the attack on Iran was illegal.",
        "Putin told reporters Iran had every right to respond, warned Washington and urged Israel to stop.",
    ])
    assert pairs(found[0]) == [("Abbas Araghchi", "United States")]
    assert pairs(found[1]) == [("Russia", "Israel")]
    # a stance on an action is on its doer, not its victim: Washington, warned against strikes just before
    assert pairs(found[2]) == [("Vladimir Putin", "United States")]
    # coordinated verbs keep the subject of the first: Putin warned and urged, not Iran
    assert {h for h, _ in pairs(found[3])} == {"Vladimir Putin"}
    assert ("Vladimir Putin", "Israel") in pairs(found[3])


def test_according_to(small):
    assert small.find(["According to Washington, Iran is to blame."])[0].holder == "United States"


def test_quotation_followed_by_its_speaker(small):
    a = small.find(["“This act of aggression against Iran has no grounds,” Putin told the delegation."])[0]
    assert (a.holder, a.target) == ("Vladimir Putin", "")  # Iran is the victim of the act judged, no target
    a = small.find(["“Israel will pay for this,” said Araghchi, the foreign minister."])[0]
    assert (a.holder, a.target) == ("Abbas Araghchi", "Israel")


def test_quotation_preceded_by_its_speaker(small):
    a = small.find(["Putin said: “This act of aggression against Iran has no grounds.”"])[0]
    assert (a.holder, a.target, a.start, a.end) == ("Vladimir Putin", "Iran", 0, 65)


def test_quotation_whose_speaker_is_named_in_the_sentence_before_or_after(small):
    found = small.find_all(["“Russia is on the right side of history,” Araghchi said.",
                             "“Our relationship with Moscow has grown even closer.”"])
    assert pairs(found[1]) == [("Abbas Araghchi", "Russia")]
    found = small.find_all(["“We will never abandon Tehran.”", "“Our ties are strong,” Putin said."])
    assert pairs(found[0]) == [("Vladimir Putin", "Iran")]
    # no speaker anywhere: no holder is invented
    assert small.find_all(["Oil prices rose.", "“Our ties are strong.”"])[1] == []


def test_pronoun_refers_back_to_the_last_person(small):
    out = small.find(["Putin met the delegation in Moscow.", "He also accused the U.S. of provoking the war."])
    assert (out[1].holder, out[1].target) == ("Vladimir Putin", "United States")


def test_titles_resolve_to_the_last_matching_actor(small):
    found = small.find_all(["Foreign Minister Araghchi met Putin in Moscow.",
                             "The minister thanked the Kremlin for its support.",
                             "The Kremlin condemned the U.S. strikes."])
    assert pairs(found[1]) == [("Abbas Araghchi", "Russia")]  # "minister": Araghchi, not the last person, Putin
    assert pairs(found[2]) == [("Russia", "United States")]  # "the Kremlin", capitalised at the sentence start


def test_a_pronoun_without_antecedent_invents_no_holder(small):
    assert small.find_all(["“We will respond,” he said."]) == [[]]
    assert small.find(["“We will respond,” he said."]) == [Attribution("", "", "", "")]


def test_two_holders_in_one_sentence(small):
    text = "Russia condemned the strikes, while Iran thanked Moscow."
    found = small.find_all([text])[0]
    assert pairs(found) == [("Russia", ""), ("Iran", "Russia")]
    assert [text[a.start : a.end] for a in found] == ["Russia condemned the strikes,", "while Iran thanked Moscow."]
    # one holder with two verbs and two targets
    text = "Araghchi thanked Putin for his solidarity and praised the ties between Moscow and Tehran."
    found = small.find_all([text])[0]
    assert pairs(found) == [("Abbas Araghchi", "Vladimir Putin"), ("Abbas Araghchi", "Russia")]
    assert [text[a.start : a.end] for a in found] == ["Araghchi thanked Putin for his solidarity",
                                                      "and praised the ties between Moscow and Tehran."]
    # a single attribution spans the whole sentence
    a = small.find_all(["Moscow urged Israel to stop."])[0][0]
    assert (a.start, a.end) == (0, 28)


def test_context_is_carried_across_calls(small):
    context = []
    small.find_all(["Putin met Araghchi in Moscow."], context)
    assert context and len(context) <= 64
    found = small.find_all(["He also accused the U.S. of provoking the war."], context)
    assert pairs(found[0]) == [("Vladimir Putin", "United States")]
    # a quotation continues the speaker of the last sentence of the previous chunk
    small.find_all(["“Russia is on the right side of history,” Araghchi said."], context)
    assert pairs(small.find_all(["“Our relationship with Moscow is close.”"], context)[0]) == [
        ("Abbas Araghchi", "Russia")]
    # without the context, nothing is resolved
    assert small.find_all(["He also accused the U.S. of provoking the war."]) == [[]]
    for _ in range(40):
        small.find_all(["Putin met Araghchi in Moscow and Tehran."], context)
    assert len(context) == 64


def test_unknown_actor_is_reported_as_written(small):
    a = small.find(["Senator Jane Doe criticized Moscow for the decision."])[0]
    assert (a.holder, a.holder_code, a.target) == ("Senator Jane Doe", "", "Russia")
    a = small.find(["Jane Doe, a spokeswoman for the group, said Moscow was wrong."])[0]
    assert (a.holder, a.holder_code, a.target) == ("Jane Doe", "", "Russia")


def test_capitalised_phrases_that_are_not_actors_are_not_holders(small):
    found = small.find_all([
        "Putin’s remarks during the St. Petersburg International Economic Forum made it clear that Moscow backs "
        "Iran.",
        "The St. Petersburg International Economic Forum opened on Monday in Russia.",
        "Oil prices rose on Monday.",
    ])
    assert found[0][0].holder == "Vladimir Putin"
    assert not any("Forum" in a.holder for found_ in found for a in found_)
    assert found[2] == []


WORDS = ["Putin", "said", "Moscow", "the Kremlin", "Iran", "he", "she", "“", "”", '"', ",", ".", "according to",
         "Senator", "Jane", "Doe", "condemned", "while", "by", "was", "praised", "’s", "remarks", "The", "minister",
         "(", ")", "—", ":", "and", "Araghchi", "told", "who", "U.S.", "Washington"]


@settings(max_examples=300, deadline=None, derandomize=True)  # deterministic in CI
@given(st.lists(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=25), max_size=4))
def test_attributions_are_well_formed(words):
    finder = Finder(Registry.from_rows(SMALL))
    sentences = [" ".join(w) for w in words]
    context = []
    found = finder.find_all(sentences, context)
    assert len(found) == len(sentences) and len(context) <= 64
    for text, attributions in zip(sentences, found):
        for a in attributions:
            assert a.holder and 0 <= a.start <= a.end <= len(text)
        assert len({(a.holder, a.target) for a in attributions}) == len(attributions)


def test_find_all_wants_a_list(small):
    with pytest.raises(TypeError):
        small.find_all("Russia condemned the strikes.")


# --- the word table ----------------------------------------------------------------------------------------------
def test_word_table_rows_are_known_kinds_without_repeats():
    from stance.holders import WORD_KINDS
    path = Path(__file__).resolve().parent.parent / "stance" / "holder_words.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and {r["kind"] for r in rows} == set(WORD_KINDS)
    pairs_ = [(r["kind"], r["word"]) for r in rows]
    assert len(pairs_) == len(set(pairs_)), "a word listed twice under one kind"
    assert all(w and w == w.strip() and "_" not in w for _, w in pairs_)
    action = ("action_noun", "action_verb")
    assert all(r["means"] == "" or r["kind"] == "pronoun" for r in rows
               if r["kind"] != "voice_pronoun" and r["kind"] not in action)
    assert all(r["means"] in ("force", "measures", "internal") for r in rows if r["kind"] in action)
    assert all(r["means"] in ("author", "participants") for r in rows if r["kind"] == "voice_pronoun")
    pyproject = (path.parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert '"holder_words.csv"' in pyproject  # shipped as package data


def test_a_bad_word_row_names_its_line():
    from stance.holders import _Words
    with pytest.raises(ValueError, match=r"words.csv:3: bad row 'verb'"):
        _Words.from_rows([{"kind": "title", "word": "Dr."}, {"kind": "verb", "word": "say"}], "words.csv")
    with pytest.raises(ValueError, match=r"words.csv:2: action_noun 'strikes' needs its kind"):
        _Words.from_rows([{"kind": "action_noun", "word": "strikes", "means": ""}], "words.csv")


def test_importing_stance_reads_no_word_table():
    code = ("import stance, stance.holders as h; assert h._words.cache_info().currsize == 0; "
            "from stance.actors import Registry; h.Finder(Registry([])).find_all(['x']); "
            "assert h._words.cache_info().currsize == 1")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.fixture(scope="module")
def world():
    """The project registry (labels/actors.csv): world actors by demonym, capital and title."""
    return Finder(Registry.load(ROOT / "labels" / "actors.csv"))


def test_stance_on_an_action_is_on_its_doer(world):
    found = world.find_all(["Israel struck targets in Gaza.", "Egypt condemned the strikes.",
                             "Turkey condemned the Israeli strikes on Syria.",
                             "Iran said the attack was a breach of the UN Charter."])
    assert pairs(found[1]) == [("Egypt", "Israel")]
    assert pairs(found[2]) == [("Turkey", "Israel")]
    assert [a.target_code for a in found[3]] != ["UN"]  # the Charter is not the UN


def test_no_stance_toward_oneself(world):
    found = world.find_all(["Kenya's foreign minister praised Kenya.", "Merz said Germany would support Ukraine."])
    assert [(a.holder, a.target) for a in found[0]] == [("Kenyan Foreign Ministry", "")]
    assert all(a.target != "Germany" for a in found[1])


def test_unregistered_titled_people_take_their_state(world):
    found = world.find_all(["Ghanaian President Kofi Mensah praised ECOWAS.",
                             "Kenya's foreign minister condemned the coup."])
    a = found[0][0]
    assert (a.holder, a.holder_code, a.target_code) == ("Kofi Mensah", "GHA", "ECOWAS")
    assert (found[1][0].holder, found[1][0].holder_code) == ("Kenyan Foreign Ministry", "KEN")


def test_behaviour_templates(world):
    """tests/holder_templates.csv: actors of every continent in template sentences; every row's holder and target
    codes (bench/holders.py reports the same rows per template and continent)."""
    with open(ROOT / "tests" / "holder_templates.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 300 and len({r["continent"] for r in rows}) >= 7
    wrong = []
    for r in rows:
        got = world.find_all([r["sentence"]])[0]
        a = got[0] if got else Attribution("", "", "", "")
        if (a.holder_code, a.target_code) != (r["holder_code"], r["target_code"]):
            wrong.append((r["sentence"], a.holder, a.holder_code, a.target, a.target_code))
    assert wrong == []


# --- a document's own voice (White House statements and readouts) -------------------------------------------------
def test_first_person_is_the_author_and_the_leaders_the_participants(world):
    voice = Voice(("Joe Biden",), ("Joe Biden", "Yoshihide Suga"))
    found = world.find_all(["We condemn Russia’s attack on Ukraine.", "I’m grateful to Poland for its support.",
                            "The leaders reaffirmed their support for Ukraine.", "They condemned North Korea.",
                            "Iran’s conduct in the region is unacceptable."], voice=voice)
    assert pairs(found[0])[:1] == [("Joe Biden", "Russia")]
    assert pairs(found[1]) == [("Joe Biden", "Poland")]
    assert pairs(found[2]) == [("Joe Biden", "Ukraine"), ("Yoshihide Suga", "Ukraine")]
    assert pairs(found[3]) == [("Joe Biden", "North Korea"), ("Yoshihide Suga", "North Korea")]
    assert pairs(found[4]) == [("Joe Biden", "Iran")]  # an unattributed judgement is the author's
    # a named owner still holds its own sentence; without a voice "we" is no one, as before
    assert pairs(world.find_all(["The United States condemns Iran."], voice=voice)[0]) == [("United States", "Iran")]
    assert world.find_all(["We condemn Russia."]) == [[]]


def test_a_statement_title_names_its_voice(world):
    v = world.voice("Readout of President Biden’s Call with Prime Minister Narendra Modi of India", "United States")
    assert v == Voice(("Joe Biden",), ("Joe Biden", "Narendra Modi"))
    v = world.voice("Statement from National Security Advisor Jake Sullivan on Iran", "United States")
    assert v.author == ("United States",)  # an aide speaks for the issuing side
    assert world.voice("G7 Leaders’ Statement on Ukraine").author == ("Group of Seven",)
    assert world.voice("Joint Statement from the United States and India").author == ("United States", "India")
    assert world.voice("Fact Sheet: New Sanctions", "United States").author == ("United States",)
    assert world.voice("CARBIS BAY G7 SUMMIT COMMUNIQUÉ", "United States").author == ("Group of Seven",)
    assert world.voice("The Wilmington Declaration Joint Statement from the Leaders of Australia, India, Japan, and "
                       "the United States").author == ("Australia", "India", "Japan", "United States")


def test_an_aide_conveying_the_principals_position_speaks_for_its_owner(world):
    found = world.find_all(["Jake Sullivan reiterated the ironclad U.S. commitment to the Philippines.",
                            "Jake Sullivan thanked Oman on behalf of President Biden.",
                            "Bernie Sanders and Barack Obama announced their own support for Biden."])
    assert pairs(found[0]) == [("United States", "Philippines")]
    assert pairs(found[1]) == [("Joe Biden", "Oman")]
    assert ("United States", "Joe Biden") not in pairs(found[2])
    found = world.find_all(["National Security Advisor Jake Sullivan met officials of Belarus.",
                            "Mr. Sullivan conveyed steadfast U.S. support for the people of Belarus.",
                            "Mr. Sullivan reaffirmed our support for Angola."], voice=Voice(("United States",)))
    assert pairs(found[1]) == [("United States", "Belarus")]
    assert pairs(found[2]) == [("United States", "Angola")]  # "our": the author's


def test_a_member_description_names_a_state_not_the_body(world):
    found = world.find_all(["Israel struck Iran.",
                            "Russia condemned the strikes by a Security Council permanent member.",
                            "Russia, a permanent member of the Security Council, condemned Israel.",
                            "A Security Council permanent member criticised Egypt."])
    assert pairs(found[1]) == [("Russia", "Israel")]
    assert pairs(found[2]) == [("Russia", "Israel")]
    assert all(a.holder_code != "UNSC" for a in found[3])


def test_a_medium_is_where_a_stance_was_said_not_whom_it_is_about(world):
    found = world.find_all(["Boris Johnson told the public via Twitter that Jeremy Corbyn wants to cancel Brexit.",
                            "Trump wrote on Twitter that Iran would pay a price.", "The US imposed sanctions on Iran."])
    assert all(a.target != "Twitter" for f in found for a in f)
    assert [a.target for a in found[1]] == ["Iran"] and [a.target for a in found[2]] == ["Iran"]


def test_a_co_holder_is_no_target(world):
    found = world.find_all(["Kenya backed a ceasefire text, alongside Ghana and Nigeria.",
                            "Egypt condemned Israel, along with Jordan.", "Egypt condemned Israel through the UN."])
    assert pairs(found[0]) == [("Kenya", "")]
    assert pairs(found[1]) == [("Egypt", "Israel")]
    assert pairs(found[2]) == [("Egypt", "Israel")]


def test_an_attack_judged_is_its_doers_act_not_the_doers_stance(world):
    found = world.find_all(["Australian Prime Minister Albanese condemned the attack by Iran.",
                            "Trump faced attacks from Democrats."])
    assert pairs(found[0]) == [("Anthony Albanese", "Iran")]
    assert pairs(found[1]) == [("Democratic Party", "Donald Trump")]  # a verbal attack: the attacker's stance


def test_coordinated_holders_each_hold_it_and_are_not_each_others_targets(world):
    found = world.find_all(["France, Germany, and the United Kingdom on Tuesday urged Iran to return to talks.",
                            "Egypt, Jordan and Saudi Arabia rejected the plan."])
    assert pairs(found[0]) == [("France", "Iran"), ("Germany", "Iran"), ("United Kingdom", "Iran")]
    assert pairs(found[1]) == [("Egypt", ""), ("Jordan", ""), ("Saudi Arabia", "")]


def test_a_passive_agent_may_follow_a_time_or_a_statement(world):
    found = world.find_all(["Turkey's drilling was condemned in a joint statement by Egypt.",
                            "The move was criticised on Monday by the African Union.",
                            "The resolution was backed by Ghana."])
    assert pairs(found[0])[0] == ("Egypt", "Turkey")
    assert pairs(found[1]) == [("African Union", "")]
    assert pairs(found[2]) == [("Ghana", "")]


def test_lashing_out_at_someone_aims_at_them(world):
    found = world.find_all(["Venezuela's Maduro lashed out at the United States over the sanctions.",
                            "Egypt took aim at Ethiopia.", "Ghana condemned the coup at the UN."])
    assert pairs(found[0]) == [("Nicolás Maduro", "United States")]
    assert pairs(found[1]) == [("Egypt", "Ethiopia")]
    assert all(a.target != "United Nations" for a in found[2])  # a venue stays a venue


def test_a_spokesperson_speaks_for_the_principal_the_sentence_names(world):
    found = world.find_all(["A spokesperson for the Egyptian foreign ministry said the strikes were unacceptable.",
                            '"This is unacceptable," a spokesman for Ghana said.',
                            "Egyptian foreign ministry spokesperson Jane Roe said the strikes were unacceptable.",
                            "Kenyan government spokesman John Doe condemned the attack."])
    assert [(a.holder, a.holder_code) for f in found for a in f[:1]] == [
        ("Egyptian Foreign Ministry", "EGY"), ("Ghana", "GHA"), ("Egyptian Foreign Ministry", "EGY"), ("Kenya", "KEN")]


def test_a_reaction_two_sentences_on_is_toward_the_doer_its_forces_named(world):
    found = world.find_all(["Israeli warplanes struck targets in southern Lebanon on Sunday.",
                            "At least 20 people were killed, officials said.",
                            "Egypt's foreign ministry condemned the strikes.",
                            "Qatar also denounced the attack.",
                            "The RSF seized the city of El Fasher.",
                            "The African Union condemned the atrocities."])
    assert [pairs(f) for f in found[2:4]] == [[("Egyptian Foreign Ministry", "Israel")], [("Qatar", "Israel")]]
    assert pairs(found[5]) == [("African Union", "Rapid Support Forces")]
    story = ["Israel struck Gaza.", "Talks resumed in Cairo.", "Aid arrived.", "The harvest began.",
             "Egypt condemned the strikes."]
    assert pairs(world.find_all(story)[-1]) == [("Egypt", "")]  # three sentences on, the strikes are no longer news


def test_a_judged_act_whose_doer_is_unknown_has_no_target_not_its_victim(world):
    found = world.find_all(["Nigeria condemned the attack on Ukraine.", "Russia condemned the sanctions on Venezuela.",
                            "The US imposed sanctions on Iran.", "Brazil condemned the coup in Niger."])
    assert [pairs(f) for f in found] == [[("Nigeria", "")], [("Russia", "")], [("United States", "Iran")],
                                         [("Brazil", "Niger")]]  # sanctions done, not judged; a coup is internal


def test_the_doer_after_by_may_follow_a_capitalised_victim(world):
    found = world.find_all(["Jordan condemned the killing of Palestinian civilians by Israeli forces."])
    assert [(a.holder, a.target_code) for a in found[0]] == [("Jordan", "ISR")]  # the Israel Defense Forces


def test_a_body_the_registry_lacks_after_a_states_possessive_is_that_states(world):
    found = world.find_all(["Haiti's Transitional Presidential Council thanked Kenya for leading the mission.",
                            "The results announced by Venezuela's National Electoral Council were rejected by Argentina.",
                            "Nikki Holland of the UK's National Crime Agency said the arrests were a warning."])
    assert [(a.holder_code, a.target_code) for f in found for a in f[:1]] == [("HTI", "KEN"), ("ARG", "VEN"),
                                                                              ("GBR", "")]  # her own body: no target


def test_a_place_where_it_happens_and_a_call_on_every_side_have_no_target(world):
    found = world.find_all(["Argentina's foreign ministry expressed concern about the humanitarian situation in Haiti.",
                            "The Red Cross called on all parties to the conflict in Sudan to spare civilians.",
                            "The AU called on all Sudanese parties to return to negotiations.",
                            "Poland condemned Russia's war in Ukraine."])
    assert [a.target for f in found for a in f[:1]] == ["", "", "", "Russia"]


def test_an_act_on_another_victim_is_not_the_remembered_doers(world):
    story = ["Israel struck targets in southern Lebanon.", "Qatar condemned the strikes.",
             "Nigeria condemned the attack on Ukraine.", "Egypt condemned the strikes on Lebanon."]
    assert [pairs(f) for f in world.find_all(story)[1:]] == [[("Qatar", "Israel")], [("Nigeria", "")],
                                                             [("Egypt", "Israel")]]


def test_a_call_on_two_sides_to_calm_down_has_no_target(world):
    found = world.find_all(["Malaysia urged both Thailand and Cambodia to exercise restraint.",
                            "Brazil called on Venezuela and Guyana to resolve their dispute peacefully.",
                            "The EU called on Russia and Belarus to withdraw their troops.",
                            "Egypt urged Israel to exercise restraint."])
    assert [a.target for f in found for a in f[:1]] == ["", "", "Russia", "Israel"]


def test_a_judged_act_as_the_subject_of_a_passive_is_toward_its_doer(world):
    found = world.find_all(["The killing of aid workers in Darfur was condemned by the World Food Programme, which "
                            "blamed the Rapid Support Forces for the attack on its convoy.",
                            "The killing of aid workers in Darfur was condemned by Kenya.",
                            "The report of the death of Alexei Navalny, which underscores Russia's brutality, was "
                            "read by Harris."])
    assert [pairs(f) for f in found[:2]] == [[("World Food Programme", "Rapid Support Forces")], [("Kenya", "")]]
    assert all(a.holder != "Alexei Navalny" for a in found[2])
    story = ["Israel struck targets in southern Lebanon.", "The strikes on Lebanon were condemned by Egypt.",
             "The Houthis' attack on the ship was condemned by Oman."]
    assert [pairs(f) for f in world.find_all(story)[1:]] == [[("Egypt", "Israel")], [("Oman", "Houthis")]]
    same_act = world.find_all(["The strikes on Lebanon were condemned by Egypt, which called them a violation of "
                               "its neighbour's sovereignty."])
    assert pairs(same_act[0]) == [("Egypt", "")]  # its second word on the act is not toward the act's victim


def test_every_agent_of_a_joint_position_holds_it(world):
    # the codebook's joint statements: one row per holder the sentence names, in the order named, in one clause
    found = world.find_all(["Turkey was condemned in a joint statement by Egypt, Greece and Cyprus on Thursday.",
                            "The raid drew criticism from Paris and Berlin.",
                            "Israel's strikes were condemned by Iran and by Hezbollah.",
                            "Israel was criticised by Sergei Lavrov, Russia's foreign minister, on Monday.",
                            "Israel was criticised by Turkey and Jordan, and Iran praised Egypt.",
                            "Ukraine thanked Poland, and Germany praised Kyiv."])
    assert [pairs(f) for f in found] == [
        [("Egypt", "Turkey"), ("Greece", "Turkey"), ("Cyprus", "Turkey")],
        [("France", ""), ("Germany", "")],
        [("Iran", "Israel"), ("Hezbollah", "Israel")],
        [("Sergey Lavrov", "Israel")],  # an apposition is no co-agent
        [("Turkey", "Israel"), ("Jordan", "Israel"), ("Iran", "Egypt")],
        [("Ukraine", "Poland"), ("Germany", "Ukraine")]]  # the object before ", and" is no co-subject
    assert len({(a.start, a.end) for a in found[0]}) == 1 and found[0][0].end > 0


def test_a_relayed_stance_is_the_relayed_holder_s_alone(world):
    # the codebook's relayed stances: "Alexander said Trump encouraged him" labels Trump's stance, not the speaker's
    found = world.find_all(["Russia said Egypt and Jordan condemned the plan.",
                            "Ruto said Ethiopia had thanked him.",
                            "Brazil said Argentina should apologise to Chile.",
                            "Kenya said Ethiopia's statements had hurt the talks."])
    assert [pairs(f) for f in found[:2]] == [[("Egypt", ""), ("Jordan", "")], [("Ethiopia", "William Ruto")]]
    assert ("Brazil", "Argentina") in pairs(found[2])  # a demand relayed is the speaker's own
    assert ("Kenya", "Ethiopia") in pairs(found[3])  # so is a judgement of another's words


def test_a_judged_act_is_toward_its_doer_after_by_not_its_recipient(world):
    found = world.find_all(["Beijing condemned the sale of weapons to Taiwan by the United States.",
                            "Kenya welcomed the deployment of troops to Haiti by the UN.",
                            "Brazil praised the contribution of Kenya to the mission led by Ghana.",
                            "Russia condemned the expulsion of diplomats from Poland by Warsaw."])
    assert [pairs(f) for f in found] == [[("China", "United States")], [("Kenya", "United Nations")],
                                         [("Brazil", "Kenya")],  # "led by": the mission's, not the act's
                                         [("Russia", "Poland")]]


def test_a_state_s_name_inside_a_body_s_name_is_the_body(world):
    found = world.find_all(["Beijing's Taiwan Affairs Office called the speech a provocation.",
                            "The Kenya Defence Forces said the raid was a failure.",
                            "The China Coast Guard accused Manila of provocation.",
                            "The Russian Government denied it, and the U.S.-Japan Alliance was praised by Canada."])
    assert [[(a.holder, a.holder_code) for a in f][:1] for f in found[:3]] == [
        [("Taiwan Affairs Office", "CHN")], [("Kenya Defence Forces", "KEN")], [("China Coast Guard", "CHN")]]
    assert pairs(found[2]) == [("China Coast Guard", "Philippines")]
    assert "Russian Government" not in [a.holder for a in found[3]]  # a demonym is no part of a name
    assert all("Japan Alliance" not in (a.holder, a.target) for a in found[3])


def test_praised_drills_are_toward_who_held_them(world):
    found = world.find_all(["China launched military drills around Taiwan on Monday.",
                            "North Korea praised the drills as a just response to U.S. provocations."])
    assert pairs(found[1]) == [("North Korea", "China")]


def test_the_victim_of_an_act_a_quotation_judges_is_no_target(world):
    found = world.find_all(["Putin met Araghchi in Moscow.", "Putin said Russia stands firmly with Iran.",
                            "“This act of aggression against Iran has no grounds,” Putin told the Iranian delegation."])
    assert pairs(found[2]) == [("Vladimir Putin", "")]  # not Iran, the victim (nor the target of the sentence before)
    story = world.find_all(["Israel struck Iran.", "“This act of aggression against Iran has no grounds,” Putin said."])
    assert pairs(story[1]) == [("Vladimir Putin", "Israel")]  # the doer, when the article names it


def test_traded_accusations_are_toward_each_other(world):
    found = world.find_all(["Thailand and Cambodia traded accusations over the border clashes.",
                            "China and the Philippines traded barbs after the collision."])
    assert [pairs(f) for f in found] == [[("Thailand", "Cambodia"), ("Cambodia", "Thailand")],
                                         [("China", "Philippines"), ("Philippines", "China")]]


def test_an_unregistered_official_described_in_apposition_is_the_holder(world):
    found = world.find_all(["Jane Wanjiru, the Kenyan foreign minister, praised Uganda.",
                            "Jane Wanjiru, Kenya's president, praised Uganda.",
                            "Jane Wanjiru, the Kenyan foreign ministry spokeswoman, praised Uganda."])
    assert [(a.holder, a.holder_code, a.target) for a in found[0]] == [("Jane Wanjiru", "KEN", "Uganda")]
    assert [(a.holder, a.holder_code) for a in found[1]] == [("Jane Wanjiru", "KEN")]
    assert [a.holder for a in found[2]] == ["Kenyan Foreign Ministry"]  # a spokesperson speaks for the principal


def test_congo_in_wire_style_is_the_drc(world):
    found = world.find_all(["Rwanda accused Democratic Republic of Congo of backing the FDLR.",
                            "Belgium reaffirmed its support for the territorial integrity of eastern Congo.",
                            "The Republic of Congo welcomed the deal."])
    assert [f[0].target_code for f in found[:2]] == ["COD", "COD"] and found[2][0].holder_code == "COG"


def test_a_speaker_reporting_an_act_or_another_s_words_holds_the_stance(world):
    found = world.find_all(["Kenya's army said Somalia's al-Shabaab had attacked a police post in Mandera.",
                            "Kenya said Sudan's accusations were unfounded."])
    assert [(f[0].holder, f[0].target) for f in found] == [("Kenya", "Al-Shabaab"), ("Kenya", "Sudan")]


def test_a_state_describing_an_armed_group_is_no_actor(world):
    found = world.find_all(["Pakistan accused the Afghan Taliban of sheltering militants.",
                            "The United States designated Yemen's Houthis a terrorist group."])
    assert [pairs(f) for f in found] == [[("Pakistan", "Taliban")], [("United States", "Houthis")]]


def test_each_coordinated_object_of_a_judging_verb_is_a_target(world):
    found = world.find_all(["Poland condemned Russia and Belarus for the drills.",
                            "China condemned the United States, Japan and the Philippines.",
                            "Turkey condemned Israel, and Iran praised it.",
                            "The EU urged Serbia and Kosovo to return to dialogue."])
    assert pairs(found[0]) == [("Poland", "Russia"), ("Poland", "Belarus")]
    assert [a.target for a in found[1]] == ["United States", "Japan", "Philippines"]
    assert ("Turkey", "Iran") not in pairs(found[2])  # Iran holds a stance of its own
    assert pairs(found[3]) == [("European Union", "")]  # a call on both sides: none


def test_a_passive_judgement_of_an_act_named_before_is_toward_its_doer(world):
    found = world.find_all(["Russia attacked Kharkiv overnight.", "The attack was condemned by Germany."])
    assert pairs(found[1]) == [("Germany", "Russia")]  # not "attack ... by Germany": Germany judged it
    found = world.find_all(["The bombing of a market in Gaza City by Israel was condemned by Turkey."])
    assert pairs(found[0]) == [("Turkey", "Israel")]


def test_places_of_a_war_or_a_mission_and_titled_officials(world):
    found = [world.find_all([t])[0] for t in [
        "The United Nations mission in Libya said it was alarmed by clashes between rival armed groups in Tripoli.",
        "Kenya raised deep concerns about the conflict in Sudan.",
        "U.N. Secretary-General António Guterres called on all parties to the conflict in Sudan to silence their guns.",
        "Eritrean Information Minister Yemane Gebremeskel dismissed the remarks of Ethiopia as reckless.",
        "Modi and Xi agreed that their countries were development partners rather than rivals."]]
    assert [f[0].target for f in found[:3]] == ["", "", ""]  # places, every side; never the holder's own office
    assert (found[2][0].holder, found[3][0].holder, found[3][0].holder_code) == (
        "António Guterres", "Yemane Gebremeskel", "ERI")
    assert pairs(found[4]) == [("Narendra Modi", "Xi Jinping"), ("Xi Jinping", "Narendra Modi")]


def test_the_ministers_of_a_list_of_states_are_its_holders(world):
    found = [world.find_all([t])[0] for t in ["The foreign ministers of Egypt, Jordan and Saudi Arabia rejected the plan.",
                                              "The leaders of France and Germany welcomed the deal."]]
    assert [pairs(f) for f in found] == [[("Egypt", ""), ("Jordan", ""), ("Saudi Arabia", "")],
                                         [("France", ""), ("Germany", "")]]


def test_claiming_an_attack_is_a_fact_not_a_stance(world):
    found = world.find_all(["Al-Shabaab claimed the bombing in Mogadishu, which was condemned by Somali President "
                            "Hassan Sheikh Mohamud."])
    assert pairs(found[0]) == [("Hassan Sheikh Mohamud", "Al-Shabaab")]


def test_a_hypothetical_or_demanded_subject_holds_no_stance(world):
    found = [world.find_all([t])[0] for t in [
        "German Chancellor Friedrich Merz said Germany would impose new sanctions if Moscow rejected the ceasefire.",
        "The Kremlin said Kyiv must accept the new territorial realities.",
        "Britain's Africa minister said the junta must release Bazoum."]]
    assert [pairs(f) for f in found[:2]] == [[("Friedrich Merz", "Russia")], [("Russia", "Ukraine")]]
    assert [(a.holder, a.holder_code) for a in found[2]] == [("United Kingdom", "GBR")]  # "Africa" is a portfolio


def test_a_go_between_takes_neither_side(world):
    found = world.find_all(["Turkey offered to mediate between Serbia and Kosovo.",
                            "Qatar hosted indirect talks between Washington and Tehran.",
                            "Brazil praised the ties between Argentina and Chile.",
                            "Norway offered to mediate, and condemned Russia.",
                            "Algeria offered to mediate between the junta and ECOWAS."])
    assert [[(a.holder, a.target) for a in f] for f in found] == [
        [("Turkey", "")], [("Qatar", "")], [("Brazil", "Argentina"), ("Brazil", "Chile")],
        [("Norway", "Russia")], [("Algeria", "")]]  # the second side, after one the registry does not know


def test_a_name_suffix_and_capitalised_allies_are_no_holders(world):
    found = world.find_all(["President Joseph R. Biden, Jr. welcomed President-elect Edmundo Gonzalez Urrutia of "
                            "Venezuela to the White House.",
                            "I am grateful to our Allies for their support, and I thanked Poland."])
    assert [(a.holder, a.target_code) for a in found[0]][:1] == [("Joe Biden", "VEN")]
    assert all(a.holder != "Allies" for a in found[1])


def test_a_single_quoted_quotation_before_its_speaker(world):
    found = world.find_all(["'We will not accept this,' said Kenyan President William Ruto."])
    assert [(a.holder, a.holder_code) for a in found[0]] == [("William Ruto", "KEN")]


def test_an_unregistered_official_described_before_the_name_is_the_holder(world):
    found = world.find_all(["Sudan's justice minister, Jane Doe, praised Uganda.",
                            "The secretary general of the Organization of American States, Jane Doe, praised Uganda.",
                            "Jane Doe, a senior Emirati foreign ministry official, praised Uganda.",
                            "Philippine coast guard spokesman Jane Doe said China was reckless.",
                            "The U.N. envoy for Syria, Jane Doe, called on all sides to keep calm."])
    assert [(f[0].holder, f[0].holder_code) for f in found] == [
        ("Jane Doe", "SDN"), ("Jane Doe", "OAS"), ("Jane Doe", "ARE"), ("Philippines", "PHL"),  # the principal speaks
        ("Jane Doe", "UN")]
    assert found[4][0].target == ""  # Syria is her portfolio
    story = world.find_all(["The Democratic Republic of Congo's foreign minister, Thérèse Kayikwamba Wagner, accused "
                            "Rwanda of aggression.", "She said Kigali had crossed a red line."])
    assert [pairs(f) for f in story] == [[("Thérèse Kayikwamba Wagner", "Rwanda")],
                                         [("Thérèse Kayikwamba Wagner", "Rwanda")]]  # no Wagner Group; "she" is hers


def test_a_call_on_both_sides_names_no_target_whatever_their_kind(world):
    found = world.find_all(["Egypt urged Israel and Hamas to return to the negotiating table.",
                            "Kenya urged both the army and the RSF to return to negotiations."])
    assert [pairs(f) for f in found] == [[("Egypt", "")], [("Kenya", "")]]


def test_the_body_a_complaint_is_filed_with_is_no_target(world):
    found = world.find_all(["Kenya filed a complaint with the African Union accusing Sudan of aggression."])
    assert pairs(found[0])[0] == ("Kenya", "Sudan")
