"""Write the sample company's seat listings, weekly: who holds a seat and when they last used it.

Three sources, one writer each, all from `company.SEATS`:

- `copilot_seats/`: GitHub Copilot's organisation seat listing (`GET /orgs/{org}/copilot/billing/seats`)
  as JSON Lines of API pages of at most 50 seats, `copilot_seats_<org>_<day>.jsonl`. Seats are assigned
  through the holder's GitHub team, which follows the person's team on the day (`company.team_of`).
  Times are ISO 8601 in the company's local time with its offset (+01:00 in winter, +02:00 in summer),
  as the API writes them with an offset.
- `m365_copilot/`: the Graph report getMicrosoft365CopilotUsageUserDetail for period D7, one CSV per
  week (`copilot_usage_user_detail_D7_<day>.csv`, UTF-8 with a byte-order mark as Graph sends it). The
  tenant does not conceal user names.
- `seats/`: the documented seat CSV (`ingest.seats`) for Cursor, ChatGPT Enterprise and Claude, one file
  per tool and week (`seats_<tool>_<day>.csv`), priced at the tool's list price per month.

Snapshots are taken on Mondays and on the last day generated; a seat appears from the day it is assigned.
A holder uses the tool on a working day with the seat's `activity` rate, and not from its `stops_on`
day. An idle seat's holder either never used the tool (null dates) or only in the seat's first days
(dates months old): the first idle seat of each tool in `company.SEATS` never, the next once, and so on.
Draws are per seat and day (`numpy.random.default_rng([seed, stream, seat, day])`), so a snapshot does
not depend on the window generated.
"""

from __future__ import annotations

import csv
import hashlib
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import numpy as np

from ingest.sample import company
from ingest.sample.files import landing_atomically
from ingest.sample.traffic import DayTraffic

COPILOT_FOLDER = "copilot_seats"
M365_FOLDER = "m365_copilot"
SEATS_FOLDER = "seats"
PAGE_SIZE = 50
SNAPSHOT_WEEKDAY = 0  # Monday
LOCAL_TIME = ZoneInfo("Europe/Berlin")
CSV_SEAT_TOOLS = ("cursor", "chatgpt_enterprise", "claude_team")
# Stable stream number for seat-usage draws, apart from the traffic simulation's streams.
_USAGE_STREAM = 5301

M365_APPS = (
    # (report header, share of a holder's Copilot days on which they use it there)
    ("Copilot Chat Last Activity Date", 0.6),
    ("Microsoft Teams Copilot Last Activity Date", 0.5),
    ("Word Copilot Last Activity Date", 0.35),
    ("Excel Copilot Last Activity Date", 0.2),
    ("PowerPoint Copilot Last Activity Date", 0.15),
    ("Outlook Copilot Last Activity Date", 0.45),
    ("OneNote Copilot Last Activity Date", 0.05),
    ("Loop Copilot Last Activity Date", 0.03),
)
M365_HEADER = (
    "Report Refresh Date",
    "User Principal Name",
    "Display Name",
    "Last Activity Date",
    *(header for header, _ in M365_APPS),
    "Report Period",
)
SEAT_CSV_HEADER = ("tool", "user_email", "assigned_date", "last_active_date", "monthly_price", "currency")
_EDITORS = (
    "vscode/1.{minor}.{patch}/copilot/1.{plugin}.0",
    "vscode/1.{minor}.{patch}/copilot-chat/0.{plugin}.0",
    "JetBrains-IU/2026.{patch}/copilot-intellij/1.5.{plugin}",
)


def _stable_int(*parts: object) -> int:
    digest = hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:4], "big")


def is_snapshot_day(day: date) -> bool:
    """True on the weekday seat listings are taken."""
    return day.weekday() == SNAPSHOT_WEEKDAY


@dataclass(frozen=True)
class UseDay:
    """One working day on which a holder used a seat's tool."""

    day: date
    at: datetime  # when, in local time with its offset
    apps: tuple[bool, ...]  # Microsoft 365 apps used that day, in M365_APPS order


