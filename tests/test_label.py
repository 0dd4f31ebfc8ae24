"""`stance label` end to end: piped keys, a pseudo-terminal, resume, kill -9, undo, wrong keys; the queue and the file."""

import csv
import io
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, TINY, stance_cmd
from stance.label import LABEL_COLUMNS, LabelFile, Retrainer, Session, build_queue

DOC = """Russia condemned the strikes on Iran. The meeting was held in the Kremlin.

Putin offered to mediate rather than take sides. Oil prices rose on Monday.
Araghchi thanked Putin for his support. The summit took place in June.
"""


@pytest.fixture()
def doc(tmp_path) -> Path:
    p = tmp_path / "news.txt"
    p.write_text(DOC, encoding="utf-8")
    return p


def label(model, doc, out, keys: str, *extra):
    return subprocess.run([*stance_cmd(), "label", str(doc), "--out", str(out), "--model", str(model),
                           "--labeller", "tester", *map(str, extra)],
                          input=keys, capture_output=True, text=True, cwd=ROOT, timeout=300)


def rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == LABEL_COLUMNS
        out = list(reader)
    assert all(None not in r and None not in r.values() for r in out)
    return out


def test_piped_answers_land_in_the_csv(tiny_model, doc, tmp_path):
    out = tmp_path / "mine.csv"
    r = label(tiny_model, doc, out, "n\nn\nk\nq\n")
    assert r.returncode == 0, r.stderr
    got = rows(out)
    assert len(got) == 2 and {g["stance"] for g in got} == {"none"}
    assert all(g["labeller"] == "tester" and g["doc"] == str(doc) and len(g["sha1"]) == 40 for g in got)
    assert all(g["labelled_at"].endswith("+00:00") for g in got)
    text = DOC
    for g in got:  # offsets point at the sentence
        assert text[int(g["start"]):int(g["end"])].strip()
    assert "labelled 2 sentences (none 2); skipped 1" in r.stderr


def test_stances_and_holder_choice(tiny_model, doc, tmp_path):
    out = tmp_path / "mine.csv"
    # c with no holder asks for one: typed registry name; then t picks a target by number, then s saves
    r = label(tiny_model, doc, out, "n\nn\nn\nn\nn\nn\n", "--batch", "1")
    assert r.returncode == 0
    out2 = tmp_path / "two.csv"
    r = label(tiny_model, doc, out2, "o\nRussia\nt\nIran\nc\nq\n")
    assert r.returncode == 0, r.stderr
    got = rows(out2)
    assert [(g["holder"], g["holder_code"], g["target"], g["target_code"], g["stance"]) for g in got] == \
        [("Russia", "RUS", "Iran", "IRN", "condemn")]


def test_wrong_key_and_unknown_actor_get_a_clear_message(tiny_model, doc, tmp_path):
    out = tmp_path / "mine.csv"
    r = label(tiny_model, doc, out, "x\no\nNarnia\n\nn\nq\n")
    assert r.returncode == 0
    assert "unknown key 'x': expected one of a s c h n o t k u q" in r.stdout
    assert "unknown actor 'Narnia'" in r.stdout
    assert len(rows(out)) == 1


def test_resume_does_not_ask_again(tiny_model, doc, tmp_path):
    out = tmp_path / "mine.csv"
    label(tiny_model, doc, out, "n\nn\nq\n")
    first = {(g["doc"], g["sentence"]) for g in rows(out)}
    r = label(tiny_model, doc, out, "n\nn\nn\nn\nq\n")
    assert "2 already in" in r.stderr
    got = rows(out)
    keys = [(g["doc"], g["sentence"]) for g in got]
    assert len(keys) == len(set(keys)) == 6 and first <= set(keys)
    r = label(tiny_model, doc, out, "")
    assert "0 to ask" in r.stderr and r.returncode == 0


def test_undo_removes_the_last_answer_and_asks_it_again(tiny_model, doc, tmp_path):
    out = tmp_path / "mine.csv"
    r = label(tiny_model, doc, out, "n\nn\nu\nu\nq\n")
    assert r.returncode == 0, r.stderr
    assert rows(out) == [] and r.stdout.count("undone:") == 2
    r = label(tiny_model, doc, out, "n\nn\nu\nk\nq\n")
    got = rows(out)
    assert len(got) == 1  # the second answer undone, then skipped
    assert "labelled 1 sentences (none 1); skipped 1; undone 1" in r.stderr
    r = label(tiny_model, doc, out, "u\nq\n")
    assert "nothing to undo in this session" in r.stdout


