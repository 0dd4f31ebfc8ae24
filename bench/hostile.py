"""Hostile and careless input, case by case: what each command gets, against what it should get.

    .venv/bin/python bench/hostile.py [--model DIR] [--quick]

Every case runs `stance` as a separate process on inputs made in a temporary folder (a user's files are never touched)
and prints one row: the case, the exit code, the first line on stderr, whether a traceback appeared, peak memory where
memory is the point, and OK when the behaviour matches the promise (one clear line naming the file, exit 1, 2 for
usage, nothing saved lost or half-written). The last line is one JSON object with every row.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STANCE = [sys.executable, "-m", "stance"]
TINY = [("Russia condemned the strikes on Iran.", "condemn"), ("Moscow denounced the attack.", "condemn"),
        ("Iran thanked Russia for its support.", "support"), ("Tehran praised the ties with Moscow.", "support"),
        ("Russia declined to offer guarantees.", "hedge"), ("Putin offered to mediate.", "hedge"),
        ("The summit took place in June.", "none"), ("Oil prices rose on Monday.", "none")]


def run(args, *, stdin=None, stdout=subprocess.PIPE, shell=False, timeout=300, preexec=None, env=None):
    """Exit code, stderr text and the peak RSS (MB) of one command (children included, measured around it)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    p = subprocess.run(args if shell else [*STANCE, *map(str, args)], stdin=stdin, stdout=stdout,
                       stderr=subprocess.PIPE, timeout=timeout, cwd=ROOT, shell=shell, preexec_fn=preexec,
                       env=env)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return p, p.stderr.decode(errors="replace"), (peak / 1024 if peak > before else None), time.perf_counter() - t


def first_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    return lines[0][:110] if lines else ""


def one_line(err: str) -> bool:
    return len([line for line in err.splitlines() if line.strip()]) == 1 and "Traceback" not in err


