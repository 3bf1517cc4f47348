"""Write the traced services' model calls as OpenTelemetry GenAI spans, one OTLP JSON file a day.

The sample company's traced workflows (`Workflow.traced`: the knowledge-base answer service behind
the gateway, the incident summariser on Bedrock) run OpenTelemetry's Python SDK with GenAI
instrumentation and export through a Collector whose `file` exporter writes JSON Lines: one
`ExportTraceServiceRequest` a line, a batch of up to BATCH_SPANS spans of one service, spans in
the order they ended. Each task is one trace: a parent span (the HTTP request, or the job) and
one GenAI client span per model call, retries and fallbacks included.

As real instrumentations do, the gateway-fronted service follows the current semantic conventions
(`gen_ai.provider.name`, cache and reasoning usage) and records content on a few spans
(`gen_ai.input.messages`, opt-in), while the Bedrock service's older botocore instrumentation
still sends the deprecated `gen_ai.system` and puts prompts in `gen_ai.user.message` events; the
loader must drop both. `gen_ai.usage.input_tokens` includes cache reads and writes; failed calls
carry an error status and no usage. A `BaggageSpanProcessor` copies the services' business
baggage (`app.workflow.id`, `app.task.id`, `app.task.attempt`, `app.team.id`) onto every span.
Response ids of gateway calls are the gateway's request ids, so spans join LiteLLM's logs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ingest.sample import company
from ingest.sample.files import landing_atomically
from ingest.sample.traffic import DayTraffic

FOLDER = "otel_genai"
BATCH_SPANS = 400
# One call in this many records its prompt (content capture, switched on for sampled requests).
CONTENT_CAPTURED_EVERY = 97
SPAN_KIND_INTERNAL, SPAN_KIND_SERVER, SPAN_KIND_CLIENT = 1, 2, 3
STATUS_ERROR = 2

PROVIDER_NAMES = {
    "openai": "openai",
    "anthropic": "anthropic",
    "bedrock": "aws.bedrock",
    "azure": "azure.ai.openai",
}
_HOSTS = {
    "gateway": ("litellm.internal.northwind.example", 4000),
    "bedrock": ("bedrock-runtime.us-east-1.amazonaws.com", 443),
    "openai": ("api.openai.com", 443),
    "anthropic": ("api.anthropic.com", 443),
    "azure": ("nw-openai-churn.openai.azure.com", 443),
}
_FINISH = {"openai": "stop", "azure": "stop"}
_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class Service:
    """How one traced workflow's service is instrumented."""

    name: str
    version: str
    # Current semantic conventions (gen_ai.provider.name, content in attributes), or the older
    # botocore ones (gen_ai.system, content in events).
    current_conventions: bool
    genai_scope: tuple[str, str]
    task_scope: tuple[str, str]
    task_span_name: str
    task_span_kind: int
    resource_extra: tuple[tuple[str, str], ...] = ()


def service_of(workflow: company.Workflow) -> Service:
    """The instrumented service that runs a workflow: its name is the key alias without `svc-`."""
    name = workflow.key_alias.removeprefix("svc-")
    if workflow.route == "bedrock":
        return Service(
            name=name,
            version="1.3.2",
            current_conventions=False,
            genai_scope=("opentelemetry.instrumentation.botocore", "0.48b0"),
            task_scope=(name.replace("-", "_"), "1.3.2"),
            task_span_name=f"run {workflow.workflow_id}",
            task_span_kind=SPAN_KIND_INTERNAL,
            resource_extra=(
                ("cloud.provider", "aws"),
                ("cloud.region", "us-east-1"),
                ("cloud.account.id", company.AWS_ACCOUNT),
            ),
        )
    return Service(
        name=name,
        version="2.14.0",
        current_conventions=True,
        genai_scope=("opentelemetry.instrumentation.openai_v2", "2.1b0"),
        task_scope=("opentelemetry.instrumentation.fastapi", "0.59b0"),
        task_span_name=f"POST /v1/{workflow.workflow_id.replace('_', '-')}",
        task_span_kind=SPAN_KIND_SERVER,
    )


def _s(key: str, value: str) -> dict:
    return {"key": key, "value": {"stringValue": value}}


def _i(key: str, value: int) -> dict:
    # OTLP JSON writes 64-bit integers as strings.
    return {"key": key, "value": {"intValue": str(int(value))}}


def _d(key: str, value: float) -> dict:
    return {"key": key, "value": {"doubleValue": value}}


def _strings(key: str, values: list[str]) -> dict:
    return {"key": key, "value": {"arrayValue": {"values": [{"stringValue": v} for v in values]}}}


def _hex(text: str, digits: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:digits]


