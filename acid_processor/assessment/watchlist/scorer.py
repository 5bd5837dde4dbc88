"""The name scorer: filed words aligned to listed words, so that order never matters and a typo,
a romanisation, a glued or split word, an initial or an abbreviation costs only what it changes.

Each filed word is paired with at most one listed word (or a filed word with two listed words
written together, or two filed words with one listed word split apart), best pairs first. A pair
contributes its similarity times the two words' weights; unpaired words contribute nothing; the
score is the contributions over the weight of every word that had to be matched (optional words -
a listed patronymic, an address typed into a filed name - count only when they are matched, and an
unmatched generic word counts a quarter of its weight - unless the other side has one too: then they are two
different trades, 'ATLAS MARINE' and 'ATLAS FREIGHT', and count at their full length):

    score = 100 * sum(sim(f, l) * (w(f) + w(l))) / (required weight filed + required weight listed)

Word similarity is rapidfuzz's Indel ratio of the romanisation-neutral keys (so one typo in a
six-letter word gives 0.83, as the whole-string ratio did), 1.0 for the same word, 0.98 for the
same key ('IWANOW' ~ 'IVANOV'), 0.75 for an initial ('I' ~ 'IVAN') and 0.85 for an abbreviation
('HLDG' ~ 'HOLDING' when not already spelled out: first and last letters kept, the rest in order).
"""

from __future__ import annotations

from itertools import permutations

from rapidfuzz.distance import OSA, Indel

from acid_processor.assessment.watchlist.entries import WordPair
from acid_processor.assessment.watchlist.names import (
    GENERIC_WORDS,
    PARTICLES,
    PreparedName,
    form_cuts,
    in_order,
    skeleton,
    syllables,
)

__all__ = ["MIN_WORD_SIMILARITY", "align", "one_typo", "word_similarity"]

MIN_WORD_SIMILARITY = 0.6  # a pair less alike than this is no pair
SAME_KEY = 0.98
JOINED = 0.8  # a joined or split pair at least this alike counts
ONE_TYPO = 0.9  # two words one typo apart (four letters or more)
SAME_CONSONANTS = 0.9  # the same consonants, other vowels (NASIR ~ NASSER)
INITIAL = 0.75
ABBREVIATION = 0.85
_MAX_JOIN_WORDS = 6  # joined/split pairs are looked for in names up to this many words

_ratio = Indel.normalized_similarity


def one_typo(a: str, b: str) -> float:
    """ONE_TYPO when two words of four letters or more are one typo apart (a letter changed, added,
    dropped, or two swapped), else their OSA similarity: a typo is one slip of the hand whatever the
    word's length, and in a five-letter word it should not weigh twice what it does in ten."""
    if min(len(a), len(b)) >= 4 and OSA.distance(a, b, score_cutoff=1) <= 1:
        return ONE_TYPO
    return OSA.normalized_similarity(a, b)


def _glued_form_similarity(fw: str, lw: str) -> float:
    """How alike a filed word is to a listed one once a legal form glued to its end is cut off (the
    form as it is, or with a slip: see `names.form_cuts`), cut within a letter of the listed
    word's length; 0 when no cut leaves a stem at least JOINED alike."""
    best = 0.0
    for cut in form_cuts(fw):
        if abs(cut - len(lw)) <= 1:
            stem = fw[:cut]
            s = 1.0 if stem == lw else max(_ratio(stem, lw), one_typo(stem, lw))
            best = max(best, s)
    return best if best >= JOINED else 0.0


def word_similarity(fw: str, fk: str, lw: str, lk: str) -> tuple[float, str]:
    """Similarity 0..1 of a filed and a listed word (given with their keys), and what made it."""
    if fw == lw:
        return 1.0, ""
    if fk == lk:
        return SAME_KEY, "phonetic"
    s = max(_ratio(fk, lk), _ratio(fw, lw))
    if 0.6 <= s < ONE_TYPO:
        s = max(s, one_typo(fk, lk))
    if s < ONE_TYPO and len(fw) >= len(lw) + 2 and fw[0] == lw[0]:
        glued = _glued_form_similarity(fw, lw)
        if glued > s:
            return glued, "legal form glued"  # SHIPPINGCO, DAIZIKG ~ DIAZI, LOTOUXLCLC ~ LOTOUX
    if (
        s < SAME_CONSONANTS
        and len(fw) >= 4
        and len(lw) >= 4
        and (fw[0] == lw[0] or (fw[0] in "AEIOU" and lw[0] in "AEIOU"))
    ):
        sk = skeleton(fw)
        if len(sk) >= 3 and sk == skeleton(lw) and syllables(fw) == syllables(lw):
            return SAME_CONSONANTS, "vowels"  # NASIR ~ NASSER, SOLIMAN ~ SULEIMAN
    if s >= 0.8:
        return s, ""
    if fw[0] == lw[0]:
        if len(fw) == 1 or len(lw) == 1:
            return INITIAL, "initial"
        short, long = (fw, lw) if len(fw) < len(lw) else (lw, fw)
        # A contraction keeps the first and last letters (HLDG, INSTRS, INTL); a mere prefix
        # (MOMAR for MOMARZHALAV) is another word as often as it is a truncation - except of a
        # trade word, which clerks cut short all the time (PETROL., SUPPL., ELECTR.).
        if len(short) >= 3 and len(long) - len(short) >= 2:
            trade = long in GENERIC_WORDS
            if short[-1] == long[-1] and (trade or 2 * len(short) >= len(long)) and in_order(short, long):
                return ABBREVIATION, "abbreviation"
            if trade and long.startswith(short):
                return ABBREVIATION, "abbreviation"
    return s, ""


