"""``encore import``: start an import over GraphQL and follow its progress live.

It speaks only the public API: the ``importArtist`` mutation over HTTP and the
``importProgress`` subscription over a ``graphql-transport-ws`` websocket, so
it works against any Encore server it can reach.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, TextIO
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn
from rich.table import Table

STATUS_FIELDS = """
importId artistId stage progress message sequence error warnings
startedAt updatedAt finishedAt
counts { venues shows albums songs setlists }
"""

IMPORT_MUTATION = (
    "mutation Import($input: ImportArtistInput!) { importArtist(input: $input) {"
    " alreadyRunning artist { id name slug } importStatus {" + STATUS_FIELDS + "} } }"
)
PROGRESS_SUBSCRIPTION = (
    "subscription Progress($artistId: ID!) { importProgress(artistId: $artistId) {"
    + STATUS_FIELDS
    + "} }"
)

STAGES = ("IDENTITY", "SHOWS", "SONGS", "SETLISTS", "WRAP_UP")
WINDOWS = {
    "IDENTITY": (0.0, 5.0),
    "SHOWS": (5.0, 30.0),
    "SONGS": (30.0, 65.0),
    "SETLISTS": (65.0, 95.0),
    "WRAP_UP": (95.0, 100.0),
}
TERMINAL = {"COMPLETED", "FAILED", "CANCELLED"}
EXIT_FOR = {"COMPLETED": 0, "FAILED": 1, "CANCELLED": 3}


class ImportCommandError(Exception):
    """The server refused or could not be reached; the message says why."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Watch:
    """What the command learns while following an import."""

    artist_name: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    stage_started: dict[str, float] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def record(self, status: dict[str, Any]) -> None:
        now = time.monotonic()
        stage = status["stage"]
        if self.events and self.events[-1]["stage"] != stage:
            previous = self.events[-1]["stage"]
            if previous in self.stage_started:
                self.stage_seconds[previous] = now - self.stage_started[previous]
        self.stage_started.setdefault(stage, now)
        self.events.append(status)

    @property
    def last(self) -> dict[str, Any]:
        return self.events[-1]


def websocket_url(http_url: str) -> str:
    parts = urlsplit(http_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return urlunsplit(parts._replace(scheme=scheme))


async def start(
    session: aiohttp.ClientSession, url: str, token: str | None, key: dict[str, str]
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {"query": IMPORT_MUTATION, "variables": {"input": key}}
    try:
        async with session.post(url, json=body, headers=headers) as response:
            text = await response.text()
    except aiohttp.ClientError as exc:
        raise ImportCommandError(
            f"cannot reach the Encore server at {url} ({exc}); is it running? "
            "Point --url at its /graphql"
        ) from exc
    try:
        payload = json.loads(text)
    except json.JSONDecodeError:
        raise ImportCommandError(
            f"the server at {url} answered {response.status} with no GraphQL body"
        ) from None
    errors = payload.get("errors") or []
    if errors:
        first = errors[0]
        code = (first.get("extensions") or {}).get("code")
        message = first.get("message", "import refused")
        if code == "UNAUTHENTICATED":
            message += "; pass --token, or set API_TOKENS to the server's token"
        raise ImportCommandError(message, code)
    result: dict[str, Any] = payload["data"]["importArtist"]
    return result


async def follow(
    session: aiohttp.ClientSession, url: str, artist_id: str
) -> AsyncIterator[dict[str, Any]]:
    """ImportStatus objects from the subscription until it completes."""
    async with session.ws_connect(
        websocket_url(url), protocols=("graphql-transport-ws",), heartbeat=20
    ) as ws:
        await ws.send_json({"type": "connection_init", "payload": {}})
        ack = await ws.receive_json(timeout=10)
        if ack.get("type") != "connection_ack":
            raise ImportCommandError(f"subscription refused: {ack}")
        await ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {
                    "query": PROGRESS_SUBSCRIPTION,
                    "variables": {"artistId": artist_id},
                },
            }
        )
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                raise ImportCommandError("the progress stream closed early")
            data = json.loads(message.data)
            kind = data.get("type")
            if kind == "next":
                payload = data["payload"]
                if payload.get("errors"):
                    raise ImportCommandError(
                        payload["errors"][0].get("message", "error")
                    )
                yield payload["data"]["importProgress"]
            elif kind == "error":
                raise ImportCommandError(str(data.get("payload")))
            elif kind == "complete":
                return
            elif kind == "ping":
                await ws.send_json({"type": "pong"})