def _nanos(moment: datetime, extra: int) -> int:
    """Nanoseconds since the epoch; `extra` (< 1000) stands for the clock's sub-microsecond digits."""
    return (moment - _EPOCH) // timedelta(microseconds=1) * 1000 + extra


class TelemetryWriter:
    """One OTLP JSON Lines file of GenAI spans a day, for the workflows whose services are traced."""

    folder = FOLDER

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.workflows = {w.workflow_id: w for w in company.WORKFLOWS if w.traced}

    def add_day(self, con: duckdb.DuckDBPyConnection, day: date, traffic: DayTraffic, out_dir: Path) -> None:
        calls = traffic.calls.filter(pc.field("traced")).to_pylist()
        tasks = traffic.tasks.filter(
            pc.is_in(traffic.tasks["workflow_id"], value_set=pa.array(list(self.workflows)))
        )
        if not calls:
            return
        calls_of: dict[str, list[dict]] = {}
        for call in calls:
            calls_of.setdefault(call["task_id"], []).append(call)
        lines = []
        for workflow_id, workflow in self.workflows.items():
            service = service_of(workflow)
            spans: list[tuple[int, str, dict]] = []
            for task in tasks.filter(pc.field("workflow_id") == workflow_id).to_pylist():
                task_calls = calls_of.get(task["task_id"], [])
                if task_calls:
                    spans.extend(self._task_spans(workflow, service, task, task_calls))
            spans.sort(key=lambda s: (s[0], s[2]["spanId"]))
            for first in range(0, len(spans), BATCH_SPANS):
                lines.append(_request(service, spans[first : first + BATCH_SPANS]))
        folder = out_dir / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        with landing_atomically(folder / f"traces_{day:%Y-%m-%d}.jsonl") as partial:
            partial.write_text("".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines))

    def finish(self, con: duckdb.DuckDBPyConnection, out_dir: Path, first_day: date, last_day: date) -> None:
        """Nothing is left open: every day was written as it came."""

    def _task_spans(
        self, workflow: company.Workflow, service: Service, task: dict, calls: list[dict]
    ) -> list[tuple[int, str, dict]]:
        """(end nanoseconds, scope, span) of a task's parent span and its model-call spans."""
        task_id = task["task_id"]
        trace_id = _hex(f"{self.seed}/trace/{task_id}", 32)
        parent_id = _hex(f"{self.seed}/span/{task_id}", 16)
        baggage = [
            _s("app.workflow.id", workflow.workflow_id),
            _s("app.task.id", task_id),
            _s("app.team.id", workflow.team_id),
        ]
        spans = [self._call_span(workflow, service, trace_id, parent_id, baggage, call) for call in calls]
        start = _nanos(task["started_at"], 0) - 3_000_000
        end = max(int(s["endTimeUnixNano"]) for s in spans) + 15_000_000
        attributes = list(baggage)
        if service.task_span_kind == SPAN_KIND_SERVER:
            route = service.task_span_name.split(" ", 1)[1]
            attributes = [
                _s("http.request.method", "POST"),
                _s("http.route", route),
                _i("http.response.status_code", 200),
                *baggage,
            ]
        parent = {
            "traceId": trace_id,
            "spanId": parent_id,
            "flags": 256,
            "name": service.task_span_name,
            "kind": service.task_span_kind,
            "startTimeUnixNano": str(start),
            "endTimeUnixNano": str(end),
            "attributes": attributes,
            "status": {},
        }
        scope = service.genai_scope[0]
        return [(int(s["endTimeUnixNano"]), scope, s) for s in spans] + [(end, service.task_scope[0], parent)]

    def _call_span(
        self,
        workflow: company.Workflow,
        service: Service,
        trace_id: str,
        parent_id: str,
        baggage: list[dict],
        call: dict,
    ) -> dict:
        """The GenAI client span of one model call."""
        model = company.MODELS[call["model"]]
        provider = PROVIDER_NAMES[model.provider]
        host, port = _HOSTS[workflow.route]
        start = _nanos(call["start_time"], call["id_low"] % 1000)
        end = _nanos(call["end_time"], call["id_high"] % 1000)
        provider_key = "gen_ai.provider.name" if service.current_conventions else "gen_ai.system"
        attributes = [
            _s("gen_ai.operation.name", "chat"),
            _s(provider_key, provider),
            _s("gen_ai.request.model", call["model"]),
            _i("gen_ai.request.max_tokens", 2048),
            _d("gen_ai.request.temperature", 0.2),
            _s("server.address", host),
            _i("server.port", port),
        ]
        if service.current_conventions:
            conversation = "conv_" + _hex(f"{self.seed}/{call['task_id']}", 24)
            attributes.append(_s("gen_ai.conversation.id", conversation))
        events: list[dict] = []
        status: dict = {}
        if call["status"] == "success":
            attributes += _response_attributes(workflow, model, call)
        else:
            error = "ThrottlingException" if workflow.route == "bedrock" else "RateLimitError"
            message = f"{error}: rate limit exceeded, retry after 2s"
            attributes.append(_s("error.type", error))
            status = {"code": STATUS_ERROR, "message": message}
            exception = [_s("exception.type", error), _s("exception.message", message)]
            events.append({"timeUnixNano": str(end), "name": "exception", "attributes": exception})
        attributes += [*baggage, _i("app.task.attempt", call["attempt"])]
        if call["id_low"] % CONTENT_CAPTURED_EVERY == 0:
            _capture_content(service, provider, call, start, attributes, events)
        return {
            "traceId": trace_id,
            "spanId": f"{call['id_high']:016x}",
            "parentSpanId": parent_id,
            "flags": 256,
            "name": f"chat {call['model']}",
            "kind": SPAN_KIND_CLIENT,
            "startTimeUnixNano": str(start),
            "endTimeUnixNano": str(end),
            "attributes": attributes,
            "events": events,
            "status": status,
        }


