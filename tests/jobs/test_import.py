"""The phased import against the sandbox, run by a real SAQ worker."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from tortoise import Tortoise

from encore.errors import BadInputError, NotFoundError
from jobs.identity import ArtistKey
from jobs.names import AmbiguousName
from jobs.progress import ImportSnapshot, channel_pattern
from jobs.start import cancel_import, start_import
from models import (
    Album,
    Artist,
    Import,
    ImportStage,
    Setlist,
    SetlistEntry,
    Show,
    Song,
    Track,
    Venue,
)
from tests.jobs.conftest import StackFactory

TINY_TM = "K8vZ917HgJ8"  # Pocket Satellites
DEMO_TM = "K8vZ917cDJS"  # The Midnight Owls
NO_MBID_TM = "K8vZ917e8UB"  # Static Bloom
GORILLAZ = "3AA28KZvwAUcZuOKwyblJQ"

TABLES = (Artist, Venue, Show, Album, Song, Track, Setlist, SetlistEntry)


async def table_ids() -> dict[str, list[int]]:
    return {
        model.__name__: sorted(await model.all().values_list("id", flat=True))
        for model in TABLES
    }


async def import_and_wait(stack: Any, key: ArtistKey) -> ImportSnapshot:
    started = await start_import(key, stack.resources)
    return await stack.wait(started.snapshot.import_id)


async def test_a_generated_artist_imports_with_the_counts_its_data_implies(
    make_stack: StackFactory,
) -> None:
    stack = await make_stack()
    truth = await stack.truth(DEMO_TM)
    final = await import_and_wait(stack, ArtistKey(ticketmaster_id=DEMO_TM))

    assert final.stage is ImportStage.COMPLETED, final.error
    assert final.progress == 100.0
    assert final.warnings == ()
    artist = await Artist.get(ticketmaster_id=DEMO_TM)
    assert (artist.spotify_id, artist.mbid) == (
        truth["spotify_id"],
        truth["musicbrainz_id"],
    )
    assert await Song.filter(artist=artist).count() == truth["studio_songs"]
    upcoming = await Show.filter(artist=artist, ticketmaster_id__isnull=False).count()
    assert upcoming == truth["events"]
    assert (
        await Show.filter(
            artist=artist, ticketmaster_id__isnull=False, date=None
        ).count()
        == (truth["undated_events"])
    )
    played = await Setlist.filter(show__artist=artist, kind="PLAYED").count()
    assert played == truth["setlists"]
    assert final.counts["setlists"] == truth["setlists"]
    assert final.counts["songs"] == truth["studio_songs"]
    predicted = await Setlist.filter(show__artist=artist, kind="PREDICTED").count()
    assert predicted > 0
    assert await Song.filter(artist=artist, times_played__gt=0).exists()


async def test_a_second_import_changes_nothing(make_stack: StackFactory) -> None:
    stack = await make_stack()
    first = await import_and_wait(stack, ArtistKey(ticketmaster_id=TINY_TM))
    before = await table_ids()
    second = await import_and_wait(stack, ArtistKey(ticketmaster_id=TINY_TM))

    assert (first.stage, second.stage) == (ImportStage.COMPLETED, ImportStage.COMPLETED)
    assert second.import_id != first.import_id
    assert await table_ids() == before
    assert second.counts == first.counts


async def test_a_show_moved_upstream_is_updated_in_place(
    make_stack: StackFactory,
) -> None:
    stack = await make_stack()
    await import_and_wait(stack, ArtistKey(ticketmaster_id=TINY_TM))
    show = await Show.filter(ticketmaster_id__isnull=False, date__isnull=False).first()
    assert show is not None
    assert show.ticketmaster_id is not None
    await stack.control(
        "POST",
        "/mutations",
        {
            "kind": "move_event",
            "event_id": show.ticketmaster_id,
            "local_date": "2031-05-17",
        },
    )
    count = await Show.all().count()
    await import_and_wait(stack, ArtistKey(ticketmaster_id=TINY_TM))

    moved = await Show.get(id=show.id)
    assert str(moved.date) == "2031-05-17"
    assert await Show.all().count() == count


async def test_the_recorded_catalog_holds_each_studio_song_once(
    make_stack: StackFactory, samples_dir: Any
) -> None:
    stack = await make_stack(recordings_dir=samples_dir)
    final = await import_and_wait(stack, ArtistKey(spotify_id=GORILLAZ))

    assert final.stage is ImportStage.COMPLETED, final.error
    artist = await Artist.get(spotify_id=GORILLAZ)
    assert artist.name == "Gorillaz"
    titles = await Song.filter(artist=artist).values_list("title", flat=True)
    keys = await Song.filter(artist=artist).values_list("key", flat=True)
    assert len(keys) == len(set(keys))
    assert titles.count("Feel Good Inc.") == 1
    assert titles.count("Clint Eastwood") == 1
    for title in titles:
        lowered = str(title).lower()
        for word in (" - live", "(live", "remix", "(demo", "- demo", "instrumental"):
            assert word not in lowered, title
    feel_good = await Song.get(artist=artist, title="Feel Good Inc.")
    versions = set(await Track.filter(song=feel_good).values_list("version", flat=True))
    assert {"studio", "remix", "live"} <= versions


async def test_progress_events_are_ordered_and_never_go_back(
    make_stack: StackFactory, redis_client: Any
) -> None:
    stack = await make_stack()
    pubsub = redis_client.pubsub()
    await pubsub.psubscribe(channel_pattern())
    await start_import(ArtistKey(ticketmaster_id=TINY_TM), stack.resources)
    events: list[ImportSnapshot] = []
    async with asyncio.timeout(30):
        while not events or not events[-1].is_terminal:
            message = await pubsub.get_message(timeout=1)
            if message and message["type"] == "pmessage":
                events.append(ImportSnapshot.from_json(message["data"]))
    await pubsub.aclose()

    sequences = [e.sequence for e in events]
    assert sequences == sorted(set(sequences))
    progress = [e.progress for e in events]
    assert progress == sorted(progress)
    assert events[-1].stage is ImportStage.COMPLETED
    stages = [e.stage for e in events]
    assert stages.index(ImportStage.SHOWS) < stages.index(ImportStage.SONGS)
    assert stages.index(ImportStage.SONGS) < stages.index(ImportStage.SETLISTS)


async def test_twenty_simultaneous_starts_make_one_import_and_one_job(
    make_stack: StackFactory,
) -> None:
    stack = await make_stack(worker=False)
    results = await asyncio.gather(
        *(
            start_import(ArtistKey(ticketmaster_id=TINY_TM), stack.resources)
            for _ in range(20)
        )
    )
    assert len({r.snapshot.import_id for r in results}) == 1
    assert sum(not r.already_running for r in results) == 1
    assert await Import.all().count() == 1
    assert await Artist.all().count() == 1
    assert await stack.resources.queue.count("queued") == 1


async def test_an_artist_already_stored_starts_without_upstream_calls(
    make_stack: StackFactory,
) -> None:
    stack = await make_stack()
    await import_and_wait(stack, ArtistKey(ticketmaster_id=TINY_TM))
    await stack.control("POST", "/stats/reset")
    await start_import(ArtistKey(ticketmaster_id=TINY_TM), stack.resources)
    stats = await stack.control("GET", "/stats")
    assert stats["requests"] == 0, stats


async def test_a_missing_service_skips_its_phase_with_a_warning(
    make_stack: StackFactory,
) -> None:
    stack = await make_stack()
    final = await import_and_wait(stack, ArtistKey(ticketmaster_id=NO_MBID_TM))

    assert final.stage is ImportStage.COMPLETED
    assert any("Setlists skipped" in w for w in final.warnings), final.warnings
    artist = await Artist.get(ticketmaster_id=NO_MBID_TM)
    assert await Show.filter(artist=artist).count() > 0
    assert await Song.filter(artist=artist).count() > 0


async def test_setlistfm_down_keeps_what_the_other_phases_imported(
    make_stack: StackFactory,
) -> None:
    stack = await make_stack()
    await stack.control(
        "POST", "/faults", {"service": "setlistfm", "kind": "status", "count": None}
    )
    final = await import_and_wait(stack, ArtistKey(ticketmaster_id=TINY_TM))

    assert final.stage is ImportStage.COMPLETED
    assert any("setlist.fm" in w for w in final.warnings), final.warnings
    assert final.counts["shows"] > 0
    assert final.counts["songs"] > 0
    assert final.counts["setlists"] == 0


async def test_a_malformed_page_mid_import_warns_and_keeps_committed_data(
    make_stack: StackFactory,
) -> None:
    stack = await make_stack()
    # The second page of setlists answers garbage; the first one is kept.
    await stack.control(
        "POST",
        "/faults",
        {
            "service": "setlistfm",
            "kind": "malformed",
            "endpoint": "*/setlists",
            "skip": 1,
            "count": None,
        },
    )
    final = await import_and_wait(stack, ArtistKey(ticketmaster_id=DEMO_TM))

    assert final.stage is ImportStage.COMPLETED
    assert any("setlist.fm failed after 20 setlists" in w for w in final.warnings), (
        final.warnings
    )
    assert final.counts["setlists"] == 20


async def test_cancelling_stops_the_import_and_keeps_what_was_committed(
    make_stack: StackFactory,
) -> None:
    stack = await make_stack(latency_ms=30)
    started = await start_import(ArtistKey(ticketmaster_id=DEMO_TM), stack.resources)
    while (await Import.get(id=started.snapshot.import_id)).stage in (  # noqa: ASYNC110
        ImportStage.QUEUED,
        ImportStage.IDENTITY,
        ImportStage.SHOWS,
    ):
        await asyncio.sleep(0.05)
    cancelled = await cancel_import(started.artist.id, stack.resources)
    assert cancelled.stage is ImportStage.CANCELLED
    await asyncio.sleep(1)
    final = await stack.wait(started.snapshot.import_id)
    assert final.stage is ImportStage.CANCELLED
    assert await Show.filter(artist_id=started.artist.id).count() > 0
    row = await Import.get(id=started.snapshot.import_id)
    assert row.running_artist_id is None


async def test_unknown_ids_are_not_found(make_stack: StackFactory) -> None:
    stack = await make_stack(worker=False)
    for key in (
        ArtistKey(ticketmaster_id="K8vZ9170000"),
        ArtistKey(spotify_id="0000000000000000000000"),
        ArtistKey(mbid="00000000-0000-0000-0000-000000000000"),
        ArtistKey(name="Nobody Of This Name"),
    ):
        with pytest.raises(NotFoundError):
            await start_import(key, stack.resources)
    assert await Artist.all().count() == 0
    assert await Import.all().count() == 0


async def test_a_name_no_search_result_matches_lists_the_closest(
    make_stack: StackFactory,
) -> None:
    stack = await make_stack(worker=False)
    with pytest.raises(NotFoundError) as caught:
        await start_import(ArtistKey(name="Midnight Owlz"), stack.resources)
    assert "Midnight Owl" in str(caught.value)


async def test_a_name_matching_several_artists_equally_gives_the_candidates(
    make_stack: StackFactory,
) -> None:
    stack = await make_stack(worker=False)
    with pytest.raises(AmbiguousName) as caught:
        await start_import(ArtistKey(name="foo"), stack.resources)
    assert {c.name for c in caught.value.matches} == {"Foo", "Foo!"}
    assert await Artist.all().count() == 0


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"name": "A", "mbid": "00000000-0000-0000-0000-000000000000"},
        {"spotify_id": "not-an-id"},
        {"mbid": "not-a-uuid"},
        {"name": "   "},
    ],
)
def test_a_key_must_name_exactly_one_well_formed_id(fields: dict[str, str]) -> None:
    with pytest.raises(BadInputError):
        ArtistKey(**fields)


async def test_database_time_is_measured(make_stack: StackFactory) -> None:
    stack = await make_stack()
    final = await import_and_wait(stack, ArtistKey(ticketmaster_id=TINY_TM))
    assert final.phase_seconds["database"] > 0
    conn = Tortoise.get_connection("default")
    assert await conn.execute_query_dict("SELECT 1 AS ok") == [{"ok": 1}]
