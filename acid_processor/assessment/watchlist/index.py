"""Candidate search over 100,000+ listed names in microseconds, for the word-aligning scorer.

Built once at start. Every listed word's key (see `names.word_key`) leads to the names holding it,
and so do its one- and two-deletion variants (SymSpell-style: a filed word one or two typos away
shares a variant with the listed word; a filed word not on the list as written or by its key is
looked up two typos away), and every two of its words written together ('MERDEKATRUST'; two
neighbouring ones with a slip too, `_SlippedPairs`). A filed word not on the list may also be two
listed words with a slip in each, or a listed word with a legal form glued to it. A query looks up
its words' near keys, rarest first; the names holding them are the candidates, and every filed
word's best possible contribution to each candidate is found by binary search in its sorted
postings (numpy, no Python loop per name); a candidate whose bound cannot reach the cut-off is never
scored. Looking stops when the words not yet looked up could not carry a name to the cut-off on
their own: a name sharing none of the looked-up words is then too far from the query. Generic words
(TRADING) lead nowhere unless a name has nothing else; they are counted as if they matched, and so
are optional words, whose listed partners no key finds, and initials, for the names with a word
of their letters.
"""

from __future__ import annotations

import itertools
from array import array
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz.distance import Indel

from acid_processor.assessment.watchlist.names import (
    PreparedName,
    abbreviates_generic,
    form_cuts,
    word_key,
)
from acid_processor.assessment.watchlist.scorer import (
    INITIAL,
    JOINED,
    MIN_WORD_SIMILARITY,
    ONE_TYPO,
    SAME_KEY,
    one_typo,
)

__all__ = ["NameIndex"]

MIN_VARIANT_KEY = 3  # keys this long or longer are also indexed by their 1-deletion variants
MIN_TWO_TYPOS = 6  # listed keys this long are also indexed by their two-deletion variants
MIN_PIECE = 4  # the shortest word looked for inside a filed word written with another
MIN_EXACT_PIECE = 3  # ... when it is found there as listed
MIN_TWO_SLIP_GLUED = 12  # a filed word this long may be two listed words each with a slip
MIN_SLIPPED_PIECE = 5  # ... each piece this long
MIN_TWO_SLIP_STEM = 9  # a word this long left of a glued legal form may have two slips in it
MIN_JOINED = 6  # neighbouring listed words this long together are also indexed with a slip
MAX_CANDIDATES = 32  # scored per query, best bounds first
INITIAL_PARTNER = 10.0  # the longest given name an initial is credited with standing for
_ratio = Indel.normalized_similarity
_Near = tuple[tuple[int, float], ...]  # listed key ids near a filed word, with their similarity


def _deletions(key: str) -> set[str]:
    if len(key) < MIN_VARIANT_KEY:
        return {key}
    return {key} | {key[:i] + key[i + 1 :] for i in range(len(key))}


def _two_deletions(key: str) -> set[str]:
    """The key with one letter and with two letters deleted (not the key itself)."""
    n = len(key)
    out = {key[:i] + key[i + 1 :] for i in range(n)}
    out.update(key[:i] + key[i + 1 : j] + key[j + 1 :] for i in range(n) for j in range(i + 1, n))
    return out


def _letter_bits(letters: str) -> int:
    """Letters as a bit set (A..Z, and any other letter folded onto those 64 bits)."""
    bits = 0
    for c in letters:
        bits |= 1 << (ord(c) & 63)
    return bits


def _accumulate(lists: list[tuple[np.ndarray, np.ndarray | float]], ids: np.ndarray) -> np.ndarray:
    """What the postings (each with its value, per name or one for all) add to each of the sorted
    candidate ids, every posting being among them: one binary search and one sum for all the
    words, not a pass over the candidates per word."""
    lists = [(p, v) for p, v in lists if len(p)]
    if not lists:
        return np.zeros(len(ids), dtype=np.float32)
    postings = np.concatenate([p for p, _ in lists])
    values = np.concatenate(
        [v if isinstance(v, np.ndarray) else np.full(len(p), v, dtype=np.float32) for p, v in lists]
    )
    return np.bincount(np.searchsorted(ids, postings), weights=values, minlength=len(ids)).astype(np.float32)