class Cases:
    def __init__(self, model: Path, tmp: Path):
        self.model, self.tmp, self.rows = model, tmp, []

    def add(self, case: str, want: str, p, err: str, ok: bool, peak=None, seconds=None) -> None:
        self.rows.append({"case": case, "want": want, "exit": p.returncode if p is not None else None,
                          "stderr": first_line(err), "traceback": "Traceback" in err, "peak_mb": peak and round(peak),
                          "seconds": seconds and round(seconds, 2), "ok": bool(ok)})

    def table(self, rows: list[tuple[str, str]], name: str = "t.jsonl") -> Path:
        path = self.tmp / name
        path.write_text("".join(json.dumps({"text": t, "label": y, "doc": f"d{i % 4}"}) + "\n"
                                for i, (t, y) in enumerate(rows)))
        return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model folder (default: a tiny model trained here)")
    ap.add_argument("--quick", action="store_true", help="skip the 20 MB and Ctrl-C cases")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="stance-hostile-"))
    try:
        model = Path(args.model) if args.model else tmp / "model"
        if not args.model:
            data = tmp / "train.jsonl"
            data.write_text("".join(json.dumps({"text": f"{t} ({i})", "label": y, "doc": f"d{i % 6}"}) + "\n"
                                    for i in range(6) for t, y in TINY))
            p, err, _, _ = run(["train", "--data", data, "--group-column", "doc", "--out", model, "--jobs", "1"])
            if p.returncode:
                sys.exit(f"could not train the tiny model: {err}")
        c = Cases(model, tmp)
        m = ["--model", model]
        doc = tmp / "doc.txt"
        doc.write_text("Russia condemned the strikes. Iran thanked Moscow.\n")

        # 1. train --out on a folder that is not a model, and on a file
        folder = tmp / "mine"
        folder.mkdir()
        (folder / "notes.txt").write_text("keep")
        afile = tmp / "notes.txt"
        afile.write_text("keep")
        small = c.table(TINY * 6)
        for name, out in (("1 train --out a folder that is not a model", folder), ("1 train --out a file", afile)):
            p, err, _, _ = run(["train", "--data", small, "--out", out, "--jobs", "1"])
            kept = (folder / "notes.txt").exists() and afile.read_text() == "keep"
            c.add(name, "exit 1, refused, nothing touched", p, err, p.returncode == 1 and one_line(err) and kept)

        # 2. unbounded input: /dev/zero, a 20 MB line
        p, err, peak, sec = run(["predict", "/dev/zero", *m, "-f", "jsonl"], timeout=60)
        c.add("2 predict /dev/zero", "refused quickly (NUL), bounded memory", p, err,
              p.returncode == 1 and one_line(err), peak, sec)
        if not args.quick:
            line = tmp / "oneline.txt"
            with line.open("w") as f:
                sentence = "Russia condemned the strikes on Iran while Moscow urged restraint. "
                f.write(sentence * (20_000_000 // len(sentence)))
            p, err, peak, sec = run(["predict", line, *m, "-f", "jsonl"], stdout=subprocess.DEVNULL, timeout=1200)
            c.add("2 predict a 20 MB one-line file", "scored, bounded memory", p, err, p.returncode == 0, peak, sec)

        # 3. html past a size
        big = tmp / "big.txt"
        big.write_text("Russia condemned the strikes.\n" * 25_000)
        p, err, peak, sec = run(["predict", big, *m, "-f", "html"], stdout=subprocess.DEVNULL)
        c.add("3 --format html on 25,000 sentences", "refused with a pointer to summarize", p, err,
              p.returncode == 1 and one_line(err) and "summarize" in err, peak, sec)

        # 4. closed stdin
        p, err, _, _ = run(["predict", "-", doc, *m, "-f", "jsonl"], preexec=lambda: os.close(0))
        c.add("4 predict - FILE with stdin closed", "stdin named, the file still scored, exit 1", p, err,
              p.returncode == 1 and "<stdin>" in err and p.stdout.count(b"\n") == 2 and "Traceback" not in err)

        # 5 and 12. bad training tables
        for name, rows in (("5 train on one class", [(t, "none") for t, _ in TINY]),
                           ("5 train on one row", TINY[:1]),
                           ("12 train with empty labels", [(t, "") for t, _ in TINY])):
            p, err, _, _ = run(["train", "--data", c.table(rows, "bad.jsonl"), "--out", tmp / "m5", "--jobs", "1"])
            c.add(name, "exit 1, one line", p, err, p.returncode == 1 and one_line(err))
        bad = tmp / "null.jsonl"
        bad.write_text("".join(json.dumps({"text": t, "label": None if i == 2 else y}) + "\n"
                               for i, (t, y) in enumerate(TINY * 2)))
        p, err, _, _ = run(["train", "--data", bad, "--out", tmp / "m5", "--jobs", "1"])
        c.add("5 train with a null label (JSONL)", "exit 1 naming the line", p, err,
              p.returncode == 1 and one_line(err) and ":3:" in err)
        nan = tmp / "nan.csv"
        nan.write_text("text,label\n" + "".join(f"{t},{'NaN' if i == 1 else y}\n" for i, (t, y) in enumerate(TINY * 2)))
        p, err, _, _ = run(["train", "--data", nan, "--out", tmp / "m5", "--jobs", "1"])
        c.add("12 train with a NaN label (CSV)", "refused with file:line (not a class)", p, err,
              p.returncode == 1 and one_line(err) and ":3:" in err)

        p, err, _, _ = run(["train", "--data", c.table(TINY * 2, "few.jsonl"), "--out", tmp / "m5", "--jobs", "1"])
        c.add("5 train on two rows per class", "trains with fewer folds, or exit 1 with one line", p, err,
              p.returncode == 0 or (p.returncode == 1 and one_line(err)))

        # 6. output errors
        p, err, _, _ = run(["predict", doc, *m, "-f", "jsonl"], stdout=open("/dev/full", "w"))
        c.add("6 predict > /dev/full", "exit 1, one line", p, err, p.returncode == 1 and one_line(err))
        p, err, _, _ = run(["predict", doc, *m, "-f", "jsonl"], preexec=lambda: os.close(1), stdout=None)
        c.add("6 predict >&- (stdout closed)", "exit 1, one line", p, err, p.returncode == 1 and one_line(err))
        cmd = f"set -o pipefail; {' '.join(STANCE)} predict {big} --model {model} -f jsonl | head -1 > /dev/null"
        p, err, _, _ = run(f"bash -c {shlex.quote(cmd)}", shell=True)
        c.add("6 predict | head -1", "quiet, exit 141", p, err, err.strip() == "" and p.returncode == 141)
        p, err, _, _ = run(["explain", "Russia condemned it.", *m], stdout=open("/dev/full", "w"))
        c.add("6 explain > /dev/full", "exit 1, one line", p, err, p.returncode == 1 and one_line(err))
        p, err, _, _ = run(["summarize", doc, *m], stdout=open("/dev/full", "w"))
        c.add("6 summarize > /dev/full", "exit 1, one line", p, err, p.returncode == 1 and one_line(err))

        # 7. unwritable --out
        for out in ("/proc/stance-model", "."):
            p, err, _, sec = run(["train", "--data", small, "--out", out, "--jobs", "1"])
            c.add(f"7 train --out {out}", "refused before the work", p, err,
                  p.returncode == 1 and one_line(err), None, sec)

        # 8. a null text in a table
        null_text = tmp / "nulltext.jsonl"
        null_text.write_text(json.dumps({"id": 1, "text": None}) + "\n" + json.dumps({"id": 2, "text": "Ok."}) + "\n")
        p, err, _, _ = run(["predict", null_text, "--text-column", "text", *m, "-f", "table"])
        c.add("8 --format table, a null text", "row skipped with a warning naming the line", p, err,
              p.returncode == 0 and ":1:" in err and "Traceback" not in err)

        # 9. metadata of the wrong shape
        for name, change in (("files a list", lambda d: {**d, "files": list(d["files"])}),
                             ("params a string", lambda d: {**d, "params": "C=3"}),
                             ("versions a string", lambda d: {**d, "versions": "1.0"}),
                             ("files names /etc/passwd", lambda d: {**d, "files": {**d["files"], "/etc/passwd": "0"}})):
            broken = tmp / "broken"
            shutil.rmtree(broken, ignore_errors=True)
            shutil.copytree(model.resolve(), broken)
            meta = json.loads((broken / "metadata.json").read_text())
            (broken / "metadata.json").write_text(json.dumps(change(meta)))
            p, err, _, _ = run(["predict", doc, "--model", broken, "-f", "jsonl"], timeout=60)
            c.add(f"9 metadata.json: {name}", "refused, one line", p, err, p.returncode == 1 and one_line(err))

        # 10. glob patterns
        for pattern in ("/etc/*.txt", "../*.txt"):
            p, err, _, _ = run(["predict", tmp, "--glob", pattern, *m, "-f", "jsonl"])
            c.add(f"10 --glob {pattern}", "refused, one line", p, err, p.returncode == 1 and one_line(err))

        # 11. Ctrl-C during --jobs 2
        if not args.quick:
            proc = subprocess.Popen([*STANCE, "predict", big, big, big, *m, "-f", "jsonl", "--jobs", "2"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
                                    start_new_session=True)
            time.sleep(4)
            os.killpg(proc.pid, signal.SIGINT)
            try:
                _, err_b = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                _, err_b = proc.communicate()
            time.sleep(1)
            # processes of the run's group still alive (zombies waiting for init to reap them are not)
            ps = subprocess.run(["ps", "-eo", "pgid=,stat="], capture_output=True, text=True).stdout.split("\n")
            left = [line for line in ps if line.split()[:1] == [str(proc.pid)] and "Z" not in line.split()[1]]
            err = err_b.decode(errors="replace")
            c.add("11 Ctrl-C during --jobs 2", "exit 130, one line, no worker left", proc, err,
                  proc.returncode in (130, -2) and "Traceback" not in err and not left)

        # 13. ids written back exactly
        ids = tmp / "ids.jsonl"
        ids.write_text(json.dumps({"id": 1, "big": 12345678901234567890, "text": "Russia condemned it."}) + "\n")
        p, err, _, _ = run(["predict", ids, "--text-column", "text", *m, "-f", "jsonl"])
        out = json.loads(p.stdout) if p.returncode == 0 else {}
        c.add("13 JSONL ids 1 and 12345678901234567890", "written back exactly", p, err,
              out.get("id") == 1 and out.get("big") == 12345678901234567890)

        # 14. csv columns and order with mixed inputs, --jobs 2
        rows_csv = tmp / "rows.csv"
        rows_csv.write_text("id,text\nA7,Russia condemned the strikes.\n")
        outs = []
        for order in ((rows_csv, doc), (doc, rows_csv)):
            p, err, _, _ = run(["predict", *order, "--text-column", "text", *m, "-f", "csv"])
            outs.append(p.stdout.decode().splitlines()[0] if p.returncode == 0 else "")
        c.add("14 --format csv header, table and document in either order", "same header, id kept", p, err,
              outs[0] == outs[1] and outs[0].startswith("id,"))
        one, _, _, _ = run(["predict", rows_csv, doc, "--text-column", "text", *m, "-f", "jsonl", "--jobs", "1"])
        two, err, _, _ = run(["predict", rows_csv, doc, "--text-column", "text", *m, "-f", "jsonl", "--jobs", "2"])
        c.add("14 --jobs 2 with a table before a document", "same output as --jobs 1", two, err,
              one.stdout == two.stdout and one.returncode == 0)

        # 15. html with --text-column
        p, err, _, _ = run(["predict", rows_csv, "--text-column", "text", *m, "-f", "html"])
        c.add("15 --format html --text-column", "rows scored, not raw CSV lines", p, err,
              p.returncode == 0 and b"A7,Russia" not in p.stdout and b"Russia condemned the strikes." in p.stdout)

        # 16. Latin-1 table, 17. empty tables
        latin = tmp / "latin.csv"
        latin.write_bytes("id,text\n1,Caf\u00e9 Moscow condemned it.\n".encode("latin-1"))
        p, err, _, _ = run(["predict", latin, "--text-column", "text", *m, "-f", "jsonl"])
        c.add("16 Latin-1 CSV", "decoded as cp1252 with a warning naming the line", p, err,
              p.returncode == 0 and "latin.csv:2" in err and "Caf\u00e9" in p.stdout.decode())
        for suffix in (".csv", ".jsonl"):
            empty = tmp / f"empty{suffix}"
            empty.write_text("")
            p, err, _, _ = run(["predict", empty, "--text-column", "text", *m, "-f", "json"])
            c.add(f"17 empty {suffix}", "empty result, exit 0", p, err, p.returncode == 0 and p.stdout.strip() == b"[]")

        # 18. an unreadable folder (root reads everything: run as nobody when we are root)
        locked = tmp / "locked"
        locked.mkdir()
        (locked / "a.txt").write_text("Russia condemned it.\n")
        os.chmod(locked, 0)
        os.chmod(tmp, 0o755)
        if os.geteuid() == 0 and shutil.which("setpriv"):
            shutil.copytree(model.resolve(), tmp / "pubmodel")
            os.system(f"chmod -R a+rX {tmp / 'pubmodel'}")
            cmd = (f"setpriv --reuid=nobody --regid=nogroup --clear-groups {' '.join(STANCE)} predict {locked} "
                   f"--model {tmp / 'pubmodel'} -f jsonl")
            p, err, _, _ = run(cmd, shell=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        else:
            p, err, _, _ = run(["predict", locked, *m, "-f", "jsonl"])
        c.add("18 an unreadable folder", "cannot read it, exit 1", p, err,
              p.returncode == 1 and one_line(err) and "cannot read" in err)
        os.chmod(locked, 0o755)

        # 19. duplicated rows
        dup = tmp / "dup.jsonl"
        # words that say nothing of the label: only a copy of a test row on the training side could score them right
        classes = ("condemn", "hedge", "none", "support")
        nonsense = [(f"Zorblat{i} quenk{i} mirvo{i}.", classes[i % 4]) for i in range(20)]
        dup.write_text("".join(json.dumps({"text": t, "label": y}) + "\n" for t, y in nonsense) * 50)
        p, err, _, _ = run(["train", "--data", dup, "--out", tmp / "m19", "--jobs", "1"])
        c.add("19 train on 50 copies of each row", "warns about duplicates, no 1.000 F1", p, err,
              p.returncode == 0 and "duplicate" in err.lower() and "macro F1 1.000" not in err)

        # 20. escape sequences
        evil = tmp / "evil\x1b]0;pwned\x07.txt"
        evil.write_text("Russia \x1b[2Jcondemned it.\n")
        import pty

        main_fd, tty_fd = pty.openpty()  # stdout on a terminal, as a person sees it
        p, err, _, _ = run(["predict", evil, tmp / "missing\x1b[31m.txt", *m, "-f", "table"], stdout=tty_fd)
        os.close(tty_fd)
        screen = b""
        while True:
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
        os.close(main_fd)
        c.add("20 escape sequences in names and text (on a terminal)", "shown escaped, never raw", p, err,
              "\x1b" not in err and b"\x1b" not in screen and b"condemned" in screen)

        # 21. folder permissions of a saved model
        os.umask(0o022)
        p, err, _, _ = run(["train", "--data", small, "--out", tmp / "m21", "--jobs", "1"])
        mode = oct(os.stat((tmp / "m21").resolve()).st_mode & 0o777) if p.returncode == 0 else "-"
        c.add(f"21 model folder mode under umask 022 ({mode})", "0o755 (the umask's)", p, err, mode == "0o755")

        # 22. a stale temporary folder from a killed save
        stale = tmp / ".m21.tmp-stale"
        stale.mkdir()
        old = time.time() - 3600
        os.utime(stale, (old, old))
        p, err, _, _ = run(["train", "--data", small, "--out", tmp / "m21", "--jobs", "1"])
        c.add("22 a stale temporary folder beside the model", "removed at the next save", p, err,
              p.returncode == 0 and not stale.exists())

        # also: UTF-16 with a BOM, CSV formula cells, a newline in a file name
        u16 = tmp / "u16.txt"
        u16.write_bytes("Russia condemned the strikes.\n".encode("utf-16"))
        p, err, _, _ = run(["predict", u16, *m, "-f", "jsonl"])
        c.add("+ UTF-16 with a BOM", "decoded", p, err, p.returncode == 0 and b"Russia condemned" in p.stdout)
        formula = tmp / "formula.csv"
        formula.write_text('id,text\n"=HYPERLINK(1)","=1+1 Russia condemned it."\n')
        p, err, _, _ = run(["predict", formula, "--text-column", "text", *m, "-f", "csv", "--csv-safe"])
        c.add("+ --csv-safe on formula cells", "cells start with '", p, err,
              p.returncode == 0 and "'=HYPERLINK" in p.stdout.decode() and "\n=" not in p.stdout.decode())
        p, err, _, _ = run(["predict", tmp / "new\nline.txt", *m, "-f", "jsonl"])
        c.add("+ a newline in a missing file's name", "one error line", p, err, p.returncode == 1 and one_line(err))

        width = max(len(r["case"]) for r in c.rows)
        print(f"{'case':<{width}}  exit  ok    peak MB  stderr (first line)")
        for r in c.rows:
            print(f"{r['case']:<{width}}  {str(r['exit']):>4}  {'OK' if r['ok'] else 'FAIL':<4}  "
                  f"{str(r['peak_mb'] or ''):>7}  {r['stderr']}")
        print(f"{sum(r['ok'] for r in c.rows)} of {len(c.rows)} cases behave as promised")
        print(json.dumps({"bench": "hostile", "cases": c.rows}))
    finally:
        subprocess.run(["chmod", "-R", "u+rwX", str(tmp)])
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
