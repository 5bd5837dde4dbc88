"""Party names prepared for matching: words, their weights, their romanisation-neutral keys.

A name is read the same way on the list and in the filing, so that the scorer compares like with
like: any script is read in Latin (rigour, on ICU's transliterators: 'Щукин' -> 'SHCHUKIN'), accents
and punctuation go (`normalise_text`), legal forms go wherever they stand and however they are written
(rigour's table of every language's forms, 'Aktiengesellschaft' as well as 'AG'; glued to the last
word, 'VelmoraGmbH'; or mistyped, 'Limietd'), and each remaining word gets:

- a *weight*: its length, a third of it for a generic trade word (TRADING, GENERAL, ELECTRONICS),
  which says little about who the party is;
- a *key*: the word with the spelling differences of romanisation systems folded (W/V, J/Y/I,
  SCH/SH, KH/H, OU/U, TH/T, doubled letters...), so that 'IWANOW', 'IVANOV' and 'YVANOV' compare equal;
- a flag *optional*: words that may be missing without saying the name is another one - a patronymic
  on the list ('OLEGOVICH'), or, in a filed name, trailing words that are an address (house number,
  street, postcode, PO box, the party's own city) typed into the name field.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from functools import lru_cache

import icu
from rapidfuzz.distance import OSA
from rigour.names import remove_org_types
from rigour.text import ascii_text

from acid_processor.assessment.normalise import LEGAL_FORMS, normalise_text

__all__ = [
    "GENERIC_WORDS",
    "PARTICLES",
    "PreparedName",
    "abbreviates_generic",
    "in_order",
    "prepare",
    "readings",
    "skeleton",
    "syllables",
    "word_key",
]

# Trade words that say little about who a party is: they still count, at a third of their weight.
_GENERIC_TEXT = """
    TRADING TRADE TRADERS INTERNATIONAL INTERNACIONAL INTERNATIONALE GROUP GRUPO GRUPPE GLOBAL
    LOGISTICS LOGISTIK LOGISTICA LOGISTIQUE HOLDING HOLDINGS INDUSTRIES INDUSTRIAL INDUSTRY ENTERPRISE
    ENTERPRISES IMPORT EXPORT IMPEX SERVICES SERVICE SOLUTIONS SHIPPING TRANSPORT FREIGHT CARGO EXPRESS
    GENERAL TECHNOLOGY TECHNOLOGIES TECH MANAGEMENT PARTNERS MANUFACTURING COMMERCIAL COMMERCE COMERCIO
    HANDEL HANDELS TICARET SANAYI VE AND BROTHERS SONS
    ELECTRONICS ELECTRONIC ELEKTRONIK CHEMICALS CHEMICAL KIMYA MACHINERY TEXTILES TEKSTIL METALS PHARMA
    PETROLEUM ENERGY ENGINEERING AVIATION MARINE MINING MINERALS AGRO FOODS PLASTICS POLYMERS COMPONENTS
    SYSTEMS DEVICES INSTRUMENTS EQUIPMENT SUPPLIES MATERIALS RESOURCES VENTURES INDUSTRIA
    SYSTEM DEVICE INSTRUMENT COMPONENT MATERIAL RESOURCE SUPPLY PRODUCTS PRODUCT
    STROY TORG NEFT GAZ KHIM MASH PROM SNAB MASINOSTROENIE
    """
# Particles of names ('AL', 'BIN', 'VAN', 'DE'): generic too, but one on each side is no conflict.
_PARTICLES_TEXT = "AL EL BIN BINT IBN ABU ABD DE DA DI DU DEL DOS DAS VAN VON DER DEN LA LE LES LOS"
PARTICLES: frozenset[str] = frozenset(_PARTICLES_TEXT.split())
GENERIC_WORDS: frozenset[str] = frozenset(_GENERIC_TEXT.split()) | PARTICLES
GENERIC_WEIGHT = 1 / 3

# Abbreviations clerks write, spelled out before matching (both sides).
_ABBREVIATIONS = {
    "INTL": "INTERNATIONAL", "INT": "INTERNATIONAL", "BROS": "BROTHERS", "MFG": "MANUFACTURING",
    "TRDG": "TRADING", "HLDG": "HOLDING", "HLDGS": "HOLDINGS", "INDS": "INDUSTRIES", "IND": "INDUSTRIES",
    "INSTRS": "INSTRUMENTS", "INSTR": "INSTRUMENTS", "ENGG": "ENGINEERING", "ENG": "ENGINEERING",
    "TECHS": "TECHNOLOGIES", "CHEM": "CHEMICALS", "ELEC": "ELECTRONICS", "EQUIP": "EQUIPMENT",
    "GRP": "GROUP", "SVCS": "SERVICES", "SERV": "SERVICES", "LOG": "LOGISTICS", "MACH": "MACHINERY",
    "PHARM": "PHARMA", "PETRO": "PETROLEUM", "SYS": "SYSTEMS", "COMPS": "COMPONENTS", "MAT": "MATERIALS",
    "GEN": "GENERAL", "GENL": "GENERAL", "EXP": "EXPORT", "IMP": "IMPORT", "TRANS": "TRANSPORT",
    "SHPG": "SHIPPING", "FRT": "FREIGHT", "AVN": "AVIATION", "BEN": "BIN", "IBN": "BIN", "EL": "AL",
}  # fmt: skip

# Legal forms that may be mistyped as the last word ('LIMIETD', 'PLEC'): the common ones only, as
# a short form one letter off is often a word ('SNAB' is not 'SAB')...
_TYPO_FORMS = ("LTD", "LLC", "PLC", "INC", "GMBH", "SARL", "CORP", "LTDA")
_LONG_TYPO_FORMS = ("LIMITED", "COMPANY", "CORPORATION", "INCORPORATED")  # mistyped anywhere
_LONG_TYPO_BY_LENGTH = {  # the forms within two letters of each word length
    n: tuple(f for f in _LONG_TYPO_FORMS if abs(len(f) - n) <= 2) for n in range(1, 16)
}
# ... or glued to a word ('VELMORAGMBH'): only forms no ordinary word ends with ('SEAFOOD' does not
# end in the form 'OOD'); two-letter ones ('SHIPPINGCO') are left to the scorer, which knows the
# listed word they would leave.
_GLUED_TEXT = (
    "GMBH MBH LTD LLC PLC INC LLP JSC SARL FZE FZCO LTDA PTE BHD SDN OOO ZAO OAO PAO CORP LIMITED"
    " COMPANY CORPORATION SAS SRL EIRL SPRL BVBA KFT PVT PTY"
)
# The same forms may be glued in front of a name too ('OOOROMASHKA', 'COMPANYSALULOUVAIR').
_GLUED_FORMS = frozenset(_GLUED_TEXT.split())
_GLUED_LENGTHS = sorted({len(f) for f in _GLUED_FORMS}, reverse=True)

_PATRONYMIC = re.compile(
    r"(OVICH|EVICH|YEVICH|OVITCH|EVITCH|OWITSCH|EWITSCH|OVNA|EVNA|ICHNA|INICHNA|OGLU|OGHLU|KYZY|QIZI)$"
    # and the fathers' names that take a bare -ICH: Ilya, Kuzma, Luka, Foma, Nikita, Savva
    r"|^(IL|ILI|ILY|KUZM|LUK|FOM|NIKIT|SAVV)ICH$"
)
_STREET_WORDS = frozenset(
    """ROAD RD STREET ST STR STRASSE AVENUE AVE AV BOULEVARD BLVD DRIVE DR LANE LN SQUARE SQ WAY RUE
    CALLE VIA CADDESI CAD SOKAK SK ULITSA UL PROSPEKT PR LU JALAN JL HIGHWAY HWY PLOT BLDG BUILDING
    FLOOR FL SUITE STE UNIT BLOCK BLK NO PO BOX POSTFACH""".split()  # noqa: SIM905
)

# Romanisation folds, applied in order to a word's letters (see module docstring). TH is T: the
# Arabic and Greek letters it writes are read T or S ('Othman', 'Osman', 'Uthman'; 'Thomas', 'Tomas').
_FOLDS = (
    ("SCHTSCH", "SHCH"), ("TSCH", "CH"), ("SCH", "SH"), ("TCH", "CH"), ("ZH", "SH"),
    ("W", "V"), ("PH", "F"), ("X", "KS"), ("Q", "K"), ("OU", "U"), ("EE", "I"), ("OO", "U"),
    ("J", "I"), ("Y", "I"), ("IE", "E"), ("TZ", "TS"), ("CK", "K"), ("Z", "S"), ("TH", "T"),
)  # fmt: skip
_DOUBLED = re.compile(r"(.)\1+")


def abbreviates_generic(word: str) -> bool:
    """Whether a word is a generic trade word cut short or contracted ('PETROL', 'SUPPL', 'CMPTS',
    'MATLS'): the first letters of one, or its first and last letters with others in order."""
    if len(word) < 3 or word in GENERIC_WORDS:
        return False
    if word in _GENERIC_PREFIXES:
        return True
    return any(in_order(word, g) for g in _GENERIC_BY_ENDS.get((word[0], word[-1]), ()))


def in_order(short: str, long: str) -> bool:
    """Whether the shorter word's letters all stand in the longer one, in order ('HLDG', 'HOLDING')."""
    it = iter(long)
    return len(short) < len(long) and all(c in it for c in short)


