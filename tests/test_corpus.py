import csv

import pytest

from stance.corpus import NEWSMTSC_FILES, datasets_dir, load_project
from stance.files import read_document
from stance.errors import InputError
from stance.text import split_sentences
from conftest import ROOT


def test_every_seed_sentence_is_labelled_and_valid():
    corpus = load_project(ROOT, "/nonexistent-datasets")
    assert "left out" in corpus.notes[0] and corpus.notes[-1] == "training on the seed labels alone"
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        n = len(split_sentences(path.read_text(encoding="utf-8")))
        labelled = set(corpus.rows[corpus.rows["doc"] == path.name]["index"])
        assert labelled == set(range(n)), path.name


@pytest.mark.skipif(not (datasets_dir() / "newsmtsc" / NEWSMTSC_FILES[0]).is_file(), reason="NewsMTSC folder absent")
def test_every_newsmtsc_label_resolves_to_a_sentence_and_known_actors(registry):
    corpus = load_project(ROOT)  # raises on any unresolved id or unknown actor
    rows = corpus.rows[corpus.rows["source"] == "newsmtsc"]
    assert rows["sid"].nunique() >= 1500
    assert rows["text"].str.len().min() > 0
    assert all(h in registry for h in rows.loc[rows["stance"] != "none", "holder"])
    assert all(t in registry for t in rows["target"] if t)


def _break(project, line: int, column: str, value: str):
    path = project / "labels" / "seeds.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[line - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def _first_stance_line(project) -> int:
    with (project / "labels" / "seeds.csv").open(encoding="utf-8") as f:
        return next(i for i, row in enumerate(csv.DictReader(f), 2) if row["stance"] != "none")


@pytest.mark.parametrize("column, value, message", [
    ("stance", "approve", "unknown stance 'approve'"),
    ("holder", "", "missing holder"),
    ("holder", "Atlantis", "unknown actor 'Atlantis'"),
    ("start", "3", "do not match sentence"),
    ("sentence", "x", "whole numbers"),
])
def test_bad_label_rows_name_the_file_and_line(project_copy, column, value, message):
    line = _first_stance_line(project_copy)
    _break(project_copy, line, column, value)
    with pytest.raises(InputError, match=rf"seeds\.csv:{line}: .*{message}"):
        load_project(project_copy, "/nonexistent-datasets")


