import numpy as np

from stance.evaluate import KeywordBaseline, grouped_folds, scores, evaluate


def generated(n_groups=12, per_group=8, seed=0):
    rng = np.random.default_rng(seed)
    words = {"support": "praised backed thanked", "condemn": "condemned slammed accused", "none": "met visited said"}
    texts, labels, groups = [], [], []
    for g in range(n_groups):
        for i in range(per_group):
            label = ["support", "condemn", "none", "none"][int(rng.integers(4))]
            texts.append(f"Actor{g} {rng.choice(words[label].split())} the plan number {i}")
            labels.append(label)
            groups.append(f"article-{g}")
    return texts, labels, groups


def test_grouped_folds_never_leak_a_group():
    _, labels, groups = generated()
    groups = np.array(groups)
    folds = grouped_folds(labels, groups, n_splits=5)
    assert len(folds) == 5
    assert sorted(np.concatenate([te for _, te in folds])) == list(range(len(groups)))
    for train, test in folds:
        assert not set(groups[train]) & set(groups[test])


def test_perfect_and_constant_predictors():
    y = ["a", "b", "b", "c", "c", "c"]
    perfect = scores(y, y, ["a", "b", "c"])
    assert perfect["macro_f1"] == 1.0 and perfect["accuracy"] == 1.0
    constant = scores(y, ["c"] * 6, ["a", "b", "c"])
    assert constant["accuracy"] == 0.5
    assert constant["per_class"]["c"]["f1"] == round(2 * 0.5 * 1 / 1.5, 4) and constant["per_class"]["a"]["f1"] == 0
    assert constant["macro_f1"] == round(constant["per_class"]["c"]["f1"] / 3, 4)
    assert constant["confusion"] == [[0, 0, 1], [0, 0, 2], [0, 0, 3]]


def test_calibration_of_certain_right_answers_is_perfect():
    s = scores(["a", "b"], ["a", "b"], ["a", "b"], proba=np.array([[1.0, 0.0], [0.0, 1.0]]))
    assert s["ece"] == 0.0 and s["brier"] == 0.0


def test_keyword_baseline_is_deterministic_and_transparent():
    rule = KeywordBaseline({"support": ("praise",), "condemn": ("condemn",), "hedge": ("declin",)})
    texts = ["They condemned it.", "She praised him.", "He declined to condemn it.", "Nothing here."]
    assert rule.predict(texts) == ["condemn", "support", "hedge", "none"] == rule.predict(texts)
    assert KeywordBaseline().predict(texts) == KeywordBaseline().predict(texts)


def test_evaluate_reports_model_and_baselines_on_the_same_folds():
    texts, labels, groups = generated()
    report = evaluate(texts, labels, groups, {"features": "word", "C": 10.0})
    assert report["model"]["macro_f1"] > report["majority"]["macro_f1"]
    assert report["majority"]["n"] == report["keyword"]["n"] == len(texts)
    assert report == evaluate(texts, labels, groups, {"features": "word", "C": 10.0})  # deterministic


def test_learning_curve_picture_has_ticks_and_labels_clear_of_the_points():
    import re

    from stance.report import evaluation_html

    texts, labels, groups = generated()
    report = {"evaluation": evaluate(texts, labels, groups, {"features": "word"}),
              "learning_curve": [{"fraction": f, "train_sentences": n, "macro_f1": v}
                                 for f, n, v in ((0.5, 40, 0.4), (1.0, 77, 0.42))]}
    report["evaluation"]["keyword"]["macro_f1"] = 0.42  # on the last point, where its label used to sit
    report["evaluation"]["majority"]["macro_f1"] = 0.41
    svg = evaluation_html(report).split('aria-label="learning curve')[1].split("</svg>")[0]
    found = re.findall(r'<text x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)<', svg)
    texts_at = [(float(x), float(y), t) for x, y, t in found]
    words = [t for _, _, t in texts_at]
    assert {"0", "40", "77"} <= set(words) and {"0.00", "0.50", "1.00"} <= set(words)  # x and y ticks
    last_x = max(float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg))
    keyword, majority = (next((x, y) for x, y, t in texts_at if t.startswith(name)) for name in ("keyword", "majority"))
    assert keyword[0] > last_x + 14 and majority[0] > last_x + 14  # right of the last point and its value
    assert abs(keyword[1] - majority[1]) >= 14  # close values, labels apart


def test_identical_texts_share_a_group_so_never_sit_on_both_sides_of_a_split():
    from stance.evaluate import duplicate_groups

    texts, labels, groups = generated()
    texts[0] = texts[-1]  # article-0 and article-11 share a sentence
    merged, duplicates = duplicate_groups(texts, groups)
    assert duplicates == 2 and merged[0] == merged[-1]
    for train, test in grouped_folds(labels, groups, n_splits=4, texts=texts):
        assert not {texts[i] for i in train} & {texts[i] for i in test}


