"""stance.distributed and `stance predict --scheduler`: the same records as --jobs 1, written as partition files that
are whole or absent, a worker killed mid-run, resuming, and the failures a user can make (one line, exit 1 or 2)."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import ROOT, SEEDS
from test_cli import one_clean_line, run, run_process

distributed = pytest.importorskip("distributed", reason="stance[dask] is not installed")

sys.path.insert(0, str(ROOT / "bench"))
from generate import write_folder  # noqa: E402

from stance import StanceClassifier  # noqa: E402
from stance.distributed import ClusterError, model_identity, plan, score_corpus, score_frame  # noqa: E402
from stance.documents import analyze_files, analyze_rows, expand_inputs  # noqa: E402

OPTIONS = {"format": "jsonl", "text_column": None, "explain": 0, "filter": {}}


def expected(clf, items, text_column=None) -> bytes:
    """What `stance predict --format jsonl --jobs 1` writes for ``items``."""
    return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n"
                   for r in analyze_files(clf, items, text_column=text_column)).encode()


def parts(out, the_plan) -> bytes:
    return b"".join((out / the_plan.part(i)).read_bytes() for i in range(len(the_plan.partitions)))


@pytest.fixture(scope="module")
def clf(tiny_model):
    return StanceClassifier.load(tiny_model)


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A generated corpus (bench/generate.py, fixed seed) with a CSV and a JSONL table among the documents."""
    folder = tmp_path_factory.mktemp("corpus")
    write_folder(folder / "docs", 300_000)
    (folder / "rows.csv").write_text('id,text\n1,Russia condemned the strikes.\n2,"Oil rose, again."\n3,\n',
                                     encoding="utf-8")
    (folder / "rows.jsonl").write_text('{"id": 12345678901234567890, "text": "Iran thanked Russia."}\n'
                                       '{"id": 2, "text": null}\n', encoding="utf-8")
    docs = expand_inputs([str(folder / "docs")])
    return [*docs[:5], str(folder / "rows.csv"), *docs[5:], str(folder / "rows.jsonl")]


def test_the_partition_files_in_order_are_the_jobs_1_output_on_the_seeds(clf, client, tmp_path):
    items = [str(s) for s in SEEDS]
    the_plan = plan(items, model_identity(clf), OPTIONS, partition_bytes=5000)
    assert len(the_plan.partitions) == 2
    outcome = score_corpus(clf, the_plan, tmp_path / "out", client)
    assert (outcome.scored, outcome.skipped, outcome.records) == (2, 0, 121)
    assert parts(tmp_path / "out", the_plan) == expected(clf, items)
    assert len(outcome.worker_peak_mb) == 2 and all(mb > 0 for mb in outcome.worker_peak_mb.values())


def test_a_generated_corpus_with_tables_gives_the_same_records_as_jobs_1(clf, client, corpus, tmp_path):
    options = {**OPTIONS, "text_column": "text"}
    the_plan = plan(corpus, model_identity(clf), options, partition_bytes=40_000)
    assert len(the_plan.partitions) >= 6
    outcome = score_corpus(clf, the_plan, tmp_path / "out", client)
    want = expected(clf, corpus, "text")
    got = parts(tmp_path / "out", the_plan)
    assert got == want  # byte for byte, so the same set of records, in the same order
    assert b'"id": 12345678901234567890' in got  # a table's values exactly as read
    warnings = []
    list(analyze_files(clf, corpus, text_column="text", warn=warnings.append))
    assert outcome.warnings == warnings and "rows.jsonl:2: column text is null" in warnings[0]  # as --jobs 1 says
    keys = [(r["file"], r["sentence"]) for r in map(json.loads, got.splitlines())]
    assert len(keys) == len(set(keys)) == outcome.records  # the order key is unique


def test_a_rerun_with_the_same_out_skips_complete_partitions_and_redoes_a_missing_one(clf, client, tmp_path):
    items = [str(s) for s in SEEDS]
    the_plan = plan(items, model_identity(clf), OPTIONS, partition_bytes=1)
    out = tmp_path / "out"
    score_corpus(clf, the_plan, out, client)
    again = score_corpus(clf, the_plan, out, client)
    assert (again.scored, again.skipped) == (0, 3)
    (out / the_plan.part(1)).unlink()
    (out / ".part-00002.jsonl.tmp-1-dead").write_text("half a partition")  # left by a killed worker
    third = score_corpus(clf, the_plan, out, client)
    assert (third.scored, third.skipped) == (1, 2)
    assert parts(out, the_plan) == expected(clf, items)
    assert sorted(p.name for p in out.iterdir()) == ["_manifest.json", *(the_plan.part(i) for i in range(3))]


def test_out_of_another_run_or_of_the_user_is_refused_and_left_alone(clf, client, tmp_path):
    from stance.errors import InputError

    items = [str(s) for s in SEEDS]
    out = tmp_path / "out"
    score_corpus(clf, plan(items, model_identity(clf), OPTIONS), out, client)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(InputError, match="other inputs, model or options"):
        score_corpus(clf, plan(items, model_identity(clf), {**OPTIONS, "explain": 5}), out, client)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="no _manifest.json"):
        score_corpus(clf, plan(items, model_identity(clf), OPTIONS), mine, client)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def _executing(dask_worker):
    return [key for key, task in dask_worker.state.tasks.items() if task.state == "executing"]


