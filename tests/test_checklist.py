"""The fast part of bench/checklist.py: properties the model must have, not accuracy thresholds."""

import sys
from pathlib import Path

import numpy as np

from stance import StanceClassifier
from conftest import TINY

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from checklist import TEMPLATES, spread  # noqa: E402


def test_swapping_registered_actors_leaves_the_prediction_unchanged_when_masking_is_on(registry):
    texts, labels = map(list, zip(*TINY))
    clf = StanceClassifier(features="word+char", mask_actors=True)
    clf.registry = registry
    clf.fit(texts, labels)
    for _, template, _ in TEMPLATES:
        proba = clf.predict_proba(spread(template, 6))
        assert np.abs(proba - proba[0]).max() < 1e-12, template


def test_the_checklist_runs_and_reports_every_template(registry):
    from checklist import run

    texts, labels = map(list, zip(*TINY))
    clf = StanceClassifier(features="word", mask_actors=True)
    clf.registry = registry
    result = run(clf.fit(texts, labels), n=3)
    assert len(result["templates"]) == len(TEMPLATES) and result["invariance"] == 1.0
