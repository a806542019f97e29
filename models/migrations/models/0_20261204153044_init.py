from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "artist" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(300) NOT NULL,
    "search_name" VARCHAR(300) NOT NULL,
    "slug" VARCHAR(200) NOT NULL UNIQUE,
    "spotify_id" VARCHAR(64) UNIQUE,
    "ticketmaster_id" VARCHAR(64) UNIQUE,
    "mbid" VARCHAR(36) UNIQUE,
    "genres" JSONB NOT NULL,
    "image_url" VARCHAR(1000),
    "upcoming_shows_count" INT NOT NULL,
    "songs_count" INT NOT NULL,
    "setlists_count" INT NOT NULL,
    "shows_refreshed_at" TIMESTAMPTZ,
    "catalog_refreshed_at" TIMESTAMPTZ,
    "setlists_refreshed_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_artist_search__7d5439" ON "artist" ("search_name");
CREATE TABLE IF NOT EXISTS "venue" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(300) NOT NULL,
    "match_key" VARCHAR(400) NOT NULL,
    "slug" VARCHAR(250) NOT NULL UNIQUE,
    "ticketmaster_id" VARCHAR(64) UNIQUE,
    "setlistfm_id" VARCHAR(64) UNIQUE,
    "city" VARCHAR(200),
    "region" VARCHAR(200),
    "country" VARCHAR(100),
    "timezone" VARCHAR(64),
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_venue_match_k_54865b" ON "venue" ("match_key");
CREATE TABLE IF NOT EXISTS "show" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "date" DATE,
    "starts_at" TIMESTAMPTZ,
    "status" VARCHAR(16) NOT NULL,
    "name" VARCHAR(500),
    "ticket_url" VARCHAR(1000),
    "ticketmaster_id" VARCHAR(64) UNIQUE,
    "setlistfm_id" VARCHAR(64) UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "artist_id" INT NOT NULL REFERENCES "artist" ("id") ON DELETE CASCADE,
    "venue_id" INT REFERENCES "venue" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_show_artist__bd4c33" ON "show" ("artist_id", "date");
CREATE INDEX IF NOT EXISTS "idx_show_date_1f22e2" ON "show" ("date");
COMMENT ON COLUMN "show"."status" IS 'SCHEDULED: SCHEDULED\nRESCHEDULED: RESCHEDULED\nPOSTPONED: POSTPONED\nCANCELLED: CANCELLED\nPLAYED: PLAYED';
CREATE TABLE IF NOT EXISTS "show_act" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "position" SMALLINT NOT NULL,
    "name" VARCHAR(300) NOT NULL,
    "ticketmaster_id" VARCHAR(64),
    "artist_id" INT REFERENCES "artist" ("id") ON DELETE SET NULL,
    "show_id" INT NOT NULL REFERENCES "show" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_show_act_show_id_d7405c" UNIQUE ("show_id", "position")
);
COMMENT ON TABLE "show_act" IS 'One act of a show''s line-up: position 0 is the headliner.';
CREATE TABLE IF NOT EXISTS "album" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "spotify_id" VARCHAR(64) NOT NULL UNIQUE,
    "title" VARCHAR(500) NOT NULL,
    "kind" VARCHAR(20) NOT NULL,
    "release_date" VARCHAR(10),
    "release_date_precision" VARCHAR(5),
    "total_tracks" INT,
    "image_url" VARCHAR(1000),
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "artist_id" INT NOT NULL REFERENCES "artist" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_album_artist__d019d5" ON "album" ("artist_id", "release_date");
CREATE TABLE IF NOT EXISTS "song" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(500) NOT NULL,
    "title" VARCHAR(500) NOT NULL,
    "spotify_id" VARCHAR(64) UNIQUE,
    "isrc" VARCHAR(16),
    "duration_ms" INT,
    "times_played" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "album_id" INT REFERENCES "album" ("id") ON DELETE SET NULL,
    "artist_id" INT NOT NULL REFERENCES "artist" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_song_artist__5fedd6" UNIQUE ("artist_id", "key")
);
CREATE INDEX IF NOT EXISTS "idx_song_artist__8abe82" ON "song" ("artist_id", "title");
COMMENT ON TABLE "song" IS 'A composition: what a setlist names. One row per song of an artist.';
CREATE TABLE IF NOT EXISTS "track" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "spotify_id" VARCHAR(64) NOT NULL UNIQUE,
    "title" VARCHAR(500) NOT NULL,
    "disc_number" SMALLINT NOT NULL,
    "track_number" SMALLINT NOT NULL,
    "duration_ms" INT,
    "isrc" VARCHAR(16),
    "version" VARCHAR(20) NOT NULL,
    "album_id" INT NOT NULL REFERENCES "album" ("id") ON DELETE CASCADE,
    "song_id" INT NOT NULL REFERENCES "song" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_track_album_i_a846b6" ON "track" ("album_id", "disc_number", "track_number");
