"""Build the labelled evaluation set for free-text de-identification.

Texts in English and Dutch (support notes, tickets, emails) with planted identifiers
drawn from Faker's en_US and nl_NL providers (a different generator than the detector's
word lists, so names the detector has never seen are planted too) and hard distractors:
order and tracking numbers shaped like phone numbers, nine-digit invoice numbers,
product codes, version numbers shaped like IP addresses, ordinary dates, and sentences
that open with names that are also words (Will, May, Mark, Bill, Hope, Grace...).

Every entity is recorded with its offsets and type; distractors with theirs. Run this
file to rewrite ``tests/data/deid_eval.jsonl`` (Faker is pinned, so the output is
stable): ``.venv/bin/python -m tests.support.deid_evalset``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path
from typing import Any

from faker import Faker
from faker.providers.date_time import change_year

OUT = Path(__file__).resolve().parent.parent / "data" / "deid_eval.jsonl"

# The day the set was built: Faker's date_of_birth counts ages back from today, so the
# set is built against this fixed day instead, or it would change at every midnight.
REFERENCE_DAY = dt.date(2026, 11, 30)


def _date_of_birth(f: Faker) -> dt.date:
    """Faker's ``date_of_birth(minimum_age=18, maximum_age=90)`` with today fixed to
    ``REFERENCE_DAY``: the same draw from the same generator state."""
    start, end = change_year(REFERENCE_DAY, -91), change_year(REFERENCE_DAY, -18)
    day: dt.date = f.date_time_ad(start_datetime=start, end_datetime=end).date()
    return day if day != start else day + dt.timedelta(days=1)


# Slots: {person} full name, {first} first name, {last} surname (after a title),
# {email} {phone} {iban} {card} {nid} {ip} {url} {address} {dob}; distractors are
# written with a leading "!": {!order} {!invoice} {!sku} {!version} {!date} {!amount}.
EN = {
    "note": [
        "Spoke with {person} today about the delayed refund. Call back on {phone}.",
        "{person} called regarding order {!order}. Verified identity with DOB {dob}.",
        "Customer {person} moved to {address}. Updated the billing profile.",
        "Left a voicemail for {first} at {phone}; no answer yet.",
        "Mr. {last} asked us to send the contract to {email} instead.",
        "Account holder: {person}, SSN {nid}, date of birth {dob}.",
        "Payment failed for card {card}. {person} will retry tomorrow.",
        "Refund goes to IBAN {iban} as requested by {person}.",
        "Login from {ip} flagged as suspicious for {email}.",
        "Meeting with {person} and {person} about the renewal; follow up by {!date}.",
        "Dr. {last} confirmed the appointment. Contact: {phone}.",
        "{person} reported that the portal at {url} shows the wrong balance.",
        "Escalated to {person}. Invoice {!invoice} is still open, amount {!amount}.",
        "Shipping label printed for {address}; tracking {!order}.",
        "Per {person}, the replacement unit {!sku} ships {!date}.",
    ],
    "ticket": [
        "Ticket #{!ticket}: user {email} cannot reset password. Last IP {ip}.",
        "Issue reported by {person} ({email}): app crashes on version {!version}.",
        "Duplicate charge on {card} for order {!order}, customer {person}.",
        "Please update the address of {person} to {address}.",
        "Assigned to {person}. Caller phone: {phone}. Ref {!invoice}.",
        "Customer {person}, born {dob}, needs the account unlocked.",
        "Webhook from {ip} rejected; see {url} for the payload.",
        "Request from {first}: change bank account to {iban}.",
        "Firmware {!version} fails on device {!sku}; reporter {email}.",
        "SSN on file ({nid}) does not match the form submitted by {person}.",
    ],
    "email": [
        "Dear {person},\n\nThank you for your order {!order}. We will call you on {phone}.\n\nKind regards,\n{person}",
        "Hi {first},\n\nYour refund of {!amount} was sent to {iban}.\n\nBest,\n{person}",
        "Dear Mrs. {last},\n\nWe received your new address: {address}.\n\nSincerely,\n{person}",
        "Hello {first},\n\nPlease confirm your date of birth ({dob}) by replying to {email}.\n\nThanks,\n{person}",
        "Hi team,\n\n{person} from accounts asked me to forward this. Card ending {card} was charged twice.\n\nCheers,\n{first}",
    ],
}

NL = {
    "note": [
        "Gesproken met {person} over de vertraagde terugbetaling. Terugbellen op {phone}.",
        "{person} belde over bestelling {!order}. Identiteit gecontroleerd, geboortedatum {dob}.",
        "Klant {person} is verhuisd naar {address}. Factuuradres aangepast.",
        "Voicemail ingesproken voor {first} op {phone}, nog geen reactie.",
        "Mevrouw {last} wil het contract per mail ontvangen op {email}.",
        "Rekeninghouder: {person}, BSN {nid}, geboren op {dob}.",
        "Betaling met kaart {card} mislukt. {person} probeert het morgen opnieuw.",
        "Terugbetaling naar IBAN {iban} op verzoek van {person}.",
        "Inlog vanaf {ip} gemarkeerd als verdacht voor {email}.",
        "Afspraak met {person} en {person} over de verlenging, opvolgen voor {!date}.",
        "Dhr. {last} heeft de afspraak bevestigd. Contact: {phone}.",
        "{person} meldde dat het portaal op {url} een verkeerd saldo toont.",
        "Doorgestuurd naar {person}. Factuur {!invoice} staat nog open, bedrag {!amount}.",
        "Verzendlabel geprint voor {address}; zending {!order}.",
        "Volgens {person} wordt vervangend toestel {!sku} op {!date} verzonden.",
    ],
    "ticket": [
        "Melding #{!ticket}: gebruiker {email} kan wachtwoord niet resetten. Laatste IP {ip}.",
        "Gemeld door {person} ({email}): app crasht op versie {!version}.",
        "Dubbele afschrijving op {card} voor bestelling {!order}, klant {person}.",
        "Graag het adres van {person} wijzigen naar {address}.",
        "Toegewezen aan {person}. Telefoon beller: {phone}. Referentie {!invoice}.",
        "Klant {person}, geboren {dob}, wil dat het account wordt ontgrendeld.",
        "Webhook vanaf {ip} geweigerd; zie {url} voor de inhoud.",
        "Verzoek van {first}: rekeningnummer wijzigen naar {iban}.",
        "Firmware {!version} werkt niet op toestel {!sku}; melder {email}.",
        "BSN in dossier ({nid}) komt niet overeen met het formulier van {person}.",
    ],
    "email": [
        "Beste {person},\n\nBedankt voor uw bestelling {!order}. We bellen u op {phone}.\n\nMet vriendelijke groet,\n{person}",
        "Hallo {first},\n\nUw terugbetaling van {!amount} is overgemaakt naar {iban}.\n\nGroeten,\n{person}",
        "Geachte mevrouw {last},\n\nWe hebben uw nieuwe adres ontvangen: {address}.\n\nMet vriendelijke groet,\n{person}",
        "Hoi {first},\n\nWil je je geboortedatum ({dob}) bevestigen via {email}?\n\nBedankt,\n{person}",
    ],
}

WORD_NAMES_EN = [
    "Will the refund arrive before Friday?",
    "May we close this ticket now?",
    "Mark this case as urgent.",
    "Bill the customer for the repair.",
    "Hope this helps.",
    "Grace period ends next week.",
    "Frank feedback from the Sales team was shared.",
    "Rose Gold cases are out of stock.",
    "Summer Sale prices apply until the end of the month.",
    "Sunny weather delayed the courier.",
    "Joy Division shirts were returned.",
    "Faith in the new release is low.",
    "Amber warning shown on the dashboard.",
    "Jack the price up only after approval.",
    "Chase the supplier for an update.",
    "Dawn shift reported no incidents.",
]
WORD_NAMES_NL = [
    "Mark het ticket als urgent.",
    "Roos de bestellingen opnieuw in.",
    "Bos en Lommer heeft geen storing.",
    "Wil de klant een terugbelverzoek?",
    "Kees kaas is uitverkocht.",
    "Mei is de drukste maand.",
    "Hoop dat dit helpt.",
    "Zomer acties lopen tot eind augustus.",
]


class Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fakers = {"en": Faker("en_US"), "nl": Faker("nl_NL")}
        for i, f in enumerate(self.fakers.values()):
            f.seed_instance(seed + i)

    def value(self, lang: str, slot: str) -> tuple[str, str]:
        f, r = self.fakers[lang], self.rng
        match slot:
            case "person":
                return "person", f"{f.first_name()} {f.last_name()}"
            case "first":
                return "person", f.first_name()
            case "last":
                return "person", f.last_name()
            case "email":
                return "email", f.email() if r.random() < 0.6 else self._name_email(f)
            case "phone":
                return "phone", f.phone_number()
            case "iban":
                raw = f.iban()
                spaced = " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
                return "iban", spaced if r.random() < 0.5 else raw
            case "card":
                raw = f.credit_card_number()
                if r.random() < 0.4 and len(raw) == 16:
                    raw = " ".join(raw[i : i + 4] for i in range(0, 16, 4))
                return "credit_card", raw
            case "nid":
                return "national_id", f.ssn()
            case "ip":
                return "ip", f.ipv4() if r.random() < 0.8 else f.ipv6()
            case "url":
                return "url", f.uri()
            case "address":
                street = f.street_address()
                if r.random() < 0.5:
                    street += f", {f.postcode()} {f.city()}" if lang == "nl" else f", {f.city()}"
                return "address", street
            case "dob":
                day = _date_of_birth(f)
                formats = (
                    ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
                    if lang == "nl"
                    else ["%Y-%m-%d", "%m/%d/%Y", "%B %d, %Y", "%d %B %Y"]
                )
                text = day.strftime(r.choice(formats))
                if lang == "nl" and r.random() < 0.3:
                    months = [
                        "januari",
                        "februari",
                        "maart",
                        "april",
                        "mei",
                        "juni",
                        "juli",
                        "augustus",
                        "september",
                        "oktober",
                        "november",
                        "december",
                    ]
                    text = f"{day.day} {months[day.month - 1]} {day.year}"
                return "date_of_birth", text
        return self.distractor(slot)

    def _name_email(self, f: Faker) -> str:
        local = f"{f.first_name()}.{f.last_name()}".lower().replace(" ", "")
        return re.sub(r"[^a-z.]", "", local) + "@" + f.free_email_domain()

    def distractor(self, slot: str) -> tuple[str, str]:
        r = self.rng
        d = lambda n: "".join(str(r.randrange(10)) for _ in range(n))  # noqa: E731
        match slot:
            case "!order":
                return "order", r.choice(
                    [
                        f"#{d(3)}-{d(3)}-{d(4)}",
                        f"0{r.randrange(1, 10)}{d(8)}",
                        f"ORD-{d(4)}-{d(6)}",
                        f"({d(3)}) {d(3)}-{d(4)}",
                        f"1Z{d(3)}AA{d(10)}",
                        f"+{d(11)}",
                    ]
                )
            case "!invoice":
                return "invoice", d(9)
            case "!ticket":
                return "ticket", d(5)
            case "!sku":
                return "sku", r.choice(
                    [f"AB-{d(4)}-XY", f"SKU{d(8)}", f"{d(13)}", f"PN {d(4)}-{d(4)}"]
                )
            case "!version":
                return (
                    "version",
                    f"{r.randrange(1, 20)}.{r.randrange(10)}.{r.randrange(10)}.{r.randrange(100)}",
                )
            case "!date":
                return "date", f"2026-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}"
            case "!amount":
                return "amount", r.choice([f"€ {d(1)}.{d(3)},{d(2)}", f"${d(3)}.{d(2)}"])
        raise KeyError(slot)

    def text(self, lang: str, pool: dict[str, list[str]] | None = None) -> dict[str, Any]:
        pool = pool or (EN if lang == "en" else NL)
        kind = self.rng.choice(sorted(pool))
        template = self.rng.choice(pool[kind])
        parts: list[str] = []
        entities: list[dict[str, Any]] = []
        distractors: list[dict[str, Any]] = []
        position = 0
        for literal, slot in _pieces(template):
            parts.append(literal)
            position += len(literal)
            if slot is None:
                continue
            label, value = self.value(lang, slot)
            record = {"start": position, "end": position + len(value), "type": label}
            (distractors if slot.startswith("!") else entities).append(record)
            parts.append(value)
            position += len(value)
        if self.rng.random() < 0.5:
            extra = self.rng.choice(WORD_NAMES_EN if lang == "en" else WORD_NAMES_NL)
            parts.append(" " + extra)
            distractors.append(
                {"start": position + 1, "end": position + 1 + len(extra), "type": "words"}
            )
        return {
            "lang": lang,
            "kind": kind,
            "text": "".join(parts),
            "entities": entities,
            "distractors": distractors,
        }


def _pieces(template: str) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    last = 0
    for match in re.finditer(r"\{(!?\w+)\}", template):
        out.append((template[last : match.start()], match.group(1)))
        last = match.end()
    out.append((template[last:], None))
    return out


def build(n_en: int = 1100, n_nl: int = 1000, seed: int = 2026) -> list[dict[str, Any]]:
    builder = Builder(seed)
    rows = [builder.text("en") for _ in range(n_en)] + [builder.text("nl") for _ in range(n_nl)]
    for i, row in enumerate(rows):
        row["id"] = i
    return rows


def main() -> None:
    rows = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} texts to {OUT}")


if __name__ == "__main__":
    main()


# Held out: written after the detector was tuned on the sets above, and never tuned on.
HELD_OUT_EN = {
    "note": [
        "Per my call with {person} this morning: she wants the parcel re-sent, number is {phone}.",
        "Note to self - {first} from the Leeds office prefers email ({email}).",
        "Outstanding balance disputed by {person}; see bank details {iban} and card {card}.",
        "Visited {address} to inspect the boiler; tenant {person} was present.",
        "Background check requested for {person} (SSN {nid}, DOB: {dob}).",
    ],
    "ticket": [
        "[P2] {email} reports 502 errors from {ip} when opening {url}",
        "Customer {person} - wrong item in order {!order} - callback {phone}",
        "Fraud alert on {card}: cardholder {person}, last login {ip}.",
        "Address verification failed for {person}: {address}",
    ],
    "email": [
        "Good morning {first},\n\nAs discussed, I attach the form. My mobile is {phone} if anything is unclear.\n\nWarm regards,\n{person}",
        "To whom it may concern,\n\nPlease update the payee account to {iban}.\n\nYours faithfully,\n{person}",
    ],
}
HELD_OUT_NL = {
    "note": [
        "Na het telefoongesprek met {person}: pakket opnieuw versturen, nummer is {phone}.",
        "Notitie - {first} van vestiging Zwolle wil liever mailen ({email}).",
        "Openstaand saldo betwist door {person}; zie rekening {iban} en kaart {card}.",
        "Bezoek aan {address} voor de cv-ketel; huurder {person} was aanwezig.",
        "Screening aangevraagd voor {person} (BSN {nid}, geboortedatum: {dob}).",
    ],
    "ticket": [
        "[P2] {email} meldt 502-fouten vanaf {ip} bij het openen van {url}",
        "Klant {person} - verkeerd artikel in bestelling {!order} - terugbellen {phone}",
        "Adrescontrole mislukt voor {person}: {address}",
    ],
    "email": [
        "Goedemorgen {first},\n\nZoals besproken stuur ik het formulier mee. Mijn mobiele nummer is {phone}.\n\nHartelijke groet,\n{person}",
        "Geachte heer/mevrouw,\n\nWilt u het rekeningnummer wijzigen naar {iban}?\n\nHoogachtend,\n{person}",
    ],
}


def build_held_out(n_en: int = 500, n_nl: int = 500, seed: int = 77) -> list[dict[str, Any]]:
    """Texts from the held-out templates, with other Faker draws (another seed)."""
    builder = Builder(seed)
    rows = [builder.text("en", HELD_OUT_EN) for _ in range(n_en)]
    rows += [builder.text("nl", HELD_OUT_NL) for _ in range(n_nl)]
    for i, row in enumerate(rows):
        row["id"] = i
    return rows