_VOWELS = re.compile(r"(?<=.)[AEIOUY]+")


@lru_cache(maxsize=200_000)
def skeleton(word: str) -> str:
    """The word's consonants (and first letter) with doubles merged: 'NASSER', 'NASIR' -> 'NSR'.
    Arabic and Persian names are written with whatever vowels the clerk hears."""
    key = word_key(word)
    if key[0] in "AEIOU":  # UMAR ~ OMAR, UTHMAN ~ OTHMAN: a first vowel is as uncertain
        key = "*" + key[1:]
    return _DOUBLED.sub(r"\1", _VOWELS.sub("", key))


def syllables(word: str) -> int:
    """How many runs of vowels a word has: 'NASSER' and 'NASIR' 2, 'MARKAEUI' 3."""
    return len(_VOWEL_RUNS.findall(word))


_VOWEL_RUNS = re.compile(r"[AEIOUY]+")


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """The word with romanisation differences folded: 'IWANOWITSCH', 'IVANOVICH' -> 'IVANOVICH'."""
    for old, new in _FOLDS:
        if old in word:
            word = word.replace(old, new)
    return _DOUBLED.sub(r"\1", word)


# Arabic script writes three vowels (a, i, u) and often none; Latin spellings of one Arabic name give
# E for either A or I and O for U ('Soliman', 'Suleiman'; 'Mostafa', 'Mustafa'; 'Refaie', 'Rifai').
# In a name marked Arabic by its particles (Al-, bin, Abd, Abu) E and O are folded to I and U, so
# that the index finds such spellings as one key; elsewhere E and O tell names apart.
_ARABIC_PARTICLES = frozenset(["AL", "BIN", "BINT", "ABD", "ABU"])


