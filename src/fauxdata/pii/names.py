"""PII by column name: patterns in English, Dutch, German, French, Spanish, Italian and
Portuguese.

A column name is split into path segments (``address__postal_code``,
``address.postalCode``) and tokens (snake_case, camelCase), folded to lower-case ASCII
(``Straße`` -> ``strasse``, ``prénom`` -> ``prenom``) and matched against rules. The
last segment (the leaf) must match; the earlier segments and the table name are context:
``name`` is a person's name on ``customers`` or under ``contact.``, nobody's on
``products``, and a question for the values elsewhere. Rules are ordered from specific to
general, so ``email_address`` is an email before it could be a street address.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

STRONG, MEDIUM, WEAK = 0.85, 0.65, 0.4


@dataclass(frozen=True)
class Rule:
    """One name pattern; ``compound`` rules also match inside a longer word
    (``kundenvorname``), the others only as whole tokens."""

    category: str
    language: str
    pattern: str
    meaning: str
    strength: float = STRONG
    variant: str | None = None
    compound: bool = False
    generic: bool = False
    """Says little on its own (``name``, ``state``): the table or the values decide."""


def _r(cat: str, lang: str, pat: str, meaning: str, **kw: object) -> Rule:
    return Rule(cat, lang, pat, meaning, **kw)  # type: ignore[arg-type]


def words(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string (easier to read and extend)."""
    return frozenset(text.split())


EN, NL, DE, FR, ES = "English", "Dutch", "German", "French", "Spanish"
IT, PT = "Italian", "Portuguese"

