#!/usr/bin/env python3
"""How well and how fast pages are read: exact papers and dropped papers per layout, on pages
nobody here wrote, and parse throughput against the parser as it was before issue 13.

    python benchmarks/parse_accuracy.py [--pages 600] [--seed 13] [--profiles 1000]
                                        [--baseline d5d4a30] [--out FILE.json]

Accuracy: for each mix (``realistic``, ``hard``) a corpus from ``scholarkg.testing.corpus``
(Faker names in many locales, hostile titles, the three layouts) is read twice — as a run
(evidence collected from every page first, as ``scholarkg parse DIR`` does) and page by page
with no run evidence — by today's parser and by the baseline commit's parser, loaded from git
into a temporary package. Throughput: ``scholarkg.synthetic`` pages for ``--profiles``
profiles, collected and parsed in memory by both parsers, alternately, best of ``--repeats``.
Needs the test extra (Faker) and git. Timings are noisy on a shared machine: compare the
ratio, which is measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
AS_OF = dt.date(2026, 11, 24)


class Reader:
    """One parser version behind one small interface: evidence from texts, then a page."""

    def __init__(self, label: str, collect: Callable[[Sequence[str]], Any],
                 parse: Callable[[str, Any], Any], empty: Any) -> None:
        self.label, self.collect, self.parse, self.empty = label, collect, parse, empty


def current_reader() -> Reader:
    from scholarkg import parse

    def collect(texts: Sequence[str]) -> Any:
        return parse.RunEvidence.merge(parse.collect_evidence(t) for t in texts)

    return Reader("today", collect, lambda text, ev: parse.parse_text(text, as_of=AS_OF, names=ev),
                  parse.RunEvidence())


def baseline_reader(commit: str, workdir: Path) -> Reader:
    """The parser at ``commit`` (parse.py and names.py), importable as ``skg_baseline``."""
    package = workdir / "skg_baseline"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in ("parse", "names"):
        source = subprocess.run(["git", "-C", str(REPO), "show", f"{commit}:src/scholarkg/{name}.py"],
                                check=True, capture_output=True, text=True).stdout
        source = source.replace("from scholarkg.names import", "from skg_baseline.names import")
        (package / f"{name}.py").write_text(source)
    sys.path.insert(0, str(workdir))
    old: ModuleType = importlib.import_module("skg_baseline.parse")

    def collect(texts: Sequence[str]) -> frozenset[str]:
        names: set[str] = set()
        for text in texts:
            names.update(old.collect_names(text))
        return frozenset(names)

    return Reader(f"baseline {commit}", collect,
                  lambda text, names: old.parse_text(text, as_of=AS_OF, names=names), frozenset())


def accuracy(reader: Reader, pages: Sequence[Any], *, run: bool) -> dict[str, dict[str, float]]:
    from scholarkg.testing.corpus import score_readings

    evidence = reader.collect([p.text for p in pages]) if run else reader.empty
    readings = []
    for page in pages:
        try:
            readings.append(reader.parse(page.text, evidence).papers)
        except Exception:  # a crash on a page counts as every paper dropped
            readings.append(())
    scores = score_readings(pages, readings)
    return {k: {"papers": s.papers, "exact": round(100 * s.exact_rate, 2),
                "dropped": round(100 * s.dropped_rate, 2)} for k, s in scores.items()}


def throughput(readers: Sequence[Reader], n_profiles: int, repeats: int
               ) -> dict[str, dict[str, float]]:
    """Best CPU seconds (``process_time``: what this process ran, so other processes on a shared
    machine count less) and best wall seconds of collect + parse, per reader."""
    from scholarkg.synthetic import generate

    texts = [text for _name, text in generate(n_profiles)]
    best = {r.label: {"cpu": float("inf"), "wall": float("inf")} for r in readers}
    for _ in range(repeats):
        for reader in readers:
            cpu, wall = time.process_time(), time.perf_counter()
            evidence = reader.collect(texts)
            for text in texts:
                reader.parse(text, evidence)
            row = best[reader.label]
            row["cpu"] = min(row["cpu"], time.process_time() - cpu)
            row["wall"] = min(row["wall"], time.perf_counter() - wall)
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--profiles", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline", default="d5d4a30")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)

    from scholarkg.testing.corpus import MIXES, build_corpus

    result: dict[str, Any] = {"pages": args.pages, "seed": args.seed, "accuracy": {}}
    with tempfile.TemporaryDirectory() as tmp:
        readers = [baseline_reader(args.baseline, Path(tmp)), current_reader()]
        print(f"{'mix':<10} {'reader':<18} {'evidence':<9} {'layout':<15} {'papers':>6} "
              f"{'exact %':>8} {'dropped %':>9}")
        for mix in MIXES:
            pages = build_corpus(args.pages, mix=mix, seed=args.seed)
            for reader in readers:
                for run in (True, False):
                    table = accuracy(reader, pages, run=run)
                    mode = "run" if run else "page"
                    result["accuracy"][f"{mix}/{reader.label}/{mode}"] = table
                    for layout, row in table.items():
                        print(f"{mix:<10} {reader.label:<18} {mode:<9} {layout:<15} "
                              f"{row['papers']:>6} {row['exact']:>8.2f} {row['dropped']:>9.2f}")
        if not args.skip_speed:
            seconds = throughput(readers, args.profiles, args.repeats)
            base, today = (seconds[r.label] for r in readers)
            result["throughput"] = {"profiles": args.profiles, "seconds": seconds,
                                    "ratio_cpu": today["cpu"] / base["cpu"],
                                    "ratio_wall": today["wall"] / base["wall"]}
            print(f"\nparse {args.profiles} synthetic profiles (collect + parse, best of "
                  f"{args.repeats}): CPU baseline {base['cpu']:.2f} s, today {today['cpu']:.2f} s, "
                  f"ratio {today['cpu'] / base['cpu']:.2f}x; wall baseline {base['wall']:.2f} s, "
                  f"today {today['wall']:.2f} s, ratio {today['wall'] / base['wall']:.2f}x")
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
