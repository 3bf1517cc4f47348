"""Secrets and prompt text are removed from quarantined text and from loaded free text."""

from __future__ import annotations

import duckdb

from ingest.redact import redact_raw_text, scrub_macros_sql


def test_content_keys_are_redacted_in_json_and_in_json_held_in_strings():
    text = (
        '{"request_id": "x", "messages": "[{\\"role\\": \\"user\\", \\"content\\": \\"SECRET\\"}]", '
        '"metadata": "{\\"password\\": \\"hunter2\\", \\"content\\": \\"SECRET\\"}", "prompt_tokens": 12}'
    )

    assert redact_raw_text(text) == (
        '{"request_id": "x", "messages": "[redacted]", '
        '"metadata": "{\\"password\\": \\"[redacted]\\", \\"content\\": \\"[redacted]\\"}", '
        '"prompt_tokens": 12}'
    )


def test_broken_json_loses_its_content_values_up_to_where_the_text_ends():
    assert redact_raw_text('{"id": "x", "messages": [{"role": "user", "content": "SECRET unfinished') == (
        '{"id": "x", "messages": "[redacted]"'
    )


def test_credentials_are_redacted_wherever_they_appear():
    text = (
        "key sk-proj-abcdefghijklmnopqrstuv AKIAABCDEFGHIJKLMNOP password=hunter2&x=1 "
        "Bearer abcdefghijklmnopqrstuvwxyz"
    )

    assert redact_raw_text(text) == "key [redacted] [redacted] password=[redacted]&x=1 [redacted]"


def test_long_raw_text_is_capped_and_points_to_the_file():
    redacted = redact_raw_text("x" * 20_000)

    assert redacted.startswith("x" * 16_384)
    assert redacted.endswith("... [3616 more characters; see the landed file]")


def test_sql_scrub_matches_the_python_rules():
    con = duckdb.connect()
    for macro in scrub_macros_sql():
        con.execute(macro)

    [(scrubbed, hashed, kept)] = con.execute(
        "select aispend_scrub(?), aispend_key_hash('sk-abc'), aispend_key_hash(?)",
        ['{"user_api_key": "sk-proj-abcdefghijklmnopqrstu", "note": "Password: hunter2"}', "a" * 64],
    ).fetchall()

    assert scrubbed == '{"user_api_key": "[redacted]", "note": "Password: [redacted]"}'
    assert hashed == "1460db1b6902f8b1fc2a40d9381a24d0fd22c3bc1b2c6f999c521da73776fbe0"
    assert kept == "a" * 64