def test_kill_9_leaves_a_valid_csv(tiny_model, doc, tmp_path):
    out = tmp_path / "mine.csv"
    p = subprocess.Popen([*stance_cmd(), "label", str(doc), "--out", str(out), "--model", str(tiny_model)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT, text=True)
    for _ in range(3):
        p.stdin.write("n\n")
        p.stdin.flush()
        while "saved:" not in p.stdout.readline():
            pass
    p.kill()  # SIGKILL mid-session
    p.wait(30)
    assert len(rows(out)) == 3
    # a torn last line (killed during a write) is cut off on the next start, and said so
    with open(out, "a", encoding="utf-8") as f:
        f.write(f"{doc},99,0,3,Rus")
    r = label(tiny_model, doc, out, "q\n")
    assert "torn last line" in r.stderr
    assert len(rows(out)) == 3


def test_ctrl_c_exits_with_a_summary(tiny_model, doc, tmp_path):
    out = tmp_path / "mine.csv"
    p = subprocess.Popen([*stance_cmd(), "label", str(doc), "--out", str(out), "--model", str(tiny_model)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, text=True)
    p.stdin.write("n\n")
    p.stdin.flush()
    while "saved:" not in p.stdout.readline():
        pass
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    assert p.returncode == 130
    assert "interrupted: labelled 1 sentences (none 1)" in err and "Traceback" not in err
    assert len(rows(out)) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_in_a_pseudo_terminal(tiny_model, doc, tmp_path):
    import pty

    out = tmp_path / "mine.csv"
    master, slave = pty.openpty()
    p = subprocess.Popen([*stance_cmd(), "label", str(doc), "--out", str(out), "--model", str(tiny_model)],
                         stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, close_fds=True)
    os.close(slave)
    seen = b""

    def until(marker: bytes, timeout=60):
        nonlocal seen
        end = time.time() + timeout
        while marker not in seen and time.time() < end:
            if select.select([master], [], [], 0.5)[0]:
                try:
                    seen += os.read(master, 4096)
                except OSError:
                    break
        assert marker in seen, seen.decode(errors="replace")[-2000:]

    until(b"key [")
    os.write(master, b"z\n")
    until(b"unknown key 'z'")
    os.write(master, b"n\n")
    until(b"saved: none")
    os.write(master, b"q\n")
    until(b"answers in")
    p.wait(30)
    os.close(master)
    assert p.returncode == 0
    assert len(rows(out)) == 1


# --- the library ---------------------------------------------------------------------------------------------------

def test_queue_orders_by_uncertainty_and_drops_near_duplicates(tiny_model):
    from stance import StanceClassifier

    clf = StanceClassifier.load(tiny_model)
    text = ("Russia condemned the strikes on Iran. Russia condemned the strikes on Iran! "
            "Russia has condemned the strikes on Iran on Monday. Oil prices rose on Monday.")
    recs = clf.analyze(text)
    items, counts = build_queue(recs)
    assert counts["duplicates"] >= 1
    assert [it.score for it in items] == sorted((it.score for it in items), reverse=True)
    shuffled, _ = build_queue(recs, strategy="random", seed=1)
    assert len(shuffled) == len(items)
    texts = [it.record.text for it in items]
    assert sum(t.startswith("Russia condemned the strikes") for t in texts) == 1


def test_label_file_undo_is_atomic_and_keeps_a_plain_table(tmp_path):
    f = LabelFile(tmp_path / "x.csv")
    f.append([{"doc": "d", "sentence": 0, "stance": "none", "sha1": "a"}])
    f.append([{"doc": "d", "sentence": 1, "holder": "Russia", "stance": "condemn", "sha1": "b"},
              {"doc": "d", "sentence": 1, "holder": "Russia", "target": "Iran", "stance": "hedge", "sha1": "b"}])
    assert len(f.undo()) == 2
    f.close()
    assert LabelFile(tmp_path / "x.csv").done == {("d", 0, "a")}
    assert not list(tmp_path.glob(".x.csv.*"))  # no temporary file left behind


def test_retrain_in_the_background_reranks(tiny_model, tmp_path):
    from stance import StanceClassifier

    clf = StanceClassifier.load(tiny_model)
    items, _ = build_queue(clf.analyze(DOC, explain=3))
    texts, labels = zip(*TINY)
    rt = Retrainer(clf, lambda: (list(texts), list(labels)))
    notes = []
    s = Session(items, LabelFile(tmp_path / "m.csv"), keys=io.StringIO("n\n" * 3), show=io.StringIO(),
                log=notes.append, retrain_every=2, retrainer=rt)
    s.run()
    rt.wait(60)
    s._maybe_retrain()
    assert any("retraining in the background" in n for n in notes)
    assert any(n.startswith("stance: retrained on") and "re-ranked" in n for n in notes), notes


def test_predict_format_labels_writes_the_label_table(tiny_model, doc):
    r = subprocess.run([*stance_cmd(), "predict", str(doc), "--model", str(tiny_model), "--format", "labels"],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr
    got = list(csv.DictReader(io.StringIO(r.stdout)))
    assert tuple(got[0]) == LABEL_COLUMNS
    assert {g["sentence"] for g in got} == {str(i) for i in range(6)}
    assert all((g["stance"] == "none") == (g["holder"] == "") for g in got)
    assert any(g["holder"] == "Russia" and g["stance"] == "condemn" for g in got)


def test_predicted_labels_corrected_and_fed_back_with_add(tiny_model, doc, project_copy, tmp_path):
    """The round trip: predict --format labels, correct a row, train --add; the correction is what the model learns,
    and --test shows its fixed-split scores beside cross-validation, on stderr, in the model card and the page."""
    r = subprocess.run([*stance_cmd(), "predict", str(doc), "--model", str(tiny_model), "--format", "labels"],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    got = list(csv.DictReader(io.StringIO(r.stdout)))
    oil = next(g for g in got if g["sentence"] == "3")  # "Oil prices rose on Monday."
    assert oil["stance"] == "none"
    oil.update(holder="Russia", target="Iran", stance="hedge")  # a (deliberately odd) correction
    mine = tmp_path / "mine.csv"
    with open(mine, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(got[0]))
        w.writeheader()
        w.writerows(got)
    test = tmp_path / "test.csv"
    test.write_text("text,label\n" + "".join(f'"{t}",{y}\n' for t, y in TINY), encoding="utf-8")
    model = tmp_path / "m"
    r = subprocess.run([*stance_cmd(), "train", "--root", str(project_copy), "--datasets", str(tmp_path / "none"),
                        "--add", str(mine), "--test", str(test), "--out", str(model), "--jobs", "1"],
                       capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    meta = json.loads((model / "metadata.json").read_text())
    assert str(mine) in meta["training_files"] and str(test) in meta["training_files"]
    assert any(f"{mine}: 6 sentences" in n for n in meta["notes"])
    assert meta["evaluation"]["test"]["model"]["n"] == len(TINY)
    for text in (r.stderr, (model / "README.md").read_text(), (model / "evaluation.html").read_text()):
        assert "model, cross-validated" in text and "model, test" in text and "keyword rule, test" in text
    from stance import StanceClassifier

    # the model was fitted on the corrected row (in-sample): it learnt the correction, not the proposal
    assert StanceClassifier.load(model).predict(["Oil prices rose on Monday."])[0].label == "hedge"


def test_add_with_data_is_a_usage_error(tmp_path):
    (tmp_path / "d.csv").write_text("text,label\na,b\n")
    r = subprocess.run([*stance_cmd(), "train", "--data", str(tmp_path / "d.csv"), "--add", str(tmp_path / "d.csv"),
                        "--out", str(tmp_path / "m")], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 2 and "--add adds rows to the project's labels" in r.stderr


def test_label_a_table_of_documents_with_split(tiny_model, tmp_path, registry):
    """--split: the rows of a table of whole documents are labelled sentence by sentence, and the answers resolve
    again for train --add (TABLE#ROW)."""
    from stance.corpus import load_user_labels

    table = tmp_path / "statements.jsonl"
    table.write_text(json.dumps({"date": "2022-02-24", "text": "Russia condemned the strikes on Iran. Oil prices rose "
                                 "on Monday."}) + "\n")
    out = tmp_path / "mine.csv"
    r = label(tiny_model, table, out, "n\nn\n", "--text-column", "text", "--split")
    assert r.returncode == 0, r.stderr
    got = rows(out)
    assert sorted((g["doc"], g["sentence"], g["stance"]) for g in got) == [(f"{table}#0", "0", "none"),
                                                                            (f"{table}#0", "1", "none")]
    resolved = load_user_labels(out, registry, {}, root=tmp_path, text_column="text")
    assert set(resolved["text"]) == {"Russia condemned the strikes on Iran.", "Oil prices rose on Monday."}
