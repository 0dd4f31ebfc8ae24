import csv
import io
import json
import os
import subprocess

import pytest
from typer.testing import CliRunner

from conftest import ROOT, SEEDS, stance_cmd
from stance.cli import app


class Result:
    """What a command did, in-process (typer's CliRunner) or as a process: exit code and bytes on stdout/stderr."""

    def __init__(self, returncode: int, stdout: bytes, stderr: bytes):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run(*args, stdin: bytes | None = None, cwd=ROOT):
    """``stance ARGS`` in this process, as typer's CliRunner drives it."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        r = CliRunner().invoke(app, [str(a) for a in args], input=stdin)
    finally:
        os.chdir(old)
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return Result(r.exit_code, r.stdout_bytes, r.stderr_bytes)


def run_process(*args, stdin: bytes | None = None, cwd=ROOT):
    """``python -m stance ARGS`` as a separate process: for start-up, exit codes and file descriptors."""
    return subprocess.run([*stance_cmd(), *map(str, args)], input=stdin, capture_output=True, cwd=cwd, timeout=300)


def one_clean_line(stderr: bytes) -> str:
    text = stderr.decode()
    assert "Traceback" not in text
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "table", "html"])
def test_every_format_parses(tiny_model, fmt):
    r = run("predict", SEEDS[1], "--model", tiny_model, "--format", fmt)
    assert r.returncode == 0, r.stderr.decode()
    out = r.stdout.decode()
    n = len([line for line in out.splitlines()])
    if fmt == "json":
        rows = json.loads(out)
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in out.splitlines()]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert len(rows) >= 47  # one row per actor stance
        rows = list({row["sentence"]: row for row in rows}.values())
    elif fmt == "table":
        rows = [line for line in out.splitlines() if line.startswith(str(SEEDS[1]))]
    else:
        assert out.startswith("<!doctype html>") and out.rstrip().endswith("</html>") and n > 0
        rows = out.split('class="s ')[1:]
    assert len(rows) == 47
    if fmt in ("json", "jsonl", "csv"):
        assert set(rows[0]) >= {"file", "sentence", "start", "end", "text", "stance", "confidence", "holder",
                                "holder_code", "target", "target_code", "p_none"}
    if fmt == "csv":
        assert not any(v.startswith(("[", "{")) for row in rows for v in row.values())  # plain cells, no JSON
        assert not any("A b b a s" in row["text"] for row in rows)


def test_missing_model_is_one_line_and_exit_1(tmp_path):
    r = run_process("predict", SEEDS[0], "--model", tmp_path / "none")
    assert r.returncode == 1 and "make train" in one_clean_line(r.stderr) and r.stdout == b""


def test_empty_file_gives_empty_result(tiny_model, tmp_path):
    (tmp_path / "empty.txt").write_text("  \n")
    r = run("predict", tmp_path / "empty.txt", "--model", tiny_model, "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout) == [] and r.stderr == b""


def test_non_utf8_file_is_decoded_with_a_warning(tiny_model, tmp_path):
    (tmp_path / "latin.txt").write_bytes("Russia condemned the caf\u00e9 strikes.".encode("cp1252"))
    r = run("predict", tmp_path / "latin.txt", "--model", tiny_model, "--format", "jsonl")
    assert r.returncode == 0
    assert "latin.txt:1: not valid UTF-8; decoded as cp1252" in one_clean_line(r.stderr)
    assert json.loads(r.stdout)["text"] == "Russia condemned the caf\u00e9 strikes."


def test_bad_input_among_good_ones_fails_with_a_summary(tiny_model, tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x00binary")
    r = run("predict", SEEDS[0], tmp_path / "bin.txt", tmp_path / "missing.txt", "--model", tiny_model, "-f", "jsonl")
    err = r.stderr.decode()
    assert r.returncode == 1 and "Traceback" not in err
    assert "bin.txt:1: looks like a binary file" in err and "missing.txt: cannot read" in err
    assert "scored 1 of 3 inputs" in err
    assert len(r.stdout.decode().splitlines()) == 29  # the good file (29 sentences) was still scored


def test_malformed_label_row_fails_training_cleanly(project_copy, tmp_path):
    path = project_copy / "labels" / "seeds.csv"
    path.write_text(path.read_text(encoding="utf-8") + "000_cab028f7baf9d51c.txt,0,0,88,,,maybe\n", encoding="utf-8")
    n = len(path.read_text(encoding="utf-8").splitlines())
    r = run("train", "--root", project_copy, "--out", tmp_path / "m", "--datasets", tmp_path / "none")
    assert r.returncode == 1
    assert f"seeds.csv:{n}: unknown stance 'maybe'" in r.stderr.decode().splitlines()[-1]
    assert "Traceback" not in r.stderr.decode() and not (tmp_path / "m").exists()


def test_usage_errors_exit_2(tiny_model):
    assert run_process("predict").returncode == 2
    assert run_process("predict", SEEDS[0], "--format", "yaml", "--model", tiny_model).returncode == 2
    assert run_process("frobnicate").returncode == 2


def test_stdin_and_table_rows_keep_ids(tiny_model, tmp_path):
    r = run("predict", "-", "--model", tiny_model, "-f", "jsonl", stdin="Russia condemned it. Oil rose.".encode())
    assert [json.loads(line)["file"] for line in r.stdout.decode().splitlines()] == ["<stdin>", "<stdin>"]
    (tmp_path / "rows.csv").write_text("id,text\nA7,Russia condemned the strikes on Iran.\nB9,Oil prices rose.\n")
    r = run("predict", tmp_path / "rows.csv", "--text-column", "text", "--model", tiny_model, "-f", "jsonl")
    rows = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert [(row["id"], row["stance"]) for row in rows] == [("A7", "condemn"), ("B9", "none")]
    r = run("predict", tmp_path / "rows.csv", "--text-column", "body", "--model", tiny_model)
    assert r.returncode == 1 and "rows.csv:1: missing column body" in one_clean_line(r.stderr)


def test_help_and_version():
    r = subprocess.run(["make", "-s", "help"], capture_output=True, cwd=ROOT, text=True)
    assert "make train" in r.stdout and "make test" in r.stdout
    assert run_process("--version").stdout.decode().startswith("stance ")


def test_train_evaluate_predict_on_any_table_keep_row_ids(tmp_path):
    rows = []
    words = {"for": ["confirms", "backs"], "against": ["denies", "rejects"], "observing": ["reports", "says"]}
    for g in range(10):
        for i, label in enumerate(["for", "against", "observing", "for", "against", "observing"]):
            rows.append({"rid": f"r{g}-{i}", "body": f"Outlet{g} {words[label][i % 2]} story {i}", "y": label,
                         "doc": f"d{g}", "claim": f"c{g % 3}"})
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    model = tmp_path / "m"
    common = ["--text-column", "body", "--label-column", "y", "--group-column", "doc"]
    r = run("train", "--data", data, *common, "--target-column", "claim", "--out", model, "--jobs", "1")
    assert r.returncode == 0, r.stderr.decode()
    meta = json.loads((model / "metadata.json").read_text())
    assert meta["labels"] == ["against", "for", "observing"] and "by_target" in meta["evaluation"]
    r = run("evaluate", "--model", model, "--data", data, *common, "--format", "json", "--jobs", "1")
    report = json.loads(r.stdout)
    assert set(report["evaluation"]["model"]["per_class"]) == {"against", "for", "observing"}
    r = run("predict", data, "--text-column", "body", "--model", model, "-f", "jsonl")
    out = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert [o["rid"] for o in out] == [row["rid"] for row in rows]
    assert [o["text"] for o in out] == [row["body"] for row in rows]


def test_fixed_test_split_with_a_custom_label_set(tmp_path):
    rows = [{"body": f"Outlet{g} {w} story", "y": y, "doc": f"d{g}"}
            for g in range(8) for w, y in (("confirms", "for"), ("denies", "against"), ("reports", "observing"))]
    data = tmp_path / "data.csv"
    data.write_text("body,y,doc\n" + "".join(f"{r['body']},{r['y']},{r['doc']}\n" for r in rows))
    common = ["--data", data, "--text-column", "body", "--label-column", "y"]
    r = run("train", *common, "--group-column", "doc", "--test", data, "--out", tmp_path / "m", "--jobs", "1")
    assert r.returncode == 0, r.stderr.decode()
    test = json.loads((tmp_path / "m" / "metadata.json").read_text())["evaluation"]["test"]
    assert {"model", "keyword", "majority"} <= set(test) and test["model"]["n"] == len(rows)
    r = run("evaluate", "--model", tmp_path / "m", *common, "--test", data, "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["test"]["model"]["n"] == len(rows)


def test_csv_header_is_fixed_whatever_the_input_order(tiny_model, tmp_path):
    table = tmp_path / "rows.csv"
    table.write_text("id,text\nA7,Russia condemned the strikes on Iran.\nB9,Oil prices rose.\n")
    doc = tmp_path / "doc.txt"
    doc.write_text("Iran praised Moscow. Oil rose.\n")
    headers = []
    for order in ((table, doc), (doc, table)):
        r = run("predict", *order, "--text-column", "text", "--model", tiny_model, "-f", "csv")
        assert r.returncode == 0, r.stderr.decode()
        rows = list(csv.DictReader(io.StringIO(r.stdout.decode())))
        headers.append(list(rows[0]))
        assert {row["id"] for row in rows if row["file"] == str(table)} == {"A7", "B9"}
        assert [row["start"] for row in rows if row["file"] == str(doc)] == ["0", "21"]
    assert headers[0] == headers[1] and headers[0][0] == "id"


def test_table_rows_get_holders_targets_and_codes(tiny_model, tmp_path):
    (tmp_path / "rows.jsonl").write_text(json.dumps({"id": 12345678901234567890, "n": 1,
                                                     "text": "Russia condemned Iran's strikes."}) + "\n")
    r = run("predict", tmp_path / "rows.jsonl", "--text-column", "text", "--model", tiny_model, "-f", "jsonl")
    row = json.loads(r.stdout)
    assert (row["holder"], row["holder_code"], row["target_code"]) == ("Russia", "RUS", "IRN")
    assert row["id"] == 12345678901234567890 and row["n"] == 1  # values written back exactly as read
    assert row["stances"][0]["stance"] == "condemn"


def test_train_refuses_an_out_that_is_not_a_model(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    a_file = tmp_path / "file.txt"
    a_file.write_text("keep me too")
    for out in (folder, a_file, "."):
        r = run("train", "--out", out, "--datasets", tmp_path / "none")
        assert r.returncode == 1 and "not replacing it" in one_clean_line(r.stderr)
    assert (folder / "notes.txt").read_text() == "keep me" and a_file.read_text() == "keep me too"
    r = run("train", "--out", "/proc/stance-model", "--datasets", tmp_path / "none")
    assert r.returncode == 1 and "cannot write" in one_clean_line(r.stderr)


def test_glob_patterns_stay_inside_the_folder(tiny_model, tmp_path):
    for pattern in ("/etc/*.txt", "../*.txt"):
        r = run("predict", tmp_path, "--glob", pattern, "--model", tiny_model)
        assert r.returncode == 1 and "must stay inside the folder" in one_clean_line(r.stderr)


def test_escape_sequences_never_reach_the_terminal_raw(tiny_model, tmp_path):
    from stance.cli import printable

    assert printable("a\x1b]0;pwned\x07b\nc") == r"a\x1b]0;pwned\x07b\x0ac"
    bad = tmp_path / "evil\x1b[2J.txt"
    r = run("predict", bad, "--model", tiny_model, "-f", "jsonl")
    assert r.returncode == 1 and "\x1b" not in r.stderr.decode() and "\\x1b[2J" in one_clean_line(r.stderr)


def test_closed_streams_and_a_full_disk_are_one_line_each(tiny_model):
    seed = str(SEEDS[0])
    closed_stdin = subprocess.run([*stance_cmd(), "predict", "-", seed, "--model", str(tiny_model), "-f", "jsonl"],
                                  stdin=subprocess.DEVNULL, capture_output=True, cwd=ROOT, timeout=300,
                                  preexec_fn=lambda: os.close(0))
    assert closed_stdin.returncode == 1 and "<stdin>" in closed_stdin.stderr.decode()
    assert closed_stdin.stdout.count(b"\n") == 29  # the file after it is still scored
    with open("/dev/full", "w") as full:
        r = subprocess.run([*stance_cmd(), "predict", seed, "--model", str(tiny_model), "-f", "jsonl"], stdout=full,
                           stderr=subprocess.PIPE, cwd=ROOT, timeout=300)
    assert r.returncode == 1 and "No space left" in one_clean_line(r.stderr)
    r = subprocess.run(f"{' '.join(stance_cmd())} predict {seed} --model {tiny_model} -f jsonl | head -1",
                       shell=True, capture_output=True, cwd=ROOT, timeout=300)
    assert r.stderr == b"" and r.stdout.count(b"\n") == 1


def test_reports_on_stderr_keep_their_lines_but_escape_what_input_brings(capsys):
    from stance.cli import _say, _say_block

    _say_block("system  macro F1\nmodel   0.600")
    _say("no such file: evil\nname.txt")
    err = capsys.readouterr().err.splitlines()
    assert err == ["system  macro F1", "model   0.600", "no such file: evil\\x0aname.txt"]


def test_author_is_who_we_and_the_leaders_are(tiny_model, tmp_path):
    """--author: a statement's "we" and "the leaders" are its issuer (and in a table, every row's); without it,
    no one; a name the registry lacks is a warning and stands for itself."""
    doc = tmp_path / "statement.txt"
    doc.write_text("We condemned Iran for the strikes.\n\nThe leaders denounced the attack as illegal.\n",
                   encoding="utf-8")
    table = tmp_path / "rows.csv"
    table.write_text("id,text\n1,We condemned Iran for the strikes.\n", encoding="utf-8")

    def holders(*args):
        r = run("predict", doc, "-m", tiny_model, "-f", "jsonl", *args)
        assert r.returncode == 0, r.stderr
        return [json.loads(line)["holder"] for line in r.stdout.decode().splitlines()], r.stderr.decode()

    assert holders("--author", "Joe Biden") == (["Joe Biden", "Joe Biden"], "")
    assert holders()[0] == ["", ""]
    got, err = holders("--author", "Jane Roe")
    assert got == ["Jane Roe", "Jane Roe"] and "--author 'Jane Roe' is not an actor" in err
    r = run("predict", table, "--text-column", "text", "-m", tiny_model, "-f", "jsonl", "--author", "Joe Biden")
    assert [json.loads(line)["holder"] for line in r.stdout.decode().splitlines()] == ["Joe Biden"]
    r = run("summarize", doc, "-m", tiny_model, "-f", "csv", "--by", "affiliation", "--author", "Joe Biden")
    assert r.returncode == 0 and "United States,Iran,condemn" in r.stdout.decode()
