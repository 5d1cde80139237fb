"""Find identifiers in free text: one detector per entity type, run in priority order.

All texts of a batch are joined into one string (rows separated by NUL) and each
detector's regular expression scans it once, so Python work is per match, not per row.
A match becomes a span only after its check: check digits (IBAN mod 97, Luhn with an
issuer prefix, the BSN 11-proof, SSN area/group/serial rules), ``phonenumbers`` for
phones, ``ipaddress`` for IPs, and the words around it (an "order number" that looks like
a phone number is not one). Accepted spans are blanked in the working string with a
private-use character of the same length, so later detectors neither see them nor shift
offsets: an email address is never also read as a person's name.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from operator import itemgetter
from typing import NamedTuple

import numpy as np
import polars as pl

from fauxdata.pii.patterns import bsn, credit_card, iban, ssn
from fauxdata.text.phones import possible_phone
from fauxdata.text.vocabulary import (
    CALENDAR,
    DUTCH_STREET_WORDS,
    PARTICLES,
    STRONG_CUES,
    TITLES,
    VERB_CUES,
    common_words,
    first_names,
    street_suffixes,
    surnames,
)

ENTITIES = (
    "email",
    "url",
    "iban",
    "credit_card",
    "national_id",
    "ip",
    "date_of_birth",
    "phone",
    "address",
    "person",
)
"""Every entity type, in the order detectors run (the most certain first)."""


class Span(NamedTuple):
    """One identifier found in row ``row`` at ``text[start:end]``; a tuple, made
    once per identifier, like ``Candidate``."""

    row: int
    start: int
    end: int
    entity: str
    text: str


_tuple = tuple.__new__
"""``_tuple(Span, fields)`` makes a Span (or a Candidate) in C: ``Span(...)`` runs a
Python ``__new__``, 5% of detection at one span per identifier. Every field is given
(a Candidate's ``after`` too: defaults are applied by that ``__new__``)."""
_ROW_START = itemgetter(0, 1)
"""Sort key of spans and candidates: (row, start)."""


class Candidate(NamedTuple):
    """A match before its check; a tuple, since there are several per text and a
    frozen dataclass costs four times as much to make."""

    row: int
    start: int
    end: int
    text: str
    before: str
    """Up to 40 characters in front of the match, in the same row."""
    after: str = ""
    """Up to 2 characters after the match, where the check needs them."""


Check = Callable[[list[Candidate], str], list[Candidate]]
"""Keeps the candidates that are real identifiers (and may trim them); gets the locale."""
Claimed = dict[int, list[tuple[int, int]]]
"""Per row, the (start, end) of the text earlier detectors took."""
Finder = Callable[["Batch", Claimed], list[Candidate]]
"""Finds candidates in a batch of texts by other means than one regular expression;
skips those that lie wholly inside claimed text."""


# --- patterns ---------------------------------------------------------------------------


def _trie(words: str) -> str:
    """An alternation of literal words (``"dear|hi|hello"``) as a trie
    (``"dear|h(?:i|ello)"``): the same matches, tried in the same order, but Python's
    engine enters each first letter once instead of each word, which under
    ``(?i)`` (no quick first-letter test) cost 1.4 us a cued name. Words that part at
    a letter can never both match at one place, so grouping them by it changes no
    choice; a word that ends where others go on keeps its place between them (the
    groups before it close, later words start new ones). The words are in one letter
    case: under ``(?i)``, "Ma" and "ma" would be two groups that can both match."""
    parts: list[str] = []
    groups: dict[str, list[str]] = {}

    def close() -> None:
        for head, rests in groups.items():
            if len(rests) == 1:
                parts.append(re.escape(head + rests[0]))
            else:
                parts.append(f"{re.escape(head)}(?:{_trie('|'.join(rests))})")
        groups.clear()

    for word in words.split("|"):
        if word:
            groups.setdefault(word[0], []).append(word[1:])
        else:
            close()
            parts.append("")
    close()
    return "|".join(parts)


_EMAIL = re.compile(
    r"(?<![\w.%+'\-])[A-Za-z0-9][A-Za-z0-9._%+'\-]*@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}\b"
)
_URL = re.compile(r"(?i:\b(?:https?://|www\.))[^\s<>\"']+")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
_CARD = re.compile(r"(?<![\d\-])\d(?:[ \-]?\d){11,18}(?![\d\-])")
_SSN = re.compile(r"(?<![\d\-])\d{3}-\d{2}-\d{4}(?![\d\-])")
_BSN = re.compile(
    r"(?<![\d.\-])(?:\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3}[ .\-]\d{3}[ .\-]\d{3})(?![\d.\-])"
)
_SSN_BARE = re.compile(r"(?<![\d\-])\d{9}(?![\d\-])")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)")
_IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)[1-9][\d \-().]{6,17}\d|\(?0\d{1,4}\)?[ \-./]?\d(?:[ \-./]?\d){5,9}"
    r"|\(?[2-9]\d{2}\)?[ .\-]?\d{3}[ .\-]\d{4})(?:[ ]?(?:x|ext\.?)[ ]?\d{1,5})?(?![\w])"
)

