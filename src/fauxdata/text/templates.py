"""Sentence templates for generated notes, tickets and emails, in English and Dutch.

A slot in braces is an identifier of that entity type (``{person}``, ``{email}``, ...)
or filler (``{first}`` is the person's first name, ``{order}`` an order number, ``{day}``
a weekday). The generator picks, per row, a template whose identifier slots are all
among the entities asked for.
"""

from __future__ import annotations

TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "note": (
            "Spoke with {person} on {day} about order {order}; promised a call back on {phone}.",
            "{person} called to update the email address to {email}.",
            "Customer {person} asked for the invoice to be sent to {email}.",
            "Left a message for {first} on {phone} about the late delivery.",
            "{person} moved to {address}; shipping profile updated.",
            "Verified {person} by date of birth {dob} before discussing the account.",
            "Refund for order {order} goes to {iban}, as {first} requested.",
            "Card {card} declined twice; {person} will try another card.",
            "SSN {nid} on the form of {person} did not match our records.",
            "Login for {email} came from {ip}; asked {first} to reset the password.",
            "{person} shared a screenshot from {url} showing the wrong total.",
            "Follow-up with {person} ({phone}) scheduled for {day}.",
        ),
        "ticket": (
            "User {email} cannot log in since {day}. Last seen from {ip}.",
            "Reported by {person} <{email}>: checkout fails for order {order}.",
            "Please change the delivery address of {person} to {address}.",
            "Caller {person}, phone {phone}, wants order {order} cancelled.",
            "Chargeback on card {card} for order {order}; customer {person}.",
            "Account of {person}, born {dob}, locked after three attempts.",
            "Bank account change requested by {first}: new IBAN {iban}.",
            "Webhook from {ip} failed; payload at {url}.",
            "Identity check: {person}, SSN {nid}, needs manual review.",
            "Escalated to {person}; customer reachable on {phone}.",
        ),
        "email": (
            "Dear {person},\n\nThank you for order {order}. We will call you on {phone} to plan the delivery.\n\nKind regards,\nCustomer Service",
            "Hi {first},\n\nYour refund was sent to {iban}. Questions? Reply to this email or write to {email}.\n\nBest,\nSupport",
            "Dear {person},\n\nWe have noted your new address: {address}.\n\nSincerely,\nCustomer Service",
            "Hello {first},\n\nPlease confirm your date of birth ({dob}) so we can unlock your account.\n\nThanks,\nSupport",
            "Dear {person},\n\nThe card ending in {card} was charged for order {order}.\n\nKind regards,\nBilling",
        ),
    },
    "nl": {
        "note": (
            "Gesproken met {person} op {day} over bestelling {order}; terugbellen op {phone}.",
            "{person} belde om het e-mailadres te wijzigen naar {email}.",
            "Klant {person} wil de factuur ontvangen op {email}.",
            "Voicemail ingesproken voor {first} op {phone} over de late levering.",
            "{person} is verhuisd naar {address}; verzendprofiel bijgewerkt.",
            "{person} geverifieerd met geboortedatum {dob} voor het gesprek over het account.",
            "Terugbetaling van bestelling {order} naar {iban}, op verzoek van {first}.",
            "Kaart {card} twee keer geweigerd; {person} probeert een andere kaart.",
            "BSN {nid} op het formulier van {person} komt niet overeen.",
            "Inlog voor {email} vanaf {ip}; {first} gevraagd het wachtwoord te resetten.",
            "{person} stuurde een schermafbeelding van {url} met het verkeerde totaal.",
            "Opvolging met {person} ({phone}) gepland op {day}.",
        ),
        "ticket": (
            "Gebruiker {email} kan sinds {day} niet inloggen. Laatst gezien vanaf {ip}.",
            "Gemeld door {person} <{email}>: afrekenen mislukt voor bestelling {order}.",
            "Graag het bezorgadres van {person} wijzigen naar {address}.",
            "Beller {person}, telefoon {phone}, wil bestelling {order} annuleren.",
            "Terugboeking op kaart {card} voor bestelling {order}; klant {person}.",
            "Account van {person}, geboren {dob}, geblokkeerd na drie pogingen.",
            "Wijziging rekening aangevraagd door {first}: nieuwe IBAN {iban}.",
            "Webhook vanaf {ip} mislukt; inhoud op {url}.",
            "Identiteitscontrole: {person}, BSN {nid}, handmatig beoordelen.",
            "Doorgestuurd naar {person}; klant bereikbaar op {phone}.",
        ),
        "email": (
            "Beste {person},\n\nBedankt voor bestelling {order}. We bellen u op {phone} om de levering te plannen.\n\nMet vriendelijke groet,\nKlantenservice",
            "Hallo {first},\n\nUw terugbetaling is overgemaakt naar {iban}. Vragen? Mail naar {email}.\n\nGroeten,\nSupport",
            "Beste {person},\n\nWe hebben uw nieuwe adres genoteerd: {address}.\n\nMet vriendelijke groet,\nKlantenservice",
            "Hallo {first},\n\nWilt u uw geboortedatum ({dob}) bevestigen zodat we uw account kunnen ontgrendelen?\n\nBedankt,\nSupport",
            "Beste {person},\n\nDe kaart eindigend op {card} is belast voor bestelling {order}.\n\nMet vriendelijke groet,\nFacturatie",
        ),
    },
}

ENTITY_SLOTS = {
    "person": "person",
    "first": "person",
    "email": "email",
    "phone": "phone",
    "iban": "iban",
    "card": "credit_card",
    "nid": "national_id",
    "ip": "ip",
    "url": "url",
    "address": "address",
    "dob": "date_of_birth",
}
"""Slot -> the entity type it mentions (``first`` is part of the person)."""

FILLER_SLOTS = ("order", "day")
