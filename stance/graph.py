"""The network export of ``stance summarize --format graph``: who stands where as nodes and edges for Gephi,
Cytoscape and networkx.

Three files in one folder, from the summary's cells (:class:`stance.summary.Summary`), summed over any groups:

- ``nodes.csv``: ``Id, Label, code, kind, affiliation`` (Gephi's node table; the registry gives code, kind,
  affiliation, empty for an actor it does not know);
- ``edges.csv``: ``Source, Target, Type, Weight, Id, Label, stance, count, mean_confidence`` (Gephi's edge table):
  one directed edge per (holder, target, stance), ``Label`` the stance, ``Weight`` the sum of the model's confidence
  over the sentences counted, so a stance expressed often and surely weighs most;
- ``stance.graphml``: the same graph in GraphML, which Gephi, Cytoscape and networkx read.

Cells without a target and self-loops (after roll-up, a minister toward the own state) are left out: an edge needs two
ends. Each file is written atomically (temporary file in the folder, then rename).
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

__all__ = ["graph", "write_graph", "NODE_COLUMNS", "EDGE_COLUMNS"]

NODE_COLUMNS = ("Id", "Label", "code", "kind", "affiliation")
EDGE_COLUMNS = ("Source", "Target", "Type", "Weight", "Id", "Label", "stance", "count", "mean_confidence")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry


def graph(cells: list[dict], registry=None) -> tuple[list[dict], list[dict]]:
    """(nodes, edges) from summary cells, as rows of :data:`NODE_COLUMNS` and :data:`EDGE_COLUMNS`; edges summed over
    groups, heaviest first; nodes in the order the edges first name them."""
    sums: dict[tuple[str, str, str], list] = {}
    for c in cells:
        if not c["target"] or c["target"] == c["holder"]:
            continue
        s = sums.setdefault((c["holder"], c["target"], c["stance"]), [0, 0.0])
        s[0] += c["count"]
        s[1] += c["weight"]
    ordered = sorted(sums.items(), key=lambda kv: (-kv[1][1], kv[0]))
    edges = [{"Source": h, "Target": t, "Type": "Directed", "Weight": round(w, 4), "Id": f"e{i}", "Label": st,
              "stance": st, "count": n, "mean_confidence": round(w / n, 4)}
             for i, ((h, t, st), (n, w)) in enumerate(ordered)]
    names = dict.fromkeys(name for e in edges for name in (e["Source"], e["Target"]))
    nodes = []
    for name in names:
        actor = registry.get(name) if registry is not None else None
        nodes.append({"Id": name, "Label": name, "code": getattr(actor, "code", "") or "",
                      "kind": getattr(actor, "kind", "") or "", "affiliation": getattr(actor, "affiliation", "") or ""})
    return nodes, edges


def _csv(rows: list[dict], columns) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def _x(value) -> str:
    return escape(_NOT_XML.sub("", str(value)))


def graphml(nodes: list[dict], edges: list[dict]) -> str:
    """GraphML of the graph: typed keys (so every reader gets numbers back as numbers), directed edges with ids."""
    keys = [("label", "node", "string"), ("code", "node", "string"), ("kind", "node", "string"),
            ("affiliation", "node", "string"), ("stance", "edge", "string"), ("weight", "edge", "double"),
            ("count", "edge", "int"), ("mean_confidence", "edge", "double")]
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
           'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">']
    out += [f'  <key id="{k}" for="{kind}" attr.name="{k}" attr.type="{t}"/>' for k, kind, t in keys]
    out.append('  <graph id="stance" edgedefault="directed">')
    for n in nodes:
        data = "".join(f'<data key="{k}">{_x(n[col])}</data>'
                       for k, col in (("label", "Label"), ("code", "code"), ("kind", "kind"),
                                      ("affiliation", "affiliation")))
        out.append(f"    <node id={quoteattr(_NOT_XML.sub('', n['Id']))}>{data}</node>")
    for e in edges:
        data = "".join(f'<data key="{k}">{_x(e[col])}</data>'
                       for k, col in (("stance", "stance"), ("weight", "Weight"), ("count", "count"),
                                      ("mean_confidence", "mean_confidence")))
        out.append(f"    <edge id=\"{e['Id']}\" source={quoteattr(_NOT_XML.sub('', e['Source']))} "
                   f"target={quoteattr(_NOT_XML.sub('', e['Target']))}>{data}</edge>")
    out += ["  </graph>", "</graphml>"]
    return "\n".join(out) + "\n"


def _write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_graph(cells: list[dict], registry, folder: str | Path) -> list[Path]:
    """``nodes.csv``, ``edges.csv`` and ``stance.graphml`` in ``folder`` (made if missing); returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nodes, edges = graph(cells, registry)
    files = {"nodes.csv": _csv(nodes, NODE_COLUMNS), "edges.csv": _csv(edges, EDGE_COLUMNS),
             "stance.graphml": graphml(nodes, edges)}
    for name, text in files.items():
        _write(folder / name, text)
    return [folder / name for name in files]
