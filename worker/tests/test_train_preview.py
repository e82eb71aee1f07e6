"""The token preview (train/preview.py) shows exactly the trainer's mask: the token texts
rebuild the rendered chat, and the highlighted ones are the assistant turns."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from train_fixtures import FAMILIES, agent_record, build_tokenizer

from distillery_worker.train.preview import preview_record


@pytest.fixture(scope="module", params=sorted(FAMILIES))
def tokenizer(request):
    return build_tokenizer(request.param)


def test_tokens_rebuild_the_chat_and_only_assistant_text_trains(tokenizer):
    record = agent_record(3)
    result = preview_record(tokenizer, json.dumps(record))
    text = "".join(t for t, _ in result["tokens"])
    rendered = tokenizer.apply_chat_template(
        [{"role": m["role"], "content": m["content"]} for m in record["messages"]], tokenize=False
    )
    assert text == rendered
    trained = "".join(t for t, trainable in result["tokens"] if trainable)
    for message in record["messages"]:
        assert (message["content"].strip() in trained) == message["trainable"]
    assert result["mask_error"] is None
    assert result["trainable"] == sum(1 for _, trainable in result["tokens"] if trainable)
    assert 0 < result["trainable_fraction"] < 1
    assert result["shown"] == result["total"]


def test_long_samples_are_cut_for_display_but_counted_whole(tokenizer):
    result = preview_record(tokenizer, json.dumps(agent_record(1, observation_repeat=50)), max_tokens=10)
    assert len(result["tokens"]) == 10
    assert result["total"] > 10


def test_a_bad_record_is_an_input_error_on_the_cli():
    bad = json.dumps({"messages": [{"role": "user", "content": "hi", "trainable": True}]})
    proc = subprocess.run(
        [sys.executable, "-m", "distillery_worker.train.preview", "--base", "/nonexistent-model"],
        input=bad,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ")
