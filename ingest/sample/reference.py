"""Write the sample company's reference CSVs: the company as it stands on the last day, with its history.

Written once, when the last day has been seen (`finish`), into `reference/`: `teams.csv`, `people.csv`,
`credentials.csv`, `tools.csv`, `budgets.csv`, `labour_rates.csv`, `workflows.csv`, in the columns
`ingest.reference` documents. No `prices.csv`: the company has negotiated no rates, so list prices apply.

History as of the last day: a person who has moved team by then has two rows split at the move
date (valid_to of the old row = valid_from of the new one), and so has their personal gateway key;
a move after the last day is not known yet. The Azure OpenAI resource has an owner only from the day
its team tag appeared (`company.AZURE_TAGGED_FROM`), and no row before. The legacy Slack bot's gateway
key belongs to nobody, so it has no row. The gateway's own provider credentials (its OpenAI project and
key, its Anthropic workspace and key) belong to the platform team that runs the gateway, with a note:
their bills hold every team's gateway traffic. Budgets cover every month of the story (and of the
window generated, if wider), growing 5% a month from `company.MONTHLY_BUDGET_USD`.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb

from ingest.sample import company
from ingest.sample.files import landing_atomically
from ingest.sample.traffic import DayTraffic

FOLDER = "reference"
BUDGET_GROWTH = Decimal("1.05")
GATEWAY_NOTE = (
    "The LiteLLM gateway's own credential: its bill holds every team's gateway calls; "
    "allocate it by the gateway's spend logs"
)

TEAMS_HEADER = ("team_id", "team_name", "cost_centre")
PEOPLE_HEADER = (
    "person_id",
    "email",
    "display_name",
    "github_login",
    "microsoft_upn",
    "gateway_user_id",
    "team_id",
    "valid_from",
    "valid_to",
)
CREDENTIALS_HEADER = (
    "credential_type",
    "credential_id",
    "credential_name",
    "team_id",
    "workflow_id",
    "valid_from",
    "valid_to",
    "note",
    "allocation",
)
TOOLS_HEADER = (
    "tool_id",
    "tool_name",
    "vendor",
    "category",
    "billing_model",
    "list_monthly_price",
    "currency",
)
BUDGETS_HEADER = ("team_id", "month", "budget", "currency")
LABOUR_RATES_HEADER = ("team_id", "hourly_cost", "currency", "valid_from")
WORKFLOWS_HEADER = ("workflow_id", "workflow_name", "team_id", "is_urgent")

# Model APIs billed by usage, and the gateway in front of them: (tool_id, name, vendor).
USAGE_TOOLS = (
    ("openai_api", "OpenAI API", "OpenAI"),
    ("anthropic_api", "Anthropic API", "Anthropic"),
    ("amazon_bedrock", "Amazon Bedrock", "Amazon Web Services"),
    ("azure_openai", "Azure OpenAI", "Microsoft"),
    ("litellm_gateway", "LiteLLM gateway", "BerriAI"),
)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _moved_by(person: company.Person, last_day: date) -> tuple[date, str] | None:
    """The person's move, when it has happened by the last day."""
    if person.moves_to and person.moves_to[0] <= last_day:
        return person.moves_to
    return None


def _money(value: Decimal | float) -> str:
    return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def teams_rows() -> list[tuple]:
    """One row per team."""
    return [(t.team_id, t.name, t.cost_centre) for t in company.TEAMS]


def people_rows(last_day: date) -> list[tuple]:
    """One row per person per team period known on the last day."""
    key_holders = {p.email for p in company.PERSONAL_KEY_HOLDERS}
    rows = []
    for p in company.PEOPLE:
        identity = (
            p.person_id,
            p.email,
            p.name,
            p.github_login,
            p.email,
            p.person_id if p.email in key_holders else "",
        )
        move = _moved_by(p, last_day)
        if move is None:
            rows.append((*identity, p.team_id, "", ""))
        else:
            rows.append((*identity, p.team_id, "", _day(move[0])))
            rows.append((*identity, move[1], _day(move[0]), ""))
    return rows


def _workflow_on_route(route: str) -> company.Workflow:
    return next(w for w in company.WORKFLOWS if w.route == route)


def _credential(
    kind: str,
    credential_id: str,
    name: str,
    team_id: str,
    workflow_id: str | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    note: str = "",
    allocation: str = "owner",
) -> tuple:
    return (
        kind,
        credential_id,
        name,
        team_id,
        workflow_id or "",
        _day(valid_from),
        _day(valid_to),
        note,
        allocation,
    )