class SeatUsage:
    """When each seat's holder uses the tool, drawn once per seat and day from the seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._draws: dict[tuple[str, str, date], UseDay | None] = {}
        self._never = _never_used_seats()

    def used_on(self, seat: company.Seat, day: date) -> UseDay | None:
        """The use of the seat on a day, or None when its holder did not use it."""
        key = (seat.tool_id, seat.email, day)
        if key not in self._draws:
            self._draws[key] = self._draw(seat, day)
        return self._draws[key]

    def _draw(self, seat: company.Seat, day: date) -> UseDay | None:
        if day.weekday() >= 5 or day < seat.assigned or (seat.stops_on and day >= seat.stops_on):
            return None
        rng = np.random.default_rng(
            [self.seed, _USAGE_STREAM, _stable_int(seat.tool_id, seat.email), day.toordinal()]
        )
        draws = rng.random(2 + len(M365_APPS))
        # An idle seat that was tried at all was tried once, on its first working day.
        rate = seat.activity if seat.activity > 0 else float(day == _first_working_day(seat.assigned))
        if draws[0] >= rate:
            return None
        seconds = int(8 * 3600 + draws[1] * 9.5 * 3600)  # between 08:00 and 17:30 local time
        at = datetime.combine(day, time(), LOCAL_TIME) + timedelta(seconds=seconds)
        apps = tuple(bool(d < share) for d, (_, share) in zip(draws[2:], M365_APPS, strict=True))
        # Whoever uses Microsoft 365 Copilot on a day uses it somewhere; Copilot Chat by default.
        return UseDay(day, at, apps if any(apps) else (True, *apps[1:]))

    def last_use(self, seat: company.Seat, day: date, app: int | None = None) -> UseDay | None:
        """The holder's last use on or before `day` (in one Microsoft 365 app, if given)."""
        if seat.activity <= 0:
            if (seat.tool_id, seat.email) in self._never:
                return None
            first = self.used_on(seat, _first_working_day(seat.assigned))
            usable = first is not None and first.day <= day and (app is None or first.apps[app])
            return first if usable else None
        current = min(day, seat.stops_on - timedelta(days=1)) if seat.stops_on else day
        while current >= seat.assigned:
            use = self.used_on(seat, current)
            if use is not None and (app is None or use.apps[app]):
                return use
            current -= timedelta(days=1)
        return None


def _first_working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _never_used_seats() -> set[tuple[str, str]]:
    """Idle seats whose holders never used the tool: every other idle seat of a tool, from the first."""
    never, idle_count = set(), {}
    for seat in company.SEATS:
        if seat.activity > 0:
            continue
        n = idle_count.get(seat.tool_id, 0)
        idle_count[seat.tool_id] = n + 1
        if n % 2 == 0:
            never.add((seat.tool_id, seat.email))
    return never


def seats_on(tool_id: str, day: date) -> list[company.Seat]:
    """The tool's seats assigned on or before a day, in the company's order."""
    return [s for s in company.SEATS if s.tool_id == tool_id and s.assigned <= day]


def _person(email: str) -> company.Person:
    return next(p for p in company.PEOPLE if p.email == email)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL_TIME)


def _user_id(person: company.Person) -> int:
    return 9_100_000 + int(person.person_id[1:])


def _team_object(team_id: str) -> dict:
    index = [t.team_id for t in company.TEAMS].index(team_id)
    team = company.TEAMS[index]
    return {
        "id": 7_300_001 + index,
        "node_id": f"T_kwDOnw{index:04d}",
        "name": team.name,
        "slug": team.team_id,
        "description": f"{team.name} at Northwind Analytics",
        "privacy": "closed",
        "notification_setting": "notifications_enabled",
        "permission": "pull",
        "url": f"https://api.github.com/organizations/91000001/team/{7_300_001 + index}",
        "html_url": f"https://github.com/orgs/{company.GITHUB_ORG}/teams/{team.team_id}",
        "parent": None,
    }


def _editor_version(editor: str, day: date) -> str:
    """The editor and plugin versions a holder ran on a day: both move on every month."""
    months = max(0, (day.year - 2025) * 12 + day.month - 11)
    return editor.format(minor=95 + months, patch=day.day % 4, plugin=280 + 4 * months)


def copilot_seat(seat: company.Seat, day: date, usage: SeatUsage) -> dict:
    """One seat as the Copilot seat listing of a day shows it."""
    person = _person(seat.email)
    last = usage.last_use(seat, day)
    editor = _EDITORS[_stable_int(person.person_id, "editor") % len(_EDITORS)]
    created = _local(seat.assigned, 9, 30)
    authenticated = None
    if last is not None:
        authenticated = last.at - timedelta(minutes=5 + _stable_int(person.person_id, last.day) % 180)
    login = person.github_login
    return {
        "created_at": _iso(created),
        "updated_at": _iso(created),
        "pending_cancellation_date": None,
        "last_activity_at": _iso(last.at if last else None),
        "last_activity_editor": _editor_version(editor, last.day) if last else None,
        "last_authenticated_at": _iso(authenticated),
        "plan_type": "business",
        "assignee": {
            "login": login,
            "id": _user_id(person),
            "node_id": f"U_kgDOnw{_user_id(person):08d}",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{_user_id(person)}?v=4",
            "html_url": f"https://github.com/{login}",
            "type": "User",
            "site_admin": False,
        },
        "assigning_team": _team_object(company.team_of(person, day)),
    }