def _split_articles(words: list[str]) -> list[str]:
    """In an Arabic name, the article written together with the name ('Alfares', 'Elmasry') set
    apart as it is on most lists ('Al-Fares'): the keys of such names are folded (`arabic_key`), and
    the index's keys of two listed words written together are not. Not 'ALLAH', nor a name of three
    letters or fewer behind it ('ALAA', 'ALTAF'), nor 'ALI...' ('ALIREZA')."""
    out: list[str] = []
    for w in words:
        if len(w) >= 6 and w[:2] in ("AL", "EL") and w[2] != "I" and w != "ALLAH":
            out += ["AL", w[2:]]
        else:
            out.append(w)
    return out


@lru_cache(maxsize=50_000)
def arabic_key(word: str) -> str:
    """The word's key with E and O folded as well (see above): 'SOLIMAN', 'SULEIMAN' -> 'SULIMAN'."""
    key = word_key(word)
    if "E" in key or "O" in key:
        key = _DOUBLED.sub(r"\1", key.replace("E", "I").replace("O", "U"))
    return key


@dataclass(frozen=True, slots=True)
class PreparedName:
    """A name ready for the scorer: parallel tuples of words, keys, weights and optional flags."""

    text: str
    words: tuple[str, ...]
    keys: tuple[str, ...]
    weights: tuple[float, ...]
    optional: tuple[bool, ...]
    generic: tuple[bool, ...]
    dropped: tuple[str, ...]  # legal forms and address words set aside, as normalised
    latin: str | None  # the Latin reading when the name was written in another script
    generic_weight: float  # the weight of the generic words among the required ones
    required_weight: float  # the weight of the words that must be matched (optional ones excluded)
    initials: frozenset[str] = frozenset()  # words that were initials written together ('I.V.' -> 'IV')


# The Arabic article as written before a sun letter or in other dialects ('Ash-Shammari',
# 'En-Najjar', 'El-Rashid'): all 'Al-'.
_ARTICLE = re.compile(r"\b(?:al|el|ul|an|ar|as|ash|at|ath|ad|adh|az|en|er|es|et|ed|ez)-(?=\w)", re.IGNORECASE)


_CYRILLIC = re.compile("[\u0400-\u04ff]")
_local = threading.local()


def _bgn(text: str) -> str:
    """Cyrillic read as BGN/PCGN writes it (KH, ZH, CH, SHCH, YU, YA), the romanisation lists and
    most filers use; ICU's general Cyrillic-Latin gives 'H' for 'Х'. One transliterator a thread."""
    translit = getattr(_local, "bgn", None)
    if translit is None:
        translit = _local.bgn = icu.Transliterator.createInstance("Russian-Latin/BGN; Latin-ASCII")
    return translit.transliterate(text)


# A dotted legal form typed without a space after the name ('MaplewoodS.A.', 'SanayiK.K.',
# 'SnabSp.z.o.o.'): the capital after a small letter starts the form, which is set apart; read as it
# is, its first letter would stay on the name ('MAPLEWOODS A').
_GLUED_DOTTED = re.compile(r"(?<=[a-z\u00df-\u00ff])([A-Z][a-z]?(?:\.[^\W\d_]){1,3}\.?)(?![^\W\d_])")


def _latin(text: str) -> tuple[str, str | None]:
    """The name in Latin letters, and that reading when a transliteration was needed."""
    if "-" in text:
        text = _ARTICLE.sub("al ", text)
    if "." in text:
        text = _GLUED_DOTTED.sub(r" \1", text)
    folded = normalise_text(text)
    if folded.isascii():
        return folded, None
    latin = normalise_text(ascii_text(_bgn(text) if _CYRILLIC.search(text) else text))
    return latin, latin


def _glued_form(word: str) -> tuple[str, str] | None:
    """(the word without it, the form) for a legal form glued at the end ('VELMORAGMBH') or at the
    start ('OOOROMASHKA'), longest form first; None when there is none. Found by slicing the word
    at each form length and looking the slice up, not by trying every form on every word."""
    n = len(word)
    for size in _GLUED_LENGTHS:  # longest first
        rest = n - size
        if rest < 3:
            continue
        tail = word[rest:]
        if tail in _GLUED_FORMS and (rest >= (4 if size < 4 else 3) or word[:rest] in GENERIC_WORDS):
            return word[:rest], tail
        head = word[:size]
        if head in _GLUED_FORMS and rest >= (4 if size < 4 else 3):
            return word[size:], head
    return None


