import csv
import re

import pytest
from conftest import ROOT, SEEDS

from stance.actors import Registry
from stance.errors import InputError
from stance.text import split_sentences

ROWS = [
    {"name": "Russia", "kind": "state", "affiliation": "", "code": "RUS", "aliases": "Russia|Moscow|the Kremlin"},
    {"name": "Vladimir Putin", "kind": "person", "affiliation": "Russia", "code": "RUS", "aliases": "Putin"},
    {"name": "Iran", "kind": "state", "affiliation": "", "code": "IRN", "aliases": "Iran|Tehran"},
    {"name": "Abbas Araghchi", "kind": "person", "affiliation": "Iran", "code": "IRN",
     "aliases": "Araghchi|Foreign Minister Araghchi"},
    {"name": "United States", "kind": "state", "affiliation": "", "code": "USA", "aliases": "U.S.|Washington"},
    {"name": "Israel", "kind": "state", "affiliation": "", "code": "ISR", "aliases": "Israel"},
]


def test_registry_refuses_bad_rows():
    with pytest.raises(InputError, match=r"<rows>:3: unknown kind"):
        Registry.from_rows([ROWS[0], {**ROWS[1], "kind": "robot"}])
    with pytest.raises(InputError, match="affiliation 'Atlantis'"):
        Registry.from_rows([{**ROWS[1], "affiliation": "Atlantis"}])
    with pytest.raises(InputError, match="alias 'Moscow'"):
        Registry.from_rows([ROWS[0], {**ROWS[2], "aliases": "Iran|Moscow"}])


def _reference_mentions(rows):
    """The mention finder as it was: one regex alternation of every alias, longest first."""
    aliases = {}
    for row in rows:
        for alias in [row["name"], *(a.strip() for a in row["aliases"].split("|"))]:
            if alias:
                aliases[alias] = row["name"]
    words = sorted(aliases, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, words)) + r")(?![\w])")
    return lambda text: [(m.start(), m.end(), aliases[m.group(0)]) for m in pattern.finditer(text)]


def test_fast_mention_finder_matches_the_regex_on_every_seed_sentence():
    with open(ROOT / "labels" / "actors.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    registry = Registry.from_rows(rows)
    reference = _reference_mentions(rows)
    sentences = [s.text for path in SEEDS for s in split_sentences(path.read_text(encoding="utf-8"))]
    sentences += ["The Kremlin, the Kremlin’s U.S.-Iran talks; @GregAbbott_TX said Putin. President Putin!",
                  "U.S.A. Putin's Putinism, Russia-Iran, xRussia, Russia_, Russia2 Moscow.Tehran"]
    assert len(sentences) > 100
    for text in sentences:
        assert [(m.start, m.end, m.actor.name) for m in registry.mentions(text)] == reference(text), text


def test_lookup_and_roll_up():
    registry = Registry.from_rows(ROWS)
    assert registry.lookup("the Kremlin").name == "Russia"
    assert registry.lookup("the kremlin") is None and registry.lookup("Atlantis") is None
    assert registry.roll_up("Abbas Araghchi") == "Iran" and registry.roll_up("Jane Doe") == "Jane Doe"
    assert registry.code("Vladimir Putin") == "RUS" and registry.code("Jane Doe") == ""
    assert "Iran" in registry and len(registry) == len(ROWS)


def test_merged_adds_replaces_and_moves_aliases(tmp_path):
    base = Registry.from_rows(ROWS)
    extra = tmp_path / "extra.csv"
    extra.write_text("name,kind,affiliation,code,aliases\n"
                     "Jane Moyo,person,Iran,,Moyo|Minister Moyo\n"
                     "Russian Kremlin,organisation,Russia,RUS,the Kremlin\n", encoding="utf-8")
    reg = base.merged(extra)
    assert reg.lookup("Moyo").name == "Jane Moyo" and reg.code("Jane Moyo") == "IRN"  # code from its state
    assert reg.lookup("the Kremlin").name == "Russian Kremlin"  # the alias moved to the extra row
    assert "the Kremlin" not in reg.get("Russia").aliases
    assert base.lookup("the Kremlin").name == "Russia" and "Jane Moyo" not in base  # the base is unchanged
    again = reg.merged([{"name": "Jane Moyo", "kind": "person", "affiliation": "Russia", "code": "RUS",
                         "aliases": "Moyo"}])
    assert again.roll_up("Jane Moyo") == "Russia" and len(again) == len(reg)  # same name: replaced


@pytest.mark.parametrize("body, message", [
    ("Jane Moyo,person,Atlantis,,Moyo\n", "extra.csv:2: affiliation 'Atlantis'"),
    ("Jane Moyo,person,,,Moyo\nJohn Moyo,person,,,Moyo\n", "extra.csv:3: alias 'Moyo'"),
    ("Jane Moyo,human,,,Moyo\n", "extra.csv:2: unknown kind 'human'"),
])
def test_merged_errors_name_the_file_and_line(tmp_path, body, message):
    extra = tmp_path / "extra.csv"
    extra.write_text("name,kind,affiliation,code,aliases\n" + body, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        Registry.from_rows(ROWS).merged(extra)
