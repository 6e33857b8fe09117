"""Near-duplicate articles: wire copy republished by many outlets is coded once and linked.

Each article's cleaned text becomes a set of word shingles (``shingle_words`` consecutive words,
lower-cased) and a MinHash signature of it (``datasketch.MinHash``). Signatures are cut into
LSH bands (the band count and width ``datasketch.MinHashLSH`` picks for the threshold, weighted
towards recall because every candidate is checked against its signature afterwards); each band
becomes one 64-bit key.

Where the index lives: the keys and signatures of every coded article are stored in the
database (``article_bands``, ``article_minhash``), and each batch looks its keys up there. So
the index persists across runs and processes, and memory stays flat however many articles are
stored: nothing grows in the process, and DuckDB scans the key column under its memory cap. An
in-memory ``MinHashLSH`` would have to be rebuilt from the store on every start and grow with the
corpus (about 1-2 kB per article), which is what a multi-GB WARC cannot afford.

This module holds no database code: :meth:`NearDuplicateFinder.split` takes a lookup function
(the store's :meth:`~detente.store.Store.near_duplicate_candidates`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..model import Article, Result, SourceLink

__all__ = ["CandidateLookup", "NearDuplicateFinder", "NearDuplicates", "Signature", "shingles"]

_WORD_RE = re.compile(r"\w+", re.UNICODE)

#: ``lookup(keys)`` -> rows of (band key, article id, signature scheme, signature, text digest) of stored articles.
CandidateLookup = Callable[[Sequence[int]], Iterable[tuple[int, str, str, bytes, bytes]]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Signature:
    """An article's MinHash signature (``values``: one little-endian uint32 per permutation), its
    LSH band keys, and a digest of its lower-cased words (exact matches of short texts). ``scheme``
    names the shingling and hashing, so signatures of different settings are never compared."""

    article_id: str
    scheme: str
    values: bytes
    keys: tuple[int, ...]
    digest: bytes


@dataclass(slots=True)
class NearDuplicates:
    """One batch split into originals (to be coded) and near-copies linked to an original."""

    originals: list[Article] = field(default_factory=list)
    links: list[SourceLink] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)

    def stored(self, results: Iterable[Result]) -> NearDuplicates:
        """What may be written once ``results`` are coded: an original that failed is not stored
        (it is retried on the next run), so neither is its signature nor the copies linked to it."""
        failed = {r.article.id for r in results if r.failures}
        if not failed:
            return self
        return NearDuplicates(originals=[a for a in self.originals if a.id not in failed],
                              links=[link for link in self.links if link.original_id not in failed],
                              signatures=[s for s in self.signatures if s.article_id not in failed])


def shingles(text: str, size: int) -> set[bytes]:
    """The distinct runs of ``size`` consecutive lower-cased words (the whole text when shorter)."""
    return _shingles(_WORD_RE.findall(text.lower()), size)


def _shingles(words: list[str], size: int) -> set[bytes]:
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


class NearDuplicateFinder:
    """MinHash signatures and LSH band keys with fixed parameters.

    Example::

        finder = NearDuplicateFinder(threshold=0.8)
        batch = finder.split(articles, store.near_duplicate_candidates)
        batch.originals   # to code
        batch.links       # near-copies of stored articles or of earlier articles in the batch
    """

    def __init__(self, *, threshold: float = 0.8, num_perm: int = 128, shingle_words: int = 5,
                 min_words: int = 50) -> None:
        import numpy as np
        from datasketch import MinHash, MinHashLSH

        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle_words = shingle_words
        self.min_words = min_words
        self.scheme = f"minhash-affine32-sha1-w{shingle_words}-p{num_perm}-s1"
        # Weighted towards recall: a candidate costs one signature comparison, a missed copy costs
        # a second coding of the same story. At threshold 0.8 and 128 permutations: 14 bands of 9.
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=(0.1, 0.9))
        self.bands: list[tuple[int, int]] = [(int(s), int(e)) for s, e in lsh.hashranges]
        self._template = MinHash(num_perm=num_perm, seed=1, scheme="affine32")
        self._np = np
        self._minhash = MinHash

    def signature(self, article_id: str, text: str) -> Signature:
        """The signature and band keys of one cleaned text."""
        words = _WORD_RE.findall(text.lower())
        m = self._minhash(num_perm=self.num_perm, seed=1, scheme="affine32", permutations=self._template.permutations)
        m.update_batch(list(_shingles(words, self.shingle_words)))
        values = m.hashvalues.astype("<u4").tobytes()
        digest = hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=16).digest()
        return Signature(article_id=article_id, scheme=self.scheme, values=values, keys=self._keys(values),
                         digest=digest)

    def _keys(self, values: bytes) -> tuple[int, ...]:
        keys = []
        prefix = self.scheme.encode()
        for index, (start, end) in enumerate(self.bands):
            digest = hashlib.blake2b(prefix + bytes([index]) + values[start * 4:end * 4], digest_size=8).digest()
            keys.append(int.from_bytes(digest, "little", signed=True))
        return tuple(keys)

    def similarity(self, a: bytes, b: bytes) -> float:
        """Estimated Jaccard similarity: the share of permutations whose minimum agrees."""
        if len(a) != len(b):
            return 0.0
        np = self._np
        return float(np.count_nonzero(np.frombuffer(a, "<u4") == np.frombuffer(b, "<u4"))) / (len(a) // 4)

    def split(self, articles: Sequence[Article], lookup: CandidateLookup) -> NearDuplicates:
        """Split a batch (in reading order) into originals and near-copies.

        A copy links to the most similar stored article, or earlier original of the same batch,
        whose similarity reaches the threshold; copies are never originals of later copies. A text
        of fewer than ``min_words`` words links only to one with the same words.
        """
        signatures = [self.signature(a.id, a.text) for a in articles]
        stored: dict[int, list[tuple[str, bytes, bytes]]] = {}
        for key, article_id, scheme, values, digest in lookup(sorted({k for s in signatures for k in s.keys})):
            if scheme == self.scheme:
                stored.setdefault(key, []).append((article_id, values, digest))
        local: dict[int, list[tuple[str, bytes, bytes]]] = {}
        out = NearDuplicates()
        for article, sig in zip(articles, signatures, strict=True):
            short = len(article.text.split()) < self.min_words
            best: tuple[float, str] | None = None
            seen: set[str] = set()
            for key in sig.keys:
                for other_id, values, digest in (*stored.get(key, ()), *local.get(key, ())):
                    if other_id in seen or other_id == article.id:
                        continue
                    seen.add(other_id)
                    if digest == sig.digest:
                        score = 1.0
                    elif short:  # an estimate of 1.0 is not proof: a brief differing in one number scores it
                        continue
                    else:
                        score = self.similarity(sig.values, values)
                    if score >= self.threshold and (best is None or score > best[0]):
                        best = (score, other_id)
            if best is not None:
                out.links.append(SourceLink(article=article, original_id=best[1], similarity=round(best[0], 4)))
                continue
            out.originals.append(article)
            out.signatures.append(sig)
            for key in sig.keys:
                local.setdefault(key, []).append((article.id, sig.values, sig.digest))
        return out