def _long_typo(word: str) -> bool:
    """Whether a word is a long legal form mistyped ('LIMIETD', 'CFORPORATION', 'CMOPANY')."""
    # Cheap first: a slip seldom changes both the first letter and the two after it.
    if len(word) < 6 or not (word[0] in _LONG_TYPO_FIRST or word[1:3] in _LONG_TYPO_NEXT):
        return False
    return any(
        OSA.distance(f, word, score_cutoff=2) <= (2 if len(f) >= 9 else 1)
        for f in _LONG_TYPO_BY_LENGTH.get(len(word), ())
    )


_LONG_TYPO_FIRST = frozenset(f[0] for f in _LONG_TYPO_FORMS)
_LONG_TYPO_NEXT = frozenset(f[1:3] for f in _LONG_TYPO_FORMS)


# Legal forms that are not also ordinary words.
_PLAIN_FORMS = frozenset(f for f in LEGAL_FORMS if f not in ("AND", "THE", "UND", "ET"))
# Compound legal forms, typed as a unit: (first half, second half).
_COMPOUND_FORMS = (
    ("PVT", "LTD"), ("PTE", "LTD"), ("PTY", "LTD"), ("CO", "LTD"), ("SDN", "BHD"), ("SP", "ZOO"),
    ("CO", "KG"), ("GMBH", "CO"), ("CO", "INC"), ("CO", "LLC"), ("LTD", "STI"),
)  # fmt: skip
_FIRST_HALVES: dict[str, tuple[str, ...]] = {}
_SECOND_HALVES: dict[str, tuple[str, ...]] = {}
for _a, _b in _COMPOUND_FORMS:
    _FIRST_HALVES[_b] = (*_FIRST_HALVES.get(_b, ()), _a)
    _SECOND_HALVES[_a] = (*_SECOND_HALVES.get(_a, ()), _b)
_HALVES = frozenset(_FIRST_HALVES) | frozenset(_SECOND_HALVES)


def _mistyped_beside_forms(words: list[str]) -> list[str]:
    """Words read as the half of a compound legal form they are one typo from, when the other half
    stands beside them: 'PVT LTD', 'SDN BHD' are typed as a unit, and a slip in one half
    ('VPT.LTD', 'uSdn.Bhd') is still the form. Alone, a word one letter off a short form is as
    often a name ('SARA LLC', 'INCA LTD'), so only these pairs are read so."""
    if _HALVES.isdisjoint(words):
        return words
    out = list(words)
    n = len(words)
    for i, w in enumerate(words):
        if len(w) < 2 or w in LEGAL_FORMS:  # 'SP ZO' for SP ZOO
            continue
        halves = (_FIRST_HALVES.get(words[i + 1], ()) if i + 1 < n else ()) + (
            _SECOND_HALVES.get(words[i - 1], ()) if i > 0 else ()
        )
        for f in halves:
            if len(f) >= 3 and OSA.distance(f, w, score_cutoff=1) <= 1:
                out[i] = f
                break
    return out


_FORM_STARTS = frozenset(f[:3] for f in _PLAIN_FORMS if len(f) >= 3)


# Two-letter forms, glued to a word: left to the scorer, which knows the listed word they would leave
# ('SHIPPINGCO' ~ 'SHIPPING'), unless that word is a trade word with a slip in it ('ManuhacturingOY'),
# which the scorer cannot see as a prefix.
_SHORT_FORMS = frozenset(f for f in _PLAIN_FORMS if len(f) == 2)
_GENERIC_NEAR = frozenset(
    v for w in GENERIC_WORDS if len(w) >= 5 for v in (w, *(w[:i] + w[i + 1 :] for i in range(len(w))))
)


def _near_generic(word: str) -> bool:
    """Whether a word is a trade word of five letters or more with one slip: a letter dropped,
    added, changed or two swapped ('MANUHACTURING', 'GLOBLA'); found by deletions, no loop over
    the trade words."""
    if len(word) < 5:
        return False
    if word in _GENERIC_NEAR:
        return True
    return any(word[:i] + word[i + 1 :] in _GENERIC_NEAR for i in range(len(word)))


_FORMS_BY_LENGTH = {  # legal forms of three letters or more, within a letter of each length
    n: tuple(f for f in _PLAIN_FORMS if len(f) >= 3 and abs(len(f) - n) <= 1) for n in range(3, 7)
}


