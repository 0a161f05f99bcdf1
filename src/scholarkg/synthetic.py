"""Generate a realistic synthetic corpus of profile pages with the project's page writer.

Used for the bundled example pages and the benchmark. The corpus grows linearly with the number
of profiles and is calibrated on the site as measured (10,000 profiles ≈ 190 MB of text,
≈ 68,000 distinct papers):

* a pool of people about 2.6× the number of profiles; the first ``n_profiles`` own a profile,
  the others only ever appear as coauthors;
* ``PAPERS_PER_PROFILE`` × ``n_profiles`` distinct papers of 1–8 authors (the page prints the
  first three and ``et al.``), drawn around a lead author from a small circle of collaborators
  (neighbours on a ring, so coauthors recur), sometimes with a far collaborator;
* a paper is listed on the profile of every author who owns one: ``PROFILES_PER_PAPER`` ≈ 3
  profiles per paper, ≈ 20 papers per profile (a heavy tail of prolific authors);
* about 15% of pages have no header; some people with a middle name are printed without it on
  some papers (the name variants real pages show).

Deterministic for a given seed. Pages are written one at a time in file order and papers are
built when first listed and dropped after their last listing, so memory stays small and 100,000
profiles (≈ 1.9 GB) are written in well under a minute.
"""

from __future__ import annotations

import datetime as dt
import random
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path

from scholarkg.models import Paper, Profile
from scholarkg.pagewriter import LAYOUTS, write_page

PAPERS_PER_PROFILE = 6.8
"""Distinct papers per profile: 10,000 profiles → 68,000 papers."""
PROFILES_PER_PAPER = 3.0
"""Profiles listing a paper, on average (so ≈ 20 papers listed per profile)."""
COAUTHORS_PER_PROFILE = 1.6
"""People who never own a profile, per profile."""
HEADERLESS = 0.15
"""Share of pages without a header."""
FAR_COLLABORATOR = 0.03
"""Chance that a coauthor comes from anywhere rather than from the lead author's circle."""
OWNER_CIRCLE = 8  # profile owners within this distance on the ring are a lead's collaborators
OTHER_CIRCLE = 12  # same for people without a profile

# Author-list sizes 1..8 and their weights (pages print the first three and "et al.").
_SIZES = (1, 2, 3, 4, 5, 6, 7, 8)
_SIZE_WEIGHTS = (0.03, 0.07, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15)

FIRST = ["Ada", "Bao", "Carl", "Chiara", "Dmitri", "Émile", "Fatima", "Gustavo", "Hana", "Ines",
         "Jae-Won", "Kofi", "Lena", "Mateo", "Nadia", "Oscar", "Priya", "Quentin", "Rosa", "Sven",
         "Tomás", "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoë", "DeAndre", "Siobhan", "Łukasz",
         "Aarti", "Abhijit", "Ankit", "Bita", "Chen", "Dong", "Felix", "Hao", "Jiahui", "Kavya",
         "Li", "Mei", "Nikhil", "Olga", "Pavel", "Ritika", "Sanjay", "Timmy", "Wei", "Yuki",
         "Amara", "Björn", "Camila", "Dario", "Elif", "Farid", "Giulia", "Hamid", "Ingrid",
         "Joaquín", "Kenji", "Leila", "Malik", "Noor", "Oren", "Paola", "Rahul", "Sofia", "Tariq",
         "Ulla", "Vera", "Yara", "Zainab", "Aleksei", "Beatriz", "Chiamaka", "Deepa", "Emeka",
         "Freya", "Goran", "Hyun-Woo", "Isabel", "Jorge", "Katarzyna", "Lars", "Min-Jun", "Nia",
         "Omar", "Pedro", "Qing", "Ravi", "Seo-Yeon", "Thandiwe", "Ugo", "Valentina", "Xin",
         "Yerlan", "Zeynep", "Aoife", "Cormac", "Eun-Ji", "Ngozi"]
