"""StanceClassifier: TF-IDF n-grams and a logistic regression (scikit-learn) fitted, numpy at predict time.

A text's target, when there is one, travels beside it: ``fit(texts, labels, targets=...)``,
``predict(texts, targets=...)``. By default the one model reads the target as a feature of its own; with
``per_target=True`` each target value gets a model of its own (see :meth:`StanceClassifier.fit` and
:mod:`stance.features`, which owns every feature recipe).

A model folder (``save``/``load``) holds:

- ``model.npz``: what prediction needs, as plain arrays (vocabularies, idf, coefficients, intercepts, classes and the
  per-target routing), read with ``numpy.load(..., allow_pickle=False)``: loading and predicting run no code from
  the folder;
- ``metadata.json``: label order, settings, versions, git commit, sha256 of the training files, label counts,
  cross-validated metrics, and the sha256 of every other file in the folder;
- ``pipeline.joblib``: the fitted scikit-learn Pipeline (for a model per target value, a dict of them), the reference
  model. It is a pickle: unpickling it runs code from the file, so it is read only when a caller asks for
  :attr:`StanceClassifier.pipeline_`, and only trusted folders should be opened that way. Prediction never reads it;
  a folder without it still predicts;
- ``actors.csv`` (the registry for holder and target finding), the ``README.md`` model card and, from
  ``stance train``, ``evaluation.html``, all written before the folder is swapped in.

The sha256 list covers every file in the folder except ``metadata.json`` itself. It catches accidental corruption,
truncation and a half-copied folder; it does not protect against tampering, since the hashes live beside the files.
``load`` checks the files it reads and that every listed file is there; ``pipeline_`` checks ``pipeline.joblib``
before unpickling it; ``README.md`` and ``evaluation.html`` are listed but not read, so not re-hashed at load.

Saving is atomic and portable: each save writes a new sibling folder ``.<name>.v-<time>-<pid>/`` and then points the
symlink ``<name>`` at it with ``os.replace`` of a fresh symlink, so a reader sees the old model or the new one, never
half of one; older versions are then removed. A real folder from an older save is first moved aside as
``.<name>.v-migrated`` (``load`` reads it there should a crash fall between the two renames).

>>> clf = StanceClassifier(C=10).fit(
...     ["Russia condemned the strikes.", "Iran thanked Russia for its support.", "The summit took place in June."] * 3,
...     ["condemn", "support", "none"] * 3)
>>> [p.label for p in clf.predict(["Russia condemned the summit."])]
['condemn']

With ``mask_actors`` the n-grams see ``ACTOR`` where the registry (or a capitalisation rule) finds an actor, so the
stance comes from the words, whoever speaks, and the explanation is words:

>>> from stance.actors import Registry
>>> blind = StanceClassifier(features="word", C=10, mask_actors=True)
>>> blind.registry = Registry.from_rows([{"name": n, "kind": "state", "aliases": ""}
...                                      for n in ("Russia", "Iran", "Japan", "Kenya", "Brazil", "India")])
>>> blind = blind.fit(["Iran condemned the attack.", "Japan thanked Kenya for its support.",
...                    "Brazil and India held talks."] * 3, ["condemn", "support", "none"] * 3)
>>> p = blind.predict(["Russia condemned the strikes."], explain=2)[0]
>>> p.label, p.scores["condemn"] - max(v for k, v in p.scores.items() if k != "condemn") > 0.3
('condemn', True)
>>> sorted(word for word, _ in p.explanation)
['ACTOR condemned', 'condemned']
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import shutil
import time
import warnings
from dataclasses import asdict, dataclass, field
from numbers import Integral, Real
from pathlib import Path

import numpy as np

from stance.actors import Registry
from stance.errors import ModelError, NotFittedError
from stance.features import FEATURES, Masker, Scorer, TargetPipelines, build_pipeline, normalise_targets, route
from stance.files import fsync_folder
from stance.records import ActorStance, Prediction, SentenceStance
from stance.text import visible

__all__ = ["StanceClassifier", "Prediction", "SentenceStance", "ActorStance"]

_NOT_FITTED = "this StanceClassifier is not fitted: call fit() or StanceClassifier.load()"
_FILES_NOTE = ("sha256 of every file in this folder except metadata.json itself: catches accidental corruption, "
               "truncation and half-copied folders, not tampering (the hashes live beside the files)")

_MASKERS: dict = {}
_KEEP_KINDS = ("not_a_name", "pronoun", "title_pronoun", "speech_verb", "judgement_verb", "criticism_noun",
               "inverted_verb", "pure_speech_verb")


def masker_for(registry: Registry | None) -> Masker:
    """The actor masker for a registry (its names and aliases; capitalisation alone without one), keeping the function
    words of ``holder_words.csv`` (the kinds in ``_KEEP_KINDS``). Built once per registry content in a process (a
    cross-validation worker receives a copy of the registry with every fold) and remembering what it masked
    (:meth:`Masker.remember`), so each training text is masked once per process."""
    aliases = () if registry is None else tuple(x for a in registry.actors.values() for x in (a.name, *a.aliases))
    hit = _MASKERS.get(aliases)
    if hit is not None:
        return hit
    import csv
    import io
    from importlib import resources

    rows = csv.DictReader(io.StringIO(resources.files("stance").joinpath("holder_words.csv").read_text("utf-8")))
    keep = [r["word"] for r in rows if r["kind"] in _KEEP_KINDS]
    masker = Masker(aliases, keep).remember()
    _MASKERS.clear()
    _MASKERS[aliases] = masker
    return masker


def _check_texts(texts) -> list[str]:
    if isinstance(texts, (str, bytes)):
        raise TypeError("expected a list of texts, got a single string: wrap it in a list")
    texts = list(texts)
    for t in texts:
        if not isinstance(t, str):
            raise TypeError(f"expected str items, got {type(t).__name__}")
    return [visible(t) for t in texts]  # zero-width characters never reach the features


def _ngram_range(name: str, value) -> tuple[int, int]:
    try:
        lo, hi = value
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high), not {value!r}") from None
    if not all(isinstance(v, Integral) and not isinstance(v, bool) for v in (lo, hi)) or not 1 <= lo <= hi:
        raise ValueError(f"{name} must be two whole numbers with 1 <= low <= high, not {value!r}")
    return int(lo), int(hi)


class StanceClassifier:
    """Sentence stance classifier. ``__init__`` stores settings, ``fit`` returns self, fitted attributes end in ``_``.

    Every parameter is keyword-only and mirrors a ``stance train`` setting: ``features`` ("word", "char" or
    "word+char"), ``word_ngrams`` and ``char_ngrams`` (low, high), ``C`` (> 0), ``min_df`` (a count >= 1 or a share
    in (0, 1]), ``sublinear_tf``, ``mask_actors`` (actor mentions read as ``ACTOR``), ``cues`` (negation-aware
    stance-cue terms of ``stance/cues.csv`` beside the n-grams), ``negation`` (a stance cue after a negator in its clause
    reads as ``not_<word>`` in the word n-grams), ``random_state``; ``per_target`` fits a model per target value (see :meth:`fit`),
    which ``stance train --target-column`` chooses by cross-validation. They are checked when fitting.

    It follows scikit-learn's estimator protocol (``get_params``/``set_params`` from the signature, ``fit``,
    ``score``), so ``sklearn.base.clone`` and ``GridSearchCV(StanceClassifier(), {"C": [1, 10]})`` work on texts and
    labels (targets cannot be passed through ``GridSearchCV``). ``predict`` returns :class:`Prediction` objects, not
    an array of labels.

    ``registry`` (not a parameter) is the actor registry :meth:`analyze` finds holders and targets with: ``load``
    sets it from the folder's ``actors.csv``; assign one to a fitted model to use it.

    >>> texts = ["Prices rise.", "Prices fall."] * 4
    >>> targets = ["A", "A", "B", "B"] * 2
    >>> labels = ["support", "condemn", "condemn", "support"] * 2
    >>> clf = StanceClassifier(per_target=True).fit(texts, labels, targets=targets)
    >>> [p.label for p in clf.predict(["Prices rise.", "Prices rise."], targets=["A", "B"])]
    ['support', 'condemn']
    """

    registry: Registry | None = None

    def __init__(self, *, features="word+char", word_ngrams=(1, 2), char_ngrams=(2, 5), C=3.0, min_df=1,
                 sublinear_tf=True, mask_actors=False, cues=False, negation=False, per_target=False, random_state=0):
        self.features = features
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.C = C
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.mask_actors = mask_actors
        self.cues = cues
        self.negation = negation
        self.per_target = per_target
        self.random_state = random_state

    # --- the estimator protocol ---------------------------------------------------------------------------------
    @classmethod
    def _param_names(cls) -> list[str]:
        return [p.name for p in inspect.signature(cls.__init__).parameters.values() if p.kind is p.KEYWORD_ONLY]

    def get_params(self, deep: bool = True) -> dict:
        """The parameters, as ``__init__`` names them."""
        return {k: getattr(self, k) for k in self._param_names()}

    def set_params(self, **params) -> StanceClassifier:
        """Set parameters by name; an unknown name is a ``ValueError``. Checked when fitting."""
        names = self._param_names()
        for k, v in params.items():
            if k not in names:
                raise ValueError(f"{k!r} is not a parameter of StanceClassifier (it has {', '.join(names)})")
            setattr(self, k, v)
        return self

    @property
    def params(self) -> dict:
        """The parameters that shape the model (all but ``random_state``), as saved in ``metadata.json``."""
        return {k: v for k, v in self.get_params().items() if k != "random_state"}

    def __repr__(self) -> str:
        defaults = StanceClassifier().get_params()
        changed = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items() if v != defaults[k])
        return f"StanceClassifier({changed})"

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags, Tags, TargetTags

        return Tags(estimator_type="classifier", target_tags=TargetTags(required=True),
                    classifier_tags=ClassifierTags())

    def _checked_params(self) -> dict:
        """The parameters, validated, ngram ranges as tuples."""
        p = self.get_params()
        if p["features"] not in FEATURES:
            raise ValueError(f"features must be one of {', '.join(map(repr, FEATURES))}, not {p['features']!r}")
        p["word_ngrams"] = _ngram_range("word_ngrams", p["word_ngrams"])
        p["char_ngrams"] = _ngram_range("char_ngrams", p["char_ngrams"])
        if isinstance(p["C"], bool) or not isinstance(p["C"], Real) or not p["C"] > 0:
            raise ValueError(f"C must be a number > 0, not {p['C']!r}")
        m = p["min_df"]
        if isinstance(m, bool) or not ((isinstance(m, Integral) and m >= 1) or (isinstance(m, Real) and 0 < m <= 1)):
            raise ValueError(f"min_df must be a count >= 1 or a share in (0, 1], not {m!r}")
        for name in ("sublinear_tf", "mask_actors", "cues", "negation", "per_target"):
            if not isinstance(p[name], (bool, np.bool_)):
                raise ValueError(f"{name} must be True or False, not {p[name]!r}")
        if p["random_state"] is not None and (isinstance(p["random_state"], bool)
                                              or not isinstance(p["random_state"], Integral)):
            raise ValueError(f"random_state must be a whole number or None, not {p['random_state']!r}")
        return p

    # --- fitting ------------------------------------------------------------------------------------------------
    def fit(self, texts, labels, targets=None, *, target_column: str | None = None) -> StanceClassifier:
        """Fit on ``texts`` and their ``labels`` (and each text's target, if given); returns self.

        ``targets``: one per text, or None; a missing target (None, NaN, "" or "nan") means the text has none. By
        default the target is one more feature of the single model. With ``per_target``, every target value with at
        least two classes gets a model of its own, fitted on its texts alone, and a fallback model fitted on every
        text (target as a feature) scores the rest (targets unseen here or with one class, texts without a target).
        ``targets_`` lists the target values with a model of their own; ``target_column_`` keeps ``target_column``
        (the table column the targets came from), so predicting a table reads the same column.

        Fitting replaces every fitted attribute, including ``metadata_`` (the provenance a loaded model carried)."""
        texts = _check_texts(texts)
        labels = [str(label) for label in labels]
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        targets = normalise_targets(targets, len(texts))
        if len(set(labels)) < 2:
            raise ValueError("need at least two distinct labels to fit")
        p = self._checked_params()
        settings = {k: v for k, v in p.items() if k not in ("per_target", "random_state")}
        with_target = any(t is not None for t in targets)
        import sklearn.linear_model  # noqa: F401 - loads scipy's BLAS first: threadpool_limits limits loaded ones
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):  # one BLAS/OpenMP thread per fit: several times faster on a shared machine
            masker = masker_for(self.registry) if p["mask_actors"] else None
            fallback = build_pipeline(settings, p["random_state"], with_target, masker).fit(list(zip(texts, targets)), labels)
            pipeline = fallback
            if p["per_target"]:
                pipes = {}
                known = {t for t in targets if t is not None}
                for target, rows in sorted(route(targets, known).items(), key=lambda kv: str(kv[0])):
                    y = [labels[i] for i in rows]
                    if target is None or len(set(y)) < 2:
                        continue
                    try:
                        pipes[target] = build_pipeline(settings, p["random_state"], masker=masker).fit([texts[i] for i in rows], y)
                    except ValueError:  # no n-gram to learn from in this target's texts: the fallback scores them
                        continue
                pipeline = TargetPipelines(fallback, pipes)
        self._pipeline, self._pipeline_file = pipeline, None
        self._set_scorer(Scorer.from_pipeline(pipeline))
        self.target_column_ = target_column
        self.metadata_ = {}
        return self

    def _set_scorer(self, scorer: Scorer) -> None:
        self.compact_ = scorer
        self.classes_ = scorer.classes
        self.targets_ = sorted(scorer.models)

    def score(self, texts, labels, targets=None) -> float:
        """Accuracy of the predicted labels (what ``GridSearchCV`` maximises by default)."""
        predicted = [p.label for p in self.predict(texts, targets)]
        labels = [str(label) for label in labels]
        return float(np.mean([a == b for a, b in zip(predicted, labels)])) if labels else 0.0

    @property
    def pipeline_(self):
        """The fitted scikit-learn Pipeline (for a model per target value, a :class:`stance.features.TargetPipelines`),
        the reference the numpy scorer reproduces. Prediction never needs it.

        A loaded model reads ``pipeline.joblib`` on first access, after checking its sha256. Unpickling runs code
        from the file: access this only on model folders you trust. A model built with another scikit-learn version
        warns here (the scores of :meth:`predict` do not depend on scikit-learn)."""
        if getattr(self, "_pipeline", None) is None:
            where = getattr(self, "_pipeline_file", None)
            if where is None:
                if hasattr(self, "compact_"):
                    raise ModelError(f"{self.metadata_.get('folder', 'this model folder')}: has no pipeline.joblib "
                                     "(prediction does not need it)")
                raise NotFittedError(_NOT_FITTED)
            self._pipeline = _load_pipeline(*where, self.metadata_)
        return self._pipeline

    def _fitted(self) -> Scorer:
        if not hasattr(self, "compact_"):
            raise NotFittedError(_NOT_FITTED)
        return self.compact_

    # --- prediction ---------------------------------------------------------------------------------------------
    def predict_proba(self, texts, targets=None) -> np.ndarray:
        """Probabilities, one row per text, columns in the order of ``classes_``."""
        texts = _check_texts(texts)
        scorer = self._fitted()
        targets = normalise_targets(targets, len(texts))
        if not texts:
            return np.zeros((0, len(self.classes_)))
        return scorer.predict_proba(texts, targets)

    def predict(self, texts, targets=None, *, explain: int = 0) -> list[Prediction]:
        """One :class:`Prediction` per text, in input order; ``explain=k`` adds the top ``k`` n-grams of each."""
        texts = _check_texts(texts)
        targets = normalise_targets(targets, len(texts))
        proba = self.predict_proba(texts, targets)
        classes = [str(c) for c in self.classes_]
        out = []
        for i, (best, row) in enumerate(zip(proba.argmax(axis=1).tolist(), proba.tolist())):
            why = self.explain(texts[i], top=explain, label=self.classes_[best], target=targets[i]) if explain else ()
            out.append(Prediction(classes[best], row[best], dict(zip(classes, row)), why))
        return out

    # --- explanations -------------------------------------------------------------------------------------------
    def contributions(self, text: str, label: str, against: str, target=None) -> list[tuple[str, float]]:
        """Every feature's exact share of the log-odds of ``label`` over ``against`` for ``text``, largest first.

        For a model per target value these are the shares in the model that scores ``text`` with ``target``;
        ``label`` and ``against`` must be classes that model knows (a class it never saw has probability 0: no finite
        log-odds)."""
        model, seen = self._fitted().model_for(normalise_targets([target], 1)[0])
        classes = [str(c) for c in model.classes]
        for c in (label, against):
            if c not in classes:
                raise ValueError(f"{c!r} is not a class of the model scoring this text (it knows {', '.join(classes)})")
        cols, vals = model.row(visible(text), seen)
        coef = model.coef_t.T
        if coef.shape[0] == 1:  # binary: one row for classes_[1]
            diff = coef[0] if label == classes[1] else -coef[0]
        else:
            diff = coef[classes.index(label)] - coef[classes.index(against)]
        values = vals * diff[cols]
        names = model.feature_names()[cols]
        order = np.argsort(-values)
        return [(str(names[i]), float(values[i])) for i in order]

    def explain(self, text: str, top: int = 5, label: str | None = None, target=None) -> tuple[tuple[str, float], ...]:
        """The ``top`` n-grams that pushed ``text`` most toward ``label`` (default: the predicted one) and away from
        the runner-up; weights are their exact contributions to that log-odds."""
        row = self.predict_proba([text], [target])[0]
        order = np.argsort(-row)
        label = label if label is not None else str(self.classes_[order[0]])
        known = {str(c) for c in self._fitted().model_for(normalise_targets([target], 1)[0])[0].classes}
        runner = next(str(c) for c in self.classes_[order] if str(c) != label and str(c) in known)
        return tuple((n, round(v, 4)) for n, v in self.contributions(text, label, runner, target)[:top] if v > 0)

    # --- documents ----------------------------------------------------------------------------------------------
    def analyze(self, document: str, explain: int = 0) -> list[SentenceStance]:
        """Split ``document`` into sentences and give each its stance and the actor stances it expresses (what
        ``stance predict`` prints). Offsets point into ``document`` as given."""
        if not isinstance(document, str):
            raise TypeError(f"expected a document string, got {type(document).__name__}")
        return list(self.analyze_blocks([(0, document)], explain=explain))

    def analyze_files(self, inputs, *, text_column: str | None = None, explain: int = 0, n_jobs: int = 1, **kw):
        """Every sentence (and, with ``text_column``, table row) of files, in order, scored by ``n_jobs`` processes:
        see :func:`stance.documents.analyze_files`."""
        from stance.documents import analyze_files

        return analyze_files(self, inputs, text_column=text_column, explain=explain, n_jobs=n_jobs, **kw)

    def analyze_blocks(self, blocks, explain: int = 0, document: str = ""):
        """:meth:`analyze` over a document given as ``(offset, text)`` blocks (see :func:`stance.files.read_blocks`),
        yielding sentences as they are scored: memory stays flat however long the document. Sentence indices run on
        across blocks and offsets are shifted by each block's offset (see :func:`stance.documents.analyze_blocks`)."""
        from stance.documents import analyze_blocks

        return analyze_blocks(self, blocks, document=document, explain=explain)

    # --- persistence --------------------------------------------------------------------------------------------
    def save(self, path: str | Path, metadata: dict | None = None, registry_file: str | Path | None = None,
             files: dict[str, str | bytes] | None = None) -> Path:
        """Write the model folder atomically (see the module docstring): a crash leaves the previous model in
        place, never half a model. ``files`` (name -> text or bytes, e.g. ``evaluation.html``) are written inside
        the new folder before it is swapped in, and hashed with the rest."""
        import joblib

        from stance.report import model_card

        scorer = self._fitted()
        path = Path(path)
        _check_replaceable(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        new = path.parent / f".{path.name}.v-{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}-{os.getpid()}"
        lock = _hold(new)  # before the folder exists: a version folder whose lock nobody holds is finished or dead
        try:
            new.mkdir()
            if getattr(self, "_pipeline", None) is not None:
                pipe = self._pipeline
                joblib.dump(pipe.state() if isinstance(pipe, TargetPipelines) else pipe, new / "pipeline.joblib")
            elif getattr(self, "_pipeline_file", None) is not None:  # a loaded model: copy the checked bytes, unread
                (new / "pipeline.joblib").write_bytes(_read(*self._pipeline_file))
            scorer.save(new / "model.npz")
            if registry_file is not None:
                shutil.copyfile(registry_file, new / "actors.csv")
            for name, content in (files or {}).items():
                if name in ("metadata.json", "model.npz", "pipeline.joblib", "README.md", "actors.csv") or "/" in name:
                    raise ValueError(f"{name!r}: not a name an extra file of a model folder can have")
                (new / name).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
            meta = {k: v for k, v in {**getattr(self, "metadata_", {}), **(metadata or {})}.items()
                    if k not in ("files", "folder")}
            meta["labels"] = [str(c) for c in self.classes_]
            meta["params"] = {k: list(v) if isinstance(v, tuple) else v for k, v in self.params.items()}
            meta["random_state"] = self.random_state
            meta["target_column"] = getattr(self, "target_column_", None)
            if self.targets_:
                meta["target_models"] = list(self.targets_)
            else:
                meta.pop("target_models", None)
            (new / "README.md").write_text(model_card(meta), encoding="utf-8")
            meta["files"] = {f.name: _sha256(f.read_bytes()) for f in sorted(new.iterdir())}
            meta["files_note"] = _FILES_NOTE
            (new / "metadata.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            for f in new.iterdir():
                with open(f, "rb") as fh:
                    os.fsync(fh.fileno())
            fsync_folder(new)
            _swap_into_place(new, path)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            _release(lock, new)
            raise
        try:
            _remove_old_versions(path, new)
        finally:
            _release(lock, new)
        self.metadata_ = meta
        return path

    @classmethod
    def load(cls, path: str | Path = "models/stance") -> StanceClassifier:
        """Load a model folder, refusing one whose files do not match its metadata (corrupt, truncated or
        half-copied). Nothing from the folder is unpickled: see :attr:`pipeline_`.

        A model swapped in by a concurrent ``stance train`` while this one was being read is read again."""
        path = Path(path)
        for attempt in range(3):
            folder = _resolve(path)
            try:
                return cls._load_folder(folder)
            except ModelError:
                if attempt == 2 or _resolve(path) == folder:
                    raise

    @classmethod
    def _load_folder(cls, folder: Path) -> StanceClassifier:
        meta_path = folder / "metadata.json"
        raw = _read(meta_path)
        try:
            meta = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as e:
            raise ModelError(f"{meta_path}: corrupt model metadata: {e}") from None
        _check_metadata(meta, meta_path, cls._param_names())
        files = meta["files"]
        if "model.npz" not in files:
            raise ModelError(f"{meta_path}: lists no model.npz; a model folder from an older stance (or not one): "
                             "retrain it with `make train` (or `stance train`)")
        for name in files:
            if (folder / name).is_symlink():
                raise ModelError(f"{folder / name}: a symlink; a model folder holds plain files only")
            if not (folder / name).is_file():
                raise ModelError(f"{folder / name}: missing from the model folder")
        try:
            scorer = Scorer.load(_read(folder / "model.npz", files["model.npz"]))
        except (ValueError, KeyError, OSError) as e:
            raise ModelError(f"{folder / 'model.npz'}: cannot load: {type(e).__name__}: {e}") from None
        names = cls._param_names()
        saved = meta.get("params", {})
        params = {k: (tuple(v) if isinstance(v, list) else v) for k, v in saved.items() if k in names}
        clf = cls(**params, random_state=meta.get("random_state", 0))
        if "actors.csv" in files:
            _read(folder / "actors.csv", files["actors.csv"])
            clf.registry = Registry.load(folder / "actors.csv")
        clf._pipeline = None
        clf._pipeline_file = (folder / "pipeline.joblib", files["pipeline.joblib"]) if "pipeline.joblib" in files \
            else None
        clf._set_scorer(scorer)
        clf.target_column_ = meta.get("target_column", (meta.get("columns") or {}).get("target"))
        clf.metadata_ = {**meta, "folder": str(folder)}
        return clf


def _check_metadata(meta, meta_path: Path, names: list[str]) -> None:
    """Refuse (ModelError, one line) a ``metadata.json`` that is valid JSON of the wrong shape: what ``load`` reads
    must have the types ``save`` writes, and ``files`` may name only plain files inside the folder."""
    def bad(what: str):
        raise ModelError(f"{meta_path}: corrupt model metadata: {what}")

    if not isinstance(meta, dict):
        bad(f"expected a JSON object, got {type(meta).__name__}")
    files = meta.get("files")
    if not isinstance(files, dict):
        bad(f"'files' must be an object of file name -> sha256, not {type(files).__name__}")
    for name, digest in files.items():
        if (not name or "/" in name or "\\" in name or name in (".", "..") or name.startswith(".")
                or "\x00" in name):
            bad(f"'files' names {name!r}: only plain files inside the model folder can be listed")
        if not isinstance(digest, str) or len(digest) != 64:
            bad(f"'files' gives {name!r} a sha256 that is not 64 hex digits: {digest!r}")
    params = meta.get("params", {})
    if not isinstance(params, dict):
        bad(f"'params' must be an object, not {type(params).__name__}")
    unknown = [k for k in params if k not in names]
    if unknown:
        bad(f"'params' has unknown key(s) {', '.join(map(repr, unknown))} (this stance knows {', '.join(names)})")
    for key, kind in (("versions", dict), ("labels", list)):
        if key in meta and not isinstance(meta[key], kind):
            bad(f"{key!r} must be {'an object' if kind is dict else 'a list'}, not {type(meta[key]).__name__}")
    for package, v in meta.get("versions", {}).items():
        if not isinstance(v, str):
            bad(f"'versions' gives {package!r} as {v!r}, not a version string")
    for key in ("target_column", "name"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            bad(f"{key!r} must be a string, not {type(meta[key]).__name__}")
    if "random_state" in meta and meta["random_state"] is not None and (
            isinstance(meta["random_state"], bool) or not isinstance(meta["random_state"], int)):
        bad(f"'random_state' must be a whole number or null, not {meta['random_state']!r}")
    columns = meta.get("columns")
    if columns is not None and not isinstance(columns, dict):
        bad(f"'columns' must be an object, not {type(columns).__name__}")


def is_model_folder(path: str | Path) -> bool:
    """Whether ``path`` is a folder holding a model of ours (a ``metadata.json`` listing its files and labels), the only
    kind of folder ``save`` may replace."""
    meta = Path(path) / "metadata.json"
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(data, dict) and isinstance(data.get("files"), dict) and isinstance(data.get("labels"), list)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(path: Path, digest: str | None = None) -> bytes:
    """A model file's bytes; with ``digest``, refused unless its sha256 matches."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelError(f"{path}: missing from the model folder") from None
    except OSError as e:
        raise ModelError(f"{path}: cannot read: {e.strerror or e}") from None
    if digest is not None and _sha256(data) != digest:
        raise ModelError(f"{path}: sha256 does not match metadata.json (corrupt, truncated or replaced); "
                         "refusing to load it")
    return data


def _load_pipeline(path: Path, digest: str, meta: dict):
    """Unpickle ``pipeline.joblib`` after checking its sha256: this runs code from the file (trusted files only)."""
    import io

    import joblib

    data = _read(path, digest)
    _warn_on_other_sklearn(meta, path)
    try:
        pipe = joblib.load(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - any unpickling failure means a corrupt file
        raise ModelError(f"{path}: cannot load: {type(e).__name__}: {e}") from None
    if isinstance(pipe, dict) and "fallback" in pipe:
        return TargetPipelines(pipe["fallback"], pipe["targets"])
    return pipe


def _warn_on_other_sklearn(meta: dict, path: Path) -> None:
    from importlib.metadata import version

    built, here = meta.get("versions", {}).get("scikit-learn"), version("scikit-learn")
    if built and built.split(".")[:2] != here.split(".")[:2]:
        warnings.warn(f"{path}: pickled by scikit-learn {built}, this is {here}: the pipeline may not unpickle or "
                      "behave the same (prediction does not use it)", UserWarning, stacklevel=3)


def _resolve(path: Path) -> Path:
    """The folder ``path`` names now (following its symlink once, so every file comes from one version)."""
    if path.is_dir():
        if not os.access(path, os.R_OK | os.X_OK):
            raise ModelError(f"{path}: cannot read this model folder (permission denied)")
        return path.resolve()
    try:
        os.stat(path)
    except PermissionError:
        raise ModelError(f"{path}: cannot read this model folder (permission denied)") from None
    except OSError:
        pass
    migrated = path.parent / f".{path.name}.v-migrated"
    if not path.exists() and (migrated / "metadata.json").is_file():
        return migrated.resolve()  # a crash fell between the two renames of a migration
    raise ModelError(f"{path}: no model here; build one with `make train` (or `stance train --out {path}`)")


def _check_replaceable(path: Path) -> None:
    """Refuse (ModelError, nothing touched) to save over anything but a model folder of ours: a file, or a folder
    without our ``metadata.json``, is a user's, not ours to replace. A link to a version of ours that a crash left
    dangling may be replaced."""
    if not (path.is_symlink() or path.exists()):
        return
    if path.is_symlink() and not path.exists() and os.readlink(path).startswith(f".{path.name}.v-"):
        return
    if not path.is_dir():
        raise ModelError(f"{path}: exists and is not a folder; not replacing it (choose another path)")
    if not is_model_folder(path):
        raise ModelError(f"{path}: exists and does not hold a stance model; not replacing it (choose another path)")


_STARTED = time.time()  # about when this process started: what is older was left by an earlier one


def _hold(version: Path):
    """Hold an advisory lock (``<version>.lock``, flock) while ``version`` is being written, so a concurrent save's
    clean-up leaves it alone; the kernel releases it if this process dies. None where flock does not exist."""
    try:
        import fcntl
    except ImportError:  # Windows: the age rule alone protects a concurrent save
        return None
    fd = os.open(version.parent / f"{version.name}.lock", os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise
    return fd


def _release(fd, version: Path) -> None:
    if fd is None:
        return
    try:
        (version.parent / f"{version.name}.lock").unlink(missing_ok=True)
    finally:
        os.close(fd)


def _held(version: Path) -> bool:
    """Whether a live save holds ``version``'s lock (a killed save's lock is released by the kernel)."""
    try:
        import fcntl
    except ImportError:
        return False
    try:
        fd = os.open(version.parent / f"{version.name}.lock", os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: leave it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _swap_into_place(new: Path, target: Path) -> None:
    """Point ``target`` at folder ``new``: a fresh relative symlink renamed over it with ``os.replace``, atomic on
    POSIX. A real folder at ``target`` (an older save) is first moved aside to ``.<name>.v-migrated``."""
    link = target.parent / f".{target.name}.link-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(new.name, link, target_is_directory=True)
    if target.is_dir() and not target.is_symlink():
        migrated = target.parent / f".{target.name}.v-migrated"
        shutil.rmtree(migrated, ignore_errors=True)
        os.rename(target, migrated)
    os.replace(link, target)
    fsync_folder(target.parent)


def _remove_old_versions(target: Path, keep: Path) -> None:
    """Remove what earlier saves of ``target`` left: older versions, a migrated folder, temporary folders and links
    of a save killed half-way. Left alone: ``keep``, the version ``target`` points to now, and any version a live
    save holds the lock of or that was made after this process started by another one (a concurrent save)."""
    prefix = f".{target.name}."
    try:
        live = os.readlink(target) if target.is_symlink() else None
    except OSError:
        live = None
    mine = f"-{os.getpid()}"
    for sibling in target.parent.iterdir():
        name = sibling.name
        if not name.startswith(prefix) or sibling == keep or name == live:
            continue
        kind = name[len(prefix):]
        try:
            old = sibling.lstat().st_mtime < _STARTED
        except OSError:
            continue
        if kind.startswith("link-") and sibling.is_symlink():
            if old:
                sibling.unlink(missing_ok=True)
            continue
        if kind.endswith(".lock") or not sibling.is_dir() or sibling.is_symlink():
            if kind.endswith(".lock") and old and not _held(target.parent / name[:-len(".lock")]):
                sibling.unlink(missing_ok=True)  # a killed save's lock file
            continue
        if kind == "v-migrated" and target.is_symlink():  # the real folder of an older save, replaced by the link
            shutil.rmtree(sibling, ignore_errors=True)
        elif kind.startswith(("tmp-", "old-", "v-")) and (old or name.endswith(mine)) and not _held(sibling):
            shutil.rmtree(sibling, ignore_errors=True)