# fmt: off
RULES: tuple[Rule, ...] = (
    _r("ip_address", EN, r"ip_?addr(ess)?|ipv[46]|remote_?addr|ip", "IP address"),
    _r("ip_address", NL, r"ip_?adres", "IP address"),
    _r("ip_address", DE, r"ip_?adresse", "IP address"),
    _r("ip_address", ES, r"direccion_ip", "IP address"),
    _r("ip_address", IT, r"indirizzo_ip", "IP address"),
    _r("ip_address", PT, r"endereco_ip", "IP address"),
    _r("email", EN, r"e_?mail(_?addr(ess)?)?|mail", "email address"),
    _r("email", EN, r"emailaddress|email", "email address", compound=True),
    _r("email", NL, r"e_?mail_?adres|emailadres", "email address", compound=True),
    _r("email", DE, r"e_?mail_?adresse|mailadresse", "email address", compound=True),
    _r("email", FR, r"courriel|adresse_(e_)?mail", "email address"),
    _r("email", ES, r"correo(_electronico)?", "email address"),
    _r("email", IT, r"posta_elettronica|indirizzo_(e_?)?mail|pec", "email address"),
    _r("email", PT, r"correio_eletronico|endereco_(de_)?e_?mail", "email address"),
    _r("national_id", EN,
       r"ssn|social_?security(_?(number|no|nr))?",
       "US social security number", variant="US"),
    _r("national_id", EN,
       r"national_?(id|identity|insurance)(_?(number|no|nr))?|nino|"
       r"personal_?id(_?number)?|id_?number|identity_?number",
       "national id number"),
    _r("national_id", NL,
       r"bsn|burgerservicenummer|sofi_?nummer",
       "citizen service number (BSN)", variant="NL", compound=True),
    _r("national_id", DE,
       r"sozialversicherungsnummer|personalausweis(nummer)?|ausweisnummer",
       "social security / identity card number", compound=True),
    _r("national_id", FR,
       r"numero_(de_)?securite_sociale|nir|insee|numero_insee",
       "social security number (NIR)", variant="FR"),
    _r("national_id", ES, r"dni|nie|num_?dni|numero_dni", "identity number (DNI/NIE)", variant="ES"),
    _r("national_id", ES,
       r"numero_(de_)?identidad|documento_(de_)?identidad|seguridad_social|nss|curp",
       "national identity number"),
    _r("national_id", IT,
       r"codice_?fiscale|codicefiscale|cod_?fiscale|cod_?fisc",
       "tax code (codice fiscale)", variant="IT", compound=True),
    _r("national_id", IT, r"carta_(d_)?identita|tessera_sanitaria", "identity card number"),
    _r("national_id", PT, r"cpf", "taxpayer id (CPF)", variant="BR"),
    _r("national_id", PT,
       r"cartao_(de_)?cidadao|bilhete_(de_)?identidade|numero_(de_)?identidade|rg",
       "identity card number"),
    _r("tax_id", EN, r"tax_?(id|number|no|nr)|tin|taxpayer_?id", "tax identification number"),
    _r("tax_id", NL, r"fiscaal_?nummer|rsin", "tax number", compound=True),
    _r("tax_id", DE, r"steuer_?(id|nummer|identifikationsnummer)", "tax number", compound=True),
    _r("tax_id", FR, r"numero_fiscal|spi", "tax number"),
    _r("tax_id", ES, r"nif|numero_(de_)?identificacion_fiscal", "tax number"),
    _r("tax_id", IT, r"partita_?iva|p_?iva", "VAT number (partita IVA)", compound=True),
    _r("tax_id", PT, r"nif|numero_(de_)?contribuinte|cnpj", "tax number"),
    _r("passport", EN, r"passport(_?(number|no|nr))?", "passport number", compound=True),
    _r("passport", NL, r"paspoort(nummer)?", "passport number", compound=True),
    _r("passport", DE, r"reisepass(nummer)?|passnummer", "passport number", compound=True),
    _r("passport", FR, r"passeport", "passport number", compound=True),
    _r("passport", ES, r"pasaporte", "passport number", compound=True),
    _r("passport", IT, r"passaporto", "passport number", compound=True),
    _r("passport", PT, r"passaporte", "passport number", compound=True),
    _r("iban", EN, r"iban", "IBAN", compound=True),
    _r("credit_card", EN,
       r"credit_?card(_?(number|no|nr))?|card_?(number|no|nr|num)|cc_?(number|"
       r"num|no)|ccnum|pan",
       "payment card number"),
    _r("credit_card", NL, r"creditcard(nummer)?|kaartnummer", "card number", compound=True),
    _r("credit_card", DE, r"kreditkarte(nnummer)?|kartennummer", "card number", compound=True),
    _r("credit_card", FR, r"(numero_)?carte_bancaire|numero_(de_)?carte", "card number"),
    _r("credit_card", ES, r"(numero_(de_)?)?tarjeta(_de_credito)?", "card number"),
    _r("credit_card", IT, r"carta_di_credito|numero_(della_)?carta", "card number"),
    _r("credit_card", PT, r"cartao(_de_credito)?|numero_(do_)?cartao", "card number"),
    _r("bank_account", EN,
       r"(bank_?)?account_?(number|no|nr)|bank_?account",
       "bank account number"),
    _r("bank_account", NL,
       r"rekening_?nummer|bankrekening(nummer)?",
       "account number", compound=True),
    _r("bank_account", DE, r"konto_?nummer|bankverbindung", "account number", compound=True),
    _r("bank_account", FR, r"rib|numero_(de_)?compte", "account number"),
    _r("bank_account", ES, r"(numero_(de_)?)?cuenta(_bancaria)?", "account number"),
    _r("bank_account", IT, r"conto_corrente|numero_(di_)?conto", "account number"),
    _r("bank_account", PT, r"conta_(bancaria|corrente)|numero_(da_)?conta", "account number"),
    _r("date_of_birth", EN,
       r"dob|date_?of_?birth|birth_?date|birth_?day|born(_?on)?",
       "date of birth"),
    _r("date_of_birth", EN, r"dateofbirth|birthdate|birthday", "date of birth", compound=True),
    _r("date_of_birth", NL, r"geboortedatum|geboortedag|geboren", "date of birth", compound=True),
    _r("date_of_birth", DE, r"geburtsdatum|geburtstag|geboren", "date of birth", compound=True),
    _r("date_of_birth", FR, r"date_(de_)?naissance|naissance|ne_le", "date of birth"),
    _r("date_of_birth", ES, r"fecha_(de_)?nacimiento|nacimiento", "date of birth"),
    _r("date_of_birth", IT, r"data_(di_)?nascita|datanascita|nascita", "date of birth",
       compound=True),
    _r("date_of_birth", PT, r"(data|dt|dta)_(de_)?nascimento|datanascimento|nascimento",
       "date of birth", compound=True),
    _r("user_name", EN,
       r"user_?name|login(_?name)?|screen_?name|nick_?name|user_?login",
       "user name"),
    _r("user_name", NL, r"gebruikersnaam", "user name", compound=True),
    _r("user_name", DE, r"benutzername", "user name", compound=True),
    _r("user_name", FR, r"nom_(d_)?utilisateur|identifiant|pseudo", "user name"),
    _r("user_name", ES, r"nombre_(de_)?usuario|usuario", "user name"),
    _r("user_name", IT, r"nome_utente", "user name"),
    _r("user_name", PT, r"nome_(de_)?usuario|login", "user name"),
    _r("first_name", EN,
       r"first_?name|given_?name|fore_?name|f_?name|christian_?name",
       "first name"),
    _r("first_name", EN, r"firstname|givenname", "first name", compound=True),
    _r("first_name", NL, r"voornaam|voornamen|roepnaam", "first name", compound=True),
    _r("first_name", DE, r"vorname", "first name", compound=True),
    _r("first_name", FR, r"prenom", "first name", compound=True),
    _r("first_name", ES, r"(primer_)?nombre_de_pila|primer_nombre", "first name"),
    _r("first_name", PT, r"primeiro_nome|prenome", "first name"),
    _r("last_name", EN, r"last_?name|sur_?name|family_?name|l_?name|maiden_?name", "last name"),
    _r("last_name", EN, r"lastname|surname|familyname", "last name", compound=True),
    _r("last_name", NL, r"achternaam|familienaam|geslachtsnaam", "last name", compound=True),
    _r("last_name", DE, r"nachname|familienname|zuname", "last name", compound=True),
    _r("last_name", FR, r"nom_de_famille|nom_famille", "last name"),
    _r("last_name", ES, r"apellidos?|primer_apellido|segundo_apellido", "last name", compound=True),
    _r("last_name", IT, r"cognome", "last name", compound=True),
    _r("last_name", PT, r"sobrenome|ultimo_nome", "last name", compound=True),
    _r("last_name", PT, r"apelido", "surname (Portugal) or nickname (Brazil)", strength=MEDIUM),
    _r("person_name", EN,
       r"full_?name|display_?name|contact_?name|customer_?name|person_?name|"
       r"employee_?name|member_?name|patient_?name|holder_?name|"
       r"cardholder(_?name)?",
       "full name"),
    _r("person_name", NL, r"volledige_naam|klantnaam|naam_klant|tenaamstelling", "full name"),
    _r("person_name", DE, r"vollstandiger_name|kundenname|vollname", "full name"),
    _r("person_name", FR, r"nom_complet|nom_(du_)?client", "full name"),
    _r("person_name", ES, r"nombre_completo|nombre_(del_)?cliente", "full name"),
    _r("person_name", IT,
       r"nome_completo|nome_(del_)?cliente|nominativo|cliente_nome",
       "full name"),
    _r("person_name", PT,
       r"nome_completo|nome_(do_)?cliente|cliente_nome|nome_(do_)?titular",
       "full name"),
    _r("person_name", EN, r"name", "name", strength=MEDIUM, generic=True),
    _r("person_name", NL, r"naam", "name", strength=MEDIUM, generic=True),
    _r("last_name", FR, r"nom", "name (usually the family name)", strength=MEDIUM, generic=True),
    _r("first_name", ES, r"nombre", "name (usually the first name)", strength=MEDIUM, generic=True),
    _r("first_name", IT, r"nome", "name (the first name, next to cognome)", strength=MEDIUM,
       generic=True),
    _r("gender", EN, r"gender|sex", "gender"),
    _r("gender", NL, r"geslacht", "gender"),
    _r("gender", DE, r"geschlecht", "gender"),
    _r("gender", FR, r"sexe", "gender"),
    _r("gender", FR, r"genre", "gender (or genre)", strength=WEAK, generic=True),
    _r("gender", ES, r"sexo|genero", "gender"),
    _r("gender", IT, r"sesso", "gender"),
    _r("phone", EN,
       r"(tele)?phone(_?(number|no|nr))?|tel|mobile(_?number)?|cell(_?phone)?|"
       r"fax|msisdn",
       "telephone number"),
    _r("phone", EN,
       r"phonenumber|telephone|mobilephone|cellphone",
       "telephone number", compound=True),
    _r("phone", NL, r"telefoon(nummer)?|mobiel(_?nummer)?|gsm", "telephone number", compound=True),
    _r("phone", DE,
       r"telefon(nummer)?|handy(nummer)?|mobilnummer|rufnummer",
       "telephone number", compound=True),
    _r("phone", FR, r"telephone|portable|numero_(de_)?telephone", "telephone number"),
    _r("phone", ES, r"telefono|movil|celular", "telephone number"),
    _r("phone", IT, r"(numero_(di_)?)?telefono|cellulare|recapito_telefonico", "telephone number"),
    _r("phone", PT, r"(numero_(de_)?)?telefone|telemovel|celular|fone", "telephone number"),
    _r("postcode", EN, r"zip(_?code)?|zip4|postcode|postal_?code|post_?code", "postal code"),
    _r("postcode", NL, r"postcode", "postal code", variant="NL", compound=True),
    _r("postcode", DE, r"plz|postleitzahl", "postal code", variant="DE"),
    _r("postcode", FR, r"code_postal|cp", "postal code"),
    _r("postcode", ES, r"codigo_postal|cod_postal", "postal code"),
    _r("postcode", IT, r"cap", "postal code (CAP)", strength=MEDIUM, generic=True),
    _r("postcode", PT, r"cep", "postal code (CEP)", variant="BR"),
    _r("street_address", EN,
       r"street(_?(address|name|line))?|address(_?line)?_?[123]?|addr_?[123]?|"
       r"house_?(number|no|nr)|line_?[123]",
       "street address"),
    _r("street_address", NL,
       r"straat(naam)?|adres(regel)?|huisnummer",
       "street address", compound=True),
    _r("street_address", DE,
       r"strasse|anschrift|hausnummer|adresse",
       "street address", compound=True),
    _r("street_address", FR, r"adresse|rue|numero_(de_)?rue", "street address"),
    _r("street_address", ES, r"direccion|calle|domicilio", "street address"),
    _r("street_address", IT,
       r"indirizzo(_residenza)?|numero_civico|civico|residenza",
       "street address", compound=True),
    _r("street_address", PT,
       r"endereco|morada|logradouro|rua|bairro|numero_endereco|complemento_endereco",
       "street address", compound=True),
    _r("city", EN, r"city|town|home_?town", "city"),
    _r("city", NL, r"woonplaats|plaats(naam)?|stad|gemeente", "city", compound=True),
    _r("city", DE, r"wohnort|ort|stadt", "city"),
    _r("city", FR, r"ville|commune", "city"),
    _r("city", ES, r"ciudad|localidad|municipio|poblacion", "city"),
    _r("city", IT, r"citta|comune(_(di_)?residenza)?|localita", "city"),
    _r("city", PT, r"cidade|localidade|municipio|concelho", "city"),
    _r("region", EN, r"state|province|county", "state or province", strength=WEAK, generic=True),
    _r("region", NL, r"provincie", "province", strength=WEAK, generic=True),
    _r("region", DE, r"bundesland", "federal state", strength=WEAK, generic=True),
    _r("region", ES, r"provincia", "province", strength=WEAK, generic=True),
    _r("region", IT, r"regione", "region", strength=WEAK, generic=True),
    _r("region", PT, r"estado|uf|distrito", "state", strength=WEAK, generic=True),
    _r("geolocation", EN,
       r"lat|lon|lng|latitude|longitude|geo_?location|coordinates?",
       "latitude or longitude", strength=MEDIUM),
    _r("geolocation", NL, r"breedtegraad|lengtegraad", "latitude or longitude", strength=MEDIUM),
    _r("geolocation", DE,
       r"breitengrad|langengrad|laengengrad",
       "latitude or longitude", strength=MEDIUM),
    _r("geolocation", ES, r"latitud|longitud", "latitude or longitude", strength=MEDIUM),
    _r("geolocation", IT, r"latitudine|longitudine", "latitude or longitude", strength=MEDIUM),
    _r("age", EN, r"age|age_?years", "age", strength=MEDIUM),
    _r("age", NL, r"leeftijd", "age", strength=MEDIUM),
    _r("age", DE, r"alter", "age", strength=MEDIUM),
    _r("age", ES, r"edad", "age", strength=MEDIUM),
    _r("age", PT, r"idade", "age", strength=MEDIUM),
    _r("salary", EN,
       r"(base_|gross_|net_|annual_)?(salary|wages?|income)|(gross|net)_?pay|"
       r"pay_?rate",
       "salary", strength=MEDIUM),
    _r("salary", NL, r"salaris|inkomen|loon|brutoloon", "salary", strength=MEDIUM),
    _r("salary", DE, r"gehalt|lohn|einkommen", "salary", strength=MEDIUM, compound=True),
    _r("salary", FR, r"salaire|revenu", "salary", strength=MEDIUM),
    _r("salary", ES, r"salario|sueldo|ingresos", "salary", strength=MEDIUM),
    _r("salary", IT, r"stipendio|retribuzione|reddito", "salary", strength=MEDIUM),
    _r("salary", PT, r"renda|rendimento|vencimento", "salary", strength=MEDIUM),
    _r("free_text", EN,
       r"notes?|comments?|remarks?|message|feedback|free_?text",
       "free text", strength=WEAK),
    _r("free_text", NL, r"opmerkingen?|notities?|toelichting", "free text", strength=WEAK),
    _r("free_text", DE,
       r"bemerkung(en)?|kommentare?|notizen?|anmerkung(en)?",
       "free text", strength=WEAK),
    _r("free_text", FR, r"commentaires?|remarques?", "free text", strength=WEAK),
    _r("free_text", ES, r"comentarios?|observaciones|notas?", "free text", strength=WEAK),
    _r("free_text", IT, r"commenti|commento|osservazioni|annotazioni", "free text", strength=WEAK),
    _r("free_text", PT, r"observacoes|observacao|anotacoes", "free text", strength=WEAK),
)
# fmt: on