def _response_attributes(workflow: company.Workflow, model: company.Model, call: dict) -> list[dict]:
    """Response id, model, finish reason and usage of a successful call; input includes cache tokens."""
    if workflow.route == "gateway" or model.provider in ("openai", "azure"):
        # Through the gateway the response id is LiteLLM's request id.
        response_id = f"chatcmpl-{call['id_high']:016x}{call['id_low']:016x}"
    else:
        response_id = f"msg_bdrk_01{call['id_high']:016x}{call['id_low']:08x}"[:35]
    attributes = [
        _s("gen_ai.response.model", call["model"]),
        _s("gen_ai.response.id", response_id),
        _strings("gen_ai.response.finish_reasons", [_FINISH.get(model.provider, "end_turn")]),
        _i("gen_ai.usage.input_tokens", call["prompt_tokens"]),
        _i("gen_ai.usage.output_tokens", call["completion_tokens"]),
    ]
    if call["cache_read_tokens"]:
        attributes.append(_i("gen_ai.usage.cache_read.input_tokens", call["cache_read_tokens"]))
    if call["cache_write_tokens"]:
        attributes.append(_i("gen_ai.usage.cache_creation.input_tokens", call["cache_write_tokens"]))
    if model.reasoning_share:
        attributes.append(_i("gen_ai.usage.reasoning.output_tokens", call["reasoning_tokens"]))
    if model.provider == "openai":
        attributes.append(_s("openai.response.service_tier", "default"))
    return attributes


def _capture_content(
    service: Service, provider: str, call: dict, start: int, attributes: list[dict], events: list[dict]
) -> None:
    """Record the prompt as the service's instrumentation does: an attribute, or an event body."""
    invoice = call["id_high"] % 100000
    prompt = f"Customer asks about invoice {invoice}: my card ending 4242 was charged twice."
    if service.current_conventions:
        messages = [{"role": "user", "parts": [{"type": "text", "content": prompt}]}]
        attributes.append(_s("gen_ai.input.messages", json.dumps(messages)))
        return
    body = {"kvlistValue": {"values": [{"key": "content", "value": {"stringValue": prompt}}]}}
    event = {
        "timeUnixNano": str(start),
        "name": "gen_ai.user.message",
        "attributes": [_s("gen_ai.system", provider)],
        "body": body,
    }
    events.insert(0, event)


def _request(service: Service, spans: list[tuple[int, str, dict]]) -> dict:
    """One ExportTraceServiceRequest: a service's batch of spans, grouped by instrumentation scope."""
    scopes: dict[str, list[dict]] = {}
    for _end, scope, span in spans:
        scopes.setdefault(scope, []).append(span)
    versions = dict([service.genai_scope, service.task_scope])
    resource = [
        _s("service.name", service.name),
        _s("service.namespace", "northwind"),
        _s("service.version", service.version),
        _s("service.instance.id", _hex(f"{service.name}/instance", 12)),
        _s(
            "deployment.environment.name" if service.current_conventions else "deployment.environment",
            "production",
        ),
        _s("telemetry.sdk.name", "opentelemetry"),
        _s("telemetry.sdk.language", "python"),
        _s("telemetry.sdk.version", "1.38.0" if service.current_conventions else "1.27.0"),
        *(_s(k, v) for k, v in service.resource_extra),
    ]
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": resource},
                "scopeSpans": [
                    {"scope": {"name": name, "version": versions[name]}, "spans": scope_spans}
                    for name, scope_spans in scopes.items()
                ],
            }
        ]
    }