def _contribution(postings: np.ndarray, value: np.ndarray | float, ids: np.ndarray) -> np.ndarray:
    """What one word's postings (sorted) add to each candidate id: value where it holds it, else 0."""
    pos = np.searchsorted(postings, ids)
    pos[pos == len(postings)] = 0
    hit = postings[pos] == ids
    if isinstance(value, np.ndarray):
        return np.where(hit, value[pos], 0.0)
    return hit * np.float32(value)


@dataclass(frozen=True, slots=True)
class _WordBlock:
    """The names near one filed key: ids, the similarity, similarity x listed word weight, and the
    best similarity to a generic listed word and to any other."""

    nids: np.ndarray
    sims: np.ndarray
    listed: np.ndarray
    best_generic: float
    best_other: float


class NameIndex:
    """Listed names by their words' keys; `candidates` gives the name ids worth scoring."""

    def __init__(self, names: list[PreparedName]) -> None:
        key_id: dict[str, int] = {}
        postings: list[list[int]] = []
        key_weight: list[float] = []
        raw: list[str] = []  # kid -> a word as listed that has this key
        generic_keys: set[int] = set()
        joined: dict[str, list[int]] = {}
        for nid, name in enumerate(names):
            for word, key, weight, generic in zip(
                name.words, name.keys, name.weights, name.generic, strict=True
            ):
                kid = key_id.get(key)
                if kid is None:
                    kid = key_id[key] = len(postings)
                    postings.append([])
                    key_weight.append(0.0)
                    raw.append(word)
                postings[kid].append(nid)
                full = weight / (1 / 3) if generic else weight
                key_weight[kid] = max(key_weight[kid], full)
                if generic:
                    generic_keys.add(kid)
            # Any two words written together, in either order ('HAMZASHAINAILIA' for 'HAMZA XIU
            # SHAINAILIA'), for names of up to five words.
            pairs = itertools.permutations(name.words, 2) if len(name.words) <= 5 else ()
            for a, b in pairs:
                joined.setdefault(word_key(a + b), []).append(nid)
        self._key_id = key_id
        self._keys = list(key_id)
        self._postings = [np.unique(np.array(p, dtype=np.int32)) for p in postings]
        self._key_weight = key_weight
        self._generic = generic_keys
        self._joined = {k: np.unique(np.array(v, dtype=np.int32)) for k, v in joined.items()}
        self._slipped = _SlippedPairs(names)
        variants: dict[str, list[int]] = {}
        for key, kid in key_id.items():
            # By the key and by the word as written: a folded key ('TSEGIBELGHE' for 'TSEGEEBELGHE')
            # can be further from a typo of the word than the word itself.
            for v in _deletions(key) | _deletions(raw[kid]):
                variants.setdefault(v, []).append(kid)
        self._variants = {v: tuple(set(k)) for v, k in variants.items()}
        # Two deletions of the longer keys too: a filed word two typos from a listed one shares a
        # two-deletion variant with it (looked at only when nothing nearer was found).
        variants2: dict[str, set[int]] = {}
        for key, kid in key_id.items():
            if len(key) >= MIN_TWO_TYPOS:
                for one in _deletions(key) - {key}:
                    for v in _deletions(one) - {one}:
                        variants2.setdefault(v, set()).add(kid)
        # The second look-up asks one dictionary per variant: the one-deletion variants of listed
        # keys merged with their two-deletion variants.
        for v, k in self._variants.items():
            variants2.setdefault(v, set()).update(k)
        self._variants12 = {v: tuple(k) for v, k in variants2.items()}
        self._raw = raw
        # The smallest denominator a name can have (its generic words unmatched count a quarter).
        self._required = np.array(
            [n.required_weight - n.generic_weight * 3 / 4 for n in names], dtype=np.float32
        )
        # Every name's words' first letters, as bits: what its initials may stand for.
        self._letters = np.array(
            [_letter_bits("".join(w[0] for w in n.words)) for n in names], dtype=np.int64
        )
        self._free = np.array(
            [
                sum(w for w, g, o in zip(n.weights, n.generic, n.optional, strict=True) if g or o)
                for n in names
            ],
            dtype=np.float32,
        )
        self.near = lru_cache(maxsize=50_000)(self._near)
        self._generic_near = lru_cache(maxsize=20_000)(self._generic_similarity)
        self._filed_block = lru_cache(maxsize=20_000)(self._make_block)  # of other keys: bounded
        self._near1 = lru_cache(maxsize=20_000)(self._one_slip)
        self._form_stem = lru_cache(maxsize=20_000)(self._stem_before_form)
        # Every listed word's neighbourhood, looked up once here rather than on a filing's time.
        self._listed_blocks: dict[str, _WordBlock] = {
            key: self._make_block(key, raw[kid]) for key, kid in key_id.items()
        }
        self.near.cache_clear()

    def clear_caches(self) -> None:
        """Forget the neighbourhoods of filed words not on the list (benchmarks measure them cold)."""
        self.near.cache_clear()
        self._generic_near.cache_clear()
        self._filed_block.cache_clear()
        self._near1.cache_clear()
        self._form_stem.cache_clear()
        self._slipped.near.cache_clear()

    def _generic_similarity(self, word: str) -> float:
        """How near a filed word as written is to a listed generic word (0 when none is one slip away)."""
        kids = {k for v in _deletions(word) for k in self._variants.get(v, ()) if k in self._generic}
        return max((s for _, s in self._similar(word, word, kids)), default=0.0)

    def _word_block(self, key: str, word: str) -> _WordBlock:
        block = self._listed_blocks.get(key)
        return block if block is not None else self._filed_block(key, word)

    def _make_block(self, key: str, word: str) -> _WordBlock:
        """The names holding a word near a filed word (and key), each once with its best similarity."""
        near = self.near(key, word)
        best_generic = max((s for kid, s in near if kid in self._generic), default=0.0)
        best_other = max((s for kid, s in near if kid not in self._generic), default=0.0)
        parts = [
            (self._postings[kid], s, self._key_weight[kid]) for kid, s in near if kid not in self._generic
        ]
        if not parts:
            empty = np.empty(0, dtype=np.float32)
            return _WordBlock(np.empty(0, dtype=np.int32), empty, empty, best_generic, best_other)
        nids = np.concatenate([p for p, _, _ in parts]) if len(parts) > 1 else parts[0][0]
        sizes = [len(p) for p, _, _ in parts]  # each near word's similarity once per name holding it
        sims = np.repeat(np.array([s for _, s, _ in parts], dtype=np.float32), sizes)
        listed = np.repeat(np.array([s * w for _, s, w in parts], dtype=np.float32), sizes)
        if len(parts) > 1:  # a name holding two near words counts the better one
            order = np.lexsort((-sims, nids))
            nids, sims, listed = nids[order], sims[order], listed[order]
            first = np.ones(len(nids), dtype=bool)
            first[1:] = nids[1:] != nids[:-1]
            nids, sims, listed = nids[first], sims[first], listed[first]
        return _WordBlock(nids, sims, listed, best_generic, best_other)

    def _near(self, key: str, word: str) -> tuple[tuple[int, float], ...]:
        """Listed keys about one edit from a filed word or its key, with their similarity; for a
        word not on the list as written or by its key, also the ones two deletions away (two typos,
        or two letters too many). A word one typo from some listed word may be two from the one it
        stands for ('SPAHIRE': SAPPHIRE, though SPAHIRO is nearer), and the candidate bound reads
        a name missing from a word's neighbours as not matching that word at all."""
        kids = self._one_slip_kids(key, word)
        out = self._similar(key, word, kids)
        best = max((s for _, s in out), default=0.0)
        if best < SAME_KEY and len(key) >= 5:  # not on the list as written or by its key
            # The word itself too: a listed word with two letters more ('TRIABRIBONE' filed 'TRABRBONE').
            # As written as well as by its key only when nothing was near: else the key will do.
            if key != word and best < 0.8:
                variants = _two_deletions(key) | _two_deletions(word)
            else:
                variants = _two_deletions(key)
            variants.update((key, word))
            kids.update(*filter(None, map(self._variants12.get, variants)))
            out = self._similar(key, word, kids)
        return out

    def _similar(self, key: str, word: str, kids: set[int]) -> tuple[tuple[int, float], ...]:
        out = []
        for kid in kids:
            listed = self._keys[kid]
            s = 1.0 if listed == key else max(_ratio(key, listed), _ratio(word, self._raw[kid]))
            if 0.6 <= s < ONE_TYPO:
                s = max(s, one_typo(key, listed))
            if s >= MIN_WORD_SIMILARITY:
                out.append((kid, s))
        return tuple(out)

    def _one_slip_kids(self, key: str, word: str) -> set[int]:
        """The listed keys sharing a one-deletion variant with a filed word or its key."""
        # (The look-ups run in C: map over the variants, one set update with every hit.)
        kids: set[int] = set()
        variants = _deletions(key) if key == word else _deletions(key) | _deletions(word)
        kids.update(*filter(None, map(self._variants.get, variants)))
        return kids

    def _one_slip(self, piece: str) -> _Near:
        """Listed keys one slip from a piece of a filed word (no two-slip look-up: it is a piece)."""
        return self._similar(piece, piece, self._one_slip_kids(piece, piece))

    def _stem_before_form(self, word: str, long_tails_only: bool) -> str | None:
        """The filed word without a legal form glued to its end, maybe with a slip in either
        ('LOTOUXLCLC', 'DAIZIKG', 'TETXILESCORPORATIOG'), when a listed word is one slip from what
        is left: the longest tail that leaves one. None when no cut does. A long stem is looked up
        two slips away too, as a filed word is ('ENTMERPRSISESAB': ENTERPRISES AB). With
        `long_tails_only`, a form of two letters is not cut off (the word is near a listed one)."""
        for cut in form_cuts(word):
            if long_tails_only and len(word) - cut < 3:
                continue
            stem = word[:cut]
            near = self.near(stem, stem) if cut >= MIN_TWO_SLIP_STEM else self._near1(stem)
            if max((s for _, s in near), default=0.0) >= 0.8:
                return stem
        return None

    def _pieces(self, key: str, word: str) -> tuple[tuple[str, float, _Near], ...] | None:
        """Two listed keys, one maybe one typo off, that an unknown filed word is made of, each with
        its share of the filed word and its near listed keys: of every cut of the key, the one whose
        pieces are most like listed keys ('TARIKPKUDAISI' is TARIK + PKUDAISI, not TARI + KPKUDAISI,
        though TARI is listed too); a piece found as it is may be as short as MIN_EXACT_PIECE ('SAI' +
        'SIDOROV'), the one found near it MIN_PIECE. A long word with no such cut may be two words
        with a slip in each ('PALTINUMLOGITICS' for PLATINUM LOGISTICS), looked for one slip away
        only, and as written: a slip can change a key's folding ('NEERGY' keys as NIRGI)."""
        best, best_size = None, 0.0
        for i in range(MIN_EXACT_PIECE, len(key) - MIN_EXACT_PIECE + 1):
            left, right = key[:i], key[i:]
            for exact, other in ((left, right), (right, left)):
                if len(other) < MIN_PIECE or exact not in self._key_id:
                    continue
                s = max((s for _, s in self.near(other, other)), default=0.0)
                if s >= 0.8 and len(exact) + s * len(other) > best_size:
                    best, best_size = (left, right), len(exact) + s * len(other)
        if best is not None:
            return tuple((piece, len(piece) / len(key), self.near(piece, piece)) for piece in best)
        n = len(word)
        if n < MIN_TWO_SLIP_GLUED:
            return None
        found = None
        for i in range(MIN_SLIPPED_PIECE, n - MIN_SLIPPED_PIECE + 1):
            left = self._near1(word[:i])
            s_left = max((s for _, s in left), default=0.0)
            if s_left < 0.8:
                continue
            right = self._near1(word[i:])
            s_right = max((s for _, s in right), default=0.0)
            size = s_left * i + s_right * (n - i)
            if s_right >= 0.8 and size > best_size:
                found, best_size = ((word[:i], i / n, left), (word[i:], (n - i) / n, right)), size
        return found

    def candidates(self, query: PreparedName, cutoff: float) -> np.ndarray:
        """Ids of the listed names that may score >= cutoff (0..100) against the query."""
        cut = cutoff / 100.0
        words: list[tuple[int, float, list[tuple[np.ndarray, np.ndarray | float]]]] = []
        all_generic = all(query.generic)
        pending: list[tuple[str, str, float]] = [
            (k, word, w)
            for word, k, w, g, o in zip(
                query.words, query.keys, query.weights, query.generic, query.optional, strict=True
            )
            if not ((g and not all_generic) or o)
        ]
        maybe_generic = 0.0
        # Listed words matched that no look-up finds: the words initials stand for (and, below, the
        # partners of optional words, credited to every name). An initial ('D. SOROKIN', 'IV
        # PETROV') may stand for any listed word with its letter: credited as a long one, to the
        # names with a word of each of its letters.
        initials = [
            (INITIAL * (w + INITIAL_PARTNER), _letter_bits(word))
            for w, word in zip(query.weights, query.words, strict=True)
            if len(word) == 1 or word in query.initials
        ]
        unseen = sum(credit for credit, _ in initials)
        # Filed weight counted as matched without looking: generic and optional words.
        free = sum(w for w, g, o in zip(query.weights, query.generic, query.optional, strict=True) if g or o)
        # ... and what matching them adds to the denominator: a matched generic word counts in full
        # there instead of a quarter, a matched optional word counts where it did not count at all.
        free_denominator = free - query.generic_weight / 4
        # The listed word an optional filed word matches ('LIDA' for LINDA) is a required one of its
        # name, which no look-up credits: credited here, as long as the filed word.
        unseen += free - query.generic_weight
        for key, word, weight in pending:
            block = self._word_block(key, word)
            short = abbreviates_generic(word)  # SUPPL, CMPTS: a generic word cut short
            best_generic = block.best_generic
            stem_block = None
            if block.best_other < SAME_KEY and len(word) >= 5:
                # LOTOUXLCLC: LOTOUX with a form glued, mistyped. (A word found near a listed one
                # with only two letters more, DIAZIKG, is credited enough as it is.)
                stem = self._form_stem(word, block.best_other >= 0.8)
                if stem is not None:  # (TETXILESCORPORATIOG: a trade word, a form glued)
                    stem_block = self._word_block(word_key(stem), stem)
                    best_generic = max(best_generic, stem_block.best_generic)
            kid = self._key_id.get(key)
            if kid is not None and self._raw[kid] != word:
                # A listed key, but spelled otherwise: its folding may hide a generic word one slip
                # away ('MIINNG' folds to MING, a listed name; as written it is MINING mistyped).
                best_generic = max(best_generic, self._generic_near(word))
            if (best_generic >= 0.8 and best_generic > block.best_other) or (
                short and block.best_other < 0.8
            ):
                free += 2 * weight  # TRADNIG, SUPPL: a generic word mistyped or cut short
                continue
            if short:  # PETROL: PETROLEUM cut short, or PETROV mistyped
                maybe_generic += 2 * weight
            # It may also be a listed generic word (SYSTSEMS ~ SYSTEMS), whose names are not looked up.
            maybe_generic += best_generic * weight
            lists: list[tuple[np.ndarray, np.ndarray | float]] = []
            if len(block.nids):
                lists.append((block.nids, block.sims * weight + block.listed))
            if stem_block is not None and len(stem_block.nids):
                lists.append((stem_block.nids, stem_block.sims * weight + stem_block.listed))
            if all_generic:  # a name made of generic words ('SNAB MASH') is found by them
                for kid, s in self.near(key, word):
                    if kid in self._generic and s >= 0.8:
                        lists.append((self._postings[kid], s * (weight + self._key_weight[kid])))
            split = self._joined.get(key)  # filed together, listed apart
            if split is not None:
                lists.append((split, 2.0 * weight))
            elif block.best_other < SAME_KEY and len(word) >= MIN_JOINED - 1:
                slipped = self._slipped.near(word)  # ... with a slip: 'ALACRGO' for AL CARGO
                if slipped is not None:
                    lists.append((slipped[0], slipped[1] * weight + slipped[2]))
            if block.best_other < 0.8 and len(key) >= 2 * MIN_PIECE + 1:
                pieces = self._pieces(key, word)  # IVANNOVGHRU: IVAN + NOVGHRU, maybe with a typo
                if pieces:  # every listed key near a piece: the nearest may be another word
                    for _piece, part, near in pieces:
                        share = weight * part  # of the filed word, as written
                        for kid, s in near:
                            if s >= 0.8:
                                lists.append((self._postings[kid], s * (share + self._key_weight[kid])))
            size = sum(len(p) for p, _ in lists)
            words.append((size, weight, lists))
        for a, b in itertools.pairwise(query.words):
            kid = self._key_id.get(word_key(a + b))  # filed apart, listed together
            if kid is not None:
                words.append((len(self._postings[kid]), 0.0, [(self._postings[kid], 2.0 * len(a + b))]))
        words.sort(key=lambda w: w[0])
        remaining = sum(w for _, w, _ in words)
        required = query.required_weight - query.generic_weight * 3 / 4
        sources: list[np.ndarray] = []  # postings of the words that bring candidates
        admitted = 0
        for _, weight, lists in words:
            # Once a name sharing none of the words looked up so far could not reach the cut-off,
            # the other words only add to the names already found.
            # (Its generic and optional words matched by the filed ones count on both sides.)
            matched_free = free + maybe_generic
            if sources and (2 * remaining + 2 * matched_free + unseen) < cut * (
                required + remaining + free_denominator + 0.75 * matched_free
            ):
                break
            remaining -= weight
            admitted += 1
            sources.extend(p for p, _ in lists if len(p))
        if not sources:
            return np.empty(0, dtype=np.int32)
        ids = np.unique(np.concatenate(sources)) if len(sources) > 1 else sources[0]
        # What every word adds to each candidate: the postings are sorted, so a binary search finds
        # the candidates in them without touching the rest. The words that brought candidates
        # first, the others counted as matched in full; only the candidates still in reach then
        # learn what the other words really add.
        found_weight = _accumulate([pair for _, _, lists in words[:admitted] for pair in lists], ids)
        if initials:  # only where the name has words of the initials' letters
            letters = self._letters[ids]
            credited = np.full(len(ids), unseen - sum(credit for credit, _ in initials), dtype=np.float32)
            for credit, bits in initials:
                credited += np.where((letters & bits) == bits, np.float32(credit), np.float32(0.0))
            unseen = credited
        optimistic = sum(2 * weight for _, weight, _ in words[admitted:])
        listed_free = np.minimum(self._free[ids], free + maybe_generic)
        # Listed generic and optional words matched count in the denominator too: at least 3/4 more.
        denominator = required + free_denominator + self._required[ids] + 0.75 * listed_free
        if optimistic:
            keep = (
                found_weight + optimistic + free + maybe_generic + unseen + listed_free
            ) >= cut * denominator
            ids, found_weight = ids[keep], found_weight[keep]
            listed_free, denominator = listed_free[keep], denominator[keep]
            if initials:
                unseen = unseen[keep]
            for _, _, lists in words[admitted:]:
                for postings, value in lists:
                    found_weight += _contribution(postings, value, ids)
        # Generic and optional listed words can only be matched by the filed ones.
        bound = (found_weight + free + maybe_generic + unseen + listed_free) / denominator
        keep = bound >= cut
        found = ids[keep]
        if len(found) > MAX_CANDIDATES:
            # Ranked by the evidence found, not by the bound (which counts what might match as
            # matched); among equals, the names with the initials' letters first (a HADDAD with a
            # Y first, for 'Y. HADDAD').
            order = ((found_weight + listed_free) / denominator)[keep]
            rank = np.lexsort((-unseen[keep], -order)) if initials else np.argsort(-order, kind="stable")
            found = found[rank[:MAX_CANDIDATES]]
        return found


