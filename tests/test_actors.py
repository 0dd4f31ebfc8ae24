import pytest

from stance.actors import Finder, Registry
from stance.errors import InputError

ROWS = [
    {"name": "Russia", "kind": "state", "affiliation": "", "code": "RUS", "aliases": "Russia|Moscow|the Kremlin"},
    {"name": "Vladimir Putin", "kind": "person", "affiliation": "Russia", "code": "RUS", "aliases": "Putin"},
    {"name": "Iran", "kind": "state", "affiliation": "", "code": "IRN", "aliases": "Iran|Tehran"},
    {"name": "Abbas Araghchi", "kind": "person", "affiliation": "Iran", "code": "IRN", "aliases": "Araghchi"},
    {"name": "United States", "kind": "state", "affiliation": "", "code": "USA", "aliases": "U.S.|Washington"},
]


@pytest.fixture()
def finder():
    return Finder(Registry.from_rows(ROWS))


def test_reported_speech(finder):
    a = finder.find(["Araghchi said Tehran condemned the U.S. strikes."])[0]
    assert (a.holder, a.holder_code, a.target, a.target_code) == ("Abbas Araghchi", "IRN", "United States", "USA")


def test_according_to(finder):
    assert finder.find(["According to Washington, Iran is to blame."])[0].holder == "United States"


def test_quotation_followed_by_its_speaker(finder):
    a = finder.find(["“This act of aggression against Iran has no grounds,” Putin told the delegation."])[0]
    assert (a.holder, a.target) == ("Vladimir Putin", "Iran")


def test_pronoun_refers_back_to_the_last_person(finder):
    out = finder.find(["Putin met the delegation in Moscow.", "He also accused the U.S. of provoking the war."])
    assert (out[1].holder, out[1].target) == ("Vladimir Putin", "United States")


def test_unknown_actor_is_reported_as_written(finder):
    a = finder.find(["Senator Jane Doe criticized Moscow for the decision."])[0]
    assert (a.holder, a.holder_code, a.target) == ("Senator Jane Doe", "", "Russia")


def test_registry_refuses_bad_rows():
    with pytest.raises(InputError, match=r"<rows>:3: unknown kind"):
        Registry.from_rows([ROWS[0], {**ROWS[1], "kind": "robot"}])
    with pytest.raises(InputError, match="affiliation 'Atlantis'"):
        Registry.from_rows([{**ROWS[1], "affiliation": "Atlantis"}])
    with pytest.raises(InputError, match="alias 'Moscow'"):
        Registry.from_rows([ROWS[0], {**ROWS[2], "aliases": "Iran|Moscow"}])
