"""The fixed ingredients of the demo clinic: names, professions, services, hours.

Everything that could reach a real person is fictional by construction:
e-mail addresses use the reserved example.com/.org/.net domains and the
.test and .example top-level domains (RFC 2606, RFC 6761), and telephone
numbers come from the ranges Ofcom reserves for drama, so a demo database
that is accidentally given a real mail server or SMS gateway contacts nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

CLINIC_NAME = "Riverside Therapy & Dental"
CLINIC_TIMEZONE = "Europe/London"
CURRENCY = "GBP"
MEETING_BASE_URL = "https://meet.example.com/riverside"
STAFF_DOMAIN = "demo.clinicdesk.test"
DEMO_PASSWORD = "demo-password"

FIRST_NAMES = (
    "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Mia", "Noah", "Grace",
    "Leo", "Freya", "Arthur", "Lily", "Oscar", "Ella", "Charlie", "Emily", "Thomas", "Poppy",
    "James", "Sophie", "William", "Evie", "Henry", "Alice", "Alfie", "Florence", "Joshua",
    "Chloé", "Zoë", "Renée", "Noémie", "Inès", "José", "María", "Lucía", "Sofía", "Iñaki",
    "Łukasz", "Agnieszka", "Małgorzata", "Paweł", "Zofia", "Krzysztof", "Siân", "Rhys",
    "Seren", "Dafydd", "Aoife", "Niamh", "Seán", "Dónal", "Siobhán", "Ciarán", "Eilidh",
    "Callum", "Morag", "Hamish", "Priya", "Aarav", "Ananya", "Rohan", "Sunita", "Arjun",
    "Fatima", "Omar", "Aisha", "Yusuf", "Zainab", "Bilal", "Amira", "Kwame", "Ama", "Chidi",
    "Ngozi", "Oluwaseun", "Adaeze", "Tunde", "Mei", "Wei", "Hana", "Kenji", "Linh", "Minh",
    "François", "Jérôme", "Hélène", "Anaïs", "Björn", "Søren", "Ingrid", "Åsa", "Jürgen",
    "Jörg", "Anneliese", "Ömer", "Çağla", "Elif", "Giulia", "Matteo", "Chiara", "João",
    "Gonçalo", "Beatriz", "Dimitra", "Nikos", "Eleni", "Tomás", "Ana", "Lars", "Katarzyna",
    "Rosa", "Imogen", "Hugo", "Ruby", "Theo", "Maisie", "Elliot", "Harriet", "Samuel",
    "Esme", "Daniel", "Matilda", "Benjamin", "Phoebe", "Lewis", "Erin", "Ryan", "Holly",
)  # fmt: skip

SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Roberts", "Johnson", "Lewis", "Walker", "Robinson", "Wood", "Thompson", "White",
    "Watson", "Jackson", "Wright", "Green", "Harris", "Cooper", "King", "Lee", "Martin",
    "Clarke", "James", "Morgan", "Hughes", "Edwards", "Hill", "Moore", "Clark", "Harrison",
    "Scott", "Young", "Morris", "Hall", "Ward", "Turner", "Carter", "Phillips", "Mitchell",
    "Patel", "Adams", "Campbell", "Anderson", "Allen", "Cook", "Bailey", "Parker", "Miller",
    "Murphy", "Price", "Bell", "Baker", "Griffiths", "Kelly", "Simpson", "Marshall",
    "Collins", "Bennett", "Cox", "Richardson", "Fox", "Gray", "Rose", "Chapman", "Hunt",
    "Robertson", "Shaw", "Reynolds", "Lloyd", "Ellis", "Richards", "Russell", "Wilkinson",
    "Khan", "Begum", "Ahmed", "Hussain", "Ali", "Shah", "Singh", "Kaur", "Sharma", "Gupta",
    "Okafor", "Adeyemi", "Mensah", "Osei", "Eze", "Nguyen", "Tran", "Chen", "Wang", "Li",
    "Tanaka", "O'Brien", "O'Connor", "MacDonald", "McKenzie", "Fraser", "Ó Briain",
    "Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Dąbrowski", "Lewandowska", "Müller",
    "Schäfer", "Köhler", "Weiß", "Núñez", "García", "Fernández", "Rodríguez", "Gonçalves",
    "Conceição", "Ferreira", "Rossi", "Russo", "Esposito", "Dubois", "Lefèvre", "Girard",
    "Bjørnsen", "Håkansson", "Öztürk", "Yılmaz", "Şahin", "Papadopoulos", "Dvořák",
    "Novák", "Horváth", "Ivanova", "Petrov", "Jankowski", "Llewellyn", "Pritchard",
)  # fmt: skip

# Ofcom's drama ranges: numbers set aside for fiction, never given to anyone.
PHONE_RANGES = (
    ("07700 900", 1000, 3),
    ("01632 960", 1000, 3),
    ("020 7946 0", 1000, 3),
    ("0113 496 0", 1000, 3),
    ("0117 496 0", 1000, 3),
    ("0121 496 0", 1000, 3),
    ("0131 496 0", 1000, 3),
    ("0141 496 0", 1000, 3),
    ("0161 496 0", 1000, 3),
    ("0191 498 0", 1000, 3),
    ("029 2018 0", 1000, 3),
)

EMAIL_DOMAINS = ("example.com", "example.org", "example.net")

STREETS = (
    "Mill Lane", "Willow Road", "Church Street", "Station Road", "Riverside Walk",
    "Kingfisher Close", "Orchard Way", "Victoria Terrace", "Elm Grove", "Ferry Lane",
    "Bridge Street", "Meadow View", "Chapel Row", "Wharf Road", "Tannery Yard",
)  # fmt: skip
TOWN = "Riverside"

REFERRAL_SOURCES = ("GP referral", "Self-referral", "Employer", "Friend or family", "Insurer")
INTAKE_CONCERNS = (
    "Low mood since a bereavement",
    "Work-related stress and poor sleep",
    "Panic attacks when commuting",
    "Relationship difficulties",
    "Lower back pain after lifting",
    "Knee pain when running",
    "Nervous about dental treatment",
    "Sensitive teeth",
)
CLIENT_NOTES = (
    "Prefers morning appointments.",
    "Prefers to be contacted by e-mail.",
    "Wheelchair user: book a ground-floor room.",
    "Please call on arrival; hard of hearing.",
    "Needs an interpreter for the first session.",
)

CANCEL_REASONS_CLIENT = (
    "Client unwell",
    "Work commitment",
    "Childcare problem",
    "Transport problems",
    "Client asked to rebook by phone",
)
CANCEL_REASONS_PRACTITIONER = ("Practitioner unwell", "Practitioner on training")

SESSION_NOTES = (
    "Reviewed the week's mood diary; sleep is improving. Agreed to continue the wind-down routine.",
    "Worked on the thought record from last session. Client identified two triggers.",
    "Grief work: talked about the anniversary coming up; plan for the day agreed.",
    "Exposure hierarchy revisited; client managed step 3 between sessions.",
    "Relationship patterns explored; homework: notice when withdrawing in conflict.",
    "Progress good; discussed spacing sessions to fortnightly.",
)


@dataclass(frozen=True)
class ServiceSpec:
    key: str
    name: str
    duration_min: int
    price_cents: int
    price_credits: int | None
    colour: str
    is_online: bool = False


SERVICES = (
    ServiceSpec("intake", "Intake assessment", 60, 9000, 1, "#5c6bc0"),
    ServiceSpec("individual", "Individual session", 50, 7500, 1, "#42a5f5"),
    ServiceSpec("couples", "Couples session", 80, 11000, 2, "#ab47bc"),
    ServiceSpec("partner", "Partner session", 25, 4500, 1, "#26a69a"),
    ServiceSpec("online", "Online individual session", 50, 7000, 1, "#29b6f6", True),
    ServiceSpec("checkup", "Dental check-up", 30, 5500, None, "#66bb6a"),
    ServiceSpec("filling", "Dental filling", 45, 12000, None, "#9ccc65"),
    ServiceSpec("emergency", "Emergency dental visit", 20, 8500, None, "#ef5350"),
    ServiceSpec("hygiene", "Hygiene appointment", 45, 7000, None, "#26c6da"),
    ServiceSpec("scale", "Scale and polish", 30, 5000, None, "#80deea"),
    ServiceSpec("physio_assess", "Physiotherapy assessment", 45, 7000, 1, "#ffa726"),
    ServiceSpec("physio_follow", "Physiotherapy follow-up", 30, 5000, 1, "#ffcc80"),
)


@dataclass(frozen=True)
class ProfessionSpec:
    name: str
    # Service keys with their relative frequency in this profession's diary;
    # 0: offered, but booked only by partner organisations' employees.
    services: tuple[tuple[str, int], ...]
    specialisations: tuple[str, ...]
    licence_prefix: str
    rate_cents: int
    # Each practitioner gets their own: "Room 1", "Room 2"...
    room_kind: str
    slot_interval_min: int
    buffer_after_min: int
    bio: str


PROFESSIONS = {
    "psychotherapist": ProfessionSpec(
        "Psychotherapist",
        (("individual", 60), ("online", 15), ("couples", 10), ("intake", 15), ("partner", 0)),
        ("Anxiety", "Depression", "Trauma and PTSD", "OCD", "CBT", "EMDR", "Couples work"),
        "UKCP ",
        6500,
        "Room",
        15,
        10,
        "{first} is a UKCP-registered psychotherapist with {years} years of practice, "
        "working with adults on {spec}.",
    ),
    "counsellor": ProfessionSpec(
        "Counsellor",
        (("individual", 70), ("online", 15), ("intake", 15), ("partner", 0)),
        ("Bereavement", "Workplace stress", "Relationships", "Self-esteem", "Anxiety"),
        "BACP ",
        5500,
        "Room",
        15,
        10,
        "{first} is a BACP-accredited counsellor ({years} years) with a particular "
        "interest in {spec}.",
    ),
    "dentist": ProfessionSpec(
        "Dentist",
        (("checkup", 55), ("filling", 30), ("emergency", 15)),
        ("General dentistry", "Nervous patients", "Restorative dentistry", "Children"),
        "GDC ",
        9000,
        "Surgery",
        15,
        0,
        "{first} has been a dentist for {years} years and is known for gentle care of {spec}.",
    ),
    "hygienist": ProfessionSpec(
        "Dental hygienist",
        (("hygiene", 60), ("scale", 40)),
        ("Periodontal care", "Preventive care", "Nervous patients"),
        "GDC ",
        6000,
        "Surgery",
        15,
        0,
        "{first} is a dental hygienist ({years} years) focusing on {spec}.",
    ),
    "physiotherapist": ProfessionSpec(
        "Physiotherapist",
        (("physio_follow", 70), ("physio_assess", 30)),
        ("Sports injuries", "Back pain", "Post-operative rehabilitation", "Neck and shoulder"),
        "HCPC PH",
        6000,
        "Gym",
        15,
        5,
        "{first} is an HCPC-registered physiotherapist with {years} years in {spec}.",
    ),
}

# The small clinic's practitioners, in account order (p01, p02, ...); the
# last two are one application still waiting and one suspension.
SMALL_PRACTITIONERS = (
    "psychotherapist",
    "psychotherapist",
    "counsellor",
    "counsellor",
    "dentist",
    "hygienist",
    "physiotherapist",
    "dentist",
    "counsellor",
    "physiotherapist",
)
# Relative share of each profession in the large clinic.
LARGE_PROFESSION_WEIGHTS = (
    ("psychotherapist", 25),
    ("counsellor", 25),
    ("dentist", 20),
    ("hygienist", 10),
    ("physiotherapist", 20),
)

LANGUAGES = (
    "Polish", "Spanish", "Welsh", "Urdu", "Portuguese", "French", "Punjabi", "Gujarati",
    "Arabic", "Italian", "German", "Mandarin", "Yoruba", "Turkish", "Irish",
)  # fmt: skip

COLOURS = (
    "#e57373", "#f06292", "#ba68c8", "#9575cd", "#7986cb", "#64b5f6", "#4fc3f7", "#4dd0e1",
    "#4db6ac", "#81c784", "#aed581", "#dce775", "#ffd54f", "#ffb74d", "#ff8a65", "#a1887f",
)  # fmt: skip


def _t(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class HoursPattern:
    weekdays: tuple[int, ...]
    blocks: tuple[tuple[time, time], ...]


# Typical weekly hours; several blocks a day with a lunch break between.
HOURS_PATTERNS = (
    HoursPattern((0, 1, 2, 3, 4), ((_t("09:00"), _t("12:30")), (_t("13:30"), _t("17:00")))),
    HoursPattern((0, 1, 3), ((_t("10:00"), _t("13:00")), (_t("14:00"), _t("19:00")))),
    HoursPattern((1, 2, 3, 4, 5), ((_t("08:30"), _t("12:00")), (_t("12:45"), _t("16:00")))),
    HoursPattern((0, 2, 4), ((_t("08:00"), _t("12:00")), (_t("13:00"), _t("18:00")))),
    HoursPattern((0, 1, 2, 3), ((_t("12:00"), _t("15:30")), (_t("16:00"), _t("20:00")))),
)
# The small clinic's pattern for each practitioner, in SMALL_PRACTITIONERS order.
SMALL_HOURS = (0, 1, 2, 4, 0, 3, 2, 1, 0, 0)

PARTNER_ORGANISATIONS = (
    ("Thameside Logistics Ltd", "Priya Shah", "thameside.example"),
    ("Northbank Software", "Tom Fraser", "northbank.example"),
    ("Harbour Housing Association", "Ngozi Eze", "harbourhousing.example"),
    ("Greenway Supermarkets", "Lars Bjørnsen", "greenway.example"),
    ("Castle Street Solicitors", "Hélène Girard", "castlestreet.example"),
    ("Pennine Engineering", "Callum Fraser", "pennine.example"),
    ("Westfield Academy Trust", "Aisha Khan", "westfield.example"),
    ("Bright Spark Energy", "Mei Chen", "brightspark.example"),
    ("Oakleaf Insurance", "Dafydd Llewellyn", "oakleaf.example"),
    ("Meridian Hotels", "Giulia Rossi", "meridian.example"),
)

CREDIT_PACKS = (
    # name, credits, price in pence, validity in months
    ("Single session", 1, 7500, 3),
    ("Five sessions", 5, 34000, 6),
    ("Ten sessions", 10, 64000, 12),
)
