"""Shared fixtures: a tiny model trained on a few generated sentences, and the project's paths."""

import shutil
import sys
from pathlib import Path

import pytest

from stance import StanceClassifier
from stance.actors import Registry

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))

TINY = [
    ("Russia condemned the strikes on Iran.", "condemn"),
    ("Moscow denounced the attack as illegal.", "condemn"),
    ("Iran accused Washington of aggression.", "condemn"),
    ("Russia stands firmly with Iran.", "support"),
    ("Araghchi thanked Putin for his support.", "support"),
    ("Tehran praised the growing ties with Moscow.", "support"),
    ("Russia declined to offer military guarantees.", "hedge"),
    ("Putin offered to mediate rather than take sides.", "hedge"),
    ("Moscow urged restraint on both sides.", "hedge"),
    ("The summit took place in June.", "none"),
    ("Oil prices rose on Monday.", "none"),
    ("The meeting was held in the Kremlin.", "none"),
]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A model folder trained on TINY with the project's actor registry."""
    out = tmp_path_factory.mktemp("models") / "tiny"
    texts, labels = zip(*(TINY * 2))
    clf = StanceClassifier(C=10).fit(list(texts), list(labels))
    clf.save(out, {"name": "tiny"}, registry_file=ROOT / "labels" / "actors.csv")
    return out


@pytest.fixture()
def project_copy(tmp_path) -> Path:
    """A throw-away copy of the project's labels and seeds, for tests that break them."""
    for name in ("labels", "seeds"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry.load(ROOT / "labels" / "actors.csv")


def stance_cmd() -> list[str]:
    return [sys.executable, "-m", "stance"]
