"""Generated concerts: venues, upcoming Ticketmaster events, past setlists."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import random
import zoneinfo
from dataclasses import dataclass

from clients.sandbox import ids
from clients.sandbox.discography import Composition, Release
from clients.sandbox.store import JSON, fold
from clients.sandbox.vocabulary import (
    ADJECTIVES,
    CITIES,
    COVER_ARTISTS,
    COVER_SONGS,
    FESTIVAL_NAMES,
    GUESTS,
    NOUNS,
    TAPE_TITLES,
    VENUE_PATTERNS,
    City,
)

_VENUES_PER_CITY = 6
_SETLISTFM_ONLY_PER_CITY = 3
_START_TIMES = ("18:00:00", "19:00:00", "19:30:00", "20:00:00", "20:30:00", "21:00:00")


def slug(text: str) -> str:
    return fold(text).replace(" ", "-") or "x"


@dataclass(frozen=True, slots=True)
class Venue:
    """One place, as Ticketmaster and setlist.fm each describe it."""

    city: City
    name: str
    ticketmaster: JSON | None
    setlistfm: JSON


@functools.cache
def venue_pool(seed: int) -> tuple[Venue, ...]:
    """Every venue of a sandbox; artists share them, as real tours do."""
    rng = random.Random(f"{seed}|venues")
    venues: list[Venue] = []
    for city in CITIES:
        names: set[str] = set()
        while len(names) < _VENUES_PER_CITY + _SETLISTFM_ONLY_PER_CITY:
            pattern = rng.choice(VENUE_PATTERNS)
            adjective, noun = rng.choice(ADJECTIVES), rng.choice(NOUNS)
            names.add(pattern.format(city=city.name, adjective=adjective, noun=noun))
        for i, name in enumerate(sorted(names)):
            on_ticketmaster = i < _VENUES_PER_CITY
            tm = _ticketmaster_venue(rng, city, name) if on_ticketmaster else None
            venues.append(Venue(city, name, tm, _setlistfm_venue(rng, city, name)))
    return tuple(venues)


def _ticketmaster_venue(rng: random.Random, city: City, name: str) -> JSON:
    venue_id = ids.venue_id(rng)
    venue: JSON = {
        "name": name,
        "type": "venue",
        "id": venue_id,
        "test": False,
        "url": f"https://www.ticketmaster.com/{slug(name)}-tickets-{slug(city.name)}"
        f"/venue/{rng.randrange(10_000, 999_999)}",
        "locale": "en-us",
        "postalCode": city.postal_code,
        "timezone": city.timezone,
        "city": {"name": city.name},
    }
    if city.state:
        venue["state"] = {"name": city.state, "stateCode": city.state_code or ""}
    venue["country"] = {"name": city.country, "countryCode": city.country_code}
    venue["address"] = {"line1": f"{rng.randint(1, 999)} {rng.choice(NOUNS)} Street"}
    venue["location"] = {
        "longitude": f"{city.longitude + rng.uniform(-0.05, 0.05):.6f}",
        "latitude": f"{city.latitude + rng.uniform(-0.05, 0.05):.6f}",
    }
    venue["_links"] = {
        "self": {"href": f"/discovery/v2/venues/{venue_id}?locale=en-us"}
    }
    return venue


def _setlistfm_venue(rng: random.Random, city: City, name: str) -> JSON:
    venue_id = ids.hex8(rng)
    city_json: JSON = {"id": str(city.geonames_id), "name": city.name}
    if city.state:
        city_json["state"] = city.state
    if city.state_code:
        city_json["stateCode"] = city.state_code
    city_json["coords"] = {"lat": city.latitude, "long": city.longitude}
    city_json["country"] = {"code": city.country_code, "name": city.country}
    place = f"{slug(name)}-{slug(city.name)}-{city.country_code.lower()}"
    return {
        "id": venue_id,
        "name": name,
        "city": city_json,
        "url": f"https://www.setlist.fm/venue/{place}-{venue_id}.html",
    }


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_dates(
    day: dt.date | None, start: str | None, zone: str, status: str, flags: JSON
) -> JSON:
    """A ``dates`` object; ``start`` None means only the date is announced."""
    start_json: JSON = {}
    if day is not None:
        start_json["localDate"] = day.isoformat()
    if day is not None and start is not None:
        clock = dt.time.fromisoformat(start)
        local = dt.datetime.combine(day, clock, tzinfo=zoneinfo.ZoneInfo(zone))
        start_json["localTime"] = clock.isoformat()
        start_json["dateTime"] = utc_text(local)
    start_json["dateTBD"] = bool(flags.get("dateTBD"))
    start_json["dateTBA"] = bool(flags.get("dateTBA"))
    start_json["timeTBA"] = start is None and not flags.get("noSpecificTime")
    start_json["noSpecificTime"] = bool(flags.get("noSpecificTime"))
    return {
        "start": start_json,
        "timezone": zone,
        "status": {"code": status},
        "spanMultipleDays": False,
    }


class EventPlanner:
    """Upcoming events: tours of several legs, support acts, festivals."""

    def __init__(
        self,
        rng: random.Random,
        attraction: JSON,
        venues: list[Venue],
        support: list[JSON],
        today: dt.date,
        tour: str,
    ) -> None:
        self.rng = rng
        self.attraction = attraction
        self.venues = venues
        self.support = support
        self.today = today
        self.tour = tour

    def events(self, count: int) -> list[JSON]:
        rng = self.rng
        day = self.today + dt.timedelta(days=rng.randint(3, 12))
        leg_left = rng.randint(20, 40)
        events = []
        for _ in range(count):
            events.append(self._event(day))
            day += dt.timedelta(days=rng.choice((0, 1, 1, 1, 2, 3)))
            leg_left -= 1
            if leg_left == 0:
                day += dt.timedelta(days=rng.randint(10, 40))
                leg_left = rng.randint(20, 40)
        return events

    def _event(self, day: dt.date) -> JSON:
        rng = self.rng
        venue = rng.choice(self.venues)
        if venue.ticketmaster is None:
            raise ValueError("events need Ticketmaster venues")
        event_id = ids.event_id(rng)
        acts, name = self._line_up(day)
        dates = self._dates(day, venue.city.timezone)
        event: JSON = {
            "name": name,
            "type": "event",
            "id": event_id,
            "test": False,
            "url": f"https://www.ticketmaster.com/event/{rng.getrandbits(64):016X}",
            "locale": "en-us",
            "images": self.attraction["images"],
            "sales": self._sales(dates),
            "dates": dates,
            "classifications": self.attraction["classifications"],
            "_links": {
                "self": {"href": f"/discovery/v2/events/{event_id}?locale=en-us"},
                "attractions": [{"href": _href(a)} for a in acts],
                "venues": [{"href": _href(venue.ticketmaster)}],
            },
            "_embedded": {"venues": [venue.ticketmaster], "attractions": acts},
        }
        return event

    def _line_up(self, day: dt.date) -> tuple[list[JSON], str]:
        rng = self.rng
        me = self.attraction
        roll = rng.random()
        if roll < 0.05 and self.support:
            headliner = rng.choice(self.support)
            return [headliner, me], f"{rng.choice(FESTIVAL_NAMES)} {day.year}"
        if roll < 0.4 and self.support:
            acts = rng.sample(self.support, k=min(len(self.support), rng.randint(1, 2)))
            guests = " and ".join(a["name"] for a in acts)
            return [me, *acts], f"{me['name']} with {guests}"
        if roll < 0.7:
            return [me], f"{me['name']} - {self.tour}"
        return [me], me["name"]

    def _dates(self, day: dt.date, zone: str) -> JSON:
        rng = self.rng
        roll = rng.random()
        status = rng.choices(
            ("onsale", "offsale", "canceled", "postponed", "rescheduled"),
            weights=(86, 4, 4, 3, 3),
        )[0]
        if roll < 0.02:
            return event_dates(None, None, zone, status, {"dateTBA": True})
        if roll < 0.03:
            return event_dates(None, None, zone, status, {"dateTBD": True})
        if roll < 0.08:
            return event_dates(day, None, zone, status, {})
        if roll < 0.10:
            return event_dates(day, None, zone, status, {"noSpecificTime": True})
        return event_dates(day, rng.choice(_START_TIMES), zone, status, {})

    def _sales(self, dates: JSON) -> JSON:
        start = dates["start"]
        if "localDate" not in start:
            return {"public": {"startTBD": True, "startTBA": False}}
        day = dt.date.fromisoformat(start["localDate"])
        opens = dt.datetime.combine(day - dt.timedelta(days=90), dt.time(15), dt.UTC)
        closes = dt.datetime.combine(day, dt.time(23), dt.UTC)
        return {
            "public": {
                "startDateTime": utc_text(opens),
                "startTBD": False,
                "startTBA": False,
                "endDateTime": utc_text(closes),
            }
        }


def _href(resource: JSON) -> str:
    return str(resource["_links"]["self"]["href"])


def cover_artist(name: str, sort_name: str) -> JSON:
    rng = random.Random(f"cover|{name}")
    mbid = ids.musicbrainz_id(rng)
    return {
        "mbid": mbid,
        "name": name,
        "sortName": sort_name,
        "disambiguation": "",
        "url": f"https://www.setlist.fm/setlists/{slug(name)}-{ids.hex8(rng)}.html",
    }


class SetlistPlanner:
    """Past shows, newest first, playing the catalog as it stood that night."""

    def __init__(
        self,
        rng: random.Random,
        artist: JSON,
        venues: list[Venue],
        songs: list[Composition],
        albums: list[Release],
        today: dt.date,
    ) -> None:
        self.rng = rng
        self.artist = artist
        self.venues = venues
        self.songs = sorted(songs, key=lambda s: s.first_release)
        self.released = [s.first_release for s in self.songs]
        self.cumulative = list(itertools.accumulate(s.weight for s in self.songs))
        self.catalog_titles = {fold(s.title) for s in self.songs}
        self.albums = sorted(albums, key=lambda a: a.date)
        self.album_dates = [a.date for a in self.albums]
        self.today = today
        self.covers = [cover_artist(n, s) for n, s in COVER_ARTISTS]

    def setlists(self, count: int) -> list[JSON]:
        rng = self.rng
        day = self.today - dt.timedelta(days=rng.randint(2, 20))
        leg_left = rng.randint(15, 40)
        setlists = []
        for _ in range(count):
            setlists.append(self._setlist(day))
            day -= dt.timedelta(days=rng.choice((1, 1, 2, 2, 3, 4)))
            leg_left -= 1
            if leg_left == 0:
                day -= dt.timedelta(days=rng.randint(30, 150))
                leg_left = rng.randint(15, 40)
        return setlists

    def _setlist(self, day: dt.date) -> JSON:
        rng = self.rng
        venue = rng.choice(self.venues).setlistfm
        setlist_id = ids.hex8(rng)
        updated = min(self.today, day + dt.timedelta(days=rng.randint(1, 30)))
        moment = dt.datetime.combine(
            updated, dt.time(rng.randint(0, 23), rng.randint(0, 59))
        )
        setlist: JSON = {
            "id": setlist_id,
            "versionId": ids.hex8(rng),
            "eventDate": day.strftime("%d-%m-%Y"),
            "lastUpdated": moment.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "artist": self.artist,
            "venue": venue,
        }
        tour = self._tour(day)
        if tour:
            setlist["tour"] = {"name": tour}
        setlist["sets"] = {"set": self._sets(day)}
        if rng.random() < 0.05:
            setlist["info"] = rng.choice(
                ("Acoustic show.", "Festival set.", "Shortened set due to weather.")
            )
        artist_slug = slug(self.artist["name"])
        where = f"{slug(venue['name'])}-{slug(venue['city']['name'])}"
        setlist["url"] = (
            f"https://www.setlist.fm/setlist/{artist_slug}/{day.year}/"
            f"{where}-{setlist_id}.html"
        )
        return setlist

    def _tour(self, day: dt.date) -> str | None:
        latest = bisect.bisect_right(self.album_dates, day)
        if latest == 0 or self.rng.random() < 0.12:
            return None
        return f"{self.albums[latest - 1].name} Tour"

    def _sets(self, day: dt.date) -> list[JSON]:
        rng = self.rng
        if rng.random() < 0.03:
            return []  # setlist.fm knows the show, not what was played
        sizes = [rng.randint(9, 17)]
        if rng.random() < 0.85:
            sizes.append(rng.randint(2, 4))
            if rng.random() < 0.2:
                sizes.append(rng.randint(1, 2))
        entries = self._entries(day, sum(sizes))
        sets: list[JSON] = []
        for encore, size in enumerate(sizes):
            chosen, entries = entries[:size], entries[size:]
            one: JSON = {"encore": encore} if encore else {}
            if encore == 0 and rng.random() < 0.05:
                one["name"] = "Acoustic Set"
            one["song"] = chosen
            sets.append(one)
        if rng.random() < 0.15:
            sets[0]["song"].insert(0, self._tape(rng.choice(TAPE_TITLES[:3])))
        if rng.random() < 0.05:
            sets[-1]["song"].append(self._tape(TAPE_TITLES[-1]))
        return [s for s in sets if s["song"]]

    def _entries(self, day: dt.date, count: int) -> list[JSON]:
        rng = self.rng
        available = bisect.bisect_right(self.released, day) or min(5, len(self.songs))
        picked: list[Composition] = []
        if available:
            weights = self.cumulative[:available]
            draws = rng.choices(
                self.songs[:available], cum_weights=weights, k=count * 3
            )
            picked = list(dict.fromkeys(draws))[:count]
        entries = [self._song_entry(song) for song in picked]
        while len(entries) < count and (not available or rng.random() < 0.5):
            entries.append(self._cover_entry())
        if entries and rng.random() < 0.1:
            entries.insert(rng.randrange(len(entries)), self._cover_entry())
        if entries and rng.random() < 0.02:
            entries.insert(
                rng.randrange(len(entries)), {"name": self._unreleased_title()}
            )
        return entries

    def _song_entry(self, song: Composition) -> JSON:
        rng = self.rng
        roll = rng.random()
        name = song.title
        if roll < 0.02:
            name = name.lower()  # fans type titles however they like
        elif roll < 0.03:
            name = name.upper()
        entry: JSON = {"name": name}
        if rng.random() < 0.03:
            entry["with"] = cover_artist(rng.choice(GUESTS), "")
        if rng.random() < 0.04:
            entry["info"] = rng.choice((">", "acoustic", "extended outro", "snippet"))
        return entry

    def _cover_entry(self) -> JSON:
        rng = self.rng
        return {"name": rng.choice(COVER_SONGS), "cover": rng.choice(self.covers)}

    def _tape(self, title: str) -> JSON:
        entry: JSON = {"name": title, "tape": True}
        if self.rng.random() < 0.5:
            entry["cover"] = self.rng.choice(self.covers)
        return entry

    def _unreleased_title(self) -> str:
        title = f"{self.rng.choice(ADJECTIVES)} {self.rng.choice(NOUNS)} Blues"
        return title if fold(title) not in self.catalog_titles else "New Song"
