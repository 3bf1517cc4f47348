"""The sample company: one story that every generated source tells.

Northwind Analytics, a mid-size company, puts AI into its daily work over a year. Its teams own
workflows (ticket triage, document summarisation, code review, ...) that run as services behind a
LiteLLM gateway, each with its own virtual key. Volumes grow every month and tasks carry more
context, while list prices fall: model price cuts in the catalogue, and workflows moving to
newer, cheaper models. Total spend rises anyway.

Not all traffic passes the gateway. The platform team's incident bot calls Claude on Amazon Bedrock,
the engineering CI bot calls Anthropic directly, the data team runs notebooks against OpenAI with
its own project and a churn model on Azure OpenAI. Provider bills cover all of it; the gateway sees
most of it. Sales emails move to the OpenAI Batch API mid-year, which the gateway still prices at
the standard rate, and the gateway's price table has no cache-write price for Claude.

From June 2026 the marketing team also runs Gemini on Google Cloud's Vertex AI in its own project,
billed through a Google Cloud FOCUS export: a tool nobody listed, so its spend is shadow spend.

People also hold seats: GitHub Copilot, Cursor, ChatGPT Enterprise, Claude and Microsoft 365
Copilot, some of them idle for months, some people paying for two coding assistants.

One day goes wrong: on 2026-06-17 (`RETRY_LOOP`) a bad deploy of the invoice-extraction service's
output validator rejects every answer, and the service retries each task's first call nine more
times before carrying on as usual. Those calls are real calls: the gateway logs them, Anthropic
reports and bills them, and the finance team's Anthropic spend that day is several times its usual:
the one spend anomaly planted in the story (at low volumes a few other days look unusual by chance).
The extra calls draw from a random stream of their own, so every other workflow's traffic that day
is unchanged.

Everything here is fixed: the seed only changes the traffic drawn from this story, never the
company. Dates are calendar dates, so a day's traffic does not depend on the window generated.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

# Month 0 of the story: growth and migrations are measured from here.
STORY_START = date(2025, 11, 1)
DEFAULT_END = date(2026, 10, 31)
EMAIL_DOMAIN = "northwind.example"


@dataclass(frozen=True)
class Team:
    team_id: str
    name: str
    cost_centre: str


@dataclass(frozen=True)
class Person:
    person_id: str
    name: str
    email: str
    github_login: str
    team_id: str
    # A move to another team on a date: past work stays with the old team.
    moves_to: tuple[date, str] | None = None


@dataclass(frozen=True)
class Model:
    """A model as its caller names it, with the catalogue ids its price is looked up by."""

    name: str
    provider: str  # as LiteLLM's custom_llm_provider: openai, anthropic, bedrock, azure
    catalogue_provider: str
    tier: str  # frontier, balanced or small
    reasoning_share: float = 0.0  # share of output tokens that are reasoning
    catalogue_id: str | None = None  # when the catalogue knows the model by another name

    @property
    def catalogue_ref(self) -> str:
        """The id the price catalogue finds this model by."""
        return self.catalogue_id or self.name


@dataclass(frozen=True)
class Workflow:
    workflow_id: str
    name: str
    team_id: str
    key_alias: str
    # Tasks per day at the story's start, before scaling to the requested volume.
    base_tasks: float
    monthly_growth: float
    urgent: bool  # False: results can wait a day, so batch pricing would do
    # Which model serves the workflow from which date; the first entry applies from the start.
    model_plan: tuple[tuple[date, str], ...]
    fallback_model: str
    input_tokens: int
    output_tokens: int
    # Share of input read from the prompt cache at the start and the end of the story.
    cache_share: tuple[float, float]
    context_growth: float  # monthly growth of input tokens per call
    unusable_rate: float  # a call's output fails validation and is retried
    error_rate: float  # a call fails at the API
    escalation_rate: float
    human_minutes: float  # median minutes a person spends on a successful task
    value_usd: float  # what a successful task is worth to the business
    # How calls reach the model: "gateway" (LiteLLM), or directly: "openai", "anthropic",
    # "bedrock", "azure".
    route: str = "gateway"
    # From this day the workflow sends its calls through the provider's Batch API.
    batch_from: date | None = None
    # The service emits OpenTelemetry GenAI spans for its model calls.
    traced: bool = False

    def model_on(self, day: date) -> str:
        """The model the workflow's service calls on a day."""
        current = self.model_plan[0][1]
        for start, model in self.model_plan:
            if day >= start:
                current = model
        return current