_COMPILED: tuple[tuple[Rule, re.Pattern[str]], ...] = tuple(
    (rule, re.compile(rf"(?:^|_)(?:{rule.pattern})(?:_|$)")) for rule in RULES
)
_COMPOUND: tuple[tuple[Rule, re.Pattern[str]], ...] = tuple(
    (rule, re.compile(rf"(?:{rule.pattern.replace('_?', '').replace('_', '')})"))
    for rule in RULES
    if rule.compound
)

# Tokens that make a column *about* the data rather than the data itself.
_NOT_THE_VALUE = words(
    "is has count cnt flag verified valid validated opt optin consent sent enabled type "
    "status format length len template changed updated created at domain provider bounced "
    "confirmed prefix ext extension kind category preference pref allowed required country "
    "hash hashed scope mac wallet web url website host server id last date time ts timestamp"
)
_PERSON = words(
    "customer client user person people employee member contact patient student staff author "
    "driver guest passenger subscriber owner applicant candidate holder cardholder recipient "
    "sender buyer tenant visitor lead worker teacher doctor beneficiary account profile "
    "klant gebruiker medewerker werknemer persoon leerling relatie kunde benutzer mitarbeiter "
    "schueler utilisateur employe personne eleve cliente usuario empleado persona alumno "
    "paciente socio utente utenti dipendente dipendenti paziente pazienti studente studenti "
    "persona persone anagrafica funcionario funcionarios pessoa pessoas aluno colaborador "
    "titular"
)
_THING = words(
    "product item department dept category company organisation organization org team store "
    "shop office brand project tag role group file skill course country city region location "
    "warehouse supplier vendor merchant campaign event plan tier segment channel currency "
    "language sku article artikel produkt producto produit categorie kategorie afdeling "
    "abteilung departement departamento bedrijf firma empresa entreprise winkel filiale tienda "
    "magasin branch site asset device service feature table column metric prodotto prodotti "
    "articolo articoli categoria azienda aziende negozio negozi fornitore fornitori reparto "
    "reparti produto loja fornecedor fornecedores"
)
_QUALIFIERS = words(
    "address addr home billing shipping mailing residence residential postal current primary "
    "contact customer person full legal official adres woon adresse domicilio de du del la "
    "le el di da do residenza"
)
_PLACE = words(
    "place plaats lugar lieu ort country land pais pays city stadt ville ciudad luogo local "
    "comune citta cidade naturalidade"
)
_ALWAYS_PERSONAL = frozenset(
    {"national_id", "tax_id", "passport", "iban", "bank_account", "credit_card", "free_text"}
)
"""Mocked wherever they appear: an id or account number is sensitive on any table."""