def test_binary_and_non_utf8_documents(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02PNG")
    with pytest.raises(InputError, match="bin.txt: looks like a binary file"):
        read_document(tmp_path / "bin.txt")
    (tmp_path / "latin.txt").write_bytes("Caf\u00e9 ok.\nPutin said \u201cno\u201d.".encode("cp1252"))
    text, warning = read_document(tmp_path / "latin.txt")
    assert text == "Caf\u00e9 ok.\nPutin said \u201cno\u201d." and "latin.txt:1: not valid UTF-8; decoded as cp1252" in warning


def test_read_table_keeps_line_numbers_and_reads_what_prediction_reads(tmp_path):
    from stance.corpus import read_table

    (tmp_path / "t.json").write_text('{"text": "a", "label": "x", "g": 1}\n\n{"text": "b", "label": "y"}\n')
    frame = read_table(tmp_path / "t.json", ["text", "label", "g"], label_column="label")
    assert list(frame.index) == [1, 3] and list(frame["g"]) == ["1", ""]  # a key a row lacks is missing: ""
    (tmp_path / "latin.csv").write_bytes("text,label\nCaf\u00e9,x\n".encode("latin-1"))
    notes = []
    assert list(read_table(tmp_path / "latin.csv", ["text", "label"], warn=notes.append)["text"]) == ["Caf\u00e9"]
    assert notes == [f"{tmp_path / 'latin.csv'}:2: not valid UTF-8; decoded as cp1252"]
    with pytest.raises(InputError, match=r"t\.json:1: missing column\(s\) doc"):
        read_table(tmp_path / "t.json", ["text", "doc"])
    with pytest.raises(InputError, match="nope.csv: no such file"):
        read_table(tmp_path / "nope.csv", ["text"])


# --- a user's label table added to the project's (stance train --add) ----------------------------------------------

def _user_table(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["doc", "sentence", "start", "end", "holder", "target", "stance", "sha1"],
                           extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def test_user_labels_are_added_and_win_on_the_same_sentence(project_copy, registry, tmp_path):
    import hashlib

    from stance.corpus import add_user_labels

    project = load_project(project_copy, tmp_path / "no-datasets")
    seed = "000_cab028f7baf9d51c.txt"
    s1 = split_sentences(read_document(project_copy / "seeds" / seed)[0])[1]  # labelled support by the project
    before = project.sentences[project.sentences["text"] == s1.text]
    assert list(before["label"]) == ["support"]
    news = tmp_path / "news.txt"
    news.write_text("Russia condemned the strikes on Iran. Oil prices rose on Monday.\n", encoding="utf-8")
    mine = tmp_path / "mine.csv"
    _user_table(mine, [
        {"doc": str(project_copy / "seeds" / seed), "sentence": 1, "start": s1.start, "end": s1.end,
         "holder": "Vladimir Putin", "target": "Iran", "stance": "hedge",
         "sha1": hashlib.sha1(s1.text.encode()).hexdigest()},
        {"doc": "news.txt", "sentence": 0, "holder": "Russia", "target": "Iran", "stance": "condemn"},  # beside mine
        {"doc": str(news), "sentence": 1, "holder": "", "target": "", "stance": "none"}])
    merged = add_user_labels(project, [mine], registry, root=project_copy, datasets=tmp_path / "no-datasets")
    after = merged.sentences[merged.sentences["text"] == s1.text]
    assert list(after["label"]) == ["hedge"] and list(after["group"]) == [seed]  # the seed's article, one group
    rows = merged.rows[merged.rows["text"] == s1.text]
    assert list(zip(rows["holder"], rows["target"], rows["stance"])) == [("Vladimir Putin", "Iran", "hedge")]
    assert len(merged.sentences) == len(project.sentences) + 2  # one relabelled, two new
    texts = dict(zip(merged.sentences["text"], merged.sentences["label"]))
    assert texts["Russia condemned the strikes on Iran."] == "condemn" and texts["Oil prices rose on Monday."] == "none"
    assert str(mine) in merged.files
    assert any("3 sentences (3 rows): 2 added, 1 already labelled" in n for n in merged.notes)


def test_user_label_of_a_repeated_text_relabels_every_copy_in_place(project_copy, registry, tmp_path):
    """A text labelled in several places (boilerplate, here by an earlier table) takes the later table's label
    everywhere and keeps its places; the later copy is not added again."""
    from stance.corpus import add_user_labels

    project = load_project(project_copy, tmp_path / "no-datasets")
    text = "Oil prices rose on Monday."
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(text + "\n", encoding="utf-8")
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    _user_table(first, [{"doc": d, "sentence": 0, "holder": "", "target": "", "stance": "none"} for d in ("a.txt", "b.txt")])
    _user_table(second, [{"doc": "c.txt", "sentence": 0, "holder": "Russia", "target": "Iran", "stance": "hedge"}])
    merged = add_user_labels(project, [first, second], registry, root=project_copy)
    copies = merged.sentences[merged.sentences["text"] == text]
    assert sorted(copies["group"]) == ["a.txt", "b.txt"] and set(copies["label"]) == {"hedge"}
    assert len(merged.sentences) == len(project.sentences) + 2
    assert any("1 already labelled (by the project or an earlier table), whose 2 sentences" in n for n in merged.notes)


@pytest.mark.parametrize("row, message", [
    ({"doc": "gone.txt", "sentence": 0, "stance": "none"}, "cannot find document 'gone.txt'"),
    ({"doc": "news.txt", "sentence": 5, "stance": "none"}, "news.txt has no sentence 5 (it has 1)"),
    ({"doc": "news.txt", "sentence": 0, "start": 0, "end": 9, "stance": "none"}, "offsets 0-9 do not match"),
    ({"doc": "news.txt", "sentence": 0, "stance": "none", "sha1": "0" * 40}, "sha1 differs"),
    ({"doc": "news.txt", "sentence": 0, "holder": "Atlantis", "stance": "condemn"}, "unknown actor 'Atlantis'"),
])
def test_bad_user_label_rows_name_the_file_and_line(registry, tmp_path, row, message):
    from stance.corpus import load_user_labels

    (tmp_path / "news.txt").write_text("Russia condemned the strikes on Iran.\n", encoding="utf-8")
    mine = tmp_path / "mine.csv"
    _user_table(mine, [{"holder": "", "target": "", **row}])
    with pytest.raises(InputError) as e:
        load_user_labels(mine, registry, {}, root=tmp_path)
    assert str(e.value).startswith(f"{mine}:2: ") and message in str(e.value)


def test_user_labels_of_table_rows_read_the_text_column(registry, tmp_path):
    from stance.corpus import load_user_labels

    table = tmp_path / "rows.csv"
    table.write_text("id,body\n1,Oil prices rose on Monday.\n2,Russia condemned the strikes on Iran.\n")
    mine = tmp_path / "mine.csv"
    _user_table(mine, [{"doc": str(table), "sentence": 1, "start": 0, "end": 37, "holder": "Russia",
                        "target": "Iran", "stance": "condemn"}])
    rows = load_user_labels(mine, registry, {}, root=tmp_path, text_column="body")
    assert list(rows["text"]) == ["Russia condemned the strikes on Iran."] and list(rows["doc"]) == [str(table)]