@dataclass(frozen=True)
class RetryLoop:
    """A workflow's service stuck retrying for a day: each task makes `extra_attempts` more calls first."""

    workflow_id: str
    day: date
    extra_attempts: int


@dataclass(frozen=True)
class ApiKey:
    """A LiteLLM virtual key. The gateway logs only sha256 of the key."""

    alias: str
    team_id: str | None
    workflow_id: str | None
    owner_email: str | None = None

    @property
    def raw_key(self) -> str:
        """A made-up key, stable per alias; never written anywhere but hashed."""
        return "sk-" + hashlib.sha256(f"northwind/{self.alias}".encode()).hexdigest()[:40]

    @property
    def token_hash(self) -> str:
        """What LiteLLM stores in SpendLogs.api_key."""
        return hashlib.sha256(self.raw_key.encode()).hexdigest()


TEAMS = (
    Team("support", "Customer Support", "CC-410"),
    Team("legal", "Legal", "CC-620"),
    Team("engineering", "Engineering", "CC-200"),
    Team("sales", "Sales", "CC-510"),
    Team("finance", "Finance", "CC-630"),
    Team("marketing", "Marketing", "CC-520"),
    Team("data", "Data Science", "CC-220"),
    Team("platform", "Platform", "CC-210"),
)

MODELS = {
    m.name: m
    for m in (
        Model("gpt-4.1", "openai", "openai", "balanced"),
        Model("gpt-4.1-mini", "openai", "openai", "small"),
        Model("gpt-5-mini", "openai", "openai", "small", reasoning_share=0.3),
        Model("gpt-5.6-luna", "openai", "openai", "small", reasoning_share=0.2),
        Model("gpt-5.6-terra", "openai", "openai", "balanced", reasoning_share=0.25),
        Model("gpt-5.6-sol", "openai", "openai", "frontier", reasoning_share=0.35),
        Model("o3", "openai", "openai", "frontier", reasoning_share=0.6),
        Model("claude-haiku-4-5", "anthropic", "anthropic", "small"),
        Model("claude-sonnet-4-5", "anthropic", "anthropic", "balanced"),
        Model("claude-sonnet-4-6", "anthropic", "anthropic", "balanced"),
        Model("claude-opus-4-1", "anthropic", "anthropic", "frontier"),
        Model("claude-opus-4-5", "anthropic", "anthropic", "frontier"),
        Model("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock", "aws", "balanced"),
        Model("us.anthropic.claude-haiku-4-5-20251001-v1:0", "bedrock", "aws", "small"),
        Model("gpt-4.1-churn", "azure", "azure", "balanced", catalogue_id="gpt-4.1"),
    )
}