class _SlippedPairs:
    """Every two neighbouring words of a listed name written together, found with a slip ('ALACRGO'
    for AL CARGO, 'FBNGYAN' for FANG YAN), SymSpell-style: each joined pair by its one-deletion
    variants, a filed word by its own. Millions of variants, so held as their string hashes in one
    sorted numpy array (beside the pair each came from), not as a dict of strings: 12 bytes a
    variant. Python's string hash is salted per process, and the index is built in the process
    that uses it (forked workers inherit the salt with it); a collision only brings a pair that
    the similarity check then refuses."""

    def __init__(self, names: list[PreparedName]) -> None:
        pair_id: dict[str, int] = {}
        texts: list[str] = []
        owners: list[list[int]] = []  # pid -> the names holding the pair, then their weights
        owner_weights: list[list[float]] = []
        for nid, name in enumerate(names):
            for i in range(len(name.words) - 1):
                text = name.words[i] + name.words[i + 1]
                if len(text) < MIN_JOINED:
                    continue
                pid = pair_id.get(text)
                if pid is None:
                    pid = pair_id[text] = len(texts)
                    texts.append(text)
                    owners.append([])
                    owner_weights.append([])
                owners[pid].append(nid)
                owner_weights[pid].append(name.weights[i] + name.weights[i + 1])
        hashes = array("q")
        pids = array("i")
        for pid, text in enumerate(texts):
            variants = _deletions(text)
            hashes.extend(map(hash, variants))
            pids.extend(itertools.repeat(pid, len(variants)))
        h = np.frombuffer(hashes, dtype=np.int64)
        order = np.argsort(h, kind="stable")
        self._hashes = h[order]
        self._pids = np.frombuffer(pids, dtype=np.int32)[order]
        self._texts = texts
        # The owners of pair p: _nids[_start[p]:_start[p + 1]], in flat arrays (no list per pair).
        self._start = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum([len(o) for o in owners], out=self._start[1:])
        self._nids = np.fromiter(itertools.chain.from_iterable(owners), dtype=np.int32)
        self._weights = np.fromiter(itertools.chain.from_iterable(owner_weights), dtype=np.float32)
        self.near = lru_cache(maxsize=20_000)(self._near)

    def _near(self, word: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(name ids, similarity, similarity x the pair's listed weight) of the names holding two
        neighbouring words that, written together, are one slip from the filed word; None if none."""
        wanted = np.fromiter(map(hash, _deletions(word)), dtype=np.int64)
        lo = np.searchsorted(self._hashes, wanted, "left")
        hi = np.searchsorted(self._hashes, wanted, "right")
        found: set[int] = set()
        for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
            if b > a:
                found.update(self._pids[a:b].tolist())
        best: dict[int, tuple[float, float]] = {}
        for pid in found:
            s = _ratio(word, self._texts[pid])
            if s < JOINED:
                continue
            a, b = self._start[pid], self._start[pid + 1]
            for nid, listed in zip(self._nids[a:b].tolist(), self._weights[a:b].tolist(), strict=True):
                if nid not in best or s > best[nid][0]:
                    best[nid] = (s, s * listed)
        if not best:
            return None
        nids = np.array(sorted(best), dtype=np.int32)
        sims = np.array([best[n][0] for n in nids.tolist()], dtype=np.float32)
        listed = np.array([best[n][1] for n in nids.tolist()], dtype=np.float32)
        return nids, sims, listed
