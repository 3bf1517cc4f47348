"""Keep secrets and prompt text out of the warehouse.

Two places need it: free-text columns of loaded rows (scrubbed in SQL by the `aispend_scrub`
macro, so it runs inside DuckDB at load speed) and the raw text of quarantined rows (scrubbed in
Python by `redact_raw_text`, where the text may be broken JSON).
"""

from __future__ import annotations

import json
import re

REDACTED = "[redacted]"

# Values that are credentials whatever key they sit under.
SECRET_VALUE_PATTERNS = (
    r"sk-[A-Za-z0-9_\-]{16,}",  # OpenAI and Anthropic API keys (sk-, sk-proj-, sk-ant-...)
    r"AKIA[0-9A-Z]{16}",  # AWS access key ids
    r"gh[pousr]_[A-Za-z0-9]{20,}",  # GitHub tokens
    r"crsr_[A-Za-z0-9]{16,}",  # Cursor admin keys
    r"xox[abpr]-[A-Za-z0-9\-]{10,}",  # Slack tokens
    r"(?i:bearer)\s+[A-Za-z0-9._\-]{16,}",
)
# Key/value pairs whose value is a secret: "password": "hunter2", password=hunter2.
SECRET_KEY_PATTERN = (
    r"((?i:password|passwd|pwd|secret|client_secret|private_key)\\?[\"']?\s*[:=]\s*\\?[\"']?)"
    r"[^\"'\\\s,;&}]+"
)

# Text that may hold one of the secrets above, or prompt content under a JSON key; cheap to test.
SECRET_HINT_PATTERN = r"sk-|AKIA|gh[pousr]_|crsr_|xox[abpr]-|(?i:bearer|passw|pwd|secret|private_key)"

# Keys whose values are prompt or response content, wherever they are nested.
CONTENT_KEYS = frozenset(
    (
        "messages",
        "response",
        "proxy_server_request",
        "content",
        "prompt",
        "completion",
        "text",
        "input",
        "output",
        "system",
        "instructions",
        "arguments",
    )
)
CONTENT_KEY_PATTERN = re.compile(r'\\?"(' + "|".join(sorted(CONTENT_KEYS)) + r')\\?"\s*:\s*')

_KEYS = "|".join(sorted(CONTENT_KEYS))
_STRING = r'"(?:[^"\\]|\\.)*"'
# Content values in JSON text, for DuckDB's regexp_replace (RE2): a string, an array of strings, or
# a string in JSON that is itself held in a string (escaped quotes). A value nested deeper (an array
# of objects) is caught at its own "content" or "text" key.
CONTENT_VALUE_PATTERNS = (
    rf'"({_KEYS})"\s*:\s*{_STRING}',
    rf'"({_KEYS})"\s*:\s*\[\s*(?:{_STRING}\s*,?\s*)*\]',
    r'\\"(' + _KEYS + r')\\"\s*:\s*\\"(?:[^"\\]|\\[^"])*\\"',
)
CONTENT_HINT_PATTERN = r'\\?"(' + _KEYS + r')\\?"\s*:'


def secret_regex() -> str:
    """One RE2-compatible pattern matching any secret value, for DuckDB's regexp_replace."""
    return "|".join(f"(?:{p})" for p in SECRET_VALUE_PATTERNS)