COMMENT ON TABLE "track" IS 'A recording of a song on one album or single.';
CREATE TABLE IF NOT EXISTS "setlist" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(10) NOT NULL,
    "setlistfm_id" VARCHAR(64) UNIQUE,
    "version_id" VARCHAR(64),
    "tour" VARCHAR(500),
    "info" TEXT,
    "url" VARCHAR(1000),
    "last_updated" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "show_id" INT NOT NULL REFERENCES "show" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_setlist_show_id_f9b294" UNIQUE ("show_id", "kind")
);
COMMENT ON COLUMN "setlist"."kind" IS 'PLAYED: PLAYED\nPREDICTED: PREDICTED';
CREATE TABLE IF NOT EXISTS "setlist_entry" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "position" SMALLINT NOT NULL,
    "set_number" SMALLINT NOT NULL,
    "set_name" VARCHAR(300),
    "encore" SMALLINT NOT NULL,
    "title" VARCHAR(500) NOT NULL,
    "is_tape" BOOL NOT NULL,
    "cover_of" VARCHAR(300),
    "with_artist" VARCHAR(300),
    "info" TEXT,
    "setlist_id" INT NOT NULL REFERENCES "setlist" ("id") ON DELETE CASCADE,
    "song_id" INT REFERENCES "song" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_setlist_ent_setlist_28a9b8" UNIQUE ("setlist_id", "position")
);
CREATE INDEX IF NOT EXISTS "idx_setlist_ent_song_id_bf6a59" ON "setlist_entry" ("song_id");
CREATE TABLE IF NOT EXISTS "import" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "running_artist_id" INT UNIQUE,
    "stage" VARCHAR(16) NOT NULL,
    "progress" DOUBLE PRECISION NOT NULL,
    "message" VARCHAR(500) NOT NULL,
    "sequence" INT NOT NULL,
    "counts" JSONB NOT NULL,
    "warnings" JSONB NOT NULL,
    "error" TEXT,
    "phases_done" JSONB NOT NULL,
    "phase_seconds" JSONB NOT NULL,
    "cancel_requested" BOOL NOT NULL,
    "job_key" VARCHAR(200),
    "attempts" INT NOT NULL,
    "heartbeat_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "artist_id" INT NOT NULL REFERENCES "artist" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_import_artist__38a9e7" ON "import" ("artist_id", "started_at");