_MONTHS = _trie(
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|januari|februari|maart|mei|juni|juli|"
    "augustus|oktober"
)
_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/\-.]\d{1,2}[/\-.](?:\d{4}|\d{2})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?[ ](?:{_MONTHS})\.?,?[ ]\d{{4}}"
    rf"|(?:{_MONTHS})\.?[ ]\d{{1,2}}(?:st|nd|rd|th)?,?[ ]\d{{4}})"
)
_DOB = re.compile(
    r"(?i:\b(?:born(?:[ ]on)?|d\.?o\.?b\.?|date[ ]of[ ]birth|birth[ ]?date|birthday|"
    r"geboren(?:[ ]op)?|geboortedatum|geb\.|verjaardag)\b\)?[ ]?(?:is|was|:|-|=)?[ ]?\(?)"
    rf"(?P<v>(?i:{_DATE}))(?!\d)"
)

_NAME = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:[\-'’][A-ZÀ-ÖØ-Þa-zß-öø-ÿ][a-zß-öø-ÿ]+)?"
_FULL = rf"(?:(?:{PARTICLES})[ ])?{_NAME}(?:[ ](?:(?:{PARTICLES})[ ])?{_NAME}){{0,2}}"
_INITIALS = r"(?:[A-Z]\.[ ]?){1,3}"
_TITLED = re.compile(rf"\b(?i:{TITLES})\.?[ ](?P<v>(?:{_INITIALS})?{_FULL})")
_CUED = re.compile(rf"(?i:\b(?:{_trie(STRONG_CUES)})\b)[,:]?[ \t]*\n?[ \t]*(?P<v>{_FULL})")
_VERB = re.compile(rf"\b(?P<v>{_FULL})[ ](?i:(?:{_trie(VERB_CUES)})\b)")
_INITIAL_SURNAME = re.compile(rf"\b(?P<v>{_INITIALS}(?:(?:{PARTICLES})[ ])?{_NAME})")


@cache
def _address_patterns() -> tuple[re.Pattern[str], ...]:
    suffixes = "|".join(sorted(street_suffixes(), key=len, reverse=True))
    dutch = "|".join(DUTCH_STREET_WORDS)
    english = re.compile(
        rf"\b(?P<v>\d{{1,5}}[A-Za-z]?[ ](?:[A-Z][a-z]+[ ]){{1,3}}(?:{suffixes})\b\.?"
        r"(?:,?[ ](?:Apt\.?|Suite|Unit|Flat|#)[ ]?\w+)?"
        r"(?:,[ ][A-Z][a-z]+(?:[ ][A-Z][a-z]+)?(?:,[ ][A-Z]{2})?(?:[ ]\d{5}(?:-\d{4})?)?)?)"
    )
    continental = re.compile(
        rf"\b(?P<v>(?:[A-Z][a-zà-ÿ]+[ \-](?:(?:van|de|der|den|het|ten|ter)[ ])*){{0,3}}"
        rf"[A-Z][a-zà-ÿ]*(?:{dutch})[ ]\d{{1,4}}"
        r"(?:[ \-]?[A-Za-z]{1,2}\b)?(?:[ \-]\d{1,4}\b)?"
        r"(?:,?[ ]\d{4}[ ]?[A-Z]{2}(?:[ ][A-Z][a-zà-ÿ]+(?:[ \-][A-Za-z][a-zà-ÿ]+)*)?)?)"
    )
    return english, continental


def _alternation(words: list[str]) -> str:
    """A regex alternation of literal words, longest first (leftmost-first matching)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def _street_names() -> str:
    """Known street names as one alternation, in Rust syntax: Rust's regex crate runs
    thousands of literal alternatives as one automaton."""
    return _alternation([s for s in _street_display_names() if len(s) > 3])


@cache
def _named_street_pattern() -> str:
    """Known street names with a house number, in Rust syntax."""
    return (
        rf"\b(?:{_street_names()})[ ]\d{{1,4}}(?:[ \-]?[A-Za-z]{{1,2}}\b)?"
        r"(?:,?[ ]\d{4}[ ]?[A-Z]{2}(?:[ ][A-Z][a-zà-ÿ]+(?:[ \-][A-Z][a-zà-ÿ]+)*)?)?"
    )


@cache
def _capitalised_firsts() -> frozenset[str]:
    return frozenset(n.capitalize() for n in first_names() if n.isalpha() and len(n) > 1)


@cache
def _lone_names() -> frozenset[str]:
    common = common_words()
    return frozenset(
        n.capitalize() for n in _known_names() if n.isalpha() and len(n) > 2 and n not in common
    )


_WORD = re.compile(r"[^\W\d_a-z][^\W\d_]*")
"""A word that opens with a capital (or any letter outside a-z): a name, maybe (the
word boundary before it is checked apart, since a match from an offset sees none)."""
_PAIR_REST = re.compile(rf"(?:[ ](?:(?:{PARTICLES})[ ])?{_NAME}){{1,2}}")
_LETTER_RUN = r"[\p{L}--a-z]\p{L}*"
"""In Rust: letters, the first outside a-z. A known name (all letters) that stands as
a word in a text is always one whole such run, so the runs found in the names are
every place a name can be."""
_LOWER_OR_COMMA = frozenset("abcdefghijklmnopqrstuvwxyz,;:")


@cache
def _name_series(kind: str) -> pl.Series:
    return pl.Series(sorted(_capitalised_firsts() if kind == "firsts" else _lone_names()))


class Batch:
    """A batch of texts as a column and as a list (``rows``), with the letter runs
    both name finders read, found in Rust once."""

    def __init__(self, series: pl.Series, rows: list[str]) -> None:
        self.series, self.rows = series, rows

    @cached_property
    def letter_runs(self) -> pl.DataFrame:
        """Every letter run (``_LETTER_RUN``) of every row, a row each: (row, w)."""
        runs = self.series.str.extract_all(_LETTER_RUN)
        rows = pl.int_range(self.series.len(), eager=True)
        return pl.DataFrame({"row": rows, "w": runs}).explode("w")

    def named_places(self, kind: str) -> Iterator[tuple[int, list[tuple[int, int]]]]:
        """Rows where a letter run is one of the names of ``kind``, with every (start,
        end) where those names occur, in order: the words are split and looked up in
        Rust, so Python reads only the places that hold a name. A place may still sit
        inside a longer word; the caller checks the word's bounds."""
        found = self.letter_runs.filter(pl.col("w").is_in(_name_series(kind).implode()))
        found = found.unique(maintain_order=True).group_by("row", maintain_order=True).agg("w")
        texts = self.rows
        return (
            (row, _occurrences(texts[row], words))
            for row, words in zip(found["row"].to_list(), found["w"].to_list(), strict=True)
        )


def _occurrences(text: str, words: list[str]) -> list[tuple[int, int]]:
    places = []
    for word in words:
        at = text.find(word)
        while at >= 0:
            places.append((at, at + len(word)))
            at = text.find(word, at + 1)
    places.sort()
    return places


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """``start:end`` lies wholly inside one of ``spans`` (a plain loop, as in
    ``_claimed``)."""
    for taken_start, taken_end in spans:
        if taken_start <= start and end <= taken_end:
            break
    else:
        return False
    return True


def _is_word_char(ch: str) -> bool:
    r"""``\w`` for a ``str`` pattern."""
    return ch.isalnum() or ch == "_"


def _find_pairs(batch: Batch, claimed: Claimed) -> list[Candidate]:
    """Capitalised pairs (or triples) opening with a known first name: each word that
    is a first name (found in Rust) runs the pattern for the rest of the name. (A Rust
    alternation of every first name cost more than the rest of detection together.)
    A pair wholly inside claimed text is left out before its check: the check only
    trims, so it would stay inside and be dropped (two in five pairs, "Dear Anna
    Smit" already taken by the cue)."""
    out: list[Candidate] = []
    rows = batch.rows
    for row, offsets in batch.named_places("firsts"):
        text, taken, spans = rows[row], 0, claimed.get(row)
        for start, word_end in offsets:
            if start < taken or (start > 0 and _is_word_char(text[start - 1])):
                continue
            word = _WORD.match(text, start)
            if word is None or word.end() != word_end:  # part of a longer word
                continue
            rest = _PAIR_REST.match(text, word_end)
            if rest is None:
                continue
            taken = end = rest.end()
            if spans is not None and _inside(spans, start, end):
                continue
            before = text[max(0, start - 40) : start]
            out.append(
                _tuple(Candidate, (row, start, end, text[start:end], before, text[end : end + 2]))
            )
    return out


def _find_lone(batch: Batch, claimed: Claimed) -> list[Candidate]:
    """A lone known name (no common word) inside a sentence: after a space that follows
    a lower-case letter or a comma, as a whole word, and not followed by another
    capitalised word; not inside claimed text (nine in ten are: the surname of a pair)."""
    out: list[Candidate] = []
    rows = batch.rows
    for row, offsets in batch.named_places("lone"):
        text, spans = rows[row], claimed.get(row)
        for start, end in offsets:
            if start < 2 or text[start - 1] != " " or text[start - 2] not in _LOWER_OR_COMMA:
                continue  # (the cheaper test first: every test here only drops)
            if spans is not None and _inside(spans, start, end):
                continue
            if end < len(text) and _is_word_char(text[end]):
                continue
            after = text[end : end + 2]
            if after[:1] == " " and "A" <= after[1:2] <= "Z":
                continue
            before = text[max(0, start - 40) : start]
            out.append(_tuple(Candidate, (row, start, end, text[start:end], before, after)))
    return out


@cache
def _street_display_names() -> list[str]:
    from fauxdata.generators.lexicon import lexicon

    return [s for code in ("nl", "de") for s in lexicon(code).streets.to_list()]


_NOT_AN_ID_WORDS = [
    "order",
    "ord",
    "ref",
    "reference",
    "invoice",
    "inv",
    "ticket",
    "case",
    "tracking",
    "track",
    "sku",
    "item",
    "part",
    "product",
    "serial",
    "po",
    "pn",
    "account",
    "acct",
    "contract",
    "policy",
    "batch",
    "lot",
    "model",
    "version",
    "build",
    "bestelling",
    "bestel",
    "factuur",
    "zending",
    "referentie",
    "dossier",
    "klantnummer",
    "artikel",
    "ordernummer",
    "nummer",
    "number",
    "no",
    "nr",
    "id",
    "#",
    "code",
]
# The two cues below are read backwards, from the candidate leftwards (``_cued_id``): as
# ``re.match`` on the reversed text they fail at the first character that cannot end a
# cue, where a search for "word, separators, end of text" tried every position.
_NOT_A_PHONE_BACKWARDS = re.compile(
    r"(?i)[\s.:#\-]*(?:\.?(?:o|r|rebmu|remmu)n)?[\s.:#\-]*"
    rf"(?:{_trie('|'.join(w[::-1] for w in _NOT_AN_ID_WORDS))})"
)
"""An order, reference, invoice, ... word (and "no.", "nr", "number") just before."""
_ID_CUE_BACKWARDS = re.compile(
    r"(?i)[\s.:#\-]*(?:rebmun|rn|on)?[\s.:#\-]*\b(?:nsb|remmunecivresregrub|(?:remmun)?ifos|"
    r"nss|(?:rebmun[ ])?ytiruces[ ]laicos|di[ ]lanoitan|rebmun[ ]?di|nit|remmuneitacifitnedi)"
)
"""A national-id word (bsn, sofinummer, ssn, social security number, national id, id
number, tin, identificatienummer), with "number"/"nr"/"no", just before."""
_PHONE_CUE = re.compile(
    r"(?i)(?:phone|tel|telephone|mobile|cell|call|called|calling|ring|fax|whatsapp|sms|text|"
    r"voicemail|reach|reached|telefoon|telefoonnummer|mobiel|bel|bellen|gebeld|nummer|"
    r"bereikbaar|contact)\b[^\d\n]{0,30}$"
)
_PARTICLE_WORDS = frozenset(PARTICLES.replace("|", " ").split())
_PHONE_BARE = re.compile(r"(?<![\w+\-])\d{10,11}(?![\w\-])")
_DATE_SHAPE = re.compile(r"\d{1,4}[/\-.]\d{1,2}[/\-.]\d{1,4}")
_GOES_ON = re.compile(r"[ ][a-z]")
_VERSION_CUE = re.compile(r"(?i)(?:version|versie|ver|v|release|build|firmware)[\s.:]*$")


# --- checks ----------------------------------------------------------------------------


def _series(candidates: Sequence[Candidate]) -> pl.Series:
    return pl.Series([c.text for c in candidates], dtype=pl.String)


def _by_mask(candidates: list[Candidate], mask: np.ndarray) -> list[Candidate]:
    return [c for c, ok in zip(candidates, mask, strict=True) if ok]


def _check_url(candidates: list[Candidate], locale: str) -> list[Candidate]:
    out = []
    for c in candidates:
        text = c.text.rstrip(".,;:!?)]}'\"")
        if len(text) > 4:
            out.append(_tuple(Candidate, (c.row, c.start, c.start + len(text), text, c.before, "")))
    return out


def _check_iban(candidates: list[Candidate], locale: str) -> list[Candidate]:
    return _by_mask(candidates, iban(_series(candidates))) if candidates else []


def _check_card(candidates: list[Candidate], locale: str) -> list[Candidate]:
    if not candidates:
        return []
    good = credit_card(_series(candidates))
    return [c for c, ok in zip(candidates, good, strict=True) if ok and not _cued_id(c)]


def _cued_id(c: Candidate) -> bool:
    """Preceded by words that make it an order, invoice or product number."""
    backwards = c.before[::-1]
    return bool(_NOT_A_PHONE_BACKWARDS.match(backwards)) and not _ID_CUE_BACKWARDS.match(backwards)


def _check_ssn(candidates: list[Candidate], locale: str) -> list[Candidate]:
    if not candidates:
        return []
    good = ssn(_series(candidates))
    return [c for c, ok in zip(candidates, good, strict=True) if ok and not _cued_id(c)]


def _check_bsn(candidates: list[Candidate], locale: str) -> list[Candidate]:
    """Nine digits passing the 11-proof. One random number in 11 passes, so a number
    after an order or reference word is not taken unless an ID word is nearer."""
    if not candidates:
        return []
    good = bsn(_series(candidates))
    return [c for c, ok in zip(candidates, good, strict=True) if ok and not _cued_id(c)]


def _check_ssn_bare(candidates: list[Candidate], locale: str) -> list[Candidate]:
    cued = [c for c in candidates if _ID_CUE_BACKWARDS.match(c.before[::-1])]
    if not cued:
        return []
    good = ssn(_series(cued), loose=True)
    return _by_mask(cued, good)


def _check_ip(candidates: list[Candidate], locale: str) -> list[Candidate]:
    out = []
    for c in candidates:
        if _VERSION_CUE.search(c.before):
            continue
        if _is_ip(c.text):
            out.append(c)
    return out


_DOTTED_QUAD = re.compile(r"(?:0|[1-9][0-9]{0,2})(?:\.(?:0|[1-9][0-9]{0,2})){3}")
"""Four octets of one to three ASCII digits without a leading zero, as ``ipaddress``
wants them."""


def _is_ip(text: str) -> bool:
    """``ipaddress.ip_address`` takes ``text``: a dotted quad of that shape is read here
    (each octet at most 255), without the address object, a fifth of the IP check;
    any other text goes to ``ipaddress``."""
    if _DOTTED_QUAD.fullmatch(text):
        return max(map(int, text.split("."))) <= 255
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _check_bare_phone(candidates: list[Candidate], locale: str) -> list[Candidate]:
    """Ten or eleven digits without separators: a phone only right after a phone word."""
    return _check_phone([c for c in candidates if _PHONE_CUE.search(c.before)], locale)


def _region(locale: str) -> str:
    parts = locale.replace("-", "_").split("_")
    if len(parts) > 1 and len(parts[1]) == 2:
        return parts[1].upper()
    return {"en": "US", "nl": "NL", "de": "DE", "fr": "FR", "es": "ES"}.get(parts[0], "US")


def _check_phone(candidates: list[Candidate], locale: str) -> list[Candidate]:
    region = _region(locale)
    return [
        c
        for c in candidates
        if not _cued_id(c)
        and not _DATE_SHAPE.fullmatch(c.text.strip("()"))
        and possible_phone(c.text, region)
    ]


def _check_person(candidates: list[Candidate], locale: str, *, lexical: bool) -> list[Candidate]:
    """Trim trailing common words; a bare capitalised pair needs a known first name
    and a surname-like second word, since "Will Send" and "May Update" are prose."""
    firsts, lasts, common, known = first_names(), surnames(), common_words(), _known_names()
    out = []
    for row, start, _, value, before, after in candidates:  # unpacked: no attribute lookups
        tokens = value.split(" ")
        low = value.lower().split(" ")  # the tokens in lower case, popped alongside
        whole = len(tokens)
        if (
            low[-1] in common
            and _GOES_ON.match(after)
            and sum(t not in _PARTICLE_WORDS for t in low) > 2
        ):
            tokens.pop()  # "Amber Lane Hope this helps": a sentence that opens with a word
            low.pop()
        while len(tokens) > 1 and low[-1] in common and low[-1] not in lasts:
            tokens.pop()
            low.pop()
        while lexical and (
            tokens
            and low[0] not in _PARTICLE_WORDS
            and (low[0] in CALENDAR or low[0] in common)
            and low[0] not in firsts
        ):
            tokens.pop(0)
            low.pop(0)
        named = [
            lowered
            for t, lowered in zip(tokens, low, strict=True)
            if not t[0].islower() and not t.endswith(".")
        ]
        if not named:
            continue
        if lexical:
            head, tail = named[0], named[-1]
            if len(named) < 2 or head not in firsts:
                continue
            if tail not in lasts and (tail in common or (tail in firsts and tail in common)):
                continue
        elif all(t in common and t not in known for t in named):
            continue
        if len(tokens) == whole:  # nothing trimmed (most): the candidate as it came
            text = value
        else:
            text = " ".join(tokens)
            at = value.find(text)
            start += at if at > 0 else 0
        out.append(_tuple(Candidate, (row, start, start + len(text), text, before, "")))
    return out


@cache
def _known_names() -> frozenset[str]:
    return first_names() | surnames()


def _check_verb_person(candidates: list[Candidate], locale: str) -> list[Candidate]:
    """ "Jansen called": the name must be a known first name or surname."""
    known = _known_names()
    keep = [c for c in candidates if c.text.split(" ")[0].lower() in known]
    return _check_person(keep, locale, lexical=False)


def _check_cued_person(candidates: list[Candidate], locale: str) -> list[Candidate]:
    return _check_person(candidates, locale, lexical=False)


def _check_lexical_person(candidates: list[Candidate], locale: str) -> list[Candidate]:
    return _check_person(candidates, locale, lexical=True)


def _check_initial_surname(candidates: list[Candidate], locale: str) -> list[Candidate]:
    lasts = surnames()
    return [c for c in candidates if c.text.split(" ")[-1].lower() in lasts]


def _accept(candidates: list[Candidate], locale: str) -> list[Candidate]:
    return candidates


@dataclass(frozen=True)
class Detector:
    """``pattern`` is the exact Python pattern, run where ``coarse`` (Rust syntax, by
    default the pattern without its lookarounds) matched; without one, the coarse match
    is the candidate."""

    entity: str
    pattern: re.Pattern[str] | None
    check: Check
    rust: str | None = None
    find: Finder | None = None
    """Finds the candidates itself, instead of a pattern."""
    rows: str | None = None
    """A Rust pattern found in every row where ``coarse`` matches, several times
    cheaper to test for: ``coarse`` then runs on those rows alone."""
    filters: bool = False
    """The check keeps or drops candidates but never trims one, so a candidate on text
    an earlier detector claimed can be dropped before the check (phone numbers inside
    card numbers and IBANs cost a ``phonenumbers`` parse each)."""

    @cached_property
    def coarse(self) -> str:
        if self.rust is not None:
            return self.rust
        assert self.pattern is not None, "a detector needs a pattern"
        return coarse(self.pattern.pattern)


@cache
def detectors() -> tuple[Detector, ...]:
    english, continental = _address_patterns()
    named_street = _named_street_pattern()
    return (
        Detector("email", _EMAIL, _accept),
        Detector("url", _URL, _check_url),
        Detector("iban", _IBAN, _check_iban, filters=True),
        Detector("credit_card", _CARD, _check_card, filters=True),
        Detector("national_id", _SSN, _check_ssn, filters=True),
        Detector("national_id", _BSN, _check_bsn, filters=True),
        Detector("national_id", _SSN_BARE, _check_ssn_bare, filters=True),
        Detector("ip", _IPV4, _check_ip, filters=True),
        Detector("ip", _IPV6, _check_ip, filters=True),
        Detector("date_of_birth", _DOB, _accept),
        Detector("address", english, _accept),
        Detector("address", continental, _accept),
        Detector("address", None, _accept, rust=named_street, rows=_street_names()),
        Detector("phone", _PHONE, _check_phone, filters=True),
        Detector("phone", _PHONE_BARE, _check_bare_phone, filters=True),
        Detector("person", _TITLED, _check_cued_person),
        Detector("person", _CUED, _check_cued_person),
        Detector("person", _VERB, _check_verb_person),
        Detector("person", _INITIAL_SURNAME, _check_initial_surname),
        Detector("person", None, _check_lexical_person, find=_find_pairs),
        Detector("person", None, _accept, find=_find_lone),
    )


# --- scanning --------------------------------------------------------------------------


def coarse(pattern: str) -> str:
    """The pattern without its lookaround assertions, in the syntax of Rust's regex crate
    (which Polars runs): a fast first pass whose matches contain every exact match."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith(("(?<!", "(?<=", "(?!", "(?="), i):
            depth, j = 0, i
            while j < len(pattern):
                if pattern[j] == "\\":
                    j += 2
                    continue
                if pattern[j] == "[":
                    j = _class_end(pattern, j)
                    continue
                depth += pattern[j] == "("
                depth -= pattern[j] == ")"
                j += 1
                if depth == 0:
                    break
            i = j
            continue
        if pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        out.append(pattern[i])
        i += 1
    return "".join(out)


def _class_end(pattern: str, i: int) -> int:
    """The index just past the character class that opens at ``i``."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


def find_spans(
    texts: Sequence[str | None] | pl.Series,
    entities: Sequence[str] = ENTITIES,
    locale: str = "en_US",
) -> list[Span]:
    """Every identifier of the requested types in ``texts``, sorted by row and offset.

    Each detector's pattern runs first without lookarounds in Polars (Rust's regex
    crate, every core); the exact Python pattern then runs only where that found
    something. Where two detectors claim overlapping text, the earlier one wins.

    Raises:
        ValueError: an entity type is unknown (the spec layer reports it with its path).
    """
    check_entities(entities)
    series = texts if isinstance(texts, pl.Series) else pl.Series(list(texts), dtype=pl.String)
    series = series.cast(pl.String)
    return spans_in(series, series.fill_null("").to_list(), entities, locale)


def check_entities(entities: Sequence[str]) -> None:
    """Refuse an unknown entity type.

    Raises:
        ValueError: an entity type is unknown (the spec layer reports it with its path).
    """
    unknown = sorted(set(entities) - set(ENTITIES))
    if unknown:
        raise ValueError(f"unknown entity types: {', '.join(unknown)}")


def spans_in(
    series: pl.Series, rows: list[str], entities: Sequence[str], locale: str
) -> list[Span]:
    """``find_spans`` of a String column without NULLs, given as the column and as
    its list (``rows``), which the caller has anyway; entity types checked."""
    wanted = set(entities)
    taken: Claimed = {}
    spans: list[Span] = []
    batch = Batch(series, rows)
    for detector in detectors():
        if detector.entity not in wanted:
            continue
        entity, checked = detector.entity, detector.filters
        for c in _scan(batch, detector, locale, taken):
            row, start, end, text, _, _ = c  # unpacked: no attribute lookups
            claimed = taken.get(row)
            if claimed is None:
                taken[row] = [(start, end)]
            elif not checked and _claimed(claimed, c):  # (a filter's candidates were
                continue  # checked against claimed text before; they overlap no other)
            else:
                claimed.append((start, end))
            spans.append(_tuple(Span, (row, start, end, entity, text)))
    spans.sort()  # by row, then offset: spans of a row never start at the same offset
    return spans


def _scan(batch: Batch, detector: Detector, locale: str, taken: Claimed) -> list[Candidate]:
    if detector.find is not None:
        candidates = detector.find(batch, taken)
    else:
        candidates = _matches(batch.series, batch.rows, detector)
    if detector.filters:  # what an earlier detector claimed is not checked again
        candidates = [c for c in candidates if not _claimed(taken.get(c.row), c)]
    kept = detector.check(candidates, locale)
    kept.sort(key=_ROW_START)
    out: list[Candidate] = []
    for c in kept:  # checks may trim; overlapping matches keep the first
        if out and out[-1].row == c.row and c.start < out[-1].end:
            continue
        out.append(c)
    return out


def _claimed(claimed: list[tuple[int, int]] | None, c: Candidate) -> bool:
    """``c`` overlaps text an earlier detector claimed. (A plain loop: ``any`` over a
    generator cost twice as much, for the few spans a row holds.)"""
    if claimed is None:
        return False
    start, end = c.start, c.end
    for taken_start, taken_end in claimed:
        if start < taken_end and taken_start < end:
            break
    else:
        return False
    return True


def _matches(series: pl.Series, rows: list[str], detector: Detector) -> list[Candidate]:
    """The detector's exact matches where its coarse pattern matched in Polars."""
    if detector.rows is None:
        index = pl.int_range(series.len(), eager=True)
    else:
        index = series.str.contains(detector.rows).fill_null(False).arg_true()
        series = series.gather(index)
    found = pl.DataFrame({"row": index, "m": series.str.extract_all(detector.coarse)})
    found = found.explode("m").drop_nulls("m")
    pattern = detector.pattern
    group = "v" if pattern is not None and "v" in pattern.groupindex else 0
    candidates: list[Candidate] = []
    text, last_row, cursor = "", -1, 0  # matches come row by row, in order within one
    for row, rough in zip(found["row"].to_list(), found["m"].to_list(), strict=True):
        if row != last_row:
            text, last_row, cursor = rows[row], row, 0
        at = text.find(rough, cursor)
        if at < 0:
            continue
        end = cursor = at + len(rough)
        if pattern is None:
            before = text[at - 40 if at > 40 else 0 : at]
            candidates.append(_tuple(Candidate, (row, at, end, rough, before, text[end : end + 2])))
            continue
        for match in pattern.finditer(text, at, end + 1):  # (an end past the text is fine)
            start, end = match.span(group)
            if start == end:
                continue
            before = text[start - 40 if start > 40 else 0 : start]
            after = text[end : end + 2]
            candidates.append(_tuple(Candidate, (row, start, end, text[start:end], before, after)))
    return candidates