MIDDLE = ["J.", "M.", "Darvish", "Anne", "K.", "Luis", "Marie", "S.", "van der", "de la", "A."]
LAST = ["Abara", "Bauer", "Castillo", "Dubois", "Eriksen", "Fujita", "García", "Haddad", "Ivanova",
        "Jensen", "Kowalski", "Laurent", "McKenzie", "Nakamura", "O'Brien", "Petrov", "Quispe",
        "Rossi", "Schmidt", "Tanaka", "Usman", "Varga", "Wójcik", "Xu", "Yilmaz", "Zhou",
        "Durand-Noël", "MacLeod", "Núñez", "Okafor"]
_SYLLABLES = ["ka", "lo", "mi", "ra", "ten", "vo", "shi", "an", "del", "ber", "go", "ni", "sa",
              "tor", "ve", "li", "mar", "zu", "ho", "rin", "da", "ko", "pel", "su", "ma", "no",
              "te", "ri", "la", "jan", "bo", "chen", "fa", "wa", "yo", "ki", "lu", "sen", "ta",
              "ran"]
ADJ = ["Efficient", "Scalable", "Robust", "Sparse", "Adaptive", "Federated", "Causal", "Private",
       "Quantized", "Streaming", "Contrastive", "Hierarchical", "Open", "Multilingual",
       "Low-Rank", "Differentiable", "Parallel", "Distributed", "Verifiable", "Energy-Aware"]
NOUN = ["Transformers", "Graph Networks", "Mixture-of-Experts", "LLMs", "Diffusion Models",
        "Retrieval", "Schedulers", "Kernels", "Agents", "Tokenizers", "Embeddings", "LoRA",
        "Speculative Decoding", "Consensus", "Caches", "State Space Models", "Attention",
        "Optimizers", "Compilers", "Benchmarks"]
TASK = ["Reasoning", "Inference", "Pretraining", "Summarization", "Translation", "Planning",
        "Recommendation", "Compression", "Serving", "Alignment", "Code Generation",
        "Long-Context Modeling", "Search", "Robotics", "Speech Recognition"]
_SUBJECTS = ["We", "Our method", "This work", "The proposed approach", "Our analysis",
             "The resulting model", "Our system", "This paper", "The framework", "Our study"]
_VERBS = ["improves", "reduces", "analyses", "scales", "accelerates", "stabilises", "extends",
          "compresses", "outperforms", "generalises", "simplifies", "balances", "measures",
          "combines", "replaces"]
_WORDS = ["throughput", "accuracy", "memory", "latency", "training", "inference", "the", "a",
          "model", "sizes", "benchmarks", "standard", "careful", "ablations", "of", "each",
          "component", "in", "pipeline", "with", "across", "tokens", "hardware", "precision",
          "quantization", "attention", "layers", "experts", "routing", "data", "budget",
          "context", "length", "gradient", "updates", "while", "keeping", "quality", "on",
          "several", "tasks", "and", "for", "large", "small", "sparse", "dense", "workloads",
          "by", "up", "to", "2x", "10%", "compared", "baselines", "open", "weights", "evaluation"]
ORGS = ["nvidia", "amazon-science", "cmu", "mit", "inria", "eth-zurich", "tsinghua", "kaist",
        "oxford", "mila", "deepmind", "meta-ai", "ucb", "epfl", "stanford", "google-research",
        "microsoft-research", "tum", "kth", "utokyo", "iisc", "usp", "uct", "anu"]
_ORG_SHARES = (0.65, 0.92)  # cumulative: 65% of papers name no organisation, 27% one, 8% two
CATEGORIES = ["LG", "LG", "LG", "CL", "CL", "DC", "AI", "CV", "ML", "SI", "IR", "NE"]
_SENTENCES = 4096  # size of the pool abstracts are drawn from


def _pick(items: list[str], random_: Callable[[], float]) -> str:
    """``random.choice`` without its overhead (the corpus makes millions of picks)."""
    return items[int(random_() * len(items))]