# A legal form glued to the end of a word with a slip in the form or the word ('LOTOUXLCLC',
# 'TETXILESCORPORATIOG', 'DAIZIKG' for DIAZI KG): no cut is made when the name is read, as an
# ordinary word may end so ('SHIPPING' ends one slip from INC). The scorer cuts where the stem is
# most like the listed word, and the index where the tail is longest. A tail of three letters is a
# form as it is or with two letters of a consonant form swapped ('ZFE'); one letter off, most such
# tails are a word's last syllable ('RIA' is not CIA, nor 'DOU' DOO). A tail of four letters with
# two vowels is one too ('SASI', 'RIAS').
_SLIP_FORMS = frozenset(f for f in _PLAIN_FORMS if len(f) >= 3)
_SLIP_FORM_DELETIONS = frozenset(f[:i] + f[i + 1 :] for f in _SLIP_FORMS for i in range(len(f)))
_SLIP_FORMS_BY_LENGTH = {n: tuple(f for f in _SLIP_FORMS if len(f) == n) for n in range(3, 16)}
_SWAPPED_FORMS = (
    frozenset(
        f[:i] + f[i + 1] + f[i] + f[i + 2 :]
        for f in ("LTD", "LLC", "PLC", "FZE", "JSC", "LLP", "PVT", "PTY", "BHD", "SDN")
        for i in range(2)
    )
    - _PLAIN_FORMS
)
_LONGEST_TAIL = max(len(f) for f in _PLAIN_FORMS) + 1


def _one_slip_from_form(tail: str) -> bool:
    """Whether a tail of four letters or more is a legal form of three or more with one slip:
    found by deletions, as in the index, and checked by OSA when both lost a letter."""
    if tail in _SLIP_FORM_DELETIONS:  # a letter dropped: CORPORATIN
        return True
    deleted = {tail[:i] + tail[i + 1 :] for i in range(len(tail))}
    if not deleted.isdisjoint(_SLIP_FORMS):  # a letter added: LCLC
        return True
    if deleted.isdisjoint(_SLIP_FORM_DELETIONS):
        return False
    return any(  # a letter changed or two swapped: CORPORATIOG
        OSA.distance(f, tail, score_cutoff=1) <= 1 for f in _SLIP_FORMS_BY_LENGTH.get(len(tail), ())
    )


def _form_tail(tail: str) -> bool:
    """Whether a word's last letters may be a legal form glued to it (see above)."""
    n = len(tail)
    if tail in _PLAIN_FORMS:
        return True
    if n == 3:
        return tail in _SWAPPED_FORMS
    if n == 4 and sum(c in "AEIOUY" for c in tail) > 1:
        return False
    return n >= 4 and _one_slip_from_form(tail)


@lru_cache(maxsize=50_000)
def form_cuts(word: str) -> tuple[int, ...]:
    """Where a word may be cut before a legal form glued to its end, longest tail first: the stem
    keeps three letters at least, the tail is a form, maybe with a slip (see `_form_tail`)."""
    return tuple(
        cut for cut in range(max(3, len(word) - _LONGEST_TAIL), len(word) - 1) if _form_tail(word[cut:])
    )


def _two_forms(word: str) -> bool:
    """Whether a word is two legal forms written together ('COMPANYCO', 'OOOPTY', 'FZESAS'): six
    letters or more, the first form three or more ('SASCO', 'ABAS' are names)."""
    n = len(word)
    if n < 6 or word[:3] not in _FORM_STARTS or word in LEGAL_FORMS:
        return False
    return any(word[:i] in _PLAIN_FORMS and word[i:] in _PLAIN_FORMS for i in range(3, n - 1))


