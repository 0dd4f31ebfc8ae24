"""A target column: target-aware features or a model per target value, whichever grouped cross-validation prefers."""

import json
import subprocess

import numpy as np
import pytest

from stance import StanceClassifier
from stance.train import evaluation_report
from conftest import ROOT, SEEDS, stance_cmd

# "rises" is support when the target is the index, condemn when it is the deficit; "falls" the other way round
MEANING = {"index": {"rises": "support", "falls": "condemn"}, "deficit": {"rises": "condemn", "falls": "support"}}


def opposite_rows(n_groups: int = 12) -> list[dict]:
    """Each article speaks of both targets, so no target is ever unseen in a grouped fold."""
    rows = []
    for g in range(n_groups):
        for target, meaning in MEANING.items():
            for i, verb in enumerate(["rises", "falls", "rises", "falls"]):
                rows.append({"rid": f"r{g}-{target}-{i}", "text": f"Outlet{g} reports that it {verb} sharply {i}",
                             "label": meaning[verb], "g": f"article-{g}", "target": target})
            rows.append({"rid": f"r{g}-{target}-n", "text": f"Outlet{g} mentions the topic {g}", "label": "none",
                         "g": f"article-{g}", "target": target})
    return rows


def same_meaning_rows(n_groups: int = 12) -> list[dict]:
    words = {"support": ["praised", "backed"], "condemn": ["condemned", "slammed"], "none": ["visited", "met"]}
    return [{"text": f"Actor{g} {words[label][i % 2]} the plan {i}", "label": label, "g": f"article-{g}",
             "target": ["index", "deficit"][i % 2]}
            for g in range(n_groups) for i, label in enumerate(["support", "condemn", "none", "support", "condemn"])]


def columns(rows):
    return [r["text"] for r in rows], [r["label"] for r in rows], [r["g"] for r in rows], [r["target"] for r in rows]


def test_a_sentence_that_starts_like_a_target_marker_is_only_text(per_target_model):
    clf = per_target_model
    text = "[target: index] Outlet99 reports that it rises sharply"
    # no target given: the fallback scores it, whatever the text says; the target given as data routes it
    assert np.array_equal(clf.predict_proba([text]), clf.compact_.fallback.predict_proba([text]))
    assert np.array_equal(clf.predict_proba([text], ["deficit"]), clf.compact_.models["deficit"].predict_proba([text]))
    assert not np.array_equal(clf.predict_proba([text]), clf.predict_proba([text], ["index"]))


def test_words_meaning_opposite_things_per_target_make_cv_choose_a_model_per_target():
    texts, labels, groups, targets = columns(opposite_rows())
    report = evaluation_report(texts, labels, groups, targets=targets, n_jobs=1, curve=False)
    th = report["target_handling"]
    assert th["chosen"] == "a model per target value" and th["per_target"] is True
    assert th["a model per target value"] > th["target-aware features"] + 0.2
    assert report["params"]["per_target"] is True
    assert report["evaluation"]["model"]["macro_f1"] == th["a model per target value"]
    assert set(report["by_target"]) == {"index", "deficit"}
    from stance.report import evaluation_html, evaluation_table

    assert "chosen: a model per target value" in evaluation_table(report)
    assert "a model per target value (chosen)" in evaluation_html(report)


def test_targets_that_do_not_matter_still_record_the_choice():
    texts, labels, groups, targets = columns(same_meaning_rows())
    report = evaluation_report(texts, labels, groups, targets=targets, n_jobs=1, curve=False)
    th = report["target_handling"]
    assert set(th) >= {"target-aware features", "a model per target value", "chosen", "per_target"}
    assert th["per_target"] == (th["a model per target value"] > th["target-aware features"])
    assert report["params"]["per_target"] is th["per_target"]
    assert report == evaluation_report(texts, labels, groups, targets=targets, n_jobs=1, curve=False)  # deterministic


def test_no_target_column_means_no_target_handling():
    texts, labels, groups, _ = columns(same_meaning_rows())
    report = evaluation_report(texts, labels, groups, n_jobs=1, curve=False)
    assert "target_handling" not in report and "per_target" not in report["params"]


@pytest.fixture(scope="module")
def per_target_model():
    rows = opposite_rows()
    rows += [{"text": f"Outlet{g} mentions the budget", "label": "none", "g": f"article-{g}", "target": "budget"}
             for g in range(3)]  # a target with one class: no model of its own
    texts, labels, _, targets = columns(rows)
    return StanceClassifier(per_target=True).fit(texts, labels, targets)


def test_a_model_per_target_reads_the_same_words_both_ways(per_target_model):
    clf = per_target_model
    assert clf.targets_ == ["deficit", "index"] and list(clf.classes_) == ["condemn", "none", "support"]
    out = clf.predict(["Outlet99 reports that it rises sharply"] * 2, ["index", "deficit"], explain=3)
    assert [p.label for p in out] == ["support", "condemn"]
    assert out[0].explanation and not any("target" in n for n, _ in out[0].explanation)


