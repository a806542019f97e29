"""The artists every generator-mode sandbox serves without configuration.

Their ids are fixed whatever the seed; the seed changes their records.

- The Midnight Owls: the demo, 40 releases, 400 tracks, 200 setlists,
  60 events. Spotify oOR2jJ722tyEAOHSv4PavD, Ticketmaster K8vZ917cDJS,
  MBID 0450d353-39fe-4c03-9809-231e91ad2716.
- Pocket Satellites: tiny, for fast tests (3 releases, 12 tracks, 6 setlists,
  4 events). Spotify eWgajNBcrmh3MnneooPvrS, Ticketmaster K8vZ917HgJ8,
  MBID 0a93a9d8-37ad-4047-86f6-32138b28bca0.
- Static Bloom: no MusicBrainz id, hence no setlist.fm artist and no setlists.
  Spotify WK11XSpdlyA5b1ZAhuqqVI, Ticketmaster K8vZ917e8UB.
- Velvet Harbor: its attraction carries no Spotify link; it is on Spotify and
  found by name. Spotify de65OpCdDNI3eh5ZwtxWOc, Ticketmaster K8vZ917TCdh,
  MBID c7e04cb5-c5a7-42f9-9845-ef62fcef25c3.
- The Midnight Owls Tribute: a tribute act on Ticketmaster and setlist.fm with
  an MBID of its own (as some real tribute acts have), not on Spotify.
  Ticketmaster K8vZ917b6q2, MBID 50c5db4c-1897-4a39-acc8-d263adc80db8.
- Midnight Owls Experience (Ticketmaster K8vZ917wVF1) and The Foo Tribute
  (Ticketmaster K8vZ917ROxf): tribute acts on Ticketmaster only, no links.
- Midnight Owl: a distinct small artist whose name looks like the demo's.
  Spotify Be6XpMGg9GbtgGZE8c4Rps, Ticketmaster K8vZ917Og4G,
  MBID 527e23a4-793a-4f0d-8fdf-e2c21e1c849a.
- Foo and Foo!: two distinct artists whose normalized names are equal; Foo! is
  the more popular, so it ranks first in a Spotify search.
  Foo: Spotify T3OKKNoTE1MolWy7qkBsqq, Ticketmaster K8vZ917sS25,
  MBID 106b9be3-00dc-4eb0-a3d1-cfb8ce919734.
  Foo!: Spotify yssNTjMp7FYhQ7DsTaHRpb, Ticketmaster K8vZ917MUd7,
  MBID 1d5be113-80c3-4731-81c2-c0fcac898470.
"""

from __future__ import annotations

from clients.sandbox.config import ArtistSpec

DEMO = ArtistSpec(
    name="The Midnight Owls",
    albums=40,
    tracks=400,
    setlists=200,
    events=60,
    popularity=72,
    spotify_id="oOR2jJ722tyEAOHSv4PavD",
    ticketmaster_id="K8vZ917cDJS",
    musicbrainz_id="0450d353-39fe-4c03-9809-231e91ad2716",
)
TINY = ArtistSpec(
    name="Pocket Satellites",
    albums=3,
    tracks=12,
    setlists=6,
    events=4,
    popularity=31,
    genre="Pop",
    spotify_id="eWgajNBcrmh3MnneooPvrS",
    ticketmaster_id="K8vZ917HgJ8",
    musicbrainz_id="0a93a9d8-37ad-4047-86f6-32138b28bca0",
)
NO_MBID = ArtistSpec(
    name="Static Bloom",
    albums=8,
    tracks=70,
    setlists=0,
    events=8,
    mbid=False,
    genre="Alternative",
    spotify_id="WK11XSpdlyA5b1ZAhuqqVI",
    ticketmaster_id="K8vZ917e8UB",
)
NO_SPOTIFY_LINK = ArtistSpec(
    name="Velvet Harbor",
    albums=6,
    tracks=50,
    setlists=20,
    events=10,
    spotify_link=False,
    spotify_id="de65OpCdDNI3eh5ZwtxWOc",
    ticketmaster_id="K8vZ917TCdh",
    musicbrainz_id="c7e04cb5-c5a7-42f9-9845-ef62fcef25c3",
)
DEMO_TRIBUTE = ArtistSpec(
    name="The Midnight Owls Tribute",
    albums=0,
    tracks=0,
    setlists=8,
    events=6,
    on_spotify=False,
    disambiguation="tribute band",
    ticketmaster_id="K8vZ917b6q2",
    musicbrainz_id="50c5db4c-1897-4a39-acc8-d263adc80db8",
)
DEMO_EXPERIENCE = ArtistSpec(
    name="Midnight Owls Experience",
    albums=0,
    tracks=0,
    setlists=0,
    events=3,
    on_spotify=False,
    mbid=False,
    ticketmaster_id="K8vZ917wVF1",
)
LOOK_ALIKE = ArtistSpec(
    name="Midnight Owl",
    albums=4,
    tracks=30,
    setlists=10,
    events=5,
    popularity=28,
    spotify_id="Be6XpMGg9GbtgGZE8c4Rps",
    ticketmaster_id="K8vZ917Og4G",
    musicbrainz_id="527e23a4-793a-4f0d-8fdf-e2c21e1c849a",
)
FOO = ArtistSpec(
    name="Foo",
    albums=5,
    tracks=40,
    setlists=15,
    events=6,
    popularity=40,
    disambiguation="indie band",
    spotify_id="T3OKKNoTE1MolWy7qkBsqq",
    ticketmaster_id="K8vZ917sS25",
    musicbrainz_id="106b9be3-00dc-4eb0-a3d1-cfb8ce919734",
)
FOO_BANG = ArtistSpec(
    name="Foo!",
    albums=5,
    tracks=40,
    setlists=12,
    events=5,
    popularity=55,
    genre="Pop",
    disambiguation="pop duo",
    spotify_id="yssNTjMp7FYhQ7DsTaHRpb",
    ticketmaster_id="K8vZ917MUd7",
    musicbrainz_id="1d5be113-80c3-4731-81c2-c0fcac898470",
)
FOO_TRIBUTE = ArtistSpec(
    name="The Foo Tribute",
    albums=0,
    tracks=0,
    setlists=0,
    events=3,
    on_spotify=False,
    mbid=False,
    ticketmaster_id="K8vZ917ROxf",
)

BUILTIN_ARTISTS = (
    DEMO,
    TINY,
    NO_MBID,
    NO_SPOTIFY_LINK,
    DEMO_TRIBUTE,
    DEMO_EXPERIENCE,
    LOOK_ALIKE,
    FOO,
    FOO_BANG,
    FOO_TRIBUTE,
)
