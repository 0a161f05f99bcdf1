"""Benchmark ``scholarkg serve``: server time of every page of sampled authors on a big store.

Starts the real command on a free loopback port, samples authors (profile owners, fixed seed),
and requests, for each, the pages a reader reaches from the author page: the author page itself
and its two pictures (SVG at their own URLs, ``/pictures/...``, requested as a browser does
right after the page), every paper, topic (and its chart), organisation and profile page it
links to, the author's IRI as Turtle, and the search for the author's name (page and
as-you-type JSON). Each
page's server time is the ``Server-Timing: app;dur=MS`` header the app adds (request arrival to
the start of the answer, the page rendered by then); wall time on the client is printed too.
The saved-query pages are timed separately with the first author's name: they run the bundled
queries, whose cost is the queries' own (see the README's query table).

    python benchmarks/serve.py --store STORE [--authors 20] [--seed 7] [--out FILE.json]

Every page is requested once, in a freshly started server: the time is a first visit's (the app
keeps the last pictures it drew, so a second visit of the same page would not say much).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph as ox

TARGET_MS = 300.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _owners(store_dir: Path) -> list[tuple[str, str]]:
    store = ox.Store.read_only(str(store_dir))
    rows = store.query(
        "SELECT DISTINCT ?person ?name WHERE { ?page <https://schema.org/mainEntity> ?person . "
        "?person <https://schema.org/name> ?name }", use_default_graph_as_union=True)
    found = sorted((row["person"].value, row["name"].value) for row in rows)
    del store
    return found


def _get(client: httpx.Client, url: str, *, headers: dict[str, str] | None = None) -> dict:
    started = time.perf_counter()
    response = client.get(url, headers=headers or {}, follow_redirects=False)
    wall = (time.perf_counter() - started) * 1000
    timing = response.headers.get("server-timing", "")
    match = re.search(r"app;dur=([0-9.]+)", timing)
    cpu = re.search(r"cpu;dur=([0-9.]+)", timing)
    return {"url": url, "status": response.status_code, "server_ms": float(match[1]) if match else None,
            "cpu_ms": float(cpu[1]) if cpu else None,
            "wall_ms": round(wall, 1), "bytes": len(response.content), "text": response.text}


PICTURE = re.compile(r'<object data="(/pictures/[^"]+)"')


def _kind(url: str) -> str:
    if url.startswith("/pictures/"):
        return "picture " + url.split("/")[2]
    if url.startswith("/id/"):
        return url.split("/")[2]
    if url.startswith("/arxiv/"):
        return "topic"
    return url.strip("/").split("?")[0].split("/")[0] or "home"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, type=Path)
    parser.add_argument("--authors", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)

    owners = _owners(args.store)
    sample = random.Random(args.seed).sample(owners, min(args.authors, len(owners)))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    # The server's error output goes to a file: a pipe nobody reads fills up (64 KiB) and then
    # blocks the server in the middle of a request.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([sys.executable, "-m", "scholarkg", "serve", "--store", str(args.store),
                                    "--port", str(port)], stdout=subprocess.DEVNULL, stderr=log)
        results: list[dict] = []
        queries: list[dict] = []
        try:
            with httpx.Client(base_url=base, timeout=120) as client:
                while True:
                    try:
                        home = client.get("/")
                    except httpx.TransportError:
                        if process.poll() is not None:
                            log.seek(0)
                            raise SystemExit(f"scholarkg serve: {log.read().decode() or 'died'}") from None
                        time.sleep(0.2)
                        continue
                    if home.status_code != 200:  # up but failing: say why instead of waiting forever
                        time.sleep(0.5)  # the server logs the error after answering
                        log.seek(0)
                        raise SystemExit(f"scholarkg serve answered / with {home.status_code}:\n"
                                         f"{log.read().decode()[-4000:]}")
                    break
                startup = time.perf_counter() - started
                seen: set[str] = set()  # a page shared by two authors (a topic) is requested once
                for iri, name in sample:
                    path = "/id/" + iri.split("/id/", 1)[1]
                    author = _get(client, path)
                    links = sorted(set(re.findall(r'href="(/(?:id/(?:paper|org|profile)|arxiv)/[^"#?]+)"',
                                                  author["text"])))
                    pages = [author]
                    pages += [_get(client, url) for url in PICTURE.findall(author["text"])]
                    for link in links:
                        if link not in seen:
                            linked = _get(client, link)
                            pages.append(linked)
                            pages += [_get(client, url) for url in PICTURE.findall(linked["text"])]
                    seen.update(links)
                    turtle = _get(client, path, headers={"Accept": "text/turtle"})
                    turtle["kind"] = "person (turtle)"
                    pages.append(turtle)
                    pages.append(_get(client, "/search?q=" + quote(name)))
                    pages.append(_get(client, "/search.json?q=" + quote(name[:5])))
                    for page in pages:
                        page.pop("text")
                        page["author"] = name
                        page.setdefault("kind", _kind(page["url"]))
                    results += pages
                first = sample[0][1]
                for saved in client.get("/queries").text.split('href="/queries/')[1:]:
                    query_name = saved.split('"', 1)[0]
                    page = _get(client, f"/queries/{query_name}?run=1&author={quote(first)}&topic=cs.LG"
                                "&organisation=mit&paper=x")
                    page.pop("text")
                    page["kind"] = f"query {query_name}"
                    queries.append(page)
        finally:
            process.terminate()
            process.wait(timeout=30)

    bad = [p for p in results if p["status"] not in (200, 303)]
    times = [p["server_ms"] for p in results if p["server_ms"] is not None]
    by_kind: dict[str, list[float]] = {}
    cpu_by_kind: dict[str, list[float]] = {}
    for p in results:
        by_kind.setdefault(p["kind"], []).append(p["server_ms"])
        cpu_by_kind.setdefault(p["kind"], []).append(p["cpu_ms"])
    cpu_times = [p["cpu_ms"] for p in results]
    print(f"store {args.store}: {len(owners)} profile owners, {len(sample)} sampled (seed {args.seed}); "
          f"server up in {startup:.1f} s (catalogue); load average {os.getloadavg()[0]:.1f}")
    print(f"{'page':<22} {'pages':>6} {'median ms':>10} {'worst ms':>9} {'cpu median':>11} {'cpu worst':>10}")
    for kind, values in sorted(by_kind.items()):
        cpu = cpu_by_kind[kind]
        print(f"{kind:<22} {len(values):>6} {statistics.median(values):>10.1f} {max(values):>9.1f} "
              f"{statistics.median(cpu):>11.1f} {max(cpu):>10.1f}")
    worst = max(results, key=lambda p: p["server_ms"])
    over = [p for p in results if p["server_ms"] > TARGET_MS]
    print(f"{'all':<22} {len(times):>6} {statistics.median(times):>10.1f} {max(times):>9.1f} "
          f"{statistics.median(cpu_times):>11.1f} {max(cpu_times):>10.1f}")
    print(f"worst: {worst['url']} ({worst['author']}) {worst['server_ms']:.1f} ms; "
          f"{len(over)} of {len(times)} pages over {TARGET_MS:.0f} ms; {len(bad)} answers not 200/303")
    print("saved-query pages (first run each):")
    for q in queries:
        print(f"  {q['kind']:<34} {q['status']} {q['server_ms']:>8.1f} ms")
    if args.out:
        args.out.write_text(json.dumps({
            "store": str(args.store), "owners": len(owners), "sampled": [n for _, n in sample],
            "seed": args.seed, "startup_seconds": round(startup, 2),
            "median_ms": statistics.median(times), "worst_ms": max(times), "over_target": len(over),
            "cpu_median_ms": statistics.median(cpu_times), "cpu_worst_ms": max(cpu_times),
            "load_average": os.getloadavg(),
            "by_kind": {k: {"pages": len(v), "median_ms": statistics.median(v), "worst_ms": max(v),
                            "cpu_median_ms": statistics.median(cpu_by_kind[k]),
                            "cpu_worst_ms": max(cpu_by_kind[k])} for k, v in by_kind.items()},
            "pages": results, "queries": queries,
        }, indent=1), encoding="utf-8")
    return 0 if not over and not bad else 1


if __name__ == "__main__":
    sys.exit(main())