def copilot_pages(day: date, usage: SeatUsage) -> list[dict]:
    """The organisation's seat listing on a day, as API pages of at most PAGE_SIZE seats."""
    seats = [copilot_seat(s, day, usage) for s in seats_on("github_copilot", day)]
    return [
        {"total_seats": len(seats), "seats": seats[start : start + PAGE_SIZE]}
        for start in range(0, len(seats), PAGE_SIZE)
    ]


def m365_rows(day: date, usage: SeatUsage) -> list[tuple]:
    """The D7 usage report refreshed on a day: one row per licensed user, by user principal name."""
    rows = []
    for seat in sorted(seats_on("m365_copilot", day), key=lambda s: s.email):
        person = _person(seat.email)
        last = usage.last_use(seat, day)
        apps = [usage.last_use(seat, day, app) if last else None for app in range(len(M365_APPS))]
        rows.append(
            (
                day.isoformat(),
                person.email,
                person.name,
                last.day.isoformat() if last else "",
                *(use.day.isoformat() if use else "" for use in apps),
                "7",
            )
        )
    return rows


def seat_csv_rows(tool_id: str, day: date, usage: SeatUsage) -> list[tuple]:
    """A tool's seat CSV rows on a day, priced at the tool's list price per month in USD."""
    price = f"{company.SEAT_TOOLS[tool_id].monthly_price_usd:.2f}"
    rows = []
    for seat in seats_on(tool_id, day):
        last = usage.last_use(seat, day)
        rows.append(
            (
                tool_id,
                seat.email,
                seat.assigned.isoformat(),
                last.day.isoformat() if last else "",
                price,
                "USD",
            )
        )
    return rows


def _write_csv(path: Path, header: tuple[str, ...], rows: list[tuple], encoding: str = "utf-8") -> None:
    with landing_atomically(path) as partial, partial.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


class _WeeklySnapshots(ABC):
    """Writes a snapshot on every Monday seen and on the last day."""

    folder: str

    def __init__(self, seed: int) -> None:
        self.usage = SeatUsage(seed)

    def add_day(self, con: duckdb.DuckDBPyConnection, day: date, traffic: DayTraffic, out_dir: Path) -> None:
        if is_snapshot_day(day):
            self.write_snapshot(day, out_dir / self.folder)

    def finish(self, con: duckdb.DuckDBPyConnection, out_dir: Path, first_day: date, last_day: date) -> None:
        """The last day's snapshot (a Monday's is the same file, left as it is)."""
        self.write_snapshot(last_day, out_dir / self.folder)

    @abstractmethod
    def write_snapshot(self, day: date, folder: Path) -> None:
        """Write the listing of a day into the source's folder."""


class CopilotSeatsWriter(_WeeklySnapshots):
    """GitHub Copilot seat listings of the company's organisation, as JSON Lines of API pages."""

    folder = COPILOT_FOLDER

    def write_snapshot(self, day: date, folder: Path) -> None:
        pages = copilot_pages(day, self.usage)
        if not pages:
            return
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"copilot_seats_{company.GITHUB_ORG}_{day.isoformat()}.jsonl"
        with landing_atomically(path) as partial, partial.open("w", encoding="utf-8") as f:
            for page in pages:
                f.write(json.dumps(page, separators=(",", ":")) + "\n")


class M365CopilotWriter(_WeeklySnapshots):
    """Microsoft 365 Copilot usage user detail reports for period D7."""

    folder = M365_FOLDER

    def write_snapshot(self, day: date, folder: Path) -> None:
        rows = m365_rows(day, self.usage)
        if not rows:
            return
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"copilot_usage_user_detail_D7_{day.isoformat()}.csv"
        _write_csv(path, M365_HEADER, rows, encoding="utf-8-sig")


class SeatCsvWriter(_WeeklySnapshots):
    """Seat CSVs for the tools with no seat API of their own: one file per tool and snapshot."""

    folder = SEATS_FOLDER

    def write_snapshot(self, day: date, folder: Path) -> None:
        for tool_id in CSV_SEAT_TOOLS:
            rows = seat_csv_rows(tool_id, day, self.usage)
            if rows:
                folder.mkdir(parents=True, exist_ok=True)
                _write_csv(folder / f"seats_{tool_id}_{day.isoformat()}.csv", SEAT_CSV_HEADER, rows)