@dataclass(frozen=True)
class NameHit:
    category: str
    confidence: float
    evidence: str
    variant: str | None = None
    generic: bool = False
    impersonal: bool = False
    """The table or path is about things (``offices.city``): likely not personal data."""


def fold(text: str) -> str:
    """Lower-case ASCII: accents dropped, ``ß`` -> ``ss``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def segments(name: str) -> list[list[str]]:
    """Path segments of a column name, each a list of folded tokens.

    ``address__postalCode`` -> ``[["address"], ["postal", "code"]]``.
    """
    parts = [p for p in re.split(r"__|[./\[\]]", name) if p]
    out = []
    for part in parts:
        spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", part)
        spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", spaced)
        tokens = [t for t in re.split(r"[^a-z0-9]+", fold(spaced)) if t]
        if tokens:
            out.append(tokens)
    return out or [[fold(name)]]


def _kind_of(tokens: list[str]) -> str | None:
    """'person', 'thing' or None for a table name or path segment, plurals included."""
    for token in reversed(tokens):  # the head noun is last: customer_orders is about orders
        stems = {token, token[:-1], token[:-2], token[:-3]} - {""}
        if stems & _PERSON:
            return "person"
        if stems & _THING:
            return "thing"
    return None


def _context(table: str, parents: list[list[str]]) -> tuple[str | None, str]:
    for where, tokens in [
        *(("field", p) for p in reversed(parents)),
        ("table", segments(table)[-1]),
    ]:
        kind = _kind_of(tokens)
        if kind:
            return kind, f"{where} '{'_'.join(tokens)}'"
    return None, ""


def _applies(rule: Rule, leaf: list[str], word: str) -> bool:
    """Rule-specific vetoes: a generic word must stand alone or with address qualifiers
    (``state``, ``home_state``, not ``order_state``); a birth word next to a place word
    is the place of birth, not the date."""
    rest = set(leaf) - set(word.split("_"))
    if rest & _NOT_THE_VALUE:
        return False
    if rule.generic:
        return rest <= _QUALIFIERS
    if rule.category == "date_of_birth":
        return not rest & _PLACE
    return True


def _first_rule(leaf: list[str]) -> tuple[Rule, str] | None:
    joined, squashed = "_".join(leaf), "".join(leaf)
    for rule, pattern in _COMPILED:
        m = pattern.search(joined)
        if m and _applies(rule, leaf, word := m.group(0).strip("_")):
            return rule, word
    for rule, pattern in _COMPOUND:
        m = pattern.search(squashed)
        if m and _applies(rule, leaf, m.group(0)):
            return rule, m.group(0)
    return None


def match_name(table: str, column: str) -> NameHit | None:
    """The PII category a column's name points to, with a confidence, or None."""
    parts = segments(column)
    leaf, parents = parts[-1], parts[:-1]
    hit = _first_rule(leaf)
    if hit is None:
        return None
    rule, word = hit
    evidence = f"name matches '{word}' ({rule.language}: {rule.meaning})"
    kind, where = _context(table, parents)
    confidence = rule.strength
    if rule.generic:
        if kind == "thing":
            return None
        if kind == "person":
            confidence = min(STRONG, confidence + 0.1)
            evidence += f"; {where} is about people"
        else:
            confidence = WEAK
    elif rule.category not in _ALWAYS_PERSONAL and kind == "thing":
        confidence *= 0.6
        evidence += f"; {where} is not about people"
    impersonal = kind == "thing"
    return NameHit(rule.category, confidence, evidence, rule.variant, rule.generic, impersonal)
