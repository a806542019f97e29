"""The services' rate limits: a sliding window per second and daily quotas.

How requests are counted, exactly, so clients can aim to stay under it:

- A request is counted when it arrives, before latency or faults apply.
- A service with a rate of R per second admits a request when fewer than
  ``C = max(1, floor(R))`` admitted requests arrived in the last ``C / R``
  seconds (for a whole-number rate: fewer than R in the last second). Requests
  it refuses with 429 do not count against the window.
- A daily quota counts admitted requests per UTC day; past it every request
  is refused until the next UTC midnight (or a reset through the control API).
- Spotify's token endpoint is its own service and never limited.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: str  # "rate" or "quota"
    retry_after: float  # seconds until a request would be admitted


@dataclass(slots=True)
class SlidingWindow:
    admitted: deque[float] = field(default_factory=deque)

    def admit(self, now: float, rate: float) -> float | None:
        """None when admitted, else the seconds until a place frees up."""
        capacity = max(1, math.floor(rate))
        span = capacity / rate
        while self.admitted and now - self.admitted[0] >= span:
            self.admitted.popleft()
        if len(self.admitted) >= capacity:
            return span - (now - self.admitted[0])
        self.admitted.append(now)
        return None


@dataclass(slots=True)
class DailyQuota:
    day: dt.date | None = None
    used: int = 0

    def admit(self, today: dt.date, quota: int) -> bool:
        if today != self.day:
            self.day, self.used = today, 0
        if self.used >= quota:
            return False
        self.used += 1
        return True


@dataclass(slots=True)
class RateLimiter:
    windows: dict[str, SlidingWindow] = field(default_factory=dict)
    quotas: dict[str, DailyQuota] = field(default_factory=dict)

    def check(
        self, service: str, now: float, rate: float | None, quota: int | None
    ) -> Refusal | None:
        utc = dt.datetime.now(dt.UTC)
        if quota is not None:
            book = self.quotas.setdefault(service, DailyQuota())
            if book.day == utc.date() and book.used >= quota:
                return Refusal("quota", seconds_to_midnight(utc))
        if rate is not None:
            wait = self.windows.setdefault(service, SlidingWindow()).admit(now, rate)
            if wait is not None:
                return Refusal("rate", wait)
        if quota is not None:
            self.quotas[service].admit(utc.date(), quota)
        return None

    def quota_left(self, service: str, quota: int) -> int:
        book = self.quotas.get(service)
        today = dt.datetime.now(dt.UTC).date()
        used = book.used if book and book.day == today else 0
        return max(0, quota - used)

    def reset(self) -> None:
        self.windows.clear()
        self.quotas.clear()


def seconds_to_midnight(moment: dt.datetime) -> float:
    tomorrow = dt.datetime.combine(
        moment.date() + dt.timedelta(days=1), dt.time(), dt.UTC
    )
    return (tomorrow - moment).total_seconds()
