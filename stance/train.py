"""Training runs: the project's default model from its labels, or a model from any labelled table.

Both search the settings inside grouped cross-validation, report the chosen model beside the majority-class and keyword
baselines, fit on everything and save the model folder with its metadata and model card. A table with a target column
also lets cross-validation choose between target-aware features and a model per target value.
"""

from __future__ import annotations

import platform
import subprocess
import time
import warnings
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import numpy as np

from stance import __version__
from stance.corpus import Corpus, load_project, read_table
from stance.files import sha256
from stance.evaluate import (PROJECT_GRID, duplicate_groups, evaluate, grouped_folds, learning_curve,
                             leave_source_out, scores, search, target_handling)
from stance.features import normalise_targets
from stance.model import StanceClassifier

__all__ = ["train_project", "train_table", "evaluation_report", "test_report", "texts_and_targets"]

NO_TARGET = "(no target)"  # how the by-target figures name rows without a target


def _versions() -> dict:
    import joblib
    import sklearn

    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__, "joblib": joblib.__version__,
            "numpy": np.__version__, "stance": __version__}


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True, timeout=5).stdout.strip()
        return out.stdout.strip() + ("+dirty" if dirty else "") if out.returncode == 0 else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def evaluation_report(texts, labels, groups, *, search_settings: bool = True, params: dict | None = None,
                      sources=None, targets=None, n_jobs: int = 2, random_state: int = 0, curve: bool = True,
                      log: Callable[[str], None] = lambda s: None, keep: dict | None = None, registry=None,
                      grid=None) -> dict:
    """Search settings (or take ``params``), then evaluate them and both baselines under grouped 5-fold CV.

    With ``targets`` (each text's target, passed beside the texts; None: no target) of more than one value and
    ``search_settings``, the searched settings are then tried with target-aware features and with a model per target
    value under the evaluation's folds; the better macro F1 is kept (a tie keeps target-aware features) and both
    scores go to ``report["target_handling"]``. ``params`` given without a search are evaluated as they are.
    ``grid``: the search's (None: :func:`stance.evaluate.search` picks it, by whether any text has a target)."""
    texts, labels, groups = list(texts), [str(x) for x in labels], list(groups)
    targets = normalise_targets(targets, len(texts)) if targets is not None else None
    report: dict = {}
    _, duplicates = duplicate_groups(texts, groups)
    if duplicates:
        log(f"warning: {duplicates} training sentences are duplicates (their text is another's); identical texts "
            "are kept in one group, so never on both sides of a split")
        report["duplicate_texts"] = duplicates
    folds = grouped_folds(labels, groups, 5, random_state, texts)  # one set of folds for search and evaluation
    proba = None
    if search_settings:
        t = time.perf_counter()
        report["search"] = search(texts, labels, groups, random_state=random_state, n_jobs=n_jobs, targets=targets,
                                  folds=folds, registry=registry, grid=grid, sources=sources)
        params, proba = report["search"]["chosen"], report["search"].pop("proba")
        detail = report["search"].pop("cross_source_detail")
        if detail is not None:
            report["cross_source"] = detail
        sr = report["search"]
        log(f"searched {len(sr['tried'])} settings in {time.perf_counter() - t:.1f}s: {params} (CV macro F1 "
            f"{sr['macro_f1']:.3f}" + (f", with cross-source transfer weighed in: score {sr['score']:.3f})"
                                       if sr["transfer"] else ")"))
    if search_settings and targets is not None and len(set(targets)) > 1:
        t = time.perf_counter()
        report["target_handling"], probas = target_handling(texts, labels, groups, params, random_state=random_state,
                                                            n_jobs=n_jobs, targets=targets)
        chosen = report["target_handling"]["per_target"]
        params, proba = {**(params or {}), "per_target": chosen}, probas[chosen]
        log(f"target handling in {time.perf_counter() - t:.1f}s: "
            + ", ".join(f"{k} {v:.3f}" for k, v in report["target_handling"].items() if isinstance(v, float))
            + f"; chosen: {report['target_handling']['chosen']}")
    t = time.perf_counter()
    if proba is None:
        from stance.evaluate import cross_val_proba

        proba = cross_val_proba(texts, labels, folds, params, random_state, n_jobs, targets, registry)
    ev = evaluate(texts, labels, groups, params, random_state=random_state, n_jobs=n_jobs, proba=proba,
                  targets=targets, folds=folds, registry=registry)
    predictions = ev.pop("predictions")
    report["evaluation"] = ev
    classes = ev["model"]["labels"]
    named = [NO_TARGET if t is None else t for t in targets] if targets is not None else None
    for key, values in (("by_source", sources), ("by_target", named)):
        if values is not None and len(set(values)) > 1:
            report[key] = {str(v): scores([labels[i] for i in range(len(labels)) if values[i] == v],
                                          [predictions[i] for i in range(len(labels)) if values[i] == v], classes)
                           for v in sorted(set(values))}
    if keep is not None:
        keep["proba"], keep["classes"] = proba, classes
    log(f"cross-validated in {time.perf_counter() - t:.1f}s: macro F1 {ev['model']['macro_f1']:.3f} "
        f"(majority {ev['majority']['macro_f1']:.3f}, keyword {ev['keyword']['macro_f1']:.3f})")
    if curve:
        report["learning_curve"] = learning_curve(texts, labels, groups, params, random_state=random_state, n_jobs=n_jobs,
                                                  targets=targets)
    report["params"] = params
    return report