def test_unseen_and_single_class_targets_and_plain_texts_go_to_the_fallback(per_target_model):
    clf = per_target_model
    fallback = clf.compact_.fallback
    texts = ["Outlet99 reports that it falls sharply"] * 4
    targets = ["inflation", "budget", None, "nan"]
    assert np.array_equal(clf.predict_proba(texts, targets), fallback.predict_proba(texts, targets))
    sub = clf.compact_.models["index"]
    assert np.array_equal(clf.predict_proba(texts[:1], ["index"]), sub.predict_proba(texts[:1]))


def test_per_target_explanations_are_exact_log_odds_of_the_sub_model(per_target_model):
    clf = per_target_model
    text = "Outlet99 reports that it rises sharply"
    pipe = clf.pipeline_.pipelines["deficit"]
    d = pipe.decision_function([text])[0]
    classes = [str(c) for c in pipe.classes_]
    total = sum(w for _, w in clf.contributions(text, "condemn", "support", target="deficit"))
    intercept = pipe.named_steps["classifier"].intercept_
    expected = d[classes.index("condemn")] - d[classes.index("support")]
    assert abs(total + intercept[classes.index("condemn")] - intercept[classes.index("support")] - expected) < 1e-9
    with pytest.raises(ValueError, match="not a class"):
        clf.contributions(text, "condemn", "hedge", target="deficit")


def test_per_target_save_load_round_trip_gives_identical_probabilities(per_target_model, tmp_path):
    clf = per_target_model
    cases = [(f"Outlet{g} reports that it {v} sharply", t) for g in (1, 50) for v in ("rises", "falls")
             for t in ("index", "deficit", "budget", "elsewhere")] + [("Outlet1 reports that it rises sharply", None)]
    probe, targets = map(list, zip(*cases))
    clf.save(tmp_path / "m", {"name": "per target"})
    meta = json.loads((tmp_path / "m" / "metadata.json").read_text())
    assert meta["params"]["per_target"] is True and meta["target_models"] == ["deficit", "index"]
    assert set(meta["files"]) == {"pipeline.joblib", "model.npz", "README.md"}
    loaded = StanceClassifier.load(tmp_path / "m")
    assert loaded.per_target is True and loaded.targets_ == clf.targets_
    assert np.array_equal(loaded.predict_proba(probe, targets), clf.predict_proba(probe, targets))
    assert np.abs(loaded.pipeline_.predict_proba(probe, targets) - clf.predict_proba(probe, targets)).max() < 1e-9
    card = (tmp_path / "m" / "README.md").read_text()
    assert "A model per target value: 2 target values have their own model" in card
    doc = loaded.analyze("Outlet1 reports that it rises sharply. Nothing else.")
    assert [s.text for s in doc] == ["Outlet1 reports that it rises sharply.", "Nothing else."]


def run(*args):
    return subprocess.run([*stance_cmd(), *map(str, args)], capture_output=True, cwd=ROOT, timeout=600)


def test_train_with_a_target_column_then_predict_a_table_uses_each_rows_target(tmp_path):
    rows = opposite_rows()
    data = tmp_path / "t.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    model = tmp_path / "m"
    r = run("train", "--data", data, "--text-column", "text", "--label-column", "label", "--group-column", "g",
            "--target-column", "target", "--out", model, "--jobs", "1")
    assert r.returncode == 0, r.stderr.decode()
    assert "chosen: a model per target value" in r.stderr.decode()
    meta = json.loads((model / "metadata.json").read_text())
    assert meta["params"]["per_target"] is True and meta["evaluation"]["target_handling"]["per_target"] is True
    assert meta["target_column"] == "target" and "evaluation.html" in meta["files"]
    r = run("predict", data, "--text-column", "text", "--model", model, "--format", "jsonl")
    assert r.returncode == 0, r.stderr.decode()
    out = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert [o["rid"] for o in out] == [row["rid"] for row in rows]
    assert [o["text"] for o in out] == [row["text"] for row in rows]
    assert [o["row_target"] for o in out] == [row["target"] for row in rows]  # the input's column, renamed
    assert all(o["target"] == row["target"] for o, row in zip(out, rows) if o["stance"] != "none")
    # the same words, opposite stances, by the row's target
    assert [o["stance"] for o in out] == [row["label"] for row in rows]


def test_predicting_with_a_per_target_model_never_imports_scikit_learn(per_target_model, tmp_path):
    per_target_model.save(tmp_path / "m")
    r = subprocess.run([*stance_cmd()[:1], "-X", "importtime", "-m", "stance", "predict", SEEDS[0], "--model",
                        tmp_path / "m", "--format", "jsonl"], capture_output=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    imported = [line.split("|")[-1].strip() for line in r.stderr.decode().splitlines()
                if line.startswith("import time:")]
    assert not [m for m in imported if m.split(".")[0] in ("sklearn", "pandas", "scipy")]


def test_a_null_target_means_no_target_at_training_and_at_prediction(tmp_path):
    rows = opposite_rows(6)
    for r in rows[::7]:
        r["target"] = None
    data = tmp_path / "t.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    from stance.corpus import read_table
    from stance.train import texts_and_targets

    texts, targets = texts_and_targets(read_table(data, ["text", "target"]), "text", "target")
    assert [t is None for t in targets] == [r["target"] is None for r in rows]