class LiveView:
    """Progress bars per stage on a terminal."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            TextColumn("{task.percentage:>5.1f}%"),
            TextColumn("{task.fields[message]}"),
            console=console,
        )
        self.tasks: dict[str, TaskID] = {
            stage: self.progress.add_task(stage, total=100, message="")
            for stage in STAGES
        }

    def show(self, status: dict[str, Any]) -> None:
        overall = float(status["progress"])
        for stage, (low, high) in WINDOWS.items():
            share = (overall - low) / (high - low) if high > low else 1.0
            done = min(max(share, 0.0), 1.0) * 100
            message = status["message"] if status["stage"] == stage else ""
            self.progress.update(self.tasks[stage], completed=done, message=message)


def summary_table(watch: Watch) -> Table:
    last = watch.last
    table = Table(title="Summary")
    table.add_column("what")
    table.add_column("value", justify="right")
    for name, value in last["counts"].items():
        table.add_row(name, str(value))
    table.add_row("warnings", str(len(last["warnings"])))
    for stage in STAGES:
        if stage in watch.stage_seconds:
            table.add_row(f"time in {stage}", f"{watch.stage_seconds[stage]:.1f} s")
    started = dt.datetime.fromisoformat(last["startedAt"])
    finished = last.get("finishedAt")
    if finished:
        total = dt.datetime.fromisoformat(finished) - started
        table.add_row("total time", f"{total.total_seconds():.1f} s")
    return table


async def run_import(
    url: str,
    token: str | None,
    key: dict[str, str],
    *,
    as_json: bool,
    out: TextIO = sys.stdout,
) -> int:
    """Start, follow and summarise one import; returns the exit status."""
    console = Console(file=out)
    watch = Watch()
    timeout = aiohttp.ClientTimeout(total=None, connect=10)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        try:
            started = await start(session, url, token, key)
        except ImportCommandError as exc:
            return _refused(exc, as_json, out, console)
        artist = started["artist"]
        watch.artist_name = artist["name"]
        if as_json:
            _json_line(out, {"event": "started", **started})
        else:
            joined = " (joined the running import)" if started["alreadyRunning"] else ""
            console.print(f"Importing [bold]{artist['name']}[/bold]{joined}")
        view = None if as_json else LiveView(console)
        try:
            if view:
                view.progress.start()
            async for status in follow(session, url, artist["id"]):
                watch.record(status)
                if as_json:
                    _json_line(out, {"event": "progress", **status})
                elif view:
                    view.show(status)
        except (ImportCommandError, aiohttp.ClientError) as exc:
            return _refused(
                ImportCommandError(f"lost the progress stream: {exc}"),
                as_json,
                out,
                console,
            )
        finally:
            if view:
                view.progress.stop()
    if not watch.events:
        return _refused(
            ImportCommandError("no progress received"), as_json, out, console
        )
    last = watch.last
    if as_json:
        _json_line(
            out, {"event": "finished", "stage": last["stage"], "error": last["error"]}
        )
    else:
        console.print(f"Import of {watch.artist_name}: {last['stage']}", soft_wrap=True)
        console.print(summary_table(watch))
        for warning in last["warnings"]:
            console.print(f"[yellow]warning:[/yellow] {warning}")
        if last["stage"] == "FAILED":
            console.print(f"[red]Import failed:[/red] {last['error']}")
    return EXIT_FOR.get(last["stage"], 1)


def _refused(
    exc: ImportCommandError, as_json: bool, out: TextIO, console: Console
) -> int:
    if as_json:
        _json_line(out, {"event": "error", "code": exc.code, "message": str(exc)})
    else:
        code = f" [{exc.code}]" if exc.code else ""
        console.print(f"[red]encore import:{code}[/red] {exc}")
    return 2 if exc.code in (None, "UNAUTHENTICATED", "BAD_USER_INPUT") else 1


def _json_line(out: TextIO, data: dict[str, Any]) -> None:
    out.write(json.dumps(data) + "\n")
    out.flush()


def main_async(url: str, token: str | None, key: dict[str, str], as_json: bool) -> int:
    return asyncio.run(run_import(url, token, key, as_json=as_json))