def _names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct, well-formed personal names (first, maybe middle, last)."""
    lasts = list(LAST)
    for a in _SYLLABLES:
        for b in _SYLLABLES:
            lasts.append((a + b).capitalize())
    for _ in range(max(2000, count // 8)):
        lasts.append("".join(rng.choices(_SYLLABLES, k=3)).capitalize())
    seen: set[str] = set()
    names: list[str] = []
    while len(names) < count:
        last = rng.choice(lasts)
        if rng.random() < 0.08:
            other = rng.choice(lasts)
            if "-" not in last and "-" not in other and other != last:
                last = f"{last}-{other}"
        parts = [rng.choice(FIRST), last]
        if rng.random() < 0.15:
            parts.insert(1, rng.choice(MIDDLE))
        name = " ".join(parts)
        if name in seen:
            continue
        seen.add(name)
        names.append(name)
    return names


def _short_form(name: str) -> str | None:
    """The name without its middle part, as some pages print it (``Bita Rouhani``)."""
    parts = name.split()
    if len(parts) < 3 or parts[1][0].islower():
        return None
    return f"{parts[0]} {parts[-1]}"


def _sentences(rng: random.Random) -> tuple[list[str], float]:
    """A pool of abstract sentences and their mean length in words."""
    pool = []
    words = 0
    for _ in range(_SENTENCES):
        body = rng.choices(_WORDS, k=rng.randint(6, 18))
        text = " ".join([rng.choice(_SUBJECTS), rng.choice(_VERBS), *body]) + "."
        words += text.count(" ") + 1
        pool.append(text)
    return pool, words / len(pool)


class _Corpus:
    """Who wrote what (phase one, compact arrays), then papers built on demand (phase two)."""

    def __init__(self, n_profiles: int, rng: random.Random, *, as_of: dt.date,
                 abstract_words: int) -> None:
        self.rng = rng
        self.as_of = as_of
        self.n = n_profiles
        n_others = max(8, round(n_profiles * COAUTHORS_PER_PROFILE))
        self.people = _names(rng, n_profiles + n_others)
        self.short: dict[int, str] = {}
        for i, name in enumerate(self.people):
            short = _short_form(name)
            if short is not None and rng.random() < 0.4:
                self.short[i] = short
        self.sentences, mean_words = _sentences(rng)
        self.abstract_sentences = max(0, abstract_words) / mean_words  # mean per abstract
        n_papers = max(4, round(n_profiles * PAPERS_PER_PROFILE))
        self.members = array("i")  # every paper's full author list, people indexes, flattened
        self.offsets = array("l", [0])
        self.by_owner = [array("i") for _ in range(n_profiles)]
        self.listings = array("b")  # how many profiles still have to list each paper
        self._assign(n_papers, n_others)
        self.built: dict[int, Paper] = {}

    def _assign(self, n_papers: int, n_others: int) -> None:
        rng, n = self.rng, self.n
        mean_size = sum(s * w for s, w in zip(_SIZES, _SIZE_WEIGHTS, strict=True)) / sum(_SIZE_WEIGHTS)
        owner_share = (PROFILES_PER_PAPER - 1) / (mean_size - 1)  # lead is always an owner
        circle = min(OWNER_CIRCLE, max(1, (n - 1) // 2))
        owner_offsets = [d for d in range(-circle, circle + 1) if d]
        other_offsets = list(range(-OTHER_CIRCLE, OTHER_CIRCLE + 1))
        # Every owner leads at least one paper (so every profile has a page); the rest of the
        # leads follow a heavy-tailed activity.
        activity = [min(rng.paretovariate(1.6), 25.0) for _ in range(n)]
        leads = list(range(min(n, n_papers)))
        leads += rng.choices(range(n), weights=activity, k=n_papers - len(leads))
        sizes = rng.choices(_SIZES, weights=_SIZE_WEIGHTS, k=n_papers)
        members, offsets, by_owner, listings = self.members, self.offsets, self.by_owner, self.listings
        random_, shuffle = rng.random, rng.shuffle
        n_owner_offsets, n_other_offsets = len(owner_offsets), len(other_offsets)
        for paper, (lead, size) in enumerate(zip(leads, sizes, strict=True)):
            chosen = {lead: None}
            n_owners = sum(random_() < owner_share for _ in range(size - 1))
            want = 1 + n_owners
            for _ in range(3 * n_owners):  # a few draws more, in case the same person recurs
                if len(chosen) >= want:
                    break
                if random_() < FAR_COLLABORATOR:
                    chosen[int(random_() * n)] = None
                else:
                    chosen[(lead + owner_offsets[int(random_() * n_owner_offsets)]) % n] = None
            want = len(chosen) + size - 1 - n_owners
            centre = lead * n_others // n
            for _ in range(3 * (size - 1 - n_owners)):
                if len(chosen) >= want:
                    break
                if random_() < FAR_COLLABORATOR:
                    chosen[n + int(random_() * n_others)] = None
                else:
                    chosen[n + (centre + other_offsets[int(random_() * n_other_offsets)]) % n_others] = None
            people = list(chosen)
            shuffle(people)
            members.extend(people)
            offsets.append(len(members))
            owners = 0
            for person in people:
                if person < n:
                    by_owner[person].append(paper)
                    owners += 1
            listings.append(owners)

    def paper(self, index: int) -> Paper:
        """The paper, built at its first listing and forgotten after its last."""
        paper = self.built.get(index)
        if paper is None:
            paper = self._build(index)
            self.built[index] = paper
        self.listings[index] -= 1
        if self.listings[index] == 0:
            del self.built[index]
        return paper

    def _build(self, index: int) -> Paper:
        rng, as_of = self.rng, self.as_of
        r = rng.random
        people = self.members[self.offsets[index] : self.offsets[index + 1]]
        short, names = self.short, self.people
        printed = tuple(short[p] if p in short and r() < 0.5 else names[p] for p in people[:3])
        year_given = r() < 0.75
        if year_given:
            date = dt.date(2015 + int(r() * 12), 1 + int(r() * 12), 1 + int(r() * 28))
            if date > as_of:
                date = date.replace(year=date.year - 1)
        else:
            date = as_of - dt.timedelta(days=int(r() * 365))
        title = (f"{_pick(ADJ, r)} {_pick(NOUN, r)} for {_pick(TASK, r)}: "
                 f"{_pick(ADJ, r)} {_pick(NOUN, r)} {index}")
        abstract = ""
        if self.abstract_sentences:
            mean = self.abstract_sentences
            k = max(1, int(mean - 2 + 4 * r() + 0.5))
            abstract = " ".join(rng.choices(self.sentences, k=k))
        draw = r()
        n_orgs = 0 if draw < _ORG_SHARES[0] else 1 if draw < _ORG_SHARES[1] else 2
        return Paper(
            score=round(40 + 59.9 * r(), 1) if r() < 0.3 else None,
            category=_pick(CATEGORIES, r),
            date=date,
            year_given=year_given,
            has_code=r() < 0.25,
            title=title,
            authors=printed,
            et_al=len(people) > 3,
            affiliations=tuple(sorted(rng.sample(ORGS, n_orgs))) if n_orgs else (),
            abstract=abstract,
        )

    def page(self, owner: int) -> str:
        rng = self.rng
        listed = [self.paper(j) for j in self.by_owner[owner]]
        listed.sort(key=lambda p: (p.date, p.title), reverse=True)
        profile = None
        if rng.random() >= HEADERLESS:
            profile = Profile(
                name=self.people[owner],
                category=rng.choice(CATEGORIES),
                h_index=rng.randint(0, min(90, 2 + 3 * len(listed))),
                papers=len(listed),
                citations=rng.randint(0, 60_000),
                novelty_pct=rng.randint(0, 100),
                ai_score=rng.randint(0, 100),
            )
        return write_page(profile, listed, layout=LAYOUTS[owner % len(LAYOUTS)])


def generate(
    n_profiles: int, *, seed: int = 7, as_of: dt.date = dt.date(2026, 11, 24),
    abstract_words: int = 111,
) -> Iterator[tuple[str, str]]:
    """Yield ``(file name, page text)`` for ``n_profiles`` profiles, in file-name order.

    ``abstract_words`` is the mean length of an abstract in words (0: no abstracts).
    """
    if n_profiles < 1:
        return
    corpus = _Corpus(n_profiles, random.Random(seed), as_of=as_of, abstract_words=abstract_words)
    width = len(str(n_profiles))
    for i in range(n_profiles):
        yield f"profile_{i:0{width}d}.txt", corpus.page(i)


def write_corpus(
    directory: Path, n_profiles: int, *, seed: int = 7, abstract_words: int = 111
) -> list[Path]:
    """Write the corpus into ``directory`` (created if needed); returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generate(n_profiles, seed=seed, abstract_words=abstract_words):
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