def calibrate(proba: np.ndarray, labels: list[str], classes: list[str]) -> dict:
    """Temperature scaling fitted on grouped out-of-fold probabilities, with the ECE and reliability bins before and
    after (on the same out-of-fold rows: the temperature is one number, so the optimism is small)."""
    from stance.evaluate import calibration
    from stance.features import fit_temperature, scale

    y = np.array([classes.index(label) for label in labels])
    temperature = fit_temperature(proba, y)
    before, after = calibration(labels, proba, classes), calibration(labels, scale(proba, temperature), classes)
    return {"temperature": temperature, "ece_before": before["ece"], "ece_after": after["ece"],
            "brier_before": before["brier"], "brier_after": after["brier"],
            "reliability_before": before["reliability"], "reliability_after": after["reliability"]}


def heldout_report(tune, held, params, random_state: int = 0, registry=None, temperature: float = 1.0) -> dict:
    """The fixed held-out score: a model with ``params`` fitted on the tuning sentences, scored once on the held-out
    world-news documents, overall and by source, beside the keyword rule."""
    from stance.evaluate import KeywordBaseline

    clf = StanceClassifier(**(params or {}), random_state=random_state)
    clf.registry = registry
    clf.fit(list(tune["text"]), list(tune["label"]))
    clf.compact_.temperature = temperature
    classes = sorted(set(tune["label"]) | set(held["label"]))
    proba = np.zeros((len(held), len(classes)))
    proba[:, [classes.index(str(c)) for c in clf.classes_]] = clf.predict_proba(list(held["text"]))
    pred = [classes[i] for i in proba.argmax(axis=1)]
    keyword = [k if k in classes else "none" for k in KeywordBaseline().predict(list(held["text"]))]
    labels, sources = list(held["label"]), list(held["source"])
    out = {"n": len(held), "documents": int(held["group"].nunique()),
           "model": scores(labels, pred, classes, proba), "keyword": scores(labels, keyword, classes),
           "by_source": {}}
    for src in sorted(set(sources)):
        rows = [i for i, s in enumerate(sources) if s == src]
        out["by_source"][src] = {"model": scores([labels[i] for i in rows], [pred[i] for i in rows], classes),
                                 "keyword": scores([labels[i] for i in rows], [keyword[i] for i in rows], classes)}
    return out


