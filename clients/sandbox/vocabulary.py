"""Word lists and places the generator draws names from."""

from __future__ import annotations

from dataclasses import dataclass

ADJECTIVES = (
    "Amber",
    "Ashen",
    "Blue",
    "Bright",
    "Broken",
    "Burning",
    "Careless",
    "Cold",
    "Crimson",
    "Crystal",
    "Dark",
    "Distant",
    "Electric",
    "Empty",
    "Endless",
    "Faded",
    "Fallen",
    "Final",
    "Frozen",
    "Gentle",
    "Ghostly",
    "Golden",
    "Hollow",
    "Honest",
    "Hungry",
    "Idle",
    "Iron",
    "Last",
    "Lazy",
    "Little",
    "Lonely",
    "Lost",
    "Loud",
    "Lucky",
    "Midnight",
    "Modern",
    "Neon",
    "Northern",
    "Paper",
    "Pale",
    "Perfect",
    "Quiet",
    "Radiant",
    "Restless",
    "Rusty",
    "Sacred",
    "Secret",
    "Silent",
    "Silver",
    "Slow",
    "Southern",
    "Static",
    "Strange",
    "Sudden",
    "Sweet",
    "Tender",
    "Velvet",
    "Violet",
    "Wild",
    "Wired",
    "Young",
)
NOUNS = (
    "Anchor",
    "Angel",
    "Arrow",
    "Avenue",
    "Ballad",
    "Bells",
    "Bird",
    "Bridge",
    "Canyon",
    "Carousel",
    "Cathedral",
    "City",
    "Clouds",
    "Coast",
    "Comet",
    "Crown",
    "Dancer",
    "Daylight",
    "Desert",
    "Diamond",
    "Dream",
    "Echo",
    "Embers",
    "Engine",
    "Fever",
    "Fire",
    "Flood",
    "Garden",
    "Ghost",
    "Harbor",
    "Heart",
    "Highway",
    "Horizon",
    "Island",
    "Kingdom",
    "Lantern",
    "Letters",
    "Lights",
    "Machine",
    "Mirror",
    "Moon",
    "Morning",
    "Mountain",
    "Ocean",
    "Orchard",
    "Paradise",
    "Parade",
    "Radio",
    "Rain",
    "River",
    "Road",
    "Satellite",
    "Shadow",
    "Signal",
    "Sky",
    "Smoke",
    "Snow",
    "Star",
    "Stone",
    "Storm",
    "Summer",
    "Sunset",
    "Thunder",
    "Tide",
    "Tower",
    "Train",
    "Valley",
    "Voices",
    "Wave",
    "Window",
    "Winter",
    "Wolves",
    "Youth",
)
VERBS = (
    "Chasing",
    "Burning",
    "Calling",
    "Carry",
    "Dancing",
    "Drive",
    "Falling",
    "Follow",
    "Hold",
    "Hunting",
    "Keep",
    "Leaving",
    "Losing",
    "Meet",
    "Running",
    "Save",
    "Shake",
    "Wake",
    "Waiting for",
    "Walking",
    "Watching",
)
# Real-looking song titles that contain words the catalog rules treat as
# version qualifiers; they are genuine compositions, never versions.
QUALIFIER_WORD_TITLES = (
    "Live Forever",
    "Demo Tape Blues",
    "Remix the Night",
    "Instrumental Heart",
    "Live Wire Lullaby",
    "Radio Edit of My Life",
)
GUESTS = (
    "Ada Vale",
    "Bruno Keller",
    "Cass Monroe",
    "Dani Okafor",
    "Eli Marsh",
    "Farah Lind",
    "Gus Ortega",
    "Hana Sato",
    "Ivo Petrov",
    "Juno Reyes",
    "Kit Adler",
    "Lena Frost",
    "Milo Grant",
    "Nia Brooks",
    "Otto Lark",
)
REMIXERS = (
    "Night Shift",
    "Kolbeck",
    "Marlo Dee",
    "Sunroom",
    "Tessellate",
    "DJ Harbour",
    "Pale Fountain",
    "Coastline",
    "Vektor",
    "Moon Rituals",
)
COVER_ARTISTS = (
    ("Marigold Static", "Static, Marigold"),
    ("The Cinder Kings", "Cinder Kings, The"),
    ("Loretta Vance", "Vance, Loretta"),
    ("Copper Saints", "Copper Saints"),
    ("The Hollow Pines", "Hollow Pines, The"),
    ("Juniper Row", "Juniper Row"),
    ("Sam Whitlock", "Whitlock, Sam"),
    ("The Velvet Tigers", "Velvet Tigers, The"),
)
COVER_SONGS = (
    "Heartbeat City Blues",
    "Turn the Tide",
    "Golden Years Gone",
    "Neon Prayer",
    "Shelter Me",
    "Crossroads Again",
    "Whiskey Moon",
    "All the Young Hearts",
    "Summer of Static",
    "Paper Planes at Dawn",
)
TAPE_TITLES = (
    "Opening Theme",
    "The Overture",
    "Sunrise Walk-In",
    "House Lights Down",
    "Closing Hymn",
)
VENUE_PATTERNS = (
    "{city} Arena",
    "{city} Music Hall",
    "The {noun} Room",
    "{noun} Ballroom",
    "{city} Amphitheatre",
    "The {adjective} {noun}",
    "{city} Coliseum",
    "{noun} Theatre",
    "{adjective} {noun} Club",
    "{city} Pavilion",
)
FESTIVAL_NAMES = (
    "Sunrise Sound Festival",
    "Harbor Lights Fest",
    "Northern Skies Festival",
    "Desert Bloom Weekend",
    "Riverbend Music Festival",
    "Static Summer",
)


