"""The ``encore`` command line."""

from __future__ import annotations

import argparse
import asyncio
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


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from jobs.worker import run_worker

    if args.concurrency:
        settings = settings.model_copy(update={"worker_concurrency": args.concurrency})
    asyncio.run(run_worker(settings))
    return 0


def _not_yet(name: str) -> Handler:
    def handler(args: argparse.Namespace, settings: Settings) -> int:
        print(f"encore {name}: not available in this version yet", file=sys.stderr)
        return 2

    return handler


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
    serve.set_defaults(handler=_not_yet("serve"))

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
    sandbox.add_argument("--recordings", metavar="DIR")
    sandbox.set_defaults(handler=_not_yet("sandbox"))

    imp = commands.add_parser("import", help="import an artist and show its progress")
    imp.set_defaults(handler=_not_yet("import"))

    demo = commands.add_parser("demo", help="run everything and import an artist")
    demo.set_defaults(handler=_not_yet("demo"))
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
