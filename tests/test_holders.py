"""The holder rules, frozen as a table: ``tests/holder_cases.csv`` holds one row per expected attribution of a
sentence (a row with an empty holder: none is expected), with the sentences read before it (``context``, in the same
call) and after it (``next``: a quotation without a speaker takes the next sentence's). Each case names the rule its
sentence exercises. The table was written from the finder's output before the rules moved out of ``stance.actors``;
a change of behaviour shows up here as a failing case, and an intended one as a reviewed diff of the table."""

import csv
from pathlib import Path

import pytest

from stance.actors import Registry
from stance.holders import Attribution, Finder

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