def _strip_legal_forms(
    words: list[str], dotted: str | None = None
) -> tuple[list[str], list[str], str | None]:
    """Words without legal forms: listed ones, spelled-out ones (rigour), glued or mistyped ones.
    `dotted` is the last word when it was written with dots between its letters ('S.p.h.'). Also
    the last word when it may be a short form mistyped or a name ('LTDD', 'LIDA'): kept, optional."""
    maybe_form: str | None = None
    dropped: list[str] = []
    words = _split_glued_generic(words)
    if len(words) > 1:
        words = _mistyped_beside_forms(words)
    if len(words) > 1:
        text = " ".join(words)
        stripped = remove_org_types(text.lower()).upper().split()
        if stripped and len(stripped) < len(words):
            kept = set(stripped)
            gone = [w for w in words if w not in kept]
            # Only spelled-out forms ('AKTIENGESELLSCHAFT', 'PUBLICHNOYE AKTSIONERNOYE OBSHCHESTVO')
            # and the forms of our own table: the big table's short forms of every language are
            # also ordinary words and names elsewhere ('HAO', 'BANK').
            if sum(len(w) for w in gone) >= 8 or all(w in LEGAL_FORMS for w in gone):
                dropped.extend(gone)
                words = stripped
    spelled = _spelled_forms(words)
    kept_words = [w for w, f in zip(words, spelled, strict=True) if not f]
    dropped.extend(w for w, f in zip(words, spelled, strict=True) if f)
    if not kept_words:
        return words, [], maybe_form
    words = kept_words
    if len(words) > 1:
        # Anywhere, the first word too: with the words reordered ('Cmopany Vijay Shipping') or in
        # languages that put the form first. At least one word stays.
        typos = [_long_typo(w) for w in words]
        if any(typos) and not all(typos):
            dropped.extend(w for w, t in zip(words, typos, strict=True) if t)  # CFORPORATION, LIMIETD
            words = [w for w, t in zip(words, typos, strict=True) if not t]
    if len(words) > 1:
        last = words[-1]
        if len(last) >= 3 and not last.isdigit():
            for form in _TYPO_FORMS:
                if abs(len(form) - len(last)) <= 1 and OSA.distance(form, last, score_cutoff=1) <= 1:
                    # Kept, but optional: 'LTDD' is a form mistyped, 'LIDA' and 'SARA' are names
                    # one letter from LTDA and SARL, which count when the other side has them.
                    maybe_form = last
                    break
    if len(words) > 1:
        last = words[-1]  # a form with a letter slipped in: 'FZOCO', 'SIAS', 'LLLC'
        # Not a two-letter form with one slipped in: most such words are words ('SEA', 'CEO',
        # 'PET'), which a 'North Sea' or a 'Kim Seo' would lose.
        if 4 <= len(last) <= 6 and last not in GENERIC_WORDS and not last.isdigit():
            # The first letter too when it and the next are consonants ('RSAS'): no word starts so
            # before a form, while many end in one after a vowel ('ASIA' is not A + SIA).
            first = 0 if last[0] not in "AEIOUY" and last[1] not in "AEIOUY" else 1
            for i in range(first, len(last)):
                if last[:i] + last[i + 1 :] in LEGAL_FORMS:
                    dropped.append(last)
                    words = words[:-1]
                    break
    # Letters written with dots are an abbreviation, not a name: one slip from a legal form
    # ('S.p.h.', 'S.R.rL.'), it is that form, though 'SEA' or 'SEO' would be words.
    if (
        len(words) > 1
        and words[-1] == dotted
        and 3 <= len(dotted) <= 6
        and any(OSA.distance(f, dotted, score_cutoff=1) <= 1 for f in _FORMS_BY_LENGTH.get(len(dotted), ()))
    ):
        dropped.append(dotted)
        words = words[:-1]
    out = []
    for word in words:
        while True:  # COMPANYLTDA: LTDA, then COMPANY
            form = _glued_form(word)
            if not form:
                break
            if len(words) > 1 and _long_typo(word):  # CORPVRATION, not CORP + VRATION
                dropped.append(word)
                word = ""
                break
            dropped.append(form[1])
            word = form[0]
        if word in LEGAL_FORMS and len(word) >= 3:
            dropped.append(word)
            word = ""
        elif len(word) >= 7 and word[-2:] in _SHORT_FORMS and _near_generic(word[:-2]):
            dropped.append(word[-2:])  # ENTERPRISESAB with a slip: 'ManuhacturingOY', 'GloblaPT'
            word = word[:-2]
        if word:
            out.append(word)
    if len(out) > 1 and _two_forms(out[-1]):  # 'CompanyCo.', 'OooPty.Ltd', 'fzeSAS'
        dropped.append(out.pop())
    if len(out) > 2 and min(len(out[-2]), len(out[-1])) <= 2 and len(out[-2] + out[-1]) <= 5:
        tail = out[-2] + out[-1]  # 'S.pA.' read as 'S PA', 'S.mA.' as 'S MA', 'dB.V.' as 'DB V'
        if tail in LEGAL_FORMS or any(tail[:i] + tail[i + 1 :] in LEGAL_FORMS for i in range(len(tail))):
            dropped.append(tail)
            out = out[:-2]
    return out, dropped, maybe_form


# Words of legal forms spelled out that rigour's table may miss in one romanisation or another
# ('PUBLICHNOYE AKTSIONERNOYE OBSHCHESTVO', 'OBSHCHESTVO S OGRANICHENNOY OTVETSTVENNOSTYU'),
# compared by key so that every romanisation of them goes.
# Spelled-out legal forms that rigour's table may miss in one romanisation or another, compared by
# key so that every romanisation goes. These words are legal forms on their own:
_SPELLED_FORM_TEXT = """
    OBSHCHESTVO OBSHESTVO TOVARISHCHESTVO AKTIENGESELLSCHAFT KOMMANDITGESELLSCHAFT AKSJESELSKAP
    ALLMENNAKSJESELSKAP AKTIESELSKAB ANPARTSSELSKAB AKTIEBOLAG OSAKEYHTIO VENNOOTSCHAP
    """
# ... these only beside another word of a form ('SOCIEDAD ANONIMA', 'PUBLICHNOYE AKTSIONERNOYE
# OBSHCHESTVO'): alone they are names ('SOCIETE GENERALE', 'PARTNERSHIP HOUSE') ...
_PHRASE_FORM_TEXT = """
    AKTSIONERNOYE AKTSIONERNOE AKCIONERNOE OTKRYTOYE OTKRYTOE ZAKRYTOYE ZAKRYTOE PUBLICHNOYE
    PUBLICHNOE NEPUBLICHNOYE NEPUBLICHNOE OGRANICHENNOY OGRANICHENNOI OTVETSTVENNOSTYU
    OTVETSTVENNOSTIU CHASTNOYE CHASTNOE UNITARNOYE UNITARNOE PREDPRIYATIYE PREDPRIYATIE
    GOSUDARSTVENNOYE GOSUDARSTVENNOE GESELLSCHAFT BESCHRANKTER HAFTUNG SOCIEDAD SOCIEDADE ANONIMA
    LIMITADA RESPONSABILIDAD SOCIETE ANONYME RESPONSABILITE LIMITEE SOCIETA AZIONI RESPONSABILITA
    LIMITATA ANONIM SIRKETI LIABILITY PARTNERSHIP SIMPLIFIEE KABUSHIKI KAISHA YUGEN BESLOTEN NAAMLOZE
    SPOLKA AKCYJNA OGRANICZONA ODPOWIEDZIALNOSCIA SENDIRIAN BERHAD PERSEROAN TERBATAS
    """
