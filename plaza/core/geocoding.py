"""Geocoding: what a typed address means as a point (the jurisdiction's gazetteer first, then Nominatim if set up).

Addresses are compared by a normalised key, the same for what an admin imports and what a resident
types: case and accents folded, punctuation and little words ("de", "of") dropped, street types
("av.", "avda", "avenida", "avenue") set aside, the rest run together so that "Sejong-daero",
"Sejong daero" and "sejongdaero" are one street. The house number is its own key ("45", "45b", "12-3").
A key the gazetteer does not hold is matched by prefix or despite a typo (`name_similarity`), and the
places found are offered for the resident to confirm, never taken as the answer.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rapidfuzz.fuzz import ratio

from plaza.core.geo import Point, make_point
from plaza.core.search import fold

# Street types and their abbreviations, in the languages of the network's jurisdictions. A type is set
# aside from the key (people often leave it out: "Alcalá 45") and used to choose among homonyms.
STREET_TYPES: dict[str, tuple[str, ...]] = {
    "avenida": ("avenida", "avda", "av", "avd", "avenue", "ave", "avinguda"),
    "calle": ("calle", "c", "cl", "cll", "carrer"),
    "street": ("street", "st", "str"),
    "road": ("road", "rd"),
    "rue": ("rue",),
    "rua": ("rua",),
    "boulevard": ("boulevard", "blvd", "bd", "bvd", "bulevar", "boulevar"),
    "paseo": ("paseo", "pso", "po", "passeig"),
    "plaza": ("plaza", "pza", "plz", "pl", "place", "praca", "placa", "square", "sq"),
    "carrera": ("carrera", "cra", "kr", "cr"),
    "carretera": ("carretera", "ctra"),
    "ronda": ("ronda", "rda"),
    "travesia": ("travesia", "trva"),
    "camino": ("camino", "cno"),
    "glorieta": ("glorieta", "gta"),
    "drive": ("drive", "dr"),
    "lane": ("lane", "ln"),
    "alameda": ("alameda",),
    "via": ("via",),
}
_TYPE_OF = {alias: canonical for canonical, aliases in STREET_TYPES.items() for alias in aliases}
LITTLE_WORDS = frozenset(
    [
        "de",
        "del",
        "la",
        "las",
        "los",
        "el",
        "d",
        "l",
        "of",
        "the",
        "du",
        "des",
        "le",
        "les",
        "da",
        "do",
        "dos",
        "das",
        "di",
        "y",
        "e",
        "et",
        "and",
    ]
)
# "n 45", "nº 45", "no. 45", "num. 45": the marker goes, the number stays.
NUMBER_MARKERS = frozenset({"n", "no", "num", "numero", "nr", "nro"})
_NUMBER = re.compile(r"^(\d{1,6})(?:-(\d{1,6}))?([a-z]|bis|ter)?$")
_POSTCODE = re.compile(r"^\d{4,6}$")


# Korean road names hold a number before their suffix ("Myeongdong 8-gil", "Teheran-ro 87-gil"): part of the name.
ROAD_SUFFIXES = frozenset({"gil", "ro", "daero", "beongil"})


def number_key(text: str) -> str:
    """'45', '45 B', '45-b', '045' → '45', '45b', '45b', '45'; '12-3' (a main and a sub-number) stays."""
    raw = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "").casefold())
    if re.fullmatch(r"\d+-(?:[a-z]|bis|ter)", raw):
        raw = raw.replace("-", "")
    found = _NUMBER.match(raw)
    if found is None:
        return ""
    digits, lot, suffix = found.groups()
    key = str(int(digits)) + (f"-{int(lot)}" if lot else "")
    return key + (suffix or "")


def number_value(key: str) -> int | None:
    found = re.match(r"\d+", key or "")
    return int(found.group()) if found else None


def _street_words(text: str) -> tuple[list[str], str]:
    """The significant words of a street or place name, and its street type ('' if none)."""
    words = [w for w in fold(text.replace("/", " ")).split() if w not in LITTLE_WORDS]
    kept, street_type = [], ""
    for word in words:
        if word in _TYPE_OF:
            street_type = street_type or _TYPE_OF[word]
        else:
            kept.append(word)
    return (kept or words), street_type  # a name made only of types ("Rambla", "Plaza") keeps them


def street_key(text: str) -> str:
    """'Calle de Alcalá' → 'alcala'; 'Sejong-daero' → 'sejongdaero'; 'Puerta del Sol' → 'puertasol'."""
    return "".join(_street_words(text)[0])[:200]


def street_type(text: str) -> str:
    return _street_words(text)[1]


street_key_of, number_key_of = street_key, number_key  # for derived_address_id, whose arguments shadow them


def _joined_road_numbers(words: list[str]) -> list[str]:
    """["myeongdong", "8", "gil", "27"] → ["myeongdong", "8gil", "27"]: the 8 names the road, 27 is the number."""
    joined: list[str] = []
    for word in words:
        if word in ROAD_SUFFIXES and joined and joined[-1].isdigit():
            joined[-1] += word
        else:
            joined.append(word)
    return joined


def locality(*, postcode: str, city: str, district: str) -> str:
    """'Centro, 28014 Madrid': the part of a label after the street and number."""
    town = " ".join(p for p in (postcode, city) if p)
    parts = [district] if district and district != city else []
    return ", ".join(parts + ([town] if town else []))


def derived_address_id(
    *, kind: str, street_key: str, number_key: str, street_type: str, street: str, number: str, **where: str
) -> str:
    """A gazetteer entry's id when its source gives none: a hash of the normalised address (not of its point,
    so a corrected point keeps the id). `where`: unit, postcode, city, district, region."""
    parts = [kind, street_key, number_key, street_type]
    if kind == "place":  # two places of one name are told apart by their address
        parts += [street_key_of(street), number_key_of(number)]
    parts += [fold(where.get(k, "")) for k in ("unit", "postcode", "city", "district", "region")]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


# Below this a typed key is too short to match by prefix or despite a typo (too many streets would answer).
MIN_FUZZY_KEY = 3
# A key at least this similar (0-100, `name_similarity`) to the typed one is offered as what was meant.
FUZZY_CUTOFF = 75.0


def name_similarity(typed: str, key: str) -> float:
    """How much a gazetteer key looks like a typed one (0-100): the better of the whole key (a typo: 'alcla'
    and 'alcala' score 91) and its start (a prefix, a little lower than a whole match: 'alca' → 'alcala' 95).
    Compared as decomposed characters, so that a Hangul syllable with one wrong vowel is one letter off."""
    typed, key = unicodedata.normalize("NFD", typed), unicodedata.normalize("NFD", key)
    whole = ratio(typed, key)
    start = ratio(typed, key[: len(typed)]) * 0.95 if len(typed) >= MIN_FUZZY_KEY + 1 else 0.0
    return max(whole, start)


@dataclass(frozen=True)
class AddressQuery:
    """A typed address taken apart: the street (or place) key, its type, the house number, and hints
    (postcode, city, district words) that choose among homonyms."""

    street_key: str
    street_type: str
    number_key: str
    place_key: str
    hints: tuple[str, ...] = ()


def parse_address(text: str) -> AddressQuery:
    """Read "Calle de Alcalá 45, 28014 Madrid", "45 Calle Alcalá", "Sejong-daero 110 Jung-gu" or "Plaza Mayor"."""
    first, _sep, rest = (text or "").partition(",")
    words = _joined_road_numbers(fold(first.replace("/", " ")).split())
    hints = fold(rest).split()
    if not any(_NUMBER.match(w) for w in words):  # "C/ Alcalá, 45": the number after the comma
        lead = hints[1:2] if hints[:1] and hints[0] in NUMBER_MARKERS else hints[:1]
        # "Alcalá, 28014 Madrid" gives a postcode and its town; "Alcalá, 1000" a house number.
        postcode = bool(lead) and _POSTCODE.match(lead[0]) and len(fold(rest.split(",")[0]).split()) > len(lead)
        if lead and _NUMBER.match(lead[0]) and not postcode:
            cut = hints.index(lead[0]) + 1
            words, hints = words + lead, hints[cut:]
    position = next(
        (i for i, w in enumerate(words) if _NUMBER.match(w) and not (i == 0 and len(words) == 1)),
        None,
    )
    number, street_words = "", words
    if position is not None:
        number = number_key(words[position])
        sub = re.search(rf"(?<!\d){words[position]}\s*-\s*(\d+)(?!\d)", first) if position + 1 < len(words) else None
        if sub and words[position + 1] == sub.group(1):  # "12-3": a main and a sub-number
            number, words = f"{number}-{int(sub.group(1))}", words[: position + 1] + words[position + 2 :]
        after = words[position + 1 :]
        suffix = after[:1] == ["bis"] or after[:1] == ["ter"] or (len(after) == 1 and len(after[0]) == 1)
        if suffix and after[0].isalpha() and number.isdigit():  # "45 bis", "Alcalá 45-b"
            number, after = number + after[0], after[1:]
        before = words[:position]
        if before and before[-1] in NUMBER_MARKERS:
            before = before[:-1]
        if before:  # "Alcalá 45 Madrid": the street, then the number, then the town
            street_words, hints = before, after + hints
        else:  # "10 Downing Street"
            street_words = after
    street = " ".join(street_words)
    return AddressQuery(
        street_key=street_key(street),
        street_type=street_type(street),
        number_key=number,
        place_key=street_key(first),
        hints=tuple(hints),
    )


@dataclass(frozen=True)
class Candidate:
    """A place a typed address may mean."""

    label: str
    point: Point
    source: str  # "gazetteer", "nominatim" or "choice"
    address_id: str = ""  # the gazetteer entry's (Open311 address_id); none for other sources
    approximate: bool = False  # a house number placed between two known ones on its street


@dataclass
class Geocoded:
    """The answer: candidates (best first), whether they match exactly, and a message for the resident."""

    candidates: list[Candidate] = field(default_factory=list)
    exact: bool = False
    message: str = ""

    @property
    def single(self) -> Candidate | None:
        """The one place meant, when there is no doubt."""
        return self.candidates[0] if self.exact and len(self.candidates) == 1 else None


def can_geocode(jurisdiction) -> bool:
    """Whether typed addresses can be looked up here at all (a gazetteer, or Nominatim)."""
    from plaza.core import nominatim
    from plaza.core.queries import gazetteer

    return nominatim.is_configured() or gazetteer.entries(jurisdiction).exists()


def geocode(jurisdiction, text: str) -> Geocoded:
    """The places `text` may mean in the jurisdiction: its gazetteer first, then Nominatim when configured."""
    from plaza.core import nominatim  # both import this module's types
    from plaza.core.queries import gazetteer

    text = (text or "").strip()
    if len(text) < 3:
        return Geocoded(message=_("Type a longer address."))
    found = gazetteer.search(jurisdiction, parse_address(text))
    if found.exact:
        return found
    if nominatim.is_configured():
        answer = nominatim.search(jurisdiction, text)
        if answer.candidates or not found.candidates:
            return answer  # its places, or why it has none ("not found", "did not answer")
    if found.candidates or found.message:
        return found  # the gazetteer's near misses (other numbers on the street) or its question
    return Geocoded(
        message=_("We could not find “%(address)s”. Check it, give coordinates or pick the place on the map.")
        % {"address": text}
    )


def locate_address(jurisdiction, text: str) -> tuple[Point | None, str]:
    """For clients that cannot be asked (the JSON API, Open311): the point and label when the address means
    exactly one place, else no point and the text as given."""
    found = locate(jurisdiction, text)
    return (found.point, found.label) if found else (None, (text or "").strip())


def locate(jurisdiction, text: str) -> Candidate | None:
    """The one place a typed address means without doubt (its gazetteer `address_id` too), else None."""
    text = (text or "").strip()
    if not text or not can_geocode(jurisdiction):
        return None
    return geocode(jurisdiction, text).single


def address_by_id(jurisdiction, address_id: str) -> Candidate | None:
    """The gazetteer entry with this `address_id` (Open311's), as a candidate; None if there is none."""
    from plaza.core.queries import gazetteer

    return gazetteer.by_address_id(jurisdiction, address_id)


def nearest_address(jurisdiction, point: Point | None, *, within_m: float = 100) -> tuple[str, int] | None:
    """The gazetteer's address nearest a point (its label and distance in metres), or None."""
    from plaza.core.queries import gazetteer

    if point is None:
        return None
    return gazetteer.nearest(jurisdiction, point, within_m=within_m)


# A resident's choice among candidates travels in the form as a signed value bound to the text it answers:
# nothing is kept on the server between the question and the answer, and a choice cannot be forged.
_CHOICE_SALT = "plaza.geocoding.choice"


def sign_choice(text: str, candidate: Candidate) -> str:
    data = [text.strip(), candidate.label, round(candidate.point.latitude, 7), round(candidate.point.longitude, 7)]
    # No timestamp: the same place answers the same text with the same value, so a re-shown list keeps its mark.
    return signing.Signer(salt=_CHOICE_SALT).sign_object(data, compress=True)


def read_choice(text: str, value: str) -> Candidate | None:
    """The candidate a signed choice names, if it answers this same text (else None: geocode again)."""
    if not value:
        return None
    try:
        answered, label, latitude, longitude = signing.Signer(salt=_CHOICE_SALT).unsign_object(value)
        point = make_point(float(latitude), float(longitude))
    except (signing.BadSignature, ValueError, TypeError, ValidationError):
        return None
    if answered != (text or "").strip():
        return None
    return Candidate(label=str(label), point=point, source="choice")
