"""What reached the sandbox: arrivals per service and endpoint, and 429s."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Arrival:
    at: float  # seconds since the sandbox started, taken on arrival
    service: str
    endpoint: str
    path: str
    status: int | None = None


@dataclass(slots=True)
class Traffic:
    arrivals: list[Arrival] = field(default_factory=list)

    def arrive(self, at: float, service: str, endpoint: str, path: str) -> Arrival:
        arrival = Arrival(at, service, endpoint, path)
        self.arrivals.append(arrival)
        return arrival

    def reset(self) -> None:
        self.arrivals.clear()

    def summary(self, with_arrivals: bool = False) -> dict[str, Any]:
        """Counts per service; the busiest one-second window of each."""
        services: dict[str, Any] = {}
        for service in sorted({a.service for a in self.arrivals}):
            mine = [a for a in self.arrivals if a.service == service]
            accepted = [a.at for a in mine if a.status != 429]
            entry: dict[str, Any] = {
                "requests": len(mine),
                "rate_limited": sum(1 for a in mine if a.status == 429),
                "max_in_one_second": busiest_second([a.at for a in mine]),
                "max_accepted_in_one_second": busiest_second(accepted),
                "endpoints": dict(sorted(Counter(a.endpoint for a in mine).items())),
                "statuses": {
                    str(k): v
                    for k, v in sorted(Counter(a.status or 0 for a in mine).items())
                },
            }
            if with_arrivals:
                entry["arrivals"] = [
                    {
                        "at": round(a.at, 6),
                        "endpoint": a.endpoint,
                        "path": a.path,
                        "status": a.status,
                    }
                    for a in mine
                ]
            services[service] = entry
        return {
            "requests": len(self.arrivals),
            "rate_limited": sum(1 for a in self.arrivals if a.status == 429),
            "services": services,
        }


def busiest_second(times: list[float]) -> int:
    """The most arrivals in any window [t, t + 1 s)."""
    ordered = sorted(times)
    best = start = 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best