# ... and these only between such words ('SOCIETE PAR ACTIONS SIMPLIFIEE', 'SOCIETA PER AZIONI').
_FORM_COMPANIONS = frozenset(["PAR", "ACTIONS", "PER", "DE", "DI", "A", "S", "Z", "MIT"])


def _spelled_form_keys() -> tuple[frozenset[str], frozenset[str]]:
    return (
        frozenset(word_key(w) for w in _SPELLED_FORM_TEXT.split()),
        frozenset(word_key(w) for w in _PHRASE_FORM_TEXT.split()),
    )


def _spelled_forms(words: list[str]) -> list[bool]:
    """Which words are legal forms: ours, the stand-alone spelled-out ones, and every run of two
    or more words of spelled-out forms with the small words inside it."""
    kind = [
        "form"
        if w in LEGAL_FORMS or word_key(w) in _SPELLED_FORM_KEYS
        else "phrase"
        if word_key(w) in _PHRASE_FORM_KEYS
        else "small"
        if w in _FORM_COMPANIONS
        else ""
        for w in words
    ]
    out = [k == "form" for k in kind]
    i = 0
    while i < len(words):
        if not kind[i] or kind[i] == "small":
            i += 1
            continue
        j = i  # a run of form, phrase and small words, starting and ending with no small word
        while j + 1 < len(words) and kind[j + 1]:
            j += 1
        while kind[j] == "small":
            j -= 1
        run = range(i, j + 1)
        if sum(kind[k] in ("form", "phrase") for k in run) >= 2:
            for k in run:
                out[k] = True
        i = j + 1
    return out