class KillPartition0Worker(threading.Thread):
    """SIGKILL, once, the worker process that has been executing the first partition (the big one) for 0.3 s."""

    def __init__(self, c):
        super().__init__(daemon=True)
        self.c, self.killed, self.stop = c, [], threading.Event()

    def run(self):
        since = {}
        while not self.stop.wait(0.05):
            for worker, keys in self.c.run(_executing).items():
                if not any(isinstance(k, tuple) and k[1] == 0 for k in keys):
                    since.pop(worker, None)
                elif time.monotonic() - since.setdefault(worker, time.monotonic()) >= 0.3:
                    os.kill(self.c.run(os.getpid, workers=[worker])[worker], signal.SIGKILL)
                    self.killed.append(worker)
                    return


@pytest.fixture()
def big_first(tmp_path):
    """A corpus whose first file takes seconds to score and the others a fraction of a second each."""
    write_folder(tmp_path / "big", 900_000)
    big = tmp_path / "big.txt"
    big.write_text("".join(p.read_text(encoding="utf-8") for p in sorted((tmp_path / "big").glob("*.txt"))),
                   encoding="utf-8")
    write_folder(tmp_path / "small", 150_000)
    return [str(big), *expand_inputs([str(tmp_path / "small")])]


@pytest.mark.parametrize("allowed_failures", [3, 0])
def test_a_worker_killed_mid_run_loses_and_duplicates_no_sentence(clf, big_first, tmp_path, allowed_failures):
    """With retries the run finishes with every sentence exactly once (or, when dask reports the partition cancelled
    rather than retried, fails naming it and the same call completes the run); without, it fails naming the partition
    not scored, and the same call again scores only that one."""
    the_plan = plan(big_first, model_identity(clf), OPTIONS, partition_bytes=25_000)
    out = tmp_path / "out"
    want = expected(clf, big_first)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  scheduler_kwargs={"allowed_failures": allowed_failures}) as cluster, \
            distributed.Client(cluster) as c:
        killer = KillPartition0Worker(c)
        killer.start()
        if allowed_failures:
            try:
                outcome = score_corpus(clf, the_plan, out, c)
                assert outcome.scored == len(the_plan.partitions)
            except ClusterError as e:  # the other outcome: one line naming what was not scored, then resume
                message = str(e)
                print(message)
                assert "\n" not in message and "part-00000.jsonl (" in message and "big.txt" in message
                c.wait_for_workers(2, timeout=60)
                outcome = score_corpus(clf, the_plan, out, c)
                assert outcome.scored + outcome.skipped == len(the_plan.partitions) and outcome.scored >= 1
        else:
            with pytest.raises(ClusterError) as e:
                score_corpus(clf, the_plan, out, c)
            message = str(e.value)
            print(message)
            assert "\n" not in message and message.startswith(f"1 of {len(the_plan.partitions)} partitions not "
                                                              "scored: part-00000.jsonl (")
            assert "big.txt" in message and "KilledWorker" in message
            assert not (out / the_plan.part(0)).exists()
            c.wait_for_workers(2, timeout=60)  # the nanny restarted the killed one
            outcome = score_corpus(clf, the_plan, out, c)
            assert (outcome.scored, outcome.skipped) == (1, len(the_plan.partitions) - 1)
        killer.stop.set()
        killed = killer.killed
        assert killed and killed[0] not in c.scheduler_info()["workers"]
    got = parts(out, the_plan)
    assert got == want
    keys = [(r["file"], r["sentence"]) for r in map(json.loads, got.splitlines())]
    assert len(keys) == len(set(keys)) == want.count(b"\n")
    print(f"killed {killed[0]}; {len(keys)} sentences in {len(the_plan.partitions)} partitions, each exactly once")
    assert not list(out.glob(".part-*"))


def test_parquet_partitions_hold_the_same_records_under_one_schema(clf, client, corpus, tmp_path):
    import pyarrow.parquet as pq

    items = [*map(str, SEEDS), *corpus[-3:]]
    options = {**OPTIONS, "format": "parquet", "text_column": "text", "explain": 5}
    the_plan = plan(items, model_identity(clf), options, partition_bytes=5_000)
    assert len(the_plan.partitions) >= 3
    score_corpus(clf, the_plan, tmp_path / "out", client)
    got = pq.read_table(tmp_path / "out").to_pylist()  # the folder is one dataset: _manifest.json is skipped
    want = [r.to_dict() for r in analyze_files(clf, items, text_column="text", explain=5)]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        raw = g.pop("row")
        row = json.loads(raw) if raw is not None else {}
        assert row == {k: w.pop(k) for k in list(w) if k not in g}  # the table's own columns, exactly as read
        assert {**g, "explanation": [[e["ngram"], e["weight"]] for e in g["explanation"]]} == \
            {**w, "explanation": w.get("explanation", [])}


