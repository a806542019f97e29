import pytest
from tortoise.exceptions import IntegrityError

from models import Artist, Import, ImportStage, Venue
from models.slugs import slugify, unique_slugs
from models.upsert import upsert


async def make_artist(name: str = "Foo Fighters", **ids: str) -> Artist:
    return await Artist.create(
        name=name, search_name=name.lower(), slug=slugify(name), **ids
    )


async def test_a_second_row_with_an_existing_upstream_id_is_refused(db: str) -> None:
    await make_artist("One", spotify_id="sp1")
    with pytest.raises(IntegrityError):
        await make_artist("Two", spotify_id="sp1")
    assert await Artist.filter(spotify_id="sp1").count() == 1


async def test_a_second_running_import_of_one_artist_is_refused(db: str) -> None:
    artist = await make_artist()
    await Import.create(artist=artist, running_artist_id=artist.id)
    with pytest.raises(IntegrityError):
        await Import.create(artist=artist, running_artist_id=artist.id)
    assert await Import.filter(artist=artist).count() == 1


async def test_finished_imports_do_not_block_a_new_one(db: str) -> None:
    artist = await make_artist()
    await Import.create(artist=artist, stage=ImportStage.COMPLETED)
    await Import.create(artist=artist, stage=ImportStage.FAILED)
    await Import.create(artist=artist, running_artist_id=artist.id)
    assert await Import.filter(artist=artist).count() == 3


async def test_upserts_on_upstream_ids_update_in_place(db: str) -> None:
    row = {"name": "House of Blues", "match_key": "hob", "slug": "hob"}
    first = await upsert(
        Venue,
        [{**row, "ticketmaster_id": "KovZ1", "city": "Boston"}],
        conflict=["ticketmaster_id"],
        update=["name", "city"],
    )
    second = await upsert(
        Venue,
        [{**row, "ticketmaster_id": "KovZ1", "city": "Chicago", "slug": "other"}],
        conflict=["ticketmaster_id"],
        update=["name", "city"],
    )
    assert first == second
    venue = await Venue.get(ticketmaster_id="KovZ1")
    assert (venue.city, venue.slug) == ("Chicago", "hob")
    assert await Venue.all().count() == 1


async def test_slugs_of_same_named_venues_differ_and_stay_stable(db: str) -> None:
    wanted = [("tm-1", slugify("House of Blues")), ("tm-2", slugify("House of Blues"))]
    slugs = await unique_slugs(Venue, wanted)
    assert len(set(slugs.values())) == 2
    await Venue.create(name="House of Blues", match_key="x", slug=slugs["tm-1"])
    again = await unique_slugs(Venue, [("tm-2", slugify("House of Blues"))])
    assert again["tm-2"] == slugs["tm-2"]
