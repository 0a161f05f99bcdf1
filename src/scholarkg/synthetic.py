"""Generate a realistic synthetic corpus of profile pages with the project's page writer.

Used for the bundled example pages and the benchmark. Realistic overlap: every person may own a
profile, papers have 3–8 authors drawn with a preference for a small circle of collaborators, so
the same paper appears on several profiles and coauthors recur. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scholarkg.models import Paper, Profile
from scholarkg.pagewriter import LAYOUTS, write_page

FIRST = ["Ada", "Bao", "Carl", "Chiara", "Dmitri", "Émile", "Fatima", "Gustavo", "Hana", "Ines",
         "Jae-won", "Kofi", "Lena", "Mateo", "Nadia", "Oscar", "Priya", "Quentin", "Rosa", "Sven",
         "Tomás", "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoë", "DeAndre", "Siobhan", "Łukasz"]
MIDDLE = ["J.", "M.", "Darvish", "Anne", "K."]
LAST = ["Abara", "Bauer", "Castillo", "Dubois", "Eriksen", "Fujita", "García", "Haddad", "Ivanova",
        "Jensen", "Kowalski", "Laurent", "McKenzie", "Nakamura", "O'Brien", "Petrov", "Quispe",
        "Rossi", "Schmidt", "Tanaka", "Usman", "Varga", "Wójcik", "Xu", "Yilmaz", "Zhou",
        "Durand-Noël", "MacLeod", "Núñez", "Okafor"]
ADJ = ["Efficient", "Scalable", "Robust", "Sparse", "Adaptive", "Federated", "Causal", "Private",
       "Quantized", "Streaming", "Contrastive", "Hierarchical", "Open", "Multilingual"]
NOUN = ["Transformers", "Graph Networks", "Mixture-of-Experts", "LLMs", "Diffusion Models",
        "Retrieval", "Schedulers", "Kernels", "Agents", "Tokenizers", "Embeddings", "LoRA",
        "Speculative Decoding", "Consensus", "Caches"]
TASK = ["Reasoning", "Inference", "Pretraining", "Summarization", "Translation", "Planning",
        "Recommendation", "Compression", "Serving", "Alignment"]
ABSTRACT = ["we", "propose", "a", "method", "that", "improves", "throughput", "and", "accuracy",
            "on", "standard", "benchmarks", "while", "reducing", "memory", "by", "2x", "our",
            "analysis", "shows", "scaling", "behaviour", "across", "model", "sizes", "with",
            "careful", "ablations", "of", "each", "component", "in", "the", "pipeline"]
ORGS = ["nvidia", "amazon-science", "cmu", "mit", "inria", "eth-zurich", "tsinghua", "kaist",
        "oxford", "mila", "deepmind", "meta-ai", "ucb", "epfl"]
CATEGORIES = ["LG", "LG", "LG", "CL", "CL", "DC", "AI", "CV", "ML", "SI", "IR", "NE"]


@dataclass(frozen=True)
class _FullPaper:
    paper: Paper
    full_authors: tuple[str, ...]


def _names(rng: random.Random, count: int) -> list[str]:
    seen: set[str] = set()
    names: list[str] = []
    while len(names) < count:
        parts = [rng.choice(FIRST)]
        if rng.random() < 0.15:
            parts.append(rng.choice(MIDDLE))
        parts.append(rng.choice(LAST))
        if rng.random() < 0.3 or " ".join(parts) in seen:
            parts[-1] = parts[-1] + "-" + rng.choice(LAST) if "-" not in parts[-1] else parts[-1]
        name = " ".join(parts)
        if name in seen:
            name = f"{name.split()[0]} {rng.choice(MIDDLE)} {' '.join(name.split()[1:])}"
        if name in seen:
            continue
        seen.add(name)
        names.append(name)
    return names


def generate(
    n_profiles: int, *, seed: int = 7, as_of: dt.date = dt.date(2026, 11, 24),
    papers_per_person: float = 6.8, abstract_words: int = 140,
) -> Iterator[tuple[str, str]]:
    """Yield ``(file name, page text)`` for ``n_profiles`` profiles."""
    rng = random.Random(seed)
    people = _names(rng, max(n_profiles, 8))
    n_papers = max(4, int(n_profiles * papers_per_person / 3))
    by_person: dict[int, list[int]] = {}
    papers: list[_FullPaper] = []
    for index in range(n_papers):
        lead = rng.randrange(len(people))
        circle = [(lead + d) % len(people) for d in range(1, 12)]
        size = rng.randint(3, 8)
        members = [lead, *rng.sample(circle, size - 1)]
        full = tuple(people[m] for m in members)
        year_given = rng.random() < 0.75
        if year_given:
            date = dt.date(rng.randint(2015, 2026), rng.randint(1, 12), rng.randint(1, 28))
            if date > as_of:
                date = date.replace(year=date.year - 1)
        else:
            date = as_of - dt.timedelta(days=rng.randrange(365))
        title = (f"{rng.choice(ADJ)} {rng.choice(NOUN)} for {rng.choice(TASK)}: "
                 f"{rng.choice(ADJ)} {rng.choice(NOUN)} {index}")
        words = [rng.choice(ABSTRACT) for _ in range(abstract_words)]
        paper = Paper(
            score=round(rng.uniform(40, 99.9), 1) if rng.random() < 0.3 else None,
            category=rng.choice(CATEGORIES),
            date=date,
            year_given=year_given,
            has_code=rng.random() < 0.25,
            title=title,
            authors=full[:3],
            et_al=len(full) > 3,
            affiliations=tuple(sorted(set(rng.sample(ORGS, rng.randint(0, 2))))),
            abstract="We " + " ".join(words) + ".",
        )
        papers.append(_FullPaper(paper, full))
        for m in members:
            by_person.setdefault(m, []).append(index)
    width = len(str(n_profiles))
    for i in range(n_profiles):
        owned = [papers[j].paper for j in by_person.get(i, [])]
        if not owned:
            continue
        owned.sort(key=lambda p: (p.date, p.title), reverse=True)
        profile = None
        if rng.random() < 0.85:
            profile = Profile(
                name=people[i],
                category=rng.choice(CATEGORIES),
                h_index=rng.randint(0, 90),
                papers=len(owned),
                citations=rng.randint(0, 60_000),
                novelty_pct=rng.randint(0, 100),
                ai_score=rng.randint(0, 100),
            )
        layout = LAYOUTS[i % len(LAYOUTS)]
        yield f"profile_{i:0{width}d}.txt", write_page(profile, owned, layout=layout)


def write_corpus(
    directory: Path, n_profiles: int, *, seed: int = 7, abstract_words: int = 140
) -> list[Path]:
    """Write the corpus into ``directory`` (created if needed); returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generate(n_profiles, seed=seed, abstract_words=abstract_words):
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
