"""The model folder: loading and predicting run nothing from it; saving swaps whole versions in."""

import hashlib
import json
import pickle
import shutil
import subprocess

import pytest

from stance import StanceClassifier
from stance.errors import ModelError
from conftest import ROOT, SEEDS, stance_cmd


class _Payload:
    """Unpickling this creates the file ``path``: what a hostile pipeline.joblib could do."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def _rehash(folder, name):
    meta = json.loads((folder / "metadata.json").read_text())
    if (folder / name).exists():
        meta["files"][name] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    else:
        del meta["files"][name]
    (folder / "metadata.json").write_text(json.dumps(meta))


def test_a_pipeline_whose_unpickling_runs_code_is_never_unpickled_by_load_or_predict(tiny_model, tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(tiny_model, folder)
    created = tmp_path / "the payload ran"
    (folder / "pipeline.joblib").write_bytes(pickle.dumps(_Payload(created)))
    _rehash(folder, "pipeline.joblib")
    assert not created.exists()
    r = subprocess.run([*stance_cmd(), "predict", SEEDS[0], "--model", folder, "--format", "jsonl"],
                       capture_output=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout.decode().count("\n") > 5 and not created.exists()
    clf = StanceClassifier.load(folder)
    clf.predict(["Russia condemned the strikes on Iran."])
    clf.analyze("Russia condemned the strikes on Iran.")
    clf.explain("Russia condemned the strikes on Iran.")
    clf.save(tmp_path / "again")  # re-saving copies the file's bytes, unread
    assert not created.exists()
    clf.pipeline_  # asking for the pipeline is what unpickles it (hence: trusted files only)
    assert created.exists()


def test_a_folder_without_pipeline_joblib_still_predicts(tiny_model, tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(tiny_model, folder)
    (folder / "pipeline.joblib").unlink()
    _rehash(folder, "pipeline.joblib")
    clf = StanceClassifier.load(folder)
    reference = StanceClassifier.load(tiny_model)
    texts = ["Russia condemned the strikes on Iran.", "Oil prices rose on Monday."]
    assert (clf.predict_proba(texts) == reference.predict_proba(texts)).all()
    with pytest.raises(ModelError, match="no pipeline.joblib"):
        clf.pipeline_
    r = subprocess.run([*stance_cmd(), "predict", SEEDS[0], "--model", folder, "--format", "jsonl"],
                       capture_output=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr.decode()


def test_a_listed_file_missing_from_the_folder_is_a_half_copied_folder(tiny_model, tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(tiny_model, folder)
    (folder / "README.md").unlink()
    with pytest.raises(ModelError, match="README.md: missing"):
        StanceClassifier.load(folder)


def test_extra_files_are_written_and_hashed_before_the_swap(tiny_model, tmp_path):
    clf = StanceClassifier.load(tiny_model)
    clf.save(tmp_path / "m", files={"evaluation.html": "<p>figures</p>"})
    meta = json.loads((tmp_path / "m" / "metadata.json").read_text())
    assert (tmp_path / "m" / "evaluation.html").read_text() == "<p>figures</p>"
    assert meta["files"]["evaluation.html"] == hashlib.sha256(b"<p>figures</p>").hexdigest()
    with pytest.raises(ValueError, match="metadata.json"):
        clf.save(tmp_path / "m", files={"metadata.json": "{}"})
    assert StanceClassifier.load(tmp_path / "m").metadata_["name"] == "tiny"


def test_a_migration_cut_between_its_two_renames_still_loads(tiny_model, tmp_path):
    shutil.copytree(tiny_model, tmp_path / ".m.v-migrated")  # the old real folder, moved aside; no link yet
    assert StanceClassifier.load(tmp_path / "m").metadata_["name"] == "tiny"
    StanceClassifier.load(tiny_model).save(tmp_path / "m", {"name": "new"})
    assert StanceClassifier.load(tmp_path / "m").metadata_["name"] == "new"
    assert not (tmp_path / ".m.v-migrated").exists()