def train_project(root: str | Path = ".", out: str | Path = "models/stance", datasets=None, n_jobs: int = 2,
                  log: Callable[[str], None] = lambda s: None, add=(), test: str | Path | None = None,
                  text_column: str = "text", label_column: str = "label") -> tuple[StanceClassifier, dict]:
    """The default model: every project label (seeds, plus NewsMTSC when its dataset folder is there), plus the rows
    of the user's label tables ``add`` (:func:`stance.corpus.add_user_labels`: the user's row wins on a sentence both
    label).

    The settings search, grouped cross-validation and the leave-one-source-out figures use the tuning sentences
    only: the held-out world-news documents (``heldout``) are scored once, by a model fitted on the rest with the
    chosen settings (``report["heldout"]``). The saved model is then fitted on every sentence and, with ``test`` (a
    table with ``text_column`` and ``label_column``), scored once on it (``report["test"]``)."""
    from stance.actors import Registry
    from stance.corpus import add_user_labels

    root = Path(root)
    if test:
        read_table(test, [text_column, label_column], label_column=label_column)  # refuse it before any work
    corpus = load_project(root, datasets)
    if add:
        corpus = add_user_labels(corpus, add, Registry.load(root / "labels" / "actors.csv"), root=root,
                                 datasets=datasets, text_column=text_column)
    for note in corpus.notes:
        log(note)
    s = corpus.sentences
    log(f"{len(s)} labelled sentences from {s['group'].nunique()} articles: "
        + ", ".join(f"{k} {v}" for k, v in sorted(Counter(s['label']).items())))
    held_mask = s["heldout"].astype(bool) if "heldout" in s else np.zeros(len(s), dtype=bool)
    tune, held = s[~held_mask], s[held_mask]
    log(f"tuning on {len(tune)} sentences; {len(held)} held-out sentences ({held['group'].nunique()} documents) "
        "kept out of every tuning step")
    registry = Registry.load(root / "labels" / "actors.csv")  # whose names mask_actors masks (not a setting)
    kept: dict = {}
    report = evaluation_report(tune["text"], tune["label"], tune["group"], sources=list(tune["source"]),
                               n_jobs=n_jobs, log=log, curve=False, registry=registry, keep=kept,
                               grid=PROJECT_GRID)
    report["calibration"] = calibrate(kept["proba"], list(tune["label"]), kept["classes"])
    log(f"temperature {report['calibration']['temperature']:.3f}: ECE {report['calibration']['ece_before']:.3f} "
        f"-> {report['calibration']['ece_after']:.3f} (grouped out-of-fold)")
    t = time.perf_counter()
    if "cross_source" not in report:  # the search scored the chosen settings across sources already
        report["cross_source"] = leave_source_out(tune["text"], tune["label"], tune["source"], report["params"],
                                                  n_jobs=n_jobs, registry=registry)
    if len(held):
        report["heldout"] = heldout_report(tune, held, report["params"], registry=registry,
                                           temperature=report["calibration"]["temperature"])
        log(f"held-out world news: macro F1 {report['heldout']['model']['macro_f1']:.3f} "
            f"(keyword {report['heldout']['keyword']['macro_f1']:.3f}); "
            + ", ".join(f"{k} {v['model']['macro_f1']:.3f}" for k, v in report["heldout"]["by_source"].items()))
    log(f"cross-source and held-out scores in {time.perf_counter() - t:.1f}s")
    t = time.perf_counter()
    clf = StanceClassifier(**(report["params"] or {}))
    clf.registry = registry
    clf.fit(list(s["text"]), list(s["label"]))
    clf.compact_.temperature = report["calibration"]["temperature"]
    log(f"fitted the saved model on all {len(s)} sentences in {time.perf_counter() - t:.1f}s")
    if test:
        report["test"] = test_report(clf, test, text_column, label_column, None, train_labels=list(s["label"]),
                                     train_texts=list(s["text"]))
        corpus.files[str(test)] = sha256(test)
    meta = _metadata(report, corpus.files, Counter(s["label"]), corpus.notes,
                     name="stance (project labels" + (" + " + ", ".join(Path(a).name for a in add) if add else "") + ")")
    meta["sources"] = {k: int(v) for k, v in Counter(s["source"]).items()}
    meta["heldout_sentences"] = int(len(held))
    clf.save(out, meta, registry_file=root / "labels" / "actors.csv", files=_pictures(report))
    return clf, meta


def _pictures(report: dict) -> dict[str, str]:
    """The files written into the model folder beside the model: ``evaluation.html``."""
    from stance.report import evaluation_html

    return {"evaluation.html": evaluation_html(report)}


def train_table(path, text_column: str, label_column: str, out, group_column: str | None = None,
                target_column: str | None = None, test: str | None = None, n_jobs: int = 2,
                log: Callable[[str], None] = lambda s: None, registry_file=None) -> tuple[StanceClassifier, dict]:
    """A model from any CSV/JSONL table; the label set comes from the data (``registry_file``: actors.csv to carry)."""
    frame = read_table(path, [text_column, label_column, group_column, target_column], label_column=label_column,
                       warn=log)
    empty = frame[text_column].str.strip() == ""
    if empty.any():
        log(f"{path}: {int(empty.sum())} row(s) with an empty {text_column} left out (first at line "
            f"{frame.index[empty][0]})")
    frame = frame[~empty]
    texts, targets = texts_and_targets(frame, text_column, target_column)
    labels = frame[label_column].tolist()
    groups = frame[group_column].tolist() if group_column else [str(i) for i in range(len(frame))]
    _check_training_table(path, labels, groups, group_column, log)
    if test:
        read_table(test, [text_column, label_column, target_column], label_column=label_column)  # refuse it now
    files = {str(path): sha256(path)}
    if test:
        report = fixed_split_report(texts, labels, test, text_column, label_column, target_column, groups, n_jobs, log,
                                    targets=targets)
        files[str(test)] = sha256(test)
    else:
        with warnings.catch_warnings():  # said once above, in one line, by _check_training_table
            warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
            report = evaluation_report(texts, labels, groups, targets=targets, n_jobs=n_jobs, log=log)
    clf = StanceClassifier(**(report["params"] or {})).fit(texts, labels, targets, target_column=target_column)
    meta = _metadata(report, files, Counter(labels), [], name=Path(path).name)
    meta["columns"] = {"text": text_column, "label": label_column, "group": group_column, "target": target_column}
    clf.save(out, meta, registry_file=registry_file, files=_pictures(report))
    return clf, meta