def align(f: PreparedName, lst: PreparedName) -> tuple[float, tuple[WordPair, ...]]:
    """Score 0..100 of a filed name against a listed name, with the aligned word pairs."""
    nf, nl = len(f.words), len(lst.words)
    if not nf or not nl:
        return 0.0, ()
    edges: list[tuple[float, float, tuple[int, ...], tuple[int, ...], str]] = []
    fwords, fkeys, fw = f.words, f.keys, f.weights
    lwords, lkeys, lw = lst.words, lst.keys, lst.weights
    for i in range(nf):
        for j in range(nl):
            s, how = word_similarity(fwords[i], fkeys[i], lwords[j], lkeys[j])
            if s >= MIN_WORD_SIMILARITY:
                initial_for_optional = how == "initial" and lst.optional[j]
                edges.append((s, fw[i] + (0.0 if initial_for_optional else lw[j]), (i,), (j,), how))
    # Joined and split words are looked for only among the words without a good pair of their own.
    best_f = [0.0] * nf
    best_l = [0.0] * nl
    for s, _, (i,), (j,), _ in edges:
        best_f[i] = max(best_f[i], s)
        best_l[j] = max(best_l[j], s)
    weak_f = [i for i in range(nf) if best_f[i] < SAME_KEY]
    weak_l = [j for j in range(nl) if best_l[j] < SAME_KEY]
    if (
        weak_f and len(weak_l) >= 2 and nl <= _MAX_JOIN_WORDS
    ):  # a filed word = two listed ones written together
        for a, b in permutations(weak_l, 2):
            joined = lwords[a] + lwords[b]
            for i in weak_f:
                if abs(len(fwords[i]) - len(joined)) <= 2:
                    s = _ratio(fwords[i], joined)
                    if s >= JOINED:
                        edges.append((s, fw[i] + lw[a] + lw[b], (i,), (a, b), "joined"))
    if weak_l and len(weak_f) >= 2 and nf <= _MAX_JOIN_WORDS:  # two filed words = one listed word split
        for a, b in permutations(weak_f, 2):
            joined = fwords[a] + fwords[b]
            for j in weak_l:
                if abs(len(lwords[j]) - len(joined)) <= 2:
                    s = _ratio(joined, lwords[j])
                    if s >= JOINED:
                        edges.append((s, fw[a] + fw[b] + lw[j], (a, b), (j,), "split"))
    if f.initials:  # 'IV' = 'IGOR VASILYEVICH': initials written together stand for a run of words
        for i in weak_f:
            word = fwords[i]
            if word not in f.initials:
                continue
            n = len(word)
            for j in range(nl - n + 1):
                if all(lwords[j + k][0] == word[k] for k in range(n)):
                    run = tuple(range(j, j + n))
                    weight = fw[i] + sum(lw[k] for k in run if not lst.optional[k])
                    edges.append((INITIAL, weight, (i,), run, "initials"))
    edges.sort(key=lambda e: (-e[0], -e[1]))
    used_f: set[int] = set()
    used_l: set[int] = set()
    total = 0.0
    extra = 0.0  # optional words matched: they join the denominator
    pairs: list[WordPair] = []
    for s, weight, fi, lj, how in edges:
        if used_f.intersection(fi) or used_l.intersection(lj):
            continue
        used_f.update(fi)
        used_l.update(lj)
        total += s * weight
        if how not in ("initial", "initials"):  # an initial for a patronymic weighs nothing either way
            extra += sum(fw[i] for i in fi if f.optional[i]) + sum(lw[j] for j in lj if lst.optional[j])
        pairs.append(
            WordPair(" ".join(fwords[i] for i in fi), " ".join(lwords[j] for j in lj), round(s, 3), how)
        )
    # A generic word left unmatched costs a quarter of its weight: 'VELMORA' is 'VELMORA TRADING' with the
    # trade word dropped, not another party.
    left_f = [i for i in range(nf) if f.generic[i] and not f.optional[i] and i not in used_f]
    left_l = [j for j in range(nl) if lst.generic[j] and not lst.optional[j] and j not in used_l]
    unmatched_generic = sum(fw[i] for i in left_f) + sum(lw[j] for j in left_l)
    if any(fwords[i] not in PARTICLES for i in left_f) and any(lwords[j] not in PARTICLES for j in left_l):
        # A trade word on each side and they differ ('ATLAS MARINE' / 'ATLAS FREIGHT'): not one word
        # added or dropped but another line of business, so both count at their full length.
        conflict = sum(len(fwords[i]) for i in left_f) + sum(len(lwords[j]) for j in left_l)
        denominator = f.required_weight + lst.required_weight + extra - unmatched_generic + conflict
    else:
        denominator = f.required_weight + lst.required_weight + extra - unmatched_generic * 3 / 4
    if denominator <= 0:
        return 0.0, ()
    return min(100.0, 100.0 * total / denominator), tuple(pairs)