COMMENT ON COLUMN "import"."stage" IS 'QUEUED: QUEUED\nIDENTITY: IDENTITY\nSHOWS: SHOWS\nSONGS: SONGS\nSETLISTS: SETLISTS\nWRAP_UP: WRAP_UP\nCOMPLETED: COMPLETED\nFAILED: FAILED\nCANCELLED: CANCELLED';
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXf1vozga/ldQfrk5qVtNO21nVa1WSlPmJrtp0mvSndmdnpBDnIQrmCyY6fR2538/23"
    "ybj0AClFBLlUqMXwOPP/D7+HnNXz3DXEDdPu5bWLNx71L6q4eAAckBd+ZI6oHNJkynCRjM"
    "dZYVhHnmNraASktaAt2GJGkBbdXSNlgzEUlFjq7TRFMlGTW0CpMcpP3pQAWbK4jX0CInvv"
    "yHJGtoAb9B2/+5eVSWGtQXsVvVFvTaLF3BzxuWNkT4A8tIrzZXVFN3DBRm3jzjtYmC3Bpi"
    "t7+CCFoAQ1o8thx6+/TuvOf0n8i90zCLe4sRmwVcAkfHkcedK2FaT1HGk5kylWeK0isBkG"
    "oiCi65VZs9/Yrewg+nJ2fvz358d3H2I8nCbjNIef/dvXQIjGvI4BnPet/ZeYCBm4NhHILK"
    "/idgHayBlY6rn59Dltwyj6yPYx60fkKIbdiemgDXAN8UHaIVXpOf796+zYHyt/7d4GP/7g"
    "3J9U96SZN0ALdfjL1Tp+45ineIrw2Bpa6VsjBzZnWh3WhLbgBs3VmVQtnLXw28LztOxNA9"
    "LYTuaQ66pynobkysLZ+VtHE4B+OY1U5Iezi2EeiLswI4X5xlwkxPxVHGmvoIsQFsDK2SUK"
    "eYCry34W3My4Hs5+8asu8uiozHF9nD8QWPLMHCgnYS21+mk3E6tqEFh+5CU7H0t6R78886"
    "phm9n5YOUimG0tzRdKwh+5he7+deTfDnwE0RoiUbtv2nHoX5zU3/M18Dg9HkikFm2nhlsV"
    "JYAVdcdWgGWEHFsfQyrT1mVEmTb9WU7+RtoRclzZbZ8N2TcaydjWoa5DYUe20+2QRPx/U8"
    "CjovWebb3ZmqesPbuuCvxJ2JzElMtCqPL2clYE3ACjEd+3ZANmEowE2Ayzq1BZdksF7DhQ"
    "JSAL4m2GDNgBkop5bAvzO9Io79g8MbrHNgnQ1v5Omsf3Mbe09e92cyPXPKUp+51Df87CUo"
    "RPo0nH2U6E/pj8lY5l+nQb7ZHz16T8DBpoLMJwUsopj4yX5SrNZVgIFurvaq96wyRM23ue"
    "aDMXGvLp9ViKj7Nte9akGK+y59PWZZQS23jnwlD7iYIP3Za4EHUu1eZ8mtdWez2LHW45ai"
    "1ttS6ymdnd09XaxaPkZWVmjCHKiPT8BaKLEz3AQw2TKuPLMPv95BHTBgk23AW6+bkiIOsP"
    "a/++3dTw1bQQgP2GwgsABS08ijsiD11SL+RjvfgFtg0ueOsSdCfVpGV9sR8/L3bEGkiK7C"
    "oxkb08J7AjRkhXQJIjqAm6dm1pCePGWcGnwKQGDFHolem17JQ+s3iNizJ+QX7omjPPXF1y"
    "CLEF80NlkR4ouD1gMYAKtr5RE+l1rgixp1T3hxVgjosxygz4TwIlt4cV5IeHGeI7w4T6Ar"
    "JAHNSgI8rm1plJW6cHYC6W1IqxouNTb7+bu3El2LYsuCK2/2XhTg0EJAXAhits5plWvEoU"
    "n3QD4pKqjI01MkX4AG/J+JSs2Vozbdg7n6oZh6+thZpGD8QTdBhqMXNeJAXlKrw4M5B9br"
    "yf3VSJZu7+TBcDr0FFoBAc1O0iSSoGEGwZ3cH/Eom2i1A8xRK4FzAZzFulv2QHKYKzBi3e"
    "011vqBrru1c7BtluxmUKVw3T6E2VS37eeok+n+4sUzer467do9kuWLdySI8CaJcIZ56pCd"
    "jqufP2+gPthumjonIuMsz1Jh0oDtXaRkUUMhH2vPmy1FOogBdlJeWdTtlZFjsAoeksenao"
    "m0ivas27xg1JsOPsrX9yP5+lIKDh/QnRxJj/x4QLeT6eyWAE7Sg8MHNOiPB/KI5Q4OSd5R"
    "/3eWkf3vFRvs4oRGkbiok+y4qJNEXFSjq34t65xxbM8LkUXnOWTReRpZRJc8ygY6xa26B3"
    "VdkU5ibUqsTXUTaUEhZUN/mGSCoJBeY61nUUgxLW2UCijo28dsmotybL2XH6LKJIvlQI2a"
    "7IRp2yZhFUCa4Dr5dpuylmRaUFuhX+FzwkPMEIIHBR1Ym82iNkmyBZ4C/i7eW8nzk6eG7u"
    "rRoD8d9K/lXrLpVoBrIOw9rGZbFNVod42BSm5AGt+PRr3vRYh5oO6rQy8e6nEoDTg1hHRP"
    "kNxSugRS3QsYfTV1u8RIc8tfxlCAWmzHxN4EQYlkkMylBCRq+g9b0jUEf3A2lxKZ7mhsa5"
    "q3kmZLeA2lNZmL0dPWMU9q7VdSysLJF/dJvJeyZ++ukIjIgRdaMAmqIQHt1AC6nolv1K5L"
    "c9Z3p+8vAozpjzx4pzf90Sg5XRXRGPVGY7SQKmwV6NVTWC/j1rYN5Bq27ykHafT12aExty"
    "6n1pd/7Ol6dSxE/ohzvSKNars72zxP0LJBYH+aoIhHW6c34obqp23d7sfw5+zcHmRpUFFl"
    "EeiADRWhp6rrnZTtHrzYVs0tg7n2vZqxXjIoxTPooM9Qi5jjkTxaGYD9/B3E97RY9FpO8F"
    "oyPDAyQpcAmbfrnit2Ukwrk6OUycNa2VhQ1ezSoZlZJXQP//MiI0n2OJIYp00MdIXOfB5T"
    "KPTM2QZvJrzhpDcsdhVPGz3q0doJRVJ2BRymNkUokl5jrQtFUkuYRiGfqVA+U0TosdDsjQ"
    "6elea2ZmzZRKGQ2iNroloGnhkto0MNsl6lh8nuKCnz8NpYjsbDz7FV39GXVNPwl98vpac1"
    "wFSe4UpyJHph+1ii0g3LfJI20JJo0UzDgSS39yWVHhWVmar5iPV4uhseL/jgsrjUluB5G+"
    "V5S25tWPOmhl0jHwW9WzfC4pOSSaCrX6bQbEstRc94+TvIzFQezLtwLDYTU9K2Ys98v3FW"
    "glhMEouUkrAV6i3AMjMH3kx8fowHVrCI2VAfJp8kWMTXWOuFWEQq/ClJIkZMxHspOXwKYr"
    "YqVAUx23xcY6AE3BfXgh8OatlgUBjVyCC4R1yjIHK3MN0QkUL2/syXy3fK/qba3WiStRLe"
    "bqNKYbyD1pZNeeMgSwHO24KqaS00j3X2+GdE/qDE+phkWpJNTuswjd0uaV1Iohzp2QvNVh"
    "XkGHPIiA32YP5vQWQLwXL3mEDBaNfNaHNjShzn/NhczrQ5P+Gk3kGjitjc2NhcElfetjOU"
    "YBXACv66LmGsWHSpbdHlK7TKqucjJs29ykjZzkIze43AXH18yEuwh62bMlQdPU58mJLR46"
    "GFQLRA9LinyNqT4OrYl5+P+OjxsFG1jzQ8VFAzWcMCGtla5Y3evl9pCsdwS7AckWMkU6UB"
    "5LGdpVjopthV6kXlhJnRtts/NnAIkbe9+OcAHtDtnXw9HMxYkn/I85CFpriVx4uKfb6b4s"
    "Q8z6AkznGr7jltNXCPppNC3eRQj17+7mFbC/GooaWZhHcGv2W9E738XYA3T7Ejf57RkgOx"
    "jg/im5v+Z4ZvINgZTcb/8rNHQB+MJlcc1iXDnUWgc8lAZx3YWPF0Z0mg8+VqvK34wFV79G"
    "lJWaIQo2Z3tcOUJQox6mus9SJiVLFxptg4swUs3daNM4so+15CuHYogNcbqh3FLJvQDDDd"
    "ymoqMMhaNbfpXWDLxvlfAjJeaM7EHvoHvoc+afM7qnTilkKjw4Na8uMEUZvuEQ+1fJ8AIp"
    "VMlcq229BKtFmhNG2S8LUVDDYpGF+Zpg4BypKZBVYc0HNiVhfSQUqzdNjVZDKKOcdXQ57d"
    "vb+5ku/enDDgSSbN9QVSoqbNr9BSzGWZJh21EWNwoTH4ScNrJSv6LxtpzkyAXQhssWTU3J"
    "JR3Bksyn/FPcgO+RoHrKdsWUOum1MMtV/70oqd+/rkEc8sxrrrdl1ls1LVlrXbfZWqL/09"
    "nqGxMa1UTaV35iiPfNTCPA1+koe0JMtbPRNcY6Nco+UgRK6v7LJ7SKptJa+uDkAeGU0x6a"
    "jpTsN29Wpg3GBw0L/v5XtPblpCwupaXUru/wc0vJbHs+Hs90vJP3pA04+TT9NLif0jv8gk"
    "lf6i/8gveTYaTmc0wTt6QJ/u+rfK/e2l5B08oMHk5nYkM2FscPiAPvSHI5rk/ie5+uOBPG"
    "JJwWGvWOXXHCG2sUy6cp2yQPdBN0EWsR8x4trBklrVRucd10Xo5cB6Pbm/GslU9jwYToeT"
    "cVwuwE7GOZE7uT/iUDYIWJmdLh3jiEmTXc2BDlyU7GptIvtsSJ7WG7gKO4+hSWeo6ep2QT"
    "QdWnICzl/IMJnF5vkWvOxIU7H0t1Snc9P7aekglX233ZtkuhNI+xgaG/ysuPf2c10NPAdZ"
    "ilc+WcLzIkdxYREtgCdLyOycznhKVU/U5kUraO5oOtaQfUyv15kqgZZlpqzpZpOFgYFgC8"
    "uzhZs1sKGtLEyUMuJn9wHOTHSDyrsBQ1ixIbmNRanhKWHYjsqhl+1M5ajUtdMVi0587NTQ"
    "gdyl0TRzsUZaYo30v+ZcKflFiohJF94T/I4cxbbkyNuTI7kpB8Z0zldmt56oifAE+Fa7hs"
    "DCcwjwDuEIvK0INmpP/EEy7CRCf5es57ilCDtpS7WLYKPXWOtFgo2WGtLs9U7VzpmKMb09"
    "1Zzs3WI7/qrmRDkiELEdf+EtoPb5TmqdcoU+tDR13UuRK3hnjvLkCiDMU6dcQWgSmtQkHM"
    "oums356+fnRfz18/Nsf52e4/x10qlKIOxl7yC6J0X3CsnbKoRHl1wRQ5TyaspbxwtMmudg"
    "X2ZWVxnbmpgjNPky+/5/Qg7TpA=="
)
