"""Word sets the free-text detector reads: names, common words, cue words, street words.

Names come from the pinned Mimesis lists the mockers draw from (six languages), so the
detector knows real names in those languages; common words come from Mimesis's text
lists and keep the detector from taking "Will", "May" or "Bill" at the start of a
sentence for a person. Everything is folded to lower case once and cached.
"""

from __future__ import annotations

from functools import cache

from fauxdata.generators.lexicon import lexicon
from fauxdata.pii.names import words

_LOCALES = ("en", "en-gb", "nl", "de", "fr", "es")


@cache
def first_names() -> frozenset[str]:
    """Given names of six languages: Mimesis's lists and Faker's (census-based) ones."""
    out: set[str] = set()
    for code in _LOCALES:
        lex = lexicon(code)
        out.update(n.lower() for n in lex.female.to_list() + lex.male.to_list())
    for provider in _faker_people():
        out.update(n.lower() for n in getattr(provider, "first_names", ()))
    return frozenset(out)


@cache
def surnames() -> frozenset[str]:
    """Family names (single words; Dutch particles are matched apart)."""
    out: set[str] = set()
    for code in _LOCALES:
        out.update(n.lower() for n in lexicon(code).surnames.to_list())
    for provider in _faker_people():
        out.update(n.lower().split(" ")[-1] for n in getattr(provider, "last_names", ()))
    return frozenset(n for n in out if " " not in n)


def _faker_people() -> list[type]:
    from faker.providers.person.de_DE import Provider as German
    from faker.providers.person.en_GB import Provider as British
    from faker.providers.person.en_US import Provider as American
    from faker.providers.person.es_ES import Provider as Spanish
    from faker.providers.person.fr_FR import Provider as French
    from faker.providers.person.nl_NL import Provider as Dutch

    return [American, British, Dutch, German, French, Spanish]


@cache
def common_words() -> frozenset[str]:
    """Lower-case words of ordinary English and Dutch prose, plus the calendar.

    The word lists are drawn from web text and hold given names too (aaron, nancy), so
    those are taken out (surnames that are words, such as brown or sales, stay), and only the names that are everyday words (will, may, mark, hope,
    roos, bos) are put back.
    """
    from faker.providers.lorem.en_US import Provider as EnglishLorem
    from faker.providers.lorem.nl_NL import Provider as DutchLorem

    corpus: set[str] = set(EnglishLorem.word_list) | set(DutchLorem.word_list)
    for code in ("en", "nl"):
        corpus.update(w.lower() for w in lexicon(code).words.to_list())
    corpus -= first_names()
    return frozenset(corpus | NAME_WORDS | CALENDAR | FUNCTION_WORDS)


@cache
def street_suffixes() -> frozenset[str]:
    """English street types (Avenue, Haven, Crossing, ...: the USPS list Faker ships), with
    their abbreviations."""
    from faker.providers.address.en_US import Provider as AmericanAddress

    out = {s for s in lexicon("en").street_suffixes.to_list() if s.isalpha()}
    out.update(lexicon("en-gb").street_suffixes.to_list())
    out.update(AmericanAddress.street_suffixes)
    out.update(STREET_ABBREVIATIONS)
    return frozenset(s for s in out if s.isalpha() or s.rstrip(".").isalpha())


CALENDAR = words(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december jan feb mar apr jun jul aug "
    "sep sept oct nov dec maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari "
    "februari maart mei juni juli augustus oktober"
)

FUNCTION_WORDS = words(
    "the a an and or but if then when while with without for from to of in on at by as is are "
    "was were be been has have had do does did will would can could should may might must "
    "this that these those it its he she they we you i me him her them us my your his our "
    "their not no yes please thanks thank hi hello dear team support service customer client "
    "de het een en of maar als dan met zonder voor van naar in op bij is zijn was waren heeft "
    "hebben kan kunnen wil willen moet niet geen ja nee graag bedankt beste geachte hallo "
    "klant team dienst afdeling support billing sales service facturatie klantenservice "
    "helpdesk administratie administration accounts finance"
)

NAME_WORDS = words(
    "will may mark bill hope grace frank rose summer sunny joy faith amber jack chase dawn "
    "june april august art bob sue pat rich guy sandy ray drew gene dean miles max lily ivy "
    "holly ruby pearl penny crystal destiny harmony melody iris violet jasmine hazel olive "
    "robin heather autumn river sky storm hunter carter mason taylor page price gold king "
    "young brown white green black wood stone hill field bird cook baker miller fisher hope "
    "case long short love little sharp strong wise rice bush lane bell hall park ward west "
    "north south east hart moon star christian earl victor major marshall prince norman "
    "roos bos kok mei hoop zomer wil visser bakker smit schipper winter de"
)

STREET_ABBREVIATIONS = words("St Ave Rd Ln Blvd Dr Ct Pl Ter Pkwy Sq Cir Hwy Way Row Loop")

DUTCH_STREET_WORDS = (
    "straat",
    "weg",
    "laan",
    "plein",
    "gracht",
    "kade",
    "singel",
    "dijk",
    "dreef",
    "hof",
    "pad",
    "park",
    "steeg",
    "markt",
    "baan",
    "erf",
    "veld",
    "wal",
    "burg",
    "haven",
    "plantsoen",
    "hoven",
    "zijde",
    "ring",
    "allee",
    "boulevard",
    "kant",
    "poort",
    "dam",
    "wijk",
)

TITLES = (
    "Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam|Mister|Dhr|Mevr|Mw|Mevrouw|Meneer|Heer|De heer|"
    "de heer|Herr|Frau|Mme|Mlle|Drs|Ir|Mr\\. drs"
)

PARTICLES = "van der|van den|van de|van 't|in 't|van|de|der|den|ter|ten|te|von|da|di|du|le|la"

STRONG_CUES = (
    "dear|hi|hello|hey|hoi|beste|geachte|hallo|beste heer|beste mevrouw|spoke with|spoke to|"
    "talked to|talked with|speaking with|call from|called by|phoned by|met with|meeting with|"
    "on behalf of|according to|assigned to|escalated to|forwarded to|handed over to|"
    "reported by|requested by|raised by|submitted by|approved by|signed by|cc|attn|attention|"
    "contact person|patient|caller|beller|sprak met|gesproken met|gebeld door|gebeld met|namens|"
    "contactpersoon|aanvrager|melder|behandelaar|doorgestuurd naar|toegewezen aan|"
    "regards|kind regards|best regards|best|cheers|sincerely|thanks|thank you|groet|groeten|"
    "met vriendelijke groet|vriendelijke groet|bedankt|dank je|dank u|mvg|gr"
)

VERB_CUES = (
    "called|phoned|said|asked|wrote|reported|mentioned|wants|wanted|requested|confirmed|"
    "complained|emailed|replied|stated|explained|called in|rang|"
    "belde|zei|vroeg|meldde|schreef|wil|wilde|heeft gebeld|bevestigde|klaagde|mailde"
)
