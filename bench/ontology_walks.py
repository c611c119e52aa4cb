"""Bench: biased random walks at the paper's scale (issue 5).

Builds a synthetic graph with the real sizes — CIM-10 19 161 codes, CCAM 38 191, ATC 6 950; 1 317 causal,
341 manifestation, 5 739 exclusion (CIM-10) and 1 188 disjoint (CCAM) edges — compiles it, and runs
``per_code`` (20) walks from every code on one core, as ``biomedfr books`` does in one task.
Target: 1.3 M walks in <= 180 s, peak memory <= 2 GB. Baseline, in the same run: a straightforward
networkx walker (``G.out_edges`` at every step, grouped by edge type, ``random.choices``) on a sample
of start codes; the ratio is walks/s of ours over walks/s of it.

    python bench/ontology_walks.py [--per-code 20] [--baseline-codes 2000]

Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ontology_books.serialize import serialize
from ontology_books.terminology import Concept, TerminologyBuilder
from ontology_books.walks import WalkConfig, compile_graph, walks_from

SIZES = {"cim10": 19161, "ccam": 38191, "atc": 6950}
EDGES = {"cim10": {"causality": 1317, "manifestation": 341, "exclusion": 5739}, "ccam": {"disjoint": 1188}, "atc": {}}
FANOUT = {"cim10": [22, 12, 8], "ccam": [19, 8, 6], "atc": [14, 6, 5, 4]}
PAPER_WALKS = 1_300_000


def synthetic(kind: str, seed: int = 0):
    """A tree of ``SIZES[kind]`` codes with the given fan-outs (the last level filled up), plus random semantic
    edges between leaves across the whole tree."""
    rng = random.Random(seed)
    builder = TerminologyBuilder(kind, version="synthetic")
    level = [f"{kind.upper()}{i:02d}" for i in range(FANOUT[kind][0])]
    for code in level:
        builder.add(Concept(code=code, label=f"Chapitre {code} de la terminologie synthétique"))
    total = len(level)
    for depth, fanout in enumerate(FANOUT[kind][1:] + [10**9], start=2):
        nxt = []
        for parent in level:
            for j in range(fanout if fanout < 10**9 else 1):
                if total >= SIZES[kind]:
                    break
                code = f"{parent}.{j:02d}"
                builder.add(Concept(code=code, parent=parent, label=f"Libellé du concept {code}",
                                    notes={"inclusion": [f"Note d'inclusion de {code}"]} if j % 3 == 0 else {}))
                nxt.append(code)
                total += 1
        level = nxt
        if fanout == 10**9:
            break
    leaves = list(level)
    while total < SIZES[kind]:  # fill up under random leaves' parents
        parent = rng.choice(leaves)
        code = f"{parent}.x{total}"
        builder.add(Concept(code=code, parent=parent, label=f"Libellé du concept {code}"))
        total += 1
    codes = sorted(builder.concepts)
    for edge_type, count in EDGES[kind].items():
        made = 0
        while made < count:
            a, b = rng.choice(codes), rng.choice(codes)
            if a != b:
                builder.relate(a, edge_type, b)
                made += 1
    return builder.build(f"synthetic {kind}")


def naive_walks(term, start_codes, config, rng):
    """Baseline: walk on the networkx graph directly (no compilation)."""
    types = config.types_for(term.kind)
    graph = term.graph
    count = 0
    for code in start_codes:
        for k in range(config.per_code):
            weights = list(types.values())[k % len(types)].weights
            length = rng.randint(config.min_length, config.max_length)
            cur, visited = code, {code}
            for _ in range(length - 1):
                groups = {}
                for _, v, t in graph.out_edges(cur, data="type"):
                    groups.setdefault(t, []).append(v)
                parent = groups.get("parent", [None])[0]
                if parent is not None:
                    groups["sibling"] = [c for _, c, t in graph.out_edges(parent, data="type") if t == "child" and c != cur]
                moves = [m for m in groups if weights.get(m, 0) > 0 and groups[m]]
                if not moves:
                    break
                move = rng.choices(moves, [weights[m] for m in moves])[0]
                fresh = [v for v in groups[move] if v not in visited] or groups[move]
                cur = rng.choice(fresh)
                visited.add(cur)
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-code", type=int, default=20)
    parser.add_argument("--baseline-codes", type=int, default=2000)
    parser.add_argument("--serialize-codes", type=int, default=2000)
    args = parser.parse_args()
    config = WalkConfig(per_code=args.per_code)
    rows = []
    total_walks = total_time = 0.0
    base_walks = base_time = 0.0
    ser_walks = ser_time = 0.0
    for kind in SIZES:
        t0 = time.perf_counter()
        term = synthetic(kind)
        compiled = compile_graph(term)
        build = time.perf_counter() - t0
        stats: dict[str, int] = {}
        t0 = time.perf_counter()
        walks = 0
        for node in range(len(compiled.codes)):
            walks += len(walks_from(compiled, node, config, stats))
        elapsed = time.perf_counter() - t0
        total_walks += walks
        total_time += elapsed
        rng = random.Random(0)
        sample = random.Random(1).sample(compiled.codes, min(args.baseline_codes, len(compiled.codes)))
        t0 = time.perf_counter()
        base_walks += naive_walks(term, sample, config, rng)
        base_time += time.perf_counter() - t0
        t0 = time.perf_counter()
        for node in range(min(args.serialize_codes, len(compiled.codes))):
            for walk in walks_from(compiled, node, config):
                serialize(walk, compiled, term)
                ser_walks += 1
        ser_time += time.perf_counter() - t0
        rows.append((kind, len(compiled.codes), term.edge_counts(), walks, elapsed, build, stats))
    rate = total_walks / total_time
    base_rate = base_walks / base_time
    projection = PAPER_WALKS / rate
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"{'terminology':12} {'codes':>7} {'walks':>9} {'s':>7} {'walks/s':>9}  build s  edges")
    for kind, n, edges, walks, elapsed, build, stats in rows:
        semantic = {k: v for k, v in edges.items() if k not in ("parent", "child") and v}
        print(f"{kind:12} {n:7d} {walks:9d} {elapsed:7.1f} {walks / elapsed:9.0f}  {build:7.1f}  {semantic} {stats}")
    print(f"total: {int(total_walks)} walks in {total_time:.1f} s = {rate:.0f} walks/s on one core; "
          f"projection for {PAPER_WALKS:,} walks: {projection:.0f} s (target <= 180 s)")
    print(f"serialisation: {ser_walks / ser_time:.0f} walks/s; walks + serialisation projection: "
          f"{PAPER_WALKS / rate + PAPER_WALKS / (ser_walks / ser_time):.0f} s")
    print(f"baseline networkx walker: {base_rate:.0f} walks/s -> ratio {rate / base_rate:.1f}x; peak RSS {peak_gb:.2f} GB "
          "(target <= 2 GB)")
    print(json.dumps({"bench": "ontology_walks", "walks": int(total_walks), "seconds": round(total_time, 2),
                      "walks_per_s": round(rate), "projection_1_3M_s": round(projection, 1),
                      "serialize_walks_per_s": round(ser_walks / ser_time),
                      "baseline_walks_per_s": round(base_rate), "ratio": round(rate / base_rate, 2),
                      "peak_rss_gb": round(peak_gb, 3), "target_s": 180, "target_gb": 2}))


if __name__ == "__main__":
    main()