def test_score_frame_scores_each_row_of_a_dask_dataframe_as_predict_does(clf, client):
    import dask.dataframe as dd
    import pandas as pd

    texts = [r.text for r in analyze_files(clf, [str(SEEDS[0])])]
    frame = pd.DataFrame({"text": texts, "id": [f"s{i}" for i in range(len(texts))]},
                         index=pd.RangeIndex(100, 100 + len(texts)))
    scored = score_frame(dd.from_pandas(frame, npartitions=3), "text", clf, client).compute()
    want = analyze_rows(clf, texts)
    assert list(scored.index) == list(frame.index) and list(scored["id"]) == list(frame["id"])
    assert list(scored["stance"]) == [r.label for r in want]
    assert list(scored["confidence"]) == pytest.approx([r.confidence for r in want], abs=1e-12)
    assert [json.loads(s) for s in scored["stances"]] == [[a.to_dict() for a in r.stances] for r in want]


# --- the command --------------------------------------------------------------------------------------------------

def test_predict_scheduler_local_writes_what_predict_jobs_1_prints(tiny_model, corpus, tmp_path):
    items = [*map(str, SEEDS), *corpus]
    one = run_process("predict", *items, "--model", tiny_model, "--text-column", "text", "--format", "jsonl")
    assert one.returncode == 0, one.stderr.decode()
    r = run_process("predict", *items, "--model", tiny_model, "--text-column", "text", "--scheduler", "local",
                    "--jobs", "2", "--out", tmp_path / "out", "--partition-mb", "0.05")
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout == b""
    assert "Traceback" not in r.stderr.decode() and "scored" in r.stderr.decode()
    manifest = json.loads((tmp_path / "out" / "_manifest.json").read_text())
    assert b"".join((tmp_path / "out" / p).read_bytes() for p in manifest["parts"]) == one.stdout
    again = run_process("predict", *items, "--model", tiny_model, "--text-column", "text", "--scheduler", "local",
                        "--jobs", "2", "--out", tmp_path / "out", "--partition-mb", "0.05")
    assert again.returncode == 0 and f"scored 0 partitions (0 records), {len(manifest['parts'])} complete from an " \
        "earlier run" in again.stderr.decode()


def test_an_unreadable_input_is_named_and_the_others_are_scored(tiny_model, clf, tmp_path):
    r = run_process("predict", SEEDS[0], tmp_path / "missing.txt", "--model", tiny_model, "--scheduler", "local",
                    "--jobs", "1", "--out", tmp_path / "out")
    assert r.returncode == 1
    err = r.stderr.decode()
    assert "Traceback" not in err and "missing.txt: cannot read" in err and "scored 1 of 2 inputs" in err
    assert (tmp_path / "out" / "part-00000.jsonl").read_bytes() == expected(clf, [str(SEEDS[0])])


def test_a_bad_scheduler_address_is_one_line_and_exit_1(tiny_model, tmp_path):
    for address in ("tcp://127.0.0.1:1", "nonsense"):
        r = run_process("predict", SEEDS[0], "--model", tiny_model, "--scheduler", address, "--out", tmp_path / "o")
        assert r.returncode == 1
        assert one_clean_line(r.stderr).startswith(f"stance: error: --scheduler {address}: cannot connect")


@pytest.mark.parametrize("args, says", [
    (["--out", "o"], "without --scheduler"),
    (["--scheduler", "local"], "needs --out"),
    (["--scheduler", "local", "--out", "o", "--format", "csv"], "--format csv"),
    (["--format", "parquet"], "without --scheduler"),
    (["--scheduler", "local", "--out", "o", "--split"], "--split and --author are not available with --scheduler"),
    (["--scheduler", "local", "--out", "o", "--author", "Joe Biden"], "not available with --scheduler"),
])
def test_scheduler_usage_errors_exit_2(tiny_model, tmp_path, args, says):
    r = run("predict", SEEDS[0], "--model", tiny_model, *args, cwd=tmp_path)
    assert r.returncode == 2 and says in one_clean_line(r.stderr)
    assert list(tmp_path.iterdir()) == []


def test_stdin_cannot_go_to_a_cluster(tiny_model, tmp_path):
    r = run("predict", "-", "--model", tiny_model, "--scheduler", "local", "--out", tmp_path / "o", stdin=b"x.")
    assert r.returncode == 1 and "<stdin>: cannot be scored on a cluster" in one_clean_line(r.stderr)


def test_plain_predict_never_imports_dask(tiny_model, clf):
    code = ("import sys; from stance.cli import main; sys.argv = ['stance', 'predict', sys.argv[1], '--model', "
            "sys.argv[2], '--format', 'jsonl', '--jobs', '2']\ntry:\n    main()\nexcept SystemExit as e:\n"
            "    assert not e.code, e.code\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed', 'pyarrow'}), "
            "file=sys.stderr)")
    r = subprocess.run([sys.executable, "-c", code, str(SEEDS[0]), str(tiny_model)], capture_output=True, cwd=ROOT,
                       timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stderr.decode().strip().splitlines()[-1] == "[]"
    assert r.stdout == expected(clf, [str(SEEDS[0])])