@dataclass(frozen=True, slots=True)
class City:
    name: str
    state: str | None
    state_code: str | None
    country_code: str
    country: str
    timezone: str
    latitude: float
    longitude: float
    geonames_id: int
    postal_code: str


COUNTRY_NAMES = {
    "US": "United States",
    "CA": "Canada",
    "MX": "Mexico",
    "GB": "United Kingdom",
    "IE": "Ireland",
    "DE": "Germany",
    "FR": "France",
    "NL": "Netherlands",
    "SE": "Sweden",
    "ES": "Spain",
    "BR": "Brazil",
    "JP": "Japan",
    "AU": "Australia",
    "NZ": "New Zealand",
}

# name | state | state code | country code | zone | lat | long | GeoNames id |
# postal code
_CITY_TABLE = """
New York|New York|NY|US|America/New_York|40.714|-74.006|5128581|10001
Chicago|Illinois|IL|US|America/Chicago|41.85|-87.65|4887398|60605
Denver|Colorado|CO|US|America/Denver|39.739|-104.985|5419384|80202
Los Angeles|California|CA|US|America/Los_Angeles|34.052|-118.244|5368361|90012
Seattle|Washington|WA|US|America/Los_Angeles|47.606|-122.332|5809844|98101
Austin|Texas|TX|US|America/Chicago|30.267|-97.743|4671654|78701
Phoenix|Arizona|AZ|US|America/Phoenix|33.448|-112.074|5308655|85004
Toronto|Ontario|ON|CA|America/Toronto|43.7|-79.416|6167865|M5V 2T6
Mexico City|||MX|America/Mexico_City|19.428|-99.128|3530597|06000
London|England||GB|Europe/London|51.509|-0.126|2643743|SE10 0DX
Manchester|England||GB|Europe/London|53.481|-2.237|2643123|M3 1AR
Dublin|||IE|Europe/Dublin|53.333|-6.249|2964574|D01
Berlin|Berlin||DE|Europe/Berlin|52.524|13.411|2950159|10243
Paris|Île-de-France||FR|Europe/Paris|48.853|2.349|2988507|75019
Amsterdam|North Holland||NL|Europe/Amsterdam|52.374|4.89|2759794|1101
Stockholm|||SE|Europe/Stockholm|59.333|18.065|2673730|121 77
Madrid|Madrid||ES|Europe/Madrid|40.417|-3.704|3117735|28009
São Paulo|São Paulo|SP|BR|America/Sao_Paulo|-23.548|-46.636|3448439|05001-200
Tokyo|||JP|Asia/Tokyo|35.69|139.692|1850147|100-0005
Sydney|New South Wales|NSW|AU|Australia/Sydney|-33.868|151.207|2147714|2000
Auckland|||NZ|Pacific/Auckland|-36.848|174.763|2193733|1010
"""


def _parse_cities(table: str) -> tuple[City, ...]:
    cities = []
    for line in table.strip().splitlines():
        name, state, code, cc, zone, lat, lon, geo, postal = line.split("|")
        cities.append(
            City(
                name=name,
                state=state or None,
                state_code=code or None,
                country_code=cc,
                country=COUNTRY_NAMES[cc],
                timezone=zone,
                latitude=float(lat),
                longitude=float(lon),
                geonames_id=int(geo),
                postal_code=postal,
            )
        )
    return tuple(cities)


CITIES = _parse_cities(_CITY_TABLE)