_SPELLED_FORM_KEYS, _PHRASE_FORM_KEYS = _spelled_form_keys()
_TRADE_WORDS = [w for w in GENERIC_WORDS if len(w) >= 6]
# Prefixes of trade words at least four letters and half the word long ('PETROL', 'SUPPL').
_GENERIC_PREFIXES = frozenset(w[:n] for w in _TRADE_WORDS for n in range(max(4, (len(w) + 1) // 2), len(w)))
_GENERIC_BY_ENDS: dict[tuple[str, str], list[str]] = {}
for _w in _TRADE_WORDS:
    _GENERIC_BY_ENDS.setdefault((_w[0], _w[-1]), []).append(_w)

_GENERIC_LENGTHS = sorted({len(w) for w in GENERIC_WORDS if len(w) >= 4}, reverse=True)
_FORM_LENGTHS = sorted({len(f) for f in LEGAL_FORMS if len(f) >= 2}, reverse=True)


def _split_glued_generic(words: list[str]) -> list[str]:
    """Words with a trade word glued on taken apart: 'GAZCOMPANY' -> 'GAZ COMPANY',
    'ZOUFAIDEVICES' -> 'ZOUFAI DEVICES', 'EQUIPMENTAB' -> 'EQUIPMENT AB' (both sides alike)."""
    out: list[str] = []
    for word in words:
        n = len(word)
        if n >= 7 and word not in GENERIC_WORDS and word not in LEGAL_FORMS:
            done = False
            for size in _FORM_LENGTHS:  # a generic word and a legal form
                if n - size >= 3 and word[-size:] in LEGAL_FORMS and word[:-size] in GENERIC_WORDS:
                    out += [word[:-size], word[-size:]]
                    done = True
                    break
            if not done:
                for size in _GENERIC_LENGTHS:  # a name and a generic word, either way round
                    if n - size >= 3 and word[-size:] in GENERIC_WORDS:
                        out += [word[:-size], word[-size:]]
                        done = True
                        break
                    if size >= 5 and n - size >= 4 and word[:size] in GENERIC_WORDS:
                        out += [word[:size], word[size:]]
                        done = True
                        break
            if done:
                continue
        out.append(word)
    return out


# Arabic names of the form 'Abd al-X' (servant of X) are written as two or three words or as one, with
# whatever vowel the clerk hears in the article: 'Abd al-Nasir', 'Abdel Nasser', 'Abdul Nasir',
# 'Abdulnasser', 'Abd an-Nasir' (the article assimilated to a sun letter: 'Abdurrahman'). All are read
# as 'ABD' (a particle) and the name, so that only the name is compared; 'Abdullah' (Abd Allah) is
# 'ABD ALLAH' however it is written.
_ABD_WORDS = frozenset(["ABD", "ABDEL", "ABDUL", "ABDAL", "ABDOL", "ABDOUL", "ABDIL"])
_ABD_ALLAH = re.compile(r"ABD(?:[AEIOU]|OU)?LL?AH?")
_ABD_GLUED = re.compile(r"ABD(?:[AEIOU]|OU)L([A-Z]{4,})")  # not ABDOULAYE
_ABD_SUN = re.compile(r"ABD[UE]([TDRZSN])\1([A-Z]{2,})")


def _abd_names(words: list[str]) -> list[str]:
    """'ABDEL NASSER', 'ABD AL NASIR', 'ABDULNASSER', 'ABDUNNASIR' -> 'ABD NASSER' (see above)."""
    out: list[str] = []
    i, n = 0, len(words)
    while i < n:
        w = words[i]
        if w in _ABD_WORDS and i + 1 < n:
            i += 1
            if words[i] == "AL" and i + 1 < n:  # ABD AL NASIR
                i += 1
            out += ["ABD", words[i]]
        elif _ABD_ALLAH.fullmatch(w):
            out += ["ABD", "ALLAH"]
        elif m := _ABD_GLUED.fullmatch(w) or _ABD_SUN.fullmatch(w):
            out += ["ABD", "".join(m.groups())]
        else:
            out.append(w)
        i += 1
    return out


_HAS_DIGIT = re.compile(r"[0-9]")


def _address_tail(words: list[str], city_words: frozenset[str]) -> int:
    """Where an address typed after the name starts in a filed name (len(words) when none does)."""
    n = len(words)
    for i in range(1, n):
        w = words[i]
        if _HAS_DIGIT.search(w) or (w in _STREET_WORDS and i >= 2):
            start = i - 1 if w in _STREET_WORDS and not words[i - 1][:1].isdigit() and i >= 2 else i
            return max(start, 1)
    end = n
    while end > 1 and words[end - 1] in city_words:
        end -= 1
    return end


def readings(text: str) -> list[PreparedName]:
    """A listed name as the scorer should know it: once, or for a name in Cyrillic twice - as
    BGN/PCGN writes it and as ICU's general transliteration does (ISO 9-like: 'Х' as H), since
    filers use both families of romanisation."""
    first = prepare(text)
    if not _CYRILLIC.search(text):
        return [first]
    other = prepare(ascii_text(text))
    if other.words == first.words:
        return [first]
    return [first, replace(other, text=text, latin=normalise_text(ascii_text(text)))]


_LETTER_RUNS = re.compile(r"(?<![A-Za-z])(?:[A-Za-z][ .]+){1,2}[A-Za-z](?![A-Za-z])")


def _joined_initials(text: str) -> frozenset[str]:
    """The runs of two or three single letters in a name ('I.V. Petrov', 'Petrov I V'), as
    `normalise_text` writes them: one word, 'IV'."""
    if "." not in text and " " not in text:
        return frozenset()
    return frozenset("".join(c for c in run if c.isalpha()).upper() for run in _LETTER_RUNS.findall(text))


@lru_cache(maxsize=100_000)
def prepare(text: str, *, filed: bool = False, city: str | None = None) -> PreparedName:
    """Prepare a listed name (filed=False) or a filed one (filed=True, with the party's city)."""
    normal, latin = _latin(text)
    raw = normal.split()
    dotted = None
    if text.count(".") >= 2:  # the last word written with dots in it: an abbreviation
        last = text.rsplit(None, 1)[-1]
        if last.count(".") >= 2:
            dotted = normalise_text(last)
    words, dropped, maybe_form = _strip_legal_forms(raw, dotted)
    words = [_ABBREVIATIONS.get(w, w) for w in words]
    if "ABD" in normal:
        words = _abd_names(words)
    arabic = not _ARABIC_PARTICLES.isdisjoint(words)
    if arabic:
        words = _split_articles(words)
    optional = [False] * len(words)
    if filed:
        city_words = frozenset(normalise_text(city).split()) if city else frozenset()
        tail = _address_tail(words, city_words)
        for i in range(tail, len(words)):
            optional[i] = True
    elif len(words) > 2:
        optional = [bool(_PATRONYMIC.search(w)) and i > 0 for i, w in enumerate(words)]
    if maybe_form is not None and words and words[-1] == maybe_form and len(words) > 1:
        optional[-1] = True  # 'LIDA': LTDA mistyped, or a name (see _strip_legal_forms)
    generic = [w in GENERIC_WORDS for w in words]
    if all(generic):  # a name made of generic words: they are what it is
        generic = [False] * len(words)
    weights = tuple(
        max(len(w), 2) * (GENERIC_WEIGHT if g else 1.0) for w, g in zip(words, generic, strict=True)
    )
    return PreparedName(
        text=text,
        words=tuple(words),
        keys=tuple(map(arabic_key if arabic else word_key, words)),
        weights=weights,
        optional=tuple(optional),
        generic=tuple(generic),
        dropped=tuple(dropped),
        latin=latin,
        generic_weight=sum(w for w, g, o in zip(weights, generic, optional, strict=True) if g and not o),
        required_weight=sum(w for w, o in zip(weights, optional, strict=True) if not o),
        initials=_joined_initials(text) if filed else frozenset(),
    )