def credentials_rows(last_day: date) -> list[tuple]:
    """Who owns each gateway key and provider credential, as known on the last day."""
    people = {p.email: p for p in company.PEOPLE}
    rows: list[tuple] = []
    for key in company.API_KEYS:
        if key.team_id is None:
            continue  # nobody owns it: its spend stays unallocated
        owner = people.get(key.owner_email or "")
        move = _moved_by(owner, last_day) if owner else None
        if move is None:
            rows.append(_credential("litellm_key", key.token_hash, key.alias, key.team_id, key.workflow_id))
        else:
            note = f"personal key of {owner.person_id}; moves with its owner"
            rows.append(
                _credential(
                    "litellm_key", key.token_hash, key.alias, key.team_id, valid_to=move[0], note=note
                )
            )
            rows.append(
                _credential("litellm_key", key.token_hash, key.alias, move[1], valid_from=move[0], note=note)
            )
    team_names = {t.team_id: t.name for t in company.TEAMS}
    gateway_project, gateway_key = company.OPENAI_CREDENTIALS["gateway"]
    gateway_workspace, gateway_api_key = company.ANTHROPIC_CREDENTIALS["gateway"]
    rows += [
        _credential(
            "openai_project",
            gateway_project,
            "LiteLLM gateway",
            "platform",
            note=GATEWAY_NOTE,
            allocation="gateway_traffic",
        ),
        _credential(
            "openai_api_key",
            gateway_key,
            "litellm-gateway",
            "platform",
            note=GATEWAY_NOTE,
            allocation="gateway_traffic",
        ),
        _credential(
            "anthropic_workspace",
            gateway_workspace,
            "LiteLLM gateway",
            "platform",
            note=GATEWAY_NOTE,
            allocation="gateway_traffic",
        ),
        _credential(
            "anthropic_api_key",
            gateway_api_key,
            "litellm-gateway",
            "platform",
            note=GATEWAY_NOTE,
            allocation="gateway_traffic",
        ),
    ]
    # Direct callers: the team's project or workspace, and the workflow's own key.
    for route, credentials, (container, key_kind) in (
        ("openai", company.OPENAI_CREDENTIALS, ("openai_project", "openai_api_key")),
        ("anthropic", company.ANTHROPIC_CREDENTIALS, ("anthropic_workspace", "anthropic_api_key")),
    ):
        w = _workflow_on_route(route)
        container_id, key_id = credentials[route]
        rows.append(_credential(container, container_id, team_names[w.team_id], w.team_id))
        rows.append(_credential(key_kind, key_id, w.key_alias, w.team_id, w.workflow_id))
    bedrock = _workflow_on_route("bedrock")
    rows.append(
        _credential(
            "aws_iam_principal",
            company.BEDROCK_PRINCIPAL,
            bedrock.key_alias,
            bedrock.team_id,
            bedrock.workflow_id,
        )
    )
    if last_day >= company.AZURE_TAGGED_FROM:
        azure = _workflow_on_route("azure")
        name = company.AZURE_RESOURCE.rsplit("/", 1)[-1]
        rows.append(
            _credential(
                "azure_resource",
                company.AZURE_RESOURCE,
                name,
                azure.team_id,
                azure.workflow_id,
                valid_from=company.AZURE_TAGGED_FROM,
            )
        )
    return rows


def tools_rows() -> list[tuple]:
    """Seat tools at their list price per month, then the usage-billed model APIs."""
    rows = [
        (t.tool_id, t.name, t.vendor, t.category, "seat", _money(t.monthly_price_usd), "USD")
        for t in company.SEAT_TOOLS.values()
    ]
    rows += [
        (tool_id, name, vendor, "model_api", "usage", "", "USD") for tool_id, name, vendor in USAGE_TOOLS
    ]
    return rows


def _months(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def budgets_rows(first_day: date, last_day: date) -> list[tuple]:
    """Every team's budget for every story month, growing 5% a month from the first story month."""
    start = company.STORY_START.replace(day=1)
    months = _months(min(start, first_day), max(company.DEFAULT_END, last_day))
    rows = []
    for team_id, base in company.MONTHLY_BUDGET_USD.items():
        for month in months:
            index = (month.year - start.year) * 12 + month.month - start.month
            rows.append((team_id, f"{month:%Y-%m}", _money(Decimal(str(base)) * BUDGET_GROWTH**index), "USD"))
    return rows


def labour_rates_rows() -> list[tuple]:
    """One hourly rate per team, in force since before any data."""
    return [(team_id, _money(rate), "USD", "") for team_id, rate in company.LABOUR_RATE_USD.items()]


def workflows_rows() -> list[tuple]:
    """Every workflow with its name, owning team and whether its results are needed at once."""
    return [(w.workflow_id, w.name, w.team_id, str(w.urgent).lower()) for w in company.WORKFLOWS]


def _write(path: Path, header: tuple[str, ...], rows: list[tuple]) -> None:
    with landing_atomically(path) as partial, partial.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


class ReferenceWriter:
    """The company's reference CSVs, written once the last day is known."""

    folder = FOLDER

    def add_day(self, con: duckdb.DuckDBPyConnection, day: date, traffic: DayTraffic, out_dir: Path) -> None:
        """Nothing to write per day: reference files describe the company as of the last day."""

    def finish(self, con: duckdb.DuckDBPyConnection, out_dir: Path, first_day: date, last_day: date) -> None:
        """Write every reference file as of the last day."""
        folder = out_dir / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        _write(folder / "teams.csv", TEAMS_HEADER, teams_rows())
        _write(folder / "people.csv", PEOPLE_HEADER, people_rows(last_day))
        _write(folder / "credentials.csv", CREDENTIALS_HEADER, credentials_rows(last_day))
        _write(folder / "tools.csv", TOOLS_HEADER, tools_rows())
        _write(folder / "budgets.csv", BUDGETS_HEADER, budgets_rows(first_day, last_day))
        _write(folder / "labour_rates.csv", LABOUR_RATES_HEADER, labour_rates_rows())
        _write(folder / "workflows.csv", WORKFLOWS_HEADER, workflows_rows())