def scrub_macros_sql() -> list[str]:
    """DuckDB macros used by every loader's SQL."""
    values = secret_regex().replace("'", "''")
    keyed = SECRET_KEY_PATTERN.replace("'", "''")
    # Most values hold no secret: a cheap first look decides whether to run the replacements.
    suspect = SECRET_HINT_PATTERN.replace("'", "''")
    content_hint = CONTENT_HINT_PATTERN.replace("'", "''")
    content = "v"
    for i, pattern in enumerate(CONTENT_VALUE_PATTERNS):
        quoted = pattern.replace("'", "''")
        replacement = '\\\\"\\1\\\\": \\\\"' if i == 2 else '"\\1": "'
        closing = '\\\\"' if i == 2 else '"'
        content = f"regexp_replace({content}, '{quoted}', '{replacement}{REDACTED}{closing}', 'g')"
    return [
        f"""create or replace temp macro aispend_drop_content(v) as
            case when regexp_matches(v, '{content_hint}') then {content} else v end""",
        f"""create or replace temp macro aispend_scrub(v) as
            case when regexp_matches(v, '{suspect}') then
                regexp_replace(
                    regexp_replace(aispend_drop_content(v), '{values}', '{REDACTED}', 'g'),
                    '{keyed}', '\\1{REDACTED}', 'g'
                )
            else aispend_drop_content(v) end""",
        # LiteLLM stores sha256(key) in api_key; anything else there is a raw key and is hashed the same way.
        """create or replace temp macro aispend_key_hash(v) as
            case when v is null or v = '' or regexp_full_match(v, '[0-9a-f]{64}') then v
                else sha256(v) end""",
    ]


_SECRET_VALUES = re.compile("|".join(f"(?:{p})" for p in SECRET_VALUE_PATTERNS))
_SECRET_KEYS = re.compile(SECRET_KEY_PATTERN)
MAX_RAW_TEXT = 16_384


def redact_raw_text(text: str) -> str:
    """The text with content values and secrets replaced, capped at MAX_RAW_TEXT characters."""
    try:
        parsed = json.loads(text)
    except ValueError:
        without_content = _drop_content_in_broken_json(text)
    else:
        without_content = json.dumps(_drop_content(parsed), ensure_ascii=False)
    redacted = _SECRET_KEYS.sub(
        lambda m: m.group(1) + REDACTED, _SECRET_VALUES.sub(REDACTED, without_content)
    )
    if len(redacted) > MAX_RAW_TEXT:
        cut = len(redacted) - MAX_RAW_TEXT
        redacted = redacted[:MAX_RAW_TEXT] + f"... [{cut} more characters; see the landed file]"
    return redacted


def _drop_content(value):
    """A JSON value with every content key's value replaced, looking inside JSON held in strings."""
    if isinstance(value, dict):
        return {k: (REDACTED if k in CONTENT_KEYS else _drop_content(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_drop_content(v) for v in value]
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.dumps(_drop_content(json.loads(value)), ensure_ascii=False)
        except ValueError:
            return _drop_content_in_broken_json(value)
    return value


def _drop_content_in_broken_json(text: str) -> str:
    """Best effort for text that is not JSON: a content key's value is skipped as a string,
    object or array up to where it ends or the text does."""
    out: list[str] = []
    pos = 0
    for match in CONTENT_KEY_PATTERN.finditer(text):
        if match.start() < pos:
            continue
        end = _value_end(text, match.end())
        if end == match.end():
            continue
        out.append(text[pos : match.end()])
        out.append(f'"{REDACTED}"')
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _value_end(text: str, start: int) -> int:
    """Index just past the JSON value starting at `start`, or the end of the text."""
    if start >= len(text):
        return start
    opener = text[start]
    if opener == "\\" and text[start : start + 2] == '\\"':
        return _escaped_string_end(text, start + 2)
    if opener == '"':
        return _string_end(text, start + 1)
    if opener not in "{[":
        return start
    depth, i = 0, start
    while i < len(text):
        ch = text[i]
        if ch == '"':
            i = _string_end(text, i + 1)
            continue
        if ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


def _string_end(text: str, i: int) -> int:
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            return i + 1
        i += 1
    return len(text)


def _escaped_string_end(text: str, i: int) -> int:
    """End of a string nested in a JSON string: it closes at an escaped quote."""
    while i < len(text):
        if text.startswith('\\"', i):
            return i + 2
        if text.startswith("\\\\", i):
            i += 2
            continue
        i += 1
    return len(text)
