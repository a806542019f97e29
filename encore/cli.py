"""The ``encore`` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Sequence

from encore.errors import ConfigError
from encore.logs import configure_logging
from encore.settings import Settings, get_settings
from models.database import DatabaseUnreachable

Handler = Callable[[argparse.Namespace, Settings], int]


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from models.database import migrate

    applied = asyncio.run(migrate(settings.database_url))
    if applied:
        print(f"applied {len(applied)} migration(s): {', '.join(applied)}")
    else:
        print(f"database {settings.database_name} is up to date")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from encore.app import create_app, probe_database, server_config

    # Checked before uvicorn starts, so an unreachable database is one clear
    # line rather than a failed lifespan's traceback.
    asyncio.run(probe_database(settings.database_url))
    if not settings.api_tokens:
        logging.getLogger("encore.serve").warning(
            "API_TOKENS is empty: every mutation will be refused as UNAUTHENTICATED"
        )
    if args.workers > 1:
        # uvicorn's supervisor starts each worker from the import path.
        config = server_config(
            "encore.app:app_from_environment",
            settings,
            args.host,
            args.port,
            workers=args.workers,
        )
        sock = config.bind_socket()
        Multiprocess(config, sockets=[sock]).run()
        return 0
    server = uvicorn.Server(
        server_config(create_app(settings), settings, args.host, args.port)
    )
    server.run()
    return 0 if server.started else 1


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from jobs.worker import run_worker

    if args.concurrency:
        settings = settings.model_copy(update={"worker_concurrency": args.concurrency})
    asyncio.run(run_worker(settings))
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from encore.import_command import main_async

    key = {
        name: value
        for name, value in (
            ("ticketmasterId", args.ticketmaster_id),
            ("spotifyId", args.spotify_id),
            ("mbid", args.mbid),
            ("name", args.name),
        )
        if value
    }
    if len(key) != 1:
        print(
            "encore import: give exactly one of NAME, --ticketmaster-id, "
            "--spotify-id or --mbid",
            file=sys.stderr,
        )
        return 2
    tokens = sorted(settings.token_values())
    token = args.token or (tokens[0] if tokens else None)
    as_json = args.json or not sys.stdout.isatty()
    return main_async(args.url, token, key, as_json)


DEMO_ARTIST = "The Midnight Owls"


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from encore import demo

    if args.spotify_id:
        key = {"spotifyId": args.spotify_id}
    elif args.recordings:
        # The recordings hold one whole Spotify artist: Gorillaz.
        key = {"spotifyId": demo.RECORDED_SPOTIFY_ARTIST}
    else:
        key = {"name": args.artist}
    return demo.main(
        settings,
        recordings=args.recordings,
        artist_key=key,
        port=args.port,
        sandbox_port=args.sandbox_port,
        keep_serving=not args.no_serve,
    )


def cmd_sandbox(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from clients.sandbox import SandboxConfig, run_sandbox

    recordings = Path(args.recordings) if args.recordings else None
    if recordings is not None and not (recordings / "spotify").is_dir():
        print(
            f"encore sandbox: {recordings} is not a folder of recordings "
            "(expected spotify/, ticketmaster/ and setlistfm/ inside)",
            file=sys.stderr,
        )
        return 2
    config = SandboxConfig(
        recordings_dir=recordings,
        rate_limits=not args.no_rate_limits,
        latency_ms=args.latency_ms,
        seed=args.seed,
    )
    run_sandbox(config, host=args.host, port=args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="encore",
        description="Import concert data about artists and serve it over GraphQL.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    migrate = commands.add_parser(
        "migrate", help="create the database if missing and apply migrations"
    )
    migrate.set_defaults(handler=cmd_migrate)

    serve = commands.add_parser("serve", help="run the GraphQL server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes sharing the port (queries are CPU-bound)",
    )
    serve.set_defaults(handler=cmd_serve)

    worker = commands.add_parser(
        "worker", help="run an import worker with its cron jobs"
    )
    worker.add_argument(
        "--concurrency", type=int, help="imports run at once (WORKER_CONCURRENCY)"
    )
    worker.set_defaults(handler=cmd_worker)

    sandbox = commands.add_parser("sandbox", help="run the upstream sandbox")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8765)
    sandbox.add_argument(
        "--recordings",
        metavar="DIR",
        help="serve a folder of recorded responses instead of generated artists",
    )
    sandbox.add_argument(
        "--no-rate-limits",
        action="store_true",
        help="answer as fast as asked instead of enforcing the real limits",
    )
    sandbox.add_argument("--latency-ms", type=float, default=0.0)
    sandbox.add_argument("--seed", type=int, default=0)
    sandbox.set_defaults(handler=cmd_sandbox)

    imp = commands.add_parser(
        "import",
        help="import an artist through the API and show its progress live",
    )
    imp.add_argument("name", nargs="?", help="the artist's name")
    imp.add_argument("--ticketmaster-id")
    imp.add_argument("--spotify-id")
    imp.add_argument("--mbid", help="MusicBrainz id")
    imp.add_argument(
        "--url",
        default="http://127.0.0.1:8000/graphql",
        help="the Encore server's GraphQL endpoint",
    )
    imp.add_argument(
        "--token", help="bearer token for the mutation (default: first of API_TOKENS)"
    )
    imp.add_argument(
        "--json",
        action="store_true",
        help="one JSON line per event (the default when output is not a terminal)",
    )
    imp.set_defaults(handler=cmd_import)

    demo = commands.add_parser(
        "demo",
        help="migrate, start sandbox + worker + server, import an artist live",
    )
    demo.add_argument(
        "--artist", default=DEMO_ARTIST, help="name of the artist to import"
    )
    demo.add_argument("--spotify-id", help="import this Spotify artist instead")
    demo.add_argument(
        "--recordings",
        metavar="DIR",
        help="serve a folder of recorded upstream responses instead of generated data",
    )
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--sandbox-port", type=int, default=8765)
    demo.add_argument(
        "--no-serve",
        action="store_true",
        help="stop after the import instead of serving until Ctrl-C",
    )
    demo.set_defaults(handler=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
        configure_logging(settings.log_level)
        handler: Handler = args.handler
        return handler(args, settings)
    except (ConfigError, DatabaseUnreachable) as exc:
        print(f"encore: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
