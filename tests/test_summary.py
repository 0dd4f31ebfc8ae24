"""Summary cells and the --holder/--target/--stance/--min-confidence filter of predict and summarize."""

import json
import subprocess

import pytest

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


# --- tables with dates: read back, grouped, drawn, exported ----------------------------------------------------------

DATED = [("2022-01-10", "Russia condemned Iran's strikes.", "a"),
         ("2022-01-20", "Moscow denounced the attack on Iran as illegal.", "b"),
         ("2022-04-02", "Russia stands firmly with Iran.", "a"),
         ("2022-04-30T10:00:00Z", "Russia condemned Iran's strikes.", "b"),
         ("", "Araghchi thanked Putin for his support.", "a")]


def run(*args):
    return subprocess.run([*stance_cmd(), *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.fixture()
def scored(tiny_model, tmp_path):
    """A dated table, scored by `stance predict` to JSONL and to CSV (the date and outlet columns kept)."""
    table = tmp_path / "dated.jsonl"
    table.write_text("".join(json.dumps({"date": d, "text": t, "outlet": o}) + "\n" for d, t, o in DATED))
    out = {}
    for fmt in ("jsonl", "csv"):
        r = run("predict", table, "--text-column", "text", "--model", tiny_model, "-f", fmt)
        assert r.returncode == 0, r.stderr
        out[fmt] = tmp_path / f"scored.{fmt}"
        out[fmt].write_text(r.stdout)
    return out


def test_summarize_by_month_from_scored_tables(scored, tmp_path):
    expected: dict = {}  # counted here from predict's own output, independently of Summary
    for line in scored["jsonl"].read_text().splitlines():
        row = json.loads(line)
        month = row["date"][:7] or "(no date)"
        for st in row["stances"] if row["stance"] != "none" else ():
            key = (month, st["holder"], st["target"], st["stance"])
            expected[key] = expected.get(key, 0) + 1
    assert len({k[0] for k in expected}) >= 2
    got = {}
    for fmt in ("jsonl", "csv"):
        r = run("summarize", scored[fmt], "--by", "date", "--date-column", "date", "--bin", "month", "-f", "json",
                "--model", tmp_path / "no-model")  # a scored table needs no model
        assert r.returncode == 0, r.stderr
        cells = json.loads(r.stdout)
        got[fmt] = {(c["date"], c["holder"], c["target"], c["stance"]): c["count"] for c in cells}
        assert [c["date"] for c in cells] == sorted((c["date"] for c in cells), key=lambda d: (d == "(no date)", d))
        assert "1 sentences have no date in a 'date' column" in r.stderr
    assert got["jsonl"] == got["csv"] == expected
    r = run("summarize", scored["jsonl"], "--by", "date", "--bin", "week", "-f", "csv", "--model", tmp_path / "x")
    assert r.stdout.splitlines()[0] == "date,holder,target,stance,count,mean_confidence,example"
    assert {line.split(",")[0] for line in r.stdout.splitlines()[1:]} <= {"2022-01-10", "2022-01-17", "2022-03-28",
                                                                         "2022-04-25", "(no date)"}


def test_summarize_by_document_and_by_a_column(scored, tiny_model, tmp_path):
    r = run("summarize", scored["jsonl"], "--by", "outlet", "-f", "json", "--model", tmp_path / "x")
    cells = json.loads(r.stdout)
    assert {c["outlet"] for c in cells} == {"a", "b"} and all("date" not in c for c in cells)
    doc = tmp_path / "news.txt"
    doc.write_text("Russia condemned the strikes on Iran.\n")
    r = run("summarize", doc, scored["jsonl"], "--by", "document", "-f", "json", "--model", tiny_model)
    assert r.returncode == 0, r.stderr
    assert [c["document"] for c in json.loads(r.stdout)][0] == str(doc)  # input order
    assert {c["document"] for c in json.loads(r.stdout)} == {str(doc), str(tmp_path / "dated.jsonl")}
    r = run("summarize", scored["jsonl"], "--by", "outlett", "--model", tmp_path / "x")
    assert r.returncode == 0 and "--by outlett: no input row has a 'outlett' column" in r.stderr
    r = run("summarize", doc, "--by", "outlet", "--by", "outlet", "--model", tiny_model)
    assert r.returncode == 2 and "each group once" in r.stderr


def test_graph_export_loads_in_networkx(scored, tiny_model, tmp_path):
    nx = pytest.importorskip("networkx")
    import pandas as pd

    out = tmp_path / "graph"
    r = run("summarize", scored["jsonl"], "--by", "date", "-f", "graph", "--out", out, "--model", tiny_model)
    assert r.returncode == 0, r.stderr
    cells = json.loads(run("summarize", scored["jsonl"], "-f", "json", "--model", tiny_model).stdout)
    want = {(c["holder"], c["target"], c["stance"]): c for c in cells if c["target"] and c["target"] != c["holder"]}
    assert want
    g = nx.read_graphml(out / "stance.graphml")
    assert g.is_directed() and g.is_multigraph()
    got = {(u, v, d["stance"]): d for u, v, d in g.edges(data=True)}
    assert set(got) == set(want)
    for key, d in got.items():
        assert d["count"] == want[key]["count"] and abs(d["weight"] - want[key]["weight"]) < 1e-3
    assert g.nodes["Russia"]["code"] == "RUS" and g.nodes["Russia"]["kind"] == "state"
    edges = pd.read_csv(out / "edges.csv", keep_default_na=False)
    nodes = pd.read_csv(out / "nodes.csv", keep_default_na=False)
    assert list(nodes.columns) == ["Id", "Label", "code", "kind", "affiliation"]
    assert {"Source", "Target", "Type", "Weight", "stance", "count", "mean_confidence"} <= set(edges.columns)
    assert set(edges["Type"]) == {"Directed"} and (edges["Target"] != "").all()
    assert (edges["Source"] != edges["Target"]).all()
    h = nx.from_pandas_edgelist(edges, "Source", "Target", edge_attr=True, create_using=nx.MultiDiGraph)
    assert h.number_of_edges() == g.number_of_edges() and set(h.nodes) <= set(nodes["Id"])
    r = run("summarize", scored["jsonl"], "-f", "graph", "--model", tiny_model)
    assert r.returncode == 2 and "--out DIR" in r.stderr


def test_split_cuts_each_row_into_sentences_keeping_its_columns(tiny_model, tmp_path, registry):
    """--split: a table of whole documents (a row a statement with its date) is read sentence by sentence; each row is
    a document of its own (TABLE#ROW), so summarize counts per date at once and --format labels rows resolve again."""
    from stance.corpus import load_user_labels

    table = tmp_path / "statements.jsonl"
    table.write_text(json.dumps({"id": "a", "date": "2022-02-24", "text": "Russia condemned Iran's strikes. "
                                 "Oil prices rose on Monday."}) + "\n"
                     + json.dumps({"id": "b", "date": "2022-03-01", "text": "Iran praised Moscow.\n\nThe summit took "
                                   "place in June. Russia condemned Iran's strikes."}) + "\n")
    r = run("predict", table, "--text-column", "text", "--split", "--model", tiny_model, "-f", "jsonl")
    got = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(g["file"], g["sentence"], g["id"], g["date"]) for g in got] == [
        (f"{table}#0", 0, "a", "2022-02-24"), (f"{table}#0", 1, "a", "2022-02-24"), (f"{table}#1", 0, "b", "2022-03-01"),
        (f"{table}#1", 1, "b", "2022-03-01"), (f"{table}#1", 2, "b", "2022-03-01")]
    assert [g["paragraph"] for g in got[2:]] == [0, 1, 1]
    two = run("predict", table, "--text-column", "text", "--split", "--model", tiny_model, "-f", "jsonl", "--jobs", "2")
    assert two.returncode == 0 and [json.loads(line) for line in two.stdout.splitlines()] == got
    r = run("summarize", table, "--text-column", "text", "--split", "--by", "date", "--model", tiny_model, "-f", "json")
    cells = {(c["date"], c["holder"], c["target"], c["stance"]): c["count"] for c in json.loads(r.stdout)}
    assert cells[("2022-02", "Russia", "Iran", "condemn")] == 1 and cells[("2022-03", "Russia", "Iran", "condemn")] == 1
    r = run("predict", table, "--text-column", "text", "--split", "--model", tiny_model, "-f", "labels")
    labels = tmp_path / "mine.csv"
    labels.write_text(r.stdout)
    rows = load_user_labels(labels, registry, {}, root=tmp_path, text_column="text")
    assert list(rows["text"])[-1] == "Russia condemned Iran's strikes." and list(rows["doc"])[-1] == f"{table}#1"
