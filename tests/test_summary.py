"""Summary cells and the --holder/--target/--stance/--min-confidence filter of predict and summarize."""

import json
import subprocess

from conftest import ROOT, stance_cmd
from stance.records import ActorStance, SentenceStance
from stance.summary import Filter, Summary


def rec(label, conf, *stances):
    return SentenceStance(0, 0, 1, "x", label, conf, {label: conf},
                          stances=tuple(ActorStance(h, hc, t, tc, s, conf) for h, hc, t, tc, s in stances))


def test_filter_by_name_code_stance_and_confidence():
    r = rec("condemn", 0.8, ("Russia", "RUS", "United States", "USA", "condemn"),
            ("Russia", "RUS", "Iran", "IRN", "hedge"))
    assert Filter(holder=["rus"]).keep(r) and Filter(holder=["Russia"]).keep(r)
    assert Filter(target=["IRN"]).keep(r) and not Filter(target=["Israel"]).keep(r)
    assert Filter(stance=["hedge"]).keep(r) and not Filter(stance=["support"]).keep(r)
    assert not Filter(min_confidence=0.9).keep(r)
    assert Filter(stance=["none"]).keep(rec("none", 0.9))
    s = Summary(keep=Filter(target=["IRN"]))
    s.add(r)
    assert [(c["holder"], c["target"], c["stance"]) for c in s.cells()] == [("Russia", "Iran", "hedge")]


def test_predict_and_summarize_filters(tiny_model, tmp_path):
    doc = tmp_path / "d.txt"
    doc.write_text("Russia condemned the strikes on Iran. Araghchi thanked Putin for his support. "
                   "Oil prices rose on Monday.", encoding="utf-8")
    r = subprocess.run([*stance_cmd(), "predict", str(doc), "--model", str(tiny_model), "-f", "jsonl",
                        "--holder", "RUS"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    got = [json.loads(line) for line in r.stdout.splitlines()]
    assert r.returncode == 0 and [g["holder"] for g in got] == ["Russia"]
    r = subprocess.run([*stance_cmd(), "summarize", str(doc), "--model", str(tiny_model), "-f", "json",
                        "--stance", "support"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0 and {c["stance"] for c in json.loads(r.stdout)} == {"support"}
    r = subprocess.run([*stance_cmd(), "summarize", str(doc), "--model", str(tiny_model), "--stance", "maybe"],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 2 and "--stance 'maybe'" in r.stderr


def test_by_affiliation_rolls_unregistered_people_up_by_their_code(registry):
    """A person the registry lacks ("Argentine President Jane Doe", given ARG by the finder) counts under her state;
    a name without a state's code stays itself; a self-target after roll-up is left out."""
    s = Summary(registry)
    s.add(rec("condemn", 0.9, ("Jane Doe", "ARG", "Israel", "ISR", "condemn"),
              ("John Roe", "", "Israel", "ISR", "condemn"), ("Jane Doe", "ARG", "Argentina", "ARG", "condemn")))
    assert [(c["holder"], c["target"]) for c in s.cells()] == [("Argentina", "Israel"), ("John Roe", "Israel")]
