"""Hostile and careless input (issue 16, bench/hostile.py): models survive being killed mid-save and being read by
several processes at once; bad training tables, unsafe save paths and stale leftovers are refused or cleaned; and
the promised behaviour of every case the bench checks is pinned here or beside its module."""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from stance import StanceClassifier
from conftest import ROOT, SEEDS, TINY, stance_cmd


def _table(path, rows):
    path.write_text("\n".join(json.dumps({"id": i, "text": t, "label": lab}) for i, (t, lab) in enumerate(rows)) + "\n")
    return path


# A child process saves a new model over the old one and SIGKILLs itself just before the k-th file-system step of
# the save (every joblib.dump, write_text, fsync and the final swap): every moment of a save, deterministically.
SAVE_AND_DIE = """
import os, signal, sys, joblib, pathlib
import stance.model as m
sys.path.insert(0, {tests!r})
from conftest import TINY
steps, k = [0], int(sys.argv[2])
def dying(f):
    def wrapper(*a, **kw):
        steps[0] += 1
        if steps[0] == k:
            os.kill(os.getpid(), signal.SIGKILL)
        return f(*a, **kw)
    return wrapper
joblib.dump = dying(joblib.dump)
pathlib.Path.write_text = dying(pathlib.Path.write_text)
os.fsync = dying(os.fsync)
m._swap_into_place = dying(m._swap_into_place)
clf = m.StanceClassifier(C=1).fit([t + " again" for t, _ in TINY] * 2, [lab for _, lab in TINY] * 2)
clf.save(sys.argv[1], {{"name": "new"}})
print(steps[0])
"""


def test_a_save_killed_at_every_step_leaves_the_old_or_the_new_model(tmp_path):
    out = tmp_path / "model"
    StanceClassifier(C=10).fit(*map(list, zip(*TINY))).save(out, {"name": "old"})
    script = tmp_path / "save_and_die.py"
    script.write_text(SAVE_AND_DIE.format(tests=str(ROOT / "tests")))
    seen, k, total = [], 1, None
    while total is None or k <= total:
        r = subprocess.run([sys.executable, script, out, str(k)], capture_output=True, cwd=ROOT, timeout=120)
        if r.returncode == 0:
            total = int(r.stdout)  # no kill happened: k was past the last step
            seen.append(StanceClassifier.load(out).metadata_["name"])
            StanceClassifier(C=10).fit(*map(list, zip(*TINY))).save(out, {"name": "old"})
        else:
            assert r.returncode == -signal.SIGKILL, r.stderr.decode()
            seen.append(StanceClassifier.load(out).metadata_["name"])  # raises if half-written
        k += 1
    # every kill before the swap leaves the old model, every one after it (the folder's fsync) the new one
    switched = seen.index("new")
    assert total >= 5 and switched >= 5 and seen == ["old"] * switched + ["new"] * (len(seen) - switched)