def test_the_evaluate_page_has_a_reliability_diagram_without_a_training_calibration():
    from stance.report import evaluation_html

    texts, labels, groups = generated()
    report = {"evaluation": evaluate(texts, labels, groups, {"features": "word"})}  # what `stance evaluate` builds
    page = evaluation_html(report)
    svg = page.split('aria-label="reliability diagram"')[1].split("</svg>")[0]
    assert svg.count("<circle") == len(report["evaluation"]["model"]["reliability"]) > 0
    assert f"before (ECE {report['evaluation']['model']['ece']:.3f})" in svg and "after" not in svg


def _fake_search_scores(monkeypatch, cv: dict, cross: dict):
    """Replace the fits behind the search: the settings' C picks their CV and cross-source macro F1."""
    import stance.evaluate as ev

    def fake_proba(texts, labels, folds, params, *args):
        classes = sorted(set(labels))
        right = int(round(cv[params["C"]] * len(labels)))  # that many rows right, the rest wrong
        out = np.zeros((len(labels), len(classes)))
        for i, y in enumerate(labels):
            k = classes.index(y) if i < right else (classes.index(y) + 1) % len(classes)
            out[i, k] = 1.0
        return out

    def fake_transfer(texts, labels, sources, params, *args):
        return {s: {"model": {"macro_f1": cross[params["C"]]}} for s in sorted(set(sources))}

    monkeypatch.setattr(ev, "cross_val_proba", fake_proba)
    monkeypatch.setattr(ev, "leave_source_out", fake_transfer)


def test_the_search_weighs_cross_source_transfer_when_there_are_sources(monkeypatch):
    from stance.evaluate import search
    from stance.report import _search_text

    texts, labels, groups = generated()
    sources = ["a" if g < "article-6" else "b" for g in groups]
    # C 10 cross-validates better, C 3 transfers much better
    _fake_search_scores(monkeypatch, cv={10.0: 0.9, 3.0: 0.8}, cross={10.0: 0.3, 3.0: 0.6})
    grid = [("C", [3.0, 10.0])]
    alone = search(texts, labels, groups, grid=grid, start={"features": "word", "C": 10.0})
    assert alone["chosen"]["C"] == 10.0 and alone["transfer"] == 0.0 and "cross_source" not in alone["tried"][0]
    weighed = search(texts, labels, groups, grid=grid, start={"features": "word", "C": 10.0}, sources=sources)
    assert weighed["chosen"]["C"] == 3.0 and weighed["transfer"] == 0.5
    by_c = {t["params"]["C"]: t for t in weighed["tried"]}
    assert by_c[3.0]["cross_source"] == {"a": 0.6, "b": 0.6}
    assert abs(weighed["score"] - (0.5 * by_c[3.0]["macro_f1"] + 0.5 * 0.6)) < 1e-12
    assert weighed["cross_source_detail"] == {"a": {"model": {"macro_f1": 0.6}}, "b": {"model": {"macro_f1": 0.6}}}
    one_source = search(texts, labels, groups, grid=grid, start={"features": "word", "C": 10.0}, sources=["a"] * len(texts))
    assert one_source["chosen"]["C"] == 10.0 and one_source["transfer"] == 0.0
    # the model card's table lists every configuration tried with both figures
    weighed.pop("proba"), weighed.pop("cross_source_detail")
    text = _search_text(weighed)
    assert "0.5 x mean cross-source macro F1" in text
    assert any(line.startswith("chosen") and line.split()[-2:] == ["0.600", f"{weighed['score']:.3f}"]
               for line in text.splitlines())
    assert any(line.startswith("C 10.0") and line.split()[-2] == "0.300" for line in text.splitlines())


def test_search_with_targets_reads_names_unmasked_and_tries_a_weaker_C_first():
    """With targets the search starts unmasked, never tries mask_actors and tries C 1 (TARGET_GRID, issue 13);
    without targets it still searches SEARCH_GRID from SEARCH_START (the old behaviour)."""
    from stance.evaluate import SEARCH_GRID, TARGET_GRID, TARGET_START, search

    texts, labels, groups = generated()
    claims = [f"Actor{g.split('-')[1]} backed the plan" for g in groups]
    found = search(texts, labels, groups, n_splits=3, targets=claims)
    tried = [t["params"] for t in found["tried"]]
    assert not any(p["mask_actors"] for p in tried)
    assert tried[0] == TARGET_START and {p["C"] for p in tried} == {1.0, 3.0, 10.0}
    assert len(tried) == 1 + sum(len(v) - 1 for _, v in TARGET_GRID)  # each change once, no masked setting
    plain = [t["params"] for t in search(texts, labels, groups, n_splits=3)["tried"]]
    assert plain[0]["mask_actors"] and 1.0 not in {p["C"] for p in plain}
    assert any(name == "mask_actors" for name, _ in SEARCH_GRID)
