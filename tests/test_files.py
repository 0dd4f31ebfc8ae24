import pytest

from stance import StanceClassifier
from stance.errors import InputError
from stance.files import read_blocks, read_document
from conftest import SEEDS


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_blocks_rebuild_the_document_and_give_the_same_sentences(seed, tiny_model):
    whole, _ = read_document(seed)
    blocks = list(read_blocks(seed, block_chars=300))
    assert len(blocks) > 1 and "".join(text for _, text in blocks) == whole
    assert all(whole[offset : offset + len(text)] == text for offset, text in blocks)
    clf = StanceClassifier.load(tiny_model)
    streamed, at_once = list(clf.analyze_blocks(blocks)), clf.analyze(whole)
    assert [(s.index, s.start, s.end) for s in streamed] == [(s.index, s.start, s.end) for s in at_once]
    if "002" not in seed.name:  # the damaged seed's letter-spaced names are re-segmented with the words of their
        # block (1 MB by default, the whole article here); 300-character blocks lack "Araghchi" from other paragraphs
        assert [(s.text, s.label) for s in streamed] == [(s.text, s.label) for s in at_once]


def test_a_bad_line_is_decoded_as_cp1252_with_one_warning_naming_it(tmp_path):
    f = tmp_path / "mixed.txt"
    f.write_bytes("Caf\u00e9 one.\n\n".encode() + b"Caf\xe9 two.\n" + b"Caf\xe9 three.\n")
    warnings = []
    text = "".join(t for _, t in read_blocks(f, warn=warnings.append))
    assert text == "Caf\u00e9 one.\n\nCaf\u00e9 two.\nCaf\u00e9 three.\n"
    assert warnings == [f"{f}:3: not valid UTF-8; decoded as cp1252"]


def test_binary_input_is_refused_by_the_stream(tmp_path):
    f = tmp_path / "blob.txt"
    f.write_bytes(b"text line\n" + b"\x00\x01\x02" * 50)
    with pytest.raises(InputError, match="blob.txt:2: looks like a binary file"):
        list(read_blocks(f))


def test_blocks_stay_near_their_size_without_paragraphs(tmp_path):
    f = tmp_path / "long.txt"
    f.write_text("Russia condemned the strikes.\n" * 2000, encoding="utf-8")
    blocks = list(read_blocks(f, block_chars=1000))
    assert max(len(t) for _, t in blocks) <= 8 * 1000 + 40 and "".join(t for _, t in blocks) == f.read_text()


def test_a_file_of_one_huge_line_is_read_in_blocks_of_the_usual_size(tmp_path, monkeypatch):
    import stance.files

    monkeypatch.setattr(stance.files, "LINE_CHARS", 1000)
    f = tmp_path / "oneline.txt"
    f.write_text("Russia condemned the strikes on Iran. " * 2000, encoding="utf-8")
    blocks = list(read_blocks(f, block_chars=1000))
    assert len(blocks) > 30 and max(len(t) for _, t in blocks) <= 2 * 1000
    assert all(t.endswith(". ") for _, t in blocks[:-1]) and "".join(t for _, t in blocks) == f.read_text()