@pytest.mark.parametrize("files_seen", [1])
def test_killing_train_during_its_save_leaves_a_model_that_loads(tmp_path, files_seen):
    """SIGKILL `stance train` once its save has begun (the new version folder exists and holds ``files_seen`` files):
    the model path gives the old model or the whole new one."""
    out = tmp_path / "model"
    old = StanceClassifier(C=10).fit(*map(list, zip(*TINY)))
    old.save(out, {"name": "old"})
    before = old.predict_proba(["Russia condemned the strikes."])
    live = out.resolve().name
    data = _table(tmp_path / "data.jsonl", [(f"{t} ({i})", lab) for i in range(5) for t, lab in TINY])
    proc = subprocess.Popen([*stance_cmd(), "train", "--data", data, "--out", out, "--jobs", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    reached, deadline = False, time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        new = [p for p in tmp_path.glob(".model.v-*") if p.name != live and p.is_dir()]  # not the save's lock file
        try:
            held = len(list(new[0].iterdir())) if new else 0
        except OSError:  # the folder moved on between the glob and the listing
            held = 0
        if held >= files_seen:
            proc.send_signal(signal.SIGKILL)
            reached = True
            break
    proc.wait()
    loaded = StanceClassifier.load(out)  # raises if the folder is half-written
    if loaded.metadata_.get("name") == "old":
        assert np.array_equal(loaded.predict_proba(["Russia condemned the strikes."]), before)
    else:
        assert loaded.metadata_["training_files"]
    assert reached, "the save was never caught in progress"


def test_two_predict_processes_on_one_model_at_once(tiny_model):
    cmd = [*stance_cmd(), "predict", *SEEDS, "--model", tiny_model, "--format", "jsonl"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e.decode() for _, e in outs]
    assert outs[0][0] == outs[1][0] and outs[0][0].count(b"\n") == 121


def test_predict_with_two_processes_gives_the_same_records(tiny_model):
    def run(jobs):
        r = subprocess.run([*stance_cmd(), "predict", ROOT / "seeds", "--model", tiny_model, "--format", "jsonl",
                            "--jobs", str(jobs)], capture_output=True, cwd=ROOT, timeout=300)
        assert r.returncode == 0, r.stderr.decode()
        return r.stdout

    assert run(1) == run(2)


def test_two_jobs_give_the_same_records_on_a_generated_corpus_of_several_batches(tiny_model, tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import write_folder

    from stance.documents import analyze_files, expand_inputs

    write_folder(tmp_path / "corpus", 2_500_000)  # three joblib batches of about 1 MB
    (tmp_path / "corpus" / "rows.csv").write_text("id,text\nA7,Russia condemned the strikes.\n")
    items = expand_inputs([str(tmp_path / "corpus")], "*.*")
    clf = StanceClassifier.load(tiny_model)
    one = [r.to_dict() for r in analyze_files(clf, items, text_column="text")]
    assert one == [r.to_dict() for r in analyze_files(clf, items, text_column="text", n_jobs=2)]
    assert len(one) > 10_000 and one[-1]["file"].endswith("rows.csv") and one[-1]["id"] == "A7"


# --- hostile training tables (issue 16, #5 and #12): one line naming the file (and line), exit 1, before any work ---

from test_cli import one_clean_line, run  # noqa: E402

FOUR = [("Russia condemned the strikes on Iran.", "condemn"), ("Moscow denounced the attack.", "condemn"),
        ("Iran thanked Russia for its support.", "support"), ("Tehran praised the ties with Moscow.", "support"),
        ("Russia declined to offer guarantees.", "hedge"), ("Putin offered to mediate.", "hedge"),
        ("The summit took place in June.", "none"), ("Oil prices rose on Monday.", "none")]


def _jsonl(path, rows, bad_line=None, bad_value=None):
    lines = []
    for i, (t, y) in enumerate(rows, 1):
        lines.append(f'{{"text": {json.dumps(t)}, "label": {bad_value}}}' if i == bad_line
                     else json.dumps({"text": t, "label": y}))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("name, rows, message", [
    ("one class", [(t, "none") for t, _ in FOUR], "every row has the label 'none'"),
    ("one row", FOUR[:1], "every row has the label 'condemn'"),
    ("a single-row label", FOUR * 3 + [("Kyiv welcomed it.", "welcome")], "'welcome' have a single row"),
    ("two rows per class", FOUR, "too few rows per label for 5-fold cross-validation"),
])
def test_training_tables_cross_validation_cannot_split_are_refused_in_one_line(tmp_path, name, rows, message):
    data = _jsonl(tmp_path / "t.jsonl", rows)
    r = run("train", "--data", data, "--out", tmp_path / "m", "--jobs", "1")
    line = one_clean_line(r.stderr)
    assert r.returncode == 1 and str(data) in line and message in line
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("value, what", [("null", "is null"), ("NaN", "is NaN"), ("7", "is 7 (a number)"),
                                         ('""', "is empty"), ('"nan"', "is 'nan' (a missing value")])
def test_a_jsonl_label_that_is_not_text_is_refused_with_its_line(tmp_path, value, what):
    data = _jsonl(tmp_path / "t.jsonl", FOUR * 3, bad_line=3, bad_value=value)
    r = run("train", "--data", data, "--out", tmp_path / "m", "--jobs", "1")
    assert r.returncode == 1 and f"t.jsonl:3: label column label {what}" in one_clean_line(r.stderr)


@pytest.mark.parametrize("cell", ["", "NaN", "nan"])
def test_empty_and_nan_csv_labels_are_not_classes(tmp_path, cell):
    data = tmp_path / "t.csv"
    data.write_text("text,label\n" + "".join(f"{t},{cell if i == 4 else y}\n" for i, (t, y) in enumerate(FOUR * 3)))
    r = run("train", "--data", data, "--out", tmp_path / "m", "--jobs", "1")
    assert r.returncode == 1 and "t.csv:6: label column label is" in one_clean_line(r.stderr)


@pytest.mark.parametrize("cell", ["", "NaN"])
def test_evaluate_refuses_a_missing_label_as_train_does(tmp_path, tiny_model, cell):
    data = tmp_path / "t.csv"
    data.write_text("text,label\n" + "".join(f"{t},{cell if i == 4 else y}\n" for i, (t, y) in enumerate(FOUR * 3)))
    r = run("evaluate", "--model", tiny_model, "--data", data, "--text-column", "text", "--label-column", "label",
            "--jobs", "1")
    assert r.returncode == 1 and "t.csv:6: label column label is" in one_clean_line(r.stderr)


def test_duplicated_rows_are_named_and_never_score_themselves(tmp_path):
    data = tmp_path / "dup.jsonl"
    # words that say nothing of the label: only a copy of a test row on the training side could score them right
    rows = [(f"Zorblat{i} quenk{i} mirvo{i}.", ("condemn", "hedge", "none", "support")[i % 4]) for i in range(20)]
    data.write_text("".join(json.dumps({"text": t, "label": y}) + "\n" for t, y in rows) * 50)
    r = run("train", "--data", data, "--out", tmp_path / "m", "--jobs", "1")
    err = r.stderr.decode()
    assert r.returncode == 0 and "1000 training sentences are duplicates" in err
    model_f1 = float(err.split("cross-validated in")[1].split("macro F1 ")[1].split()[0])
    assert model_f1 < 0.6  # memorised copies would give 1.000


def test_the_label_set_is_what_the_table_holds_and_is_printed(tmp_path):
    from stance.corpus import read_table

    data = tmp_path / "t.jsonl"
    data.write_text("".join(json.dumps({"text": t, "label": y + " ", "target": None if i % 2 else "Iran"}) + "\n"
                            for i, (t, y) in enumerate(FOUR * 3)))
    frame = read_table(data, ["text", "label", "target"], label_column="label")
    assert sorted(set(frame["label"])) == ["condemn", "hedge", "none", "support"]
    assert list(frame.index[:3]) == [1, 2, 3] and set(frame["target"]) == {"", "Iran"}  # null is "" as in a CSV
    r = run("train", "--data", data, "--out", tmp_path / "m", "--jobs", "1")
    assert r.returncode == 0, r.stderr.decode()
    assert "24 rows, labels: condemn 6, hedge 6, none 6, support 6" in r.stderr.decode()


# --- saving (issue 16, #1, #21, #22) ---

def _fitted():
    texts, labels = zip(*(TINY * 2))
    return StanceClassifier(C=10).fit(list(texts), list(labels))


@pytest.mark.parametrize("kind", ["folder", "file", "empty folder"])
def test_save_refuses_a_path_that_is_not_a_model_of_ours_and_touches_nothing(tmp_path, kind):
    from stance.errors import ModelError

    out = tmp_path / "mine"
    if kind == "file":
        out.write_text("keep")
    else:
        out.mkdir()
        if kind == "folder":
            (out / "notes.txt").write_text("keep")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(ModelError, match="not replacing it"):
        _fitted().save(out)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert kind == "empty folder" or (out.read_text() if kind == "file" else (out / "notes.txt").read_text()) == "keep"


def test_the_cli_keeps_its_own_message_for_a_folder_that_is_not_a_model(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    data = _table(tmp_path / "d.jsonl", TINY * 3)
    r = run("train", "--data", data, "--out", tmp_path / "mine", "--jobs", "1")
    assert r.returncode == 1 and "choose a new or empty path for --out" in one_clean_line(r.stderr)
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep"


def test_a_saved_model_folder_has_the_umasks_permissions(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        _fitted().save(tmp_path / "m")
    finally:
        os.umask(old)
    folder = (tmp_path / "m").resolve()
    assert oct(folder.stat().st_mode & 0o777) == "0o755"
    assert {oct(p.stat().st_mode & 0o777) for p in folder.iterdir()} == {"0o644"}


@pytest.mark.skipif(sys.platform == "win32" or __import__("os").geteuid() == 0, reason="root reads every folder")
def test_a_model_folder_that_cannot_be_read_is_one_line_exit_1(tmp_path):
    import os

    _fitted().save(tmp_path / "m")
    os.chmod((tmp_path / "m").resolve(), 0)
    try:
        r = run("explain", "Russia condemned it.", "--model", tmp_path / "m")
        assert r.returncode == 1 and "cannot read" in one_clean_line(r.stderr)
    finally:
        os.chmod((tmp_path / "m").resolve(), 0o755)


def test_stale_leftovers_of_a_killed_save_are_removed_at_the_next_save(tmp_path):
    import os

    _fitted().save(tmp_path / "m")
    old = time.time() - 3600
    stale = [tmp_path / ".m.v-20200101T000000-000000000-999999", tmp_path / ".m.tmp-abc"]
    for folder in stale:
        folder.mkdir()
        (folder / "model.npz").write_bytes(b"half")
        os.utime(folder, (old, old))
    (tmp_path / ".m.v-20200101T000000-000000000-999999.lock").write_text("")  # its save was killed: nobody holds it
    os.utime(tmp_path / ".m.v-20200101T000000-000000000-999999.lock", (old, old))
    (tmp_path / ".m.link-999999").symlink_to(stale[0].name)
    os.utime(tmp_path / ".m.link-999999", (old, old), follow_symlinks=False)
    _fitted().save(tmp_path / "m")
    assert [p.name for p in tmp_path.iterdir() if p.name != "m"] == [(tmp_path / "m").resolve().name]


def test_a_version_another_save_is_writing_is_left_alone(tmp_path):
    import os

    from stance.model import _hold, _release

    _fitted().save(tmp_path / "m")
    busy = tmp_path / ".m.v-20200101T000000-000000000-999999"
    lock = _hold(busy)  # as a concurrent `stance train` holds it while it writes
    try:
        busy.mkdir()
        old = time.time() - 3600
        os.utime(busy, (old, old))
        _fitted().save(tmp_path / "m")
        assert busy.is_dir()
    finally:
        _release(lock, busy)
    _fitted().save(tmp_path / "m")
    assert not busy.exists()


# --- promised behaviours of the hostile table (bench/hostile.py) not pinned elsewhere ---

def test_html_past_its_size_is_refused_with_a_pointer_to_summarize(tiny_model, tmp_path, monkeypatch):
    import stance.cli

    monkeypatch.setattr(stance.cli, "HTML_MAX_SENTENCES", 3)
    (tmp_path / "big.txt").write_text("Russia condemned the strikes.\n" * 5)
    r = run("predict", tmp_path / "big.txt", "--model", tiny_model, "--format", "html")
    assert r.returncode == 1 and "summarize" in one_clean_line(r.stderr)


def test_html_reads_the_text_column_of_a_table(tiny_model, tmp_path):
    (tmp_path / "rows.csv").write_text("id,text\nA7,Russia condemned the strikes.\n")
    r = run("predict", tmp_path / "rows.csv", "--text-column", "text", "--model", tiny_model, "--format", "html")
    assert r.returncode == 0 and b"A7,Russia" not in r.stdout and b"Russia condemned the strikes." in r.stdout


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_an_empty_table_gives_an_empty_result(tiny_model, tmp_path, suffix):
    (tmp_path / f"empty{suffix}").write_text("")
    r = run("predict", tmp_path / f"empty{suffix}", "--text-column", "text", "--model", tiny_model, "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout) == []


def test_a_latin1_table_is_decoded_with_a_warning_naming_the_line(tiny_model, tmp_path):
    (tmp_path / "latin.csv").write_bytes("id,text\n1,Caf\u00e9 Moscow condemned it.\n".encode("latin-1"))
    r = run("predict", tmp_path / "latin.csv", "--text-column", "text", "--model", tiny_model, "--format", "jsonl")
    assert r.returncode == 0 and "latin.csv:2: not valid UTF-8" in one_clean_line(r.stderr)
    assert json.loads(r.stdout)["text"].startswith("Caf\u00e9")


def test_utf16_with_a_bom_is_decoded(tiny_model, tmp_path):
    (tmp_path / "u16.txt").write_bytes("Russia condemned the strikes.\n".encode("utf-16"))
    r = run("predict", tmp_path / "u16.txt", "--model", tiny_model, "--format", "jsonl")
    assert r.returncode == 0 and json.loads(r.stdout)["text"] == "Russia condemned the strikes."


def test_csv_safe_quotes_formula_cells(tiny_model, tmp_path):
    (tmp_path / "f.csv").write_text('id,text\n"=HYPERLINK(1)","=1+1 Russia condemned it."\n')
    r = run("predict", tmp_path / "f.csv", "--text-column", "text", "--model", tiny_model, "--format", "csv",
            "--csv-safe")
    rows = list(csv.DictReader(io.StringIO(r.stdout.decode())))
    assert r.returncode == 0 and rows[0]["id"] == "'=HYPERLINK(1)" and all(
        not v.startswith(("=", "+", "@")) for row in rows for v in row.values() if v)


def test_two_jobs_keep_the_order_of_a_table_before_a_document(tiny_model, tmp_path):
    (tmp_path / "rows.csv").write_text("id,text\nA7,Russia condemned the strikes.\n")
    (tmp_path / "doc.txt").write_text("Russia condemned the strikes. Iran thanked Moscow.\n")

    def out(jobs):
        r = subprocess.run([*stance_cmd(), "predict", tmp_path / "rows.csv", tmp_path / "doc.txt", "--text-column",
                            "text", "--model", tiny_model, "-f", "jsonl", "--jobs", str(jobs)], capture_output=True,
                           cwd=ROOT, timeout=300)
        assert r.returncode == 0, r.stderr.decode()
        return r.stdout

    assert out(1) == out(2)


def test_a_reader_that_goes_away_gets_a_quiet_exit_141(tiny_model, tmp_path):
    (tmp_path / "long.txt").write_text("Russia condemned the strikes. Iran thanked Moscow.\n" * 20000)
    proc = subprocess.Popen([*stance_cmd(), "predict", tmp_path / "long.txt", "--model", tiny_model, "-f", "jsonl"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert json.loads(proc.stdout.readline())["sentence"] == 0
    proc.stdout.close()  # as `| head -1` does
    err = proc.stderr.read()
    assert proc.wait(timeout=300) == 141 and err == b""


def _alive_in_group(pgid: int) -> list[str]:
    """The processes of a process group still running (a zombie waiting for init to reap it is not)."""
    ps = subprocess.run(["ps", "-eo", "pgid=,pid=,stat="], capture_output=True, text=True).stdout.splitlines()
    return [line for line in ps if line.split()[0] == str(pgid) and "Z" not in line.split()[2]]


def test_ctrl_c_during_two_jobs_is_one_line_exit_130_and_leaves_no_worker(tiny_model, tmp_path):
    (tmp_path / "long.txt").write_text("Russia condemned the strikes. Iran thanked Moscow.\n" * 40000)
    proc = subprocess.Popen([*stance_cmd(), "predict", tmp_path / "long.txt", tmp_path / "long.txt", "--model",
                             tiny_model, "-f", "jsonl", "--jobs", "2"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT, start_new_session=True)
    proc.stdout.readline()  # the workers are scoring
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C on a terminal does: the whole foreground group
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and b"Traceback" not in err and len(err.splitlines()) <= 1
    deadline = time.monotonic() + 20
    while _alive_in_group(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _alive_in_group(proc.pid) == []


def test_zero_width_characters_stay_in_text_and_never_reach_the_features(tiny_model):
    """``text`` is the source at its offsets, zero-width characters included; the scores and actors are those of the
    sentence without them, in a document and for a raw string alike."""
    src = "Russia con\u200ddemned the stri\u200bkes. Iran thanked Moscow.\n"
    clf = StanceClassifier.load(tiny_model)
    first = clf.analyze(src)[0]
    assert first.text == src[first.start:first.end] == "Russia con\u200ddemned the stri\u200bkes."
    clean = clf.analyze("Russia condemned the strikes. Iran thanked Moscow.\n")[0]
    assert first.scores == clean.scores and first.holder == clean.holder == "Russia"
    assert clf.predict([first.text])[0].scores == clean.scores