WORKFLOWS = (
    Workflow(
        "ticket_triage",
        "Support ticket triage",
        "support",
        "svc-ticket-triage",
        base_tasks=900,
        monthly_growth=0.11,
        urgent=True,
        model_plan=(
            (STORY_START, "gpt-4.1-mini"),
            (date(2026, 3, 1), "gpt-5-mini"),
            (date(2026, 8, 10), "gpt-5.6-luna"),
        ),
        fallback_model="gpt-4.1",
        input_tokens=1800,
        output_tokens=220,
        cache_share=(0.15, 0.45),
        context_growth=0.03,
        unusable_rate=0.06,
        error_rate=0.015,
        escalation_rate=0.08,
        human_minutes=1.5,
        value_usd=3.20,
    ),
    Workflow(
        "kb_answer",
        "Knowledge-base answers",
        "support",
        "svc-kb-answer",
        base_tasks=420,
        monthly_growth=0.13,
        urgent=True,
        model_plan=((STORY_START, "gpt-4.1"), (date(2026, 8, 1), "gpt-5.6-terra")),
        fallback_model="claude-sonnet-4-5",
        input_tokens=5200,
        output_tokens=420,
        cache_share=(0.30, 0.60),
        context_growth=0.04,
        unusable_rate=0.05,
        error_rate=0.012,
        escalation_rate=0.12,
        human_minutes=2.0,
        value_usd=4.50,
        traced=True,
    ),
    Workflow(
        "doc_summarisation",
        "Contract and document summaries",
        "legal",
        "svc-doc-summary",
        base_tasks=140,
        monthly_growth=0.09,
        urgent=False,
        model_plan=((STORY_START, "claude-sonnet-4-5"), (date(2026, 4, 1), "claude-sonnet-4-6")),
        fallback_model="claude-opus-4-5",
        input_tokens=16000,
        output_tokens=900,
        cache_share=(0.10, 0.35),
        context_growth=0.035,
        unusable_rate=0.04,
        error_rate=0.01,
        escalation_rate=0.10,
        human_minutes=6.0,
        value_usd=22.0,
    ),
    Workflow(
        "code_review",
        "Pull-request review",
        "engineering",
        "svc-code-review",
        base_tasks=35,
        monthly_growth=0.16,
        urgent=True,
        model_plan=((STORY_START, "claude-opus-4-1"), (date(2026, 1, 5), "claude-opus-4-5")),
        fallback_model="gpt-5.6-sol",
        input_tokens=12000,
        output_tokens=1400,
        cache_share=(0.20, 0.50),
        context_growth=0.05,
        unusable_rate=0.07,
        error_rate=0.02,
        escalation_rate=0.15,
        human_minutes=4.0,
        value_usd=18.0,
    ),
    Workflow(
        "sales_email",
        "Sales email drafting",
        "sales",
        "svc-sales-email",
        base_tasks=380,
        monthly_growth=0.08,
        urgent=False,
        model_plan=((STORY_START, "gpt-4.1-mini"), (date(2026, 8, 15), "gpt-5.6-luna")),
        fallback_model="gpt-4.1",
        input_tokens=1400,
        output_tokens=380,
        cache_share=(0.05, 0.20),
        context_growth=0.02,
        unusable_rate=0.09,
        error_rate=0.015,
        escalation_rate=0.05,
        human_minutes=3.0,
        value_usd=2.40,
        batch_from=date(2026, 6, 1),
    ),
    Workflow(
        "invoice_extraction",
        "Invoice field extraction",
        "finance",
        "svc-invoice-extract",
        base_tasks=260,
        monthly_growth=0.06,
        urgent=False,
        model_plan=((STORY_START, "claude-haiku-4-5"),),
        fallback_model="claude-sonnet-4-5",
        input_tokens=2600,
        output_tokens=300,
        cache_share=(0.25, 0.40),
        context_growth=0.01,
        unusable_rate=0.05,
        error_rate=0.01,
        escalation_rate=0.06,
        human_minutes=1.0,
        value_usd=1.80,
    ),
    Workflow(
        "marketing_copy",
        "Campaign copy",
        "marketing",
        "svc-marketing-copy",
        base_tasks=70,
        monthly_growth=0.10,
        urgent=False,
        model_plan=((STORY_START, "gpt-5.6-sol"),),
        fallback_model="claude-opus-4-5",
        input_tokens=3000,
        output_tokens=1100,
        cache_share=(0.05, 0.15),
        context_growth=0.02,
        unusable_rate=0.12,
        error_rate=0.015,
        escalation_rate=0.05,
        human_minutes=8.0,
        value_usd=25.0,
    ),
    Workflow(
        "incident_summary",
        "Incident summaries",
        "platform",
        "incident-summariser",
        base_tasks=45,
        monthly_growth=0.08,
        urgent=True,
        model_plan=((STORY_START, "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),),
        fallback_model="us.anthropic.claude-haiku-4-5-20251001-v1:0",
        input_tokens=9000,
        output_tokens=700,
        cache_share=(0.0, 0.0),
        context_growth=0.03,
        unusable_rate=0.04,
        error_rate=0.01,
        escalation_rate=0.10,
        human_minutes=5.0,
        value_usd=15.0,
        route="bedrock",
        traced=True,
    ),
    Workflow(
        "ci_code_fix",
        "CI failure fixes",
        "engineering",
        "ci-bot",
        base_tasks=30,
        monthly_growth=0.14,
        urgent=False,
        model_plan=((STORY_START, "claude-sonnet-4-5"), (date(2026, 4, 1), "claude-sonnet-4-6")),
        fallback_model="claude-opus-4-5",
        input_tokens=14000,
        output_tokens=1200,
        cache_share=(0.30, 0.55),
        context_growth=0.04,
        unusable_rate=0.10,
        error_rate=0.015,
        escalation_rate=0.20,
        human_minutes=6.0,
        value_usd=20.0,
        route="anthropic",
    ),
    Workflow(
        "research_notebooks",
        "Research notebooks",
        "data",
        "data-notebooks",
        base_tasks=40,
        monthly_growth=0.07,
        urgent=False,
        model_plan=((STORY_START, "gpt-4.1"), (date(2026, 8, 1), "gpt-5.6-terra")),
        fallback_model="o3",
        input_tokens=6000,
        output_tokens=900,
        cache_share=(0.10, 0.20),
        context_growth=0.02,
        unusable_rate=0.06,
        error_rate=0.01,
        escalation_rate=0.05,
        human_minutes=3.0,
        value_usd=9.0,
        route="openai",
        batch_from=date(2026, 5, 1),
    ),
    Workflow(
        "churn_scoring",
        "Customer churn notes",
        "data",
        "churn-scoring",
        base_tasks=25,
        monthly_growth=0.05,
        urgent=False,
        model_plan=((STORY_START, "gpt-4.1-churn"),),
        fallback_model="gpt-4.1-churn",
        input_tokens=3500,
        output_tokens=400,
        cache_share=(0.0, 0.10),
        context_growth=0.01,
        unusable_rate=0.05,
        error_rate=0.01,
        escalation_rate=0.05,
        human_minutes=2.0,
        value_usd=6.0,
        route="azure",
    ),
)

_FIRST = (
    "Ada Ben Carla Dev Elif Femi Grace Hugo Ines Jon Kemal Lena Mateo Nora Omar Priya Quinn Rosa Sami Tara "
    "Umar Vera Wen Xavi Yara Zoe Aiko Bruno Chidi Dana Emil Farah Goran Hana Ivan Jade Kofi Lior Maya Nils"
).split(" ")
_LAST = (
    "Okafor Lindqvist Moreau Tanaka Silva Novak Haddad Kowalski Reyes Brandt Osei Ivanova Costa Ng Fischer "
    "Duarte Sato Mensah Horvat Quinn"
).split(" ")
_TEAM_OF_PERSON = (
    ("engineering",) * 12
    + ("data",) * 5
    + ("support",) * 6
    + ("sales",) * 5
    + ("marketing",) * 3
    + ("legal",) * 3
    + ("finance",) * 3
    + ("platform",) * 3
)


def _people() -> tuple[Person, ...]:
    people = []
    for i, team in enumerate(_TEAM_OF_PERSON):
        first, last = _FIRST[i % len(_FIRST)], _LAST[(i * 7) % len(_LAST)]
        login = f"{first[0].lower()}{last.lower()}"
        people.append(
            Person(
                person_id=f"p{i + 1:03d}",
                name=f"{first} {last}",
                email=f"{first.lower()}.{last.lower()}@{EMAIL_DOMAIN}",
                github_login=f"{login}-nw",
                team_id=team,
            )
        )
    # Two people change teams mid-year; their earlier spend stays with their old team.
    people[3] = Person(**{**people[3].__dict__, "moves_to": (date(2026, 5, 1), "platform")})
    people[14] = Person(**{**people[14].__dict__, "moves_to": (date(2026, 7, 1), "engineering")})
    return tuple(people)


PEOPLE = _people()

# Engineers and data scientists with personal gateway keys for ad-hoc work.
PERSONAL_KEY_HOLDERS = tuple(p for p in PEOPLE if p.team_id in ("engineering", "data"))[:10]

API_KEYS = (
    *(ApiKey(w.key_alias, w.team_id, w.workflow_id) for w in WORKFLOWS if w.route == "gateway"),
    *(ApiKey(f"personal-{p.github_login}", p.team_id, None, p.email) for p in PERSONAL_KEY_HOLDERS),
    # Nobody remembers who owns this one: its spend is unallocated.
    ApiKey("legacy-slackbot", None, None),
)

AD_HOC_MODELS = ("claude-sonnet-4-5", "gpt-4.1", "o3", "claude-sonnet-4-6", "gpt-5.6-terra")
AD_HOC_CALLS_PER_KEY = 14.0  # per workday at the story's start
LEGACY_BOT_CALLS = 120.0
LEGACY_BOT_MODEL = "gpt-4.1-mini"

# The day the invoice-extraction service retried in a loop (see the module's docstring).
RETRY_LOOP = RetryLoop("invoice_extraction", date(2026, 6, 17), extra_attempts=9)

# The gateway's price table follows a catalogue price change this many days late.
GATEWAY_PRICE_LAG_DAYS = 21


def team_of(person: Person, day: date) -> str:
    """The team a person belongs to on a day."""
    if person.moves_to and day >= person.moves_to[0]:
        return person.moves_to[1]
    return person.team_id


def months_since_start(day: date) -> float:
    """Fractional months from the story's start, negative before it."""
    return (day - STORY_START).days / 30.4375


# Provider accounts. The gateway calls each provider with one credential of its own, so the bill
# alone cannot tell which team spent what; direct callers have credentials of their own.
OPENAI_ORG = "org-nw7Q2xK9mT4"
OPENAI_CREDENTIALS = {  # route -> (project id, API key id)
    "gateway": ("proj_nwGatewayProd01", "key_nwLiteLLMProd001"),
    "openai": ("proj_nwDataScience02", "key_nwDataNotebooks02"),
}
ANTHROPIC_CREDENTIALS = {  # route -> (workspace id, API key id)
    "gateway": ("wrkspc_01NwGatewayProd00001", "apikey_01NwLiteLLMProd000001"),
    "anthropic": ("wrkspc_01NwEngineering0001", "apikey_01NwCiBot0000000001"),
}
AWS_ACCOUNT = "123456789012"
AWS_PAYER_ACCOUNT = "999988887777"
BEDROCK_PRINCIPAL = f"arn:aws:iam::{AWS_ACCOUNT}:role/incident-summariser"
BEDROCK_TAGS = {"team": "platform", "workflow": "incident_summary"}
AZURE_SUBSCRIPTION = "7f3c2a10-4b8e-4d2f-9a61-0c5e8d7b1a22"
AZURE_RESOURCE = (
    f"/subscriptions/{AZURE_SUBSCRIPTION}/resourceGroups/rg-data-science/providers/"
    "Microsoft.CognitiveServices/accounts/nw-openai-churn"
)
# Until this day the Azure resource carried no team tag: its spend was unallocated.
AZURE_TAGGED_FROM = date(2026, 3, 1)


@dataclass(frozen=True)
class SeatTool:
    """A seat-licensed AI product."""

    tool_id: str
    name: str
    vendor: str
    category: str
    monthly_price_usd: float


SEAT_TOOLS = {
    t.tool_id: t
    for t in (
        SeatTool("github_copilot", "GitHub Copilot Business", "GitHub", "coding_assistant", 19.0),
        SeatTool("cursor", "Cursor Business", "Anysphere", "coding_assistant", 40.0),
        SeatTool("chatgpt_enterprise", "ChatGPT Enterprise", "OpenAI", "chat_assistant", 60.0),
        SeatTool("claude_team", "Claude Team", "Anthropic", "chat_assistant", 30.0),
        SeatTool("m365_copilot", "Microsoft 365 Copilot", "Microsoft", "productivity_assistant", 30.0),
    )
}


@dataclass(frozen=True)
class Seat:
    """One person's seat on a tool: when it was assigned and how its holder uses it."""

    tool_id: str
    email: str
    assigned: date
    # Share of working days the holder uses the tool; 0 for a seat nobody uses.
    activity: float
    # The holder stops using the tool on this day (the seat stays assigned).
    stops_on: date | None = None


def _seats() -> tuple[Seat, ...]:
    seats = []
    by_team = {}
    for p in PEOPLE:
        by_team.setdefault(p.team_id, []).append(p)
    coders = by_team["engineering"] + by_team["data"] + by_team["platform"]
    for i, p in enumerate(coders):
        idle = i in (4, 11)  # assigned, never used
        stops = date(2026, 6, 15) if i == 7 else None  # stopped using it in June
        assigned = STORY_START - timedelta(days=40 + 3 * i)
        seats.append(Seat("github_copilot", p.email, assigned, 0.0 if idle else 0.8, stops))
    for p in by_team["engineering"][:6]:  # all six keep Copilot too: overlapping coding assistants
        seats.append(Seat("cursor", p.email, date(2026, 2, 1), 0.85))
    for i, p in enumerate(by_team["sales"] + by_team["marketing"]):
        activity = 0.0 if i in (2, 6) else 0.6
        seats.append(Seat("chatgpt_enterprise", p.email, STORY_START - timedelta(days=90), activity))
    for p in by_team["legal"]:
        seats.append(Seat("claude_team", p.email, date(2026, 1, 10), 0.7))
    for i, p in enumerate(by_team["finance"] + by_team["legal"] + by_team["sales"][:3]):
        seats.append(Seat("m365_copilot", p.email, date(2026, 3, 1), 0.0 if i == 4 else 0.5))
    return tuple(seats)


SEATS = _seats()
GITHUB_ORG = "northwind-analytics"

# Labour cost of the people who correct or finish AI work, per hour, by team.
LABOUR_RATE_USD = {
    "support": 42.0,
    "legal": 95.0,
    "engineering": 85.0,
    "sales": 55.0,
    "finance": 60.0,
    "marketing": 58.0,
    "data": 80.0,
    "platform": 85.0,
}
# Monthly AI budgets per team, in USD, for the story's first month; they grow 5% a month.
MONTHLY_BUDGET_USD = {
    "support": 700.0,
    "legal": 450.0,
    "engineering": 650.0,
    "sales": 250.0,
    "finance": 120.0,
    "marketing": 250.0,
    "data": 300.0,
    "platform": 180.0,
}
