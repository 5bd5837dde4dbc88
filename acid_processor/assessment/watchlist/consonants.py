"""Names listed in Arabic script, matched by their consonants.

Arabic script writes no short vowels: 'عادل' is ʿ-D-L, read in Latin letters as 'ADL', which no
spelling a clerk files ('Adel', 'Adil') is near. What both sides share is the consonants. So a name
listed in Arabic script is also kept as its words' consonant skeletons: the long vowels alif, waw
and ya, the ʿayn and hamza, the ta marbuta and the article 'ال' are left out, and a final ya is kept
as 'Y' ('Qahtani' is not 'Qahtan'). A filed name is reduced the same way: vowels, W and Y left out;
the digraphs romanisations use for one Arabic letter (SH, KH, GH, TH, DH) read as that letter; the
letters they disagree on folded (Q/K, Z/S, G/J). A filed name whose skeletons are the listed
name's, in any order, is a hit at CONSONANT_SCORE: weaker evidence than a spelled match, and
explained as such ('consonants').

Two words at least and five consonants together are required: 'Hassan Ali' (HSN, L) is too common
a skeleton to mean one party.
"""

from __future__ import annotations

import re

__all__ = ["CONSONANT_SCORE", "filed_skeleton", "filed_words", "listed_skeleton", "listed_words"]

CONSONANT_SCORE = 90.0
_MIN_CONSONANTS = 5

_ARABIC = re.compile("[\u0600-\u06ff]")
_AR_LETTERS = str.maketrans(
    {
        "ب": "B", "ت": "T", "ث": "T", "ج": "J", "ح": "H", "خ": "K", "د": "D", "ذ": "D", "ر": "R",
        "ز": "S", "س": "S", "ش": "S", "ص": "S", "ض": "D", "ط": "T", "ظ": "S", "غ": "G", "ف": "F",
        "ق": "K", "ك": "K", "ل": "L", "م": "M", "ن": "N", "ه": "H",
        # Long vowels, ʿayn, hamza and its seats, ta marbuta, and the diacritics: no Latin consonant.
        "ع": "", "و": "", "ي": "", "ى": "", "ا": "", "أ": "", "إ": "", "آ": "", "ء": "", "ئ": "",
        "ؤ": "", "ة": "", "\u064b": "", "\u064c": "", "\u064d": "", "\u064e": "", "\u064f": "",
        "\u0650": "", "\u0651": "", "\u0652": "", "\u0640": "",
    }
)  # fmt: skip
_AR_PARTICLES = frozenset(["بن", "ابن", "بنت"])  # 'son of', 'daughter of': written or not
_LATIN_PARTICLES = frozenset(["AL", "EL", "BIN", "BEN", "IBN", "BINT"])
_DIGRAPHS = (("SH", "S"), ("KH", "K"), ("GH", "#"), ("TH", "T"), ("DH", "D"), ("CH", "S"), ("PH", "F"))
_LATIN_LETTERS = str.maketrans(
    {"Q": "K", "C": "K", "Z": "S", "G": "J", "#": "G", "V": "F", "P": "B", "X": "KS"}
)
_LATIN_VOWELS = re.compile(r"[AEIOUYW]+")
_DOUBLED = re.compile(r"(.)\1+")
_FINAL_I = ("I", "Y", "IE", "EE")


def listed_skeleton(text: str) -> tuple[str, ...] | None:
    """The sorted consonant skeletons of a name written in Arabic script; None for another script
    or a name too short to match by its consonants."""
    return _enough(listed_words(text)) if _ARABIC.search(text) else None


def filed_skeleton(words: tuple[str, ...], known: frozenset[str] | None = None) -> tuple[str, ...] | None:
    """The sorted consonant skeletons of a filed name's words (normalised: upper-case ASCII); None
    as soon as a word's skeleton is not among `known` (the listed ones), when given."""
    out = []
    for word in words:  # 'Abdel Nasser' is already 'ABD NASSER' (`names.prepare`)
        skeleton = _filed_word(word)
        if skeleton:
            if known is not None and skeleton not in known:
                return None
            out.append((skeleton, word))
    return _enough(out)


def listed_words(text: str) -> list[tuple[str, str]]:
    """(skeleton, word) for each word of a name in Arabic script, particles left out."""
    out = []
    for word in text.split():
        if word in _AR_PARTICLES:
            continue
        bare = word[2:] if word.startswith("ال") and len(word) > 3 else word  # the joined article
        skeleton = _DOUBLED.sub(r"\1", bare.translate(_AR_LETTERS))
        if bare.endswith("ي"):
            skeleton += "Y"  # a final ya is heard ('Qahtani' is not 'Qahtan')
        if skeleton and skeleton.isascii() and skeleton.isalpha():
            out.append((skeleton, word))
    return out


def filed_words(words: tuple[str, ...]) -> list[tuple[str, str]]:
    """(skeleton, word) for each word of a filed name, particles left out."""
    return [(s, word) for word in words if (s := _filed_word(word))]


def _filed_word(word: str) -> str:
    """One filed word's skeleton ('' for a particle)."""
    if word in _LATIN_PARTICLES:
        return ""
    if word.startswith(("AL", "EL")) and len(word) > 5:
        word = word[2:]  # 'ALQAHTANI', 'ELKHOURY': the article written joined
    if word.endswith("AH") and len(word) > 3 and not word.endswith("LLAH"):
        word = word[:-1]  # 'FATIMAH', 'HAMZAH': the ta marbuta heard as H ('SALEH' is a real one)
    for old, new in _DIGRAPHS:
        if old in word:
            word = word.replace(old, new)
    skeleton = _DOUBLED.sub(r"\1", _LATIN_VOWELS.sub("", word.translate(_LATIN_LETTERS)))
    if skeleton and word.endswith(_FINAL_I):
        skeleton += "Y"  # the final ya: 'QAHTANI', 'ALY', 'REFAIE'
    return skeleton


def _enough(words: list[tuple[str, str]]) -> tuple[str, ...] | None:
    skeletons = [s for s, _ in words]
    if len(skeletons) < 2 or sum(len(s.rstrip("Y")) for s in skeletons) < _MIN_CONSONANTS:
        return None
    return tuple(sorted(skeletons))