FOLDS = 5  # the folds of evaluate(); the search uses fewer


def _check_training_table(path, labels: list[str], groups: list[str], group_column: str | None,
                          log: Callable[[str], None]) -> None:
    """Refuse, before any work, a table cross-validation cannot split: fewer than two labels, fewer than two groups,
    or no label with as many rows as there are folds (scikit-learn's stratified folds need one). Log the label set."""
    from stance.errors import InputError

    counts = Counter(labels)
    if not labels:
        raise InputError(f"{path}: no labelled rows to train on")
    label_set = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    if len(counts) < 2:
        raise InputError(f"{path}: every row has the label {labels[0]!r} ({len(labels)} row(s)); training needs at "
                         "least two labels")
    single = sorted(k for k, v in counts.items() if v == 1)
    if single:
        raise InputError(f"{path}: label(s) {', '.join(map(repr, single))} have a single row ({label_set}); a fold "
                         "cannot both learn and test it: label more rows or leave it out")
    n_groups = len(set(groups))
    if n_groups < 2:
        raise InputError(f"{path}: every row has the same {group_column} ({groups[0]!r}); grouped cross-validation "
                         "needs at least two groups")
    folds = min(FOLDS, n_groups)
    if max(counts.values()) < folds:
        raise InputError(f"{path}: too few rows per label for {folds}-fold cross-validation ({label_set}): label at "
                         f"least {folds} rows of one label, more of each")
    log(f"{path}: {len(labels)} rows, labels: {label_set}")
    few = sorted(k for k, v in counts.items() if v < folds)
    if few:
        log(f"{path}: label(s) {', '.join(few)} have fewer rows than the {folds} folds: some folds test without them, "
            "so their scores are rough")


def texts_and_targets(frame, text_column: str, target_column: str | None) -> tuple[list[str], list | None]:
    """A table's texts and, when it has a target column, each row's target, missing values normalised
    (:func:`stance.features.normalise_target`); None without a target column."""
    texts = frame[text_column].fillna("").astype(str).tolist()
    if not target_column:
        return texts, None
    return texts, normalise_targets(frame[target_column].tolist(), len(texts))


def fixed_split_report(texts, labels, test_path, text_column, label_column, target_column, groups, n_jobs, log,
                       targets=None) -> dict:
    """Settings searched by grouped CV on the training table, then one fit scored on the fixed test table."""
    report = evaluation_report(texts, labels, groups, targets=targets, n_jobs=n_jobs, log=log, curve=False)
    clf = StanceClassifier(**(report["params"] or {})).fit(texts, labels, targets)
    report["test"] = test_report(clf, test_path, text_column, label_column, target_column, train_labels=labels,
                                 train_texts=texts)
    return report


def test_report(clf: StanceClassifier, test_path, text_column: str, label_column: str, target_column: str | None,
                train_labels=None, train_texts=None) -> dict:
    """A fitted model scored once on a fixed test table, beside the keyword rule (and, given the training labels,
    the majority class). Given the training texts, ``in_training`` counts the test rows whose text (spaces aside) the
    model was trained on: there the test score is in-sample."""
    from stance.evaluate import KeywordBaseline

    test = read_table(test_path, [text_column, label_column, target_column], label_column=label_column)
    texts, targets = texts_and_targets(test, text_column, target_column)
    labels = test[label_column].tolist()
    classes = sorted(set(labels) | {str(c) for c in clf.classes_})
    proba = np.zeros((len(texts), len(classes)))
    proba[:, [classes.index(str(c)) for c in clf.classes_]] = clf.predict_proba(texts, targets)
    keyword = KeywordBaseline().predict(texts)  # its stance names may lie outside a custom label set
    out = {"file": str(test_path), "n": len(texts),
           "model": scores(labels, [classes[i] for i in proba.argmax(axis=1)], classes, proba),
           "keyword": scores(labels, keyword, sorted(set(classes) | set(keyword)))}
    if train_labels is not None:
        values, counts = np.unique(list(train_labels), return_counts=True)
        out["majority"] = scores(labels, [values[np.argmax(counts)]] * len(labels), classes)
    if train_texts is not None:
        seen = {" ".join(str(t).split()) for t in train_texts}
        out["in_training"] = sum(" ".join(t.split()) in seen for t in texts)
    return out


def _metadata(report: dict, files: dict, counts: Counter, notes: list[str], name: str) -> dict:
    return {
        "name": name,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": _versions(),
        "git_commit": _git_commit(),
        "training_files": files,
        "label_counts": dict(sorted(counts.items())),
        "notes": notes,
        "evaluation": report,
    }
