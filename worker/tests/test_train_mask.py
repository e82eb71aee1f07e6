"""The loss mask under each chat-template family the embedded models use: assistant tokens are
trainable and nothing else is; every way the mask can go wrong is an error naming the sample."""

from __future__ import annotations

import json

import pytest
from train_fixtures import FAMILIES, agent_record, build_tokenizer

from distillery_worker.train.data import DataError, parse_line, read_samples
from distillery_worker.train.mask import IGNORE, build_examples, encode, verify

END_OF_TURN = {"smollm2": "<|im_end|>\n", "qwen2.5": "<|im_end|>\n", "gemma3": "<end_of_turn>\n"}


def sample_of(record: dict, line: int = 1):
    return parse_line(json.dumps(record), f"data.jsonl:{line}", line)


def trainable_text(encoded) -> str:
    pairs = zip(encoded.offsets, encoded.labels, strict=True)
    return "".join(encoded.text[s:e] for (s, e), label in pairs if label != IGNORE)


@pytest.fixture(scope="module", params=sorted(FAMILIES))
def family(request):
    return request.param, build_tokenizer(request.param)


def test_only_assistant_turns_train(family):
    name, tokenizer = family
    record = agent_record(3, observation_repeat=4)
    encoded = encode(tokenizer, sample_of(record), max_length=4096)
    verify(encoded)
    assistants = [m["content"].strip() for m in record["messages"] if m["role"] == "assistant"]
    # Exactly the assistant contents plus their end-of-turn marker, in order, and nothing else.
    assert trainable_text(encoded) == "".join(a + END_OF_TURN[name] for a in assistants)
    # Labels equal the input ids where trainable (no shifting done here; the model shifts).
    for token, label in zip(encoded.input_ids, encoded.labels, strict=True):
        assert label in (IGNORE, token)
    # The generation prompt (what the server sends before the model writes) is never trained.
    assert "assistant\n" not in trainable_text(encoded) and "model\n" not in trainable_text(encoded)


def test_round_trip_tokens_match_the_chat_template(family):
    _, tokenizer = family
    record = agent_record(1)
    encoded = encode(tokenizer, sample_of(record), max_length=4096)
    chat = [{"role": m["role"], "content": m["content"]} for m in record["messages"]]
    expected = tokenizer.apply_chat_template(chat, tokenize=False)
    assert encoded.text == expected
    assert tokenizer.decode(encoded.input_ids) == expected


def test_untrainable_assistant_turn_is_masked(family):
    _, tokenizer = family
    record = agent_record(2)
    record["messages"][2]["trainable"] = False
    encoded = encode(tokenizer, sample_of(record), max_length=4096)
    verify(encoded)
    assert "print(2 + 1)" not in trainable_text(encoded)
    assert "final_answer(3)" in trainable_text(encoded)


def test_a_character_split_over_several_tokens_counts_once(family):
    # A byte-level tokenizer splits an emoji over tokens that each carry the whole character's span,
    # so the spans overlap; a student's episode that wrote "done. 👍👍" was refused as "not fully
    # trainable" until the check read each character once.
    _, tokenizer = family
    record = agent_record(1)
    record["messages"][2]["content"] = "Thought: done. 👍👍\n```py\nprint(1 + 1)\n```<end_code>"
    encoded = encode(tokenizer, sample_of(record), max_length=4096)
    offsets = encoded.offsets
    assert any(a[1] > b[0] for a, b in zip(offsets, offsets[1:], strict=False))  # the premise: overlap
    verify(encoded)


def test_a_trainable_observation_token_is_an_error(family):
    _, tokenizer = family
    encoded = encode(tokenizer, sample_of(agent_record(5), line=7), max_length=4096)
    observation = encoded.text.index("Observation:")
    index = next(i for i, (s, _) in enumerate(encoded.offsets) if s >= observation)
    encoded.labels[index] = encoded.input_ids[index]
    with pytest.raises(DataError, match=r"line 7 \(id traj-5\).*belongs to a user message"):
        verify(encoded)


def test_zero_trainable_tokens_is_an_error(family):
    _, tokenizer = family
    encoded = encode(tokenizer, sample_of(agent_record(0), line=4), max_length=4096)
    encoded.labels = [IGNORE] * len(encoded.labels)
    with pytest.raises(DataError, match="line 4 .*zero trainable tokens"):
        verify(encoded)


def test_truncation_drops_and_counts_samples_left_without_trainable_tokens():
    tokenizer = build_tokenizer("smollm2")
    long_task = agent_record(9)
    long_task["messages"][1]["content"] = "Task: " + "fox " * 400
    samples = [sample_of(agent_record(1), 1), sample_of(long_task, 2)]
    examples, report = build_examples(tokenizer, samples, max_length=128)
    assert report.samples == 1 and report.dropped_truncated == ["line 2 (id traj-9)"]
    assert 0 < report.trainable_fraction < 1 and len(examples) == 1
    with pytest.raises(DataError, match="every sample lost all trainable tokens"):
        build_examples(tokenizer, [samples[1]], max_length=128)


def test_a_turn_cut_by_truncation_keeps_its_kept_tokens():
    tokenizer = build_tokenizer("smollm2")
    full = encode(tokenizer, sample_of(agent_record(1)), max_length=4096)
    cut = len(full.input_ids) - 5  # inside the last assistant turn
    examples, report = build_examples(tokenizer, [sample_of(agent_record(1))], max_length=cut)
    assert len(examples[0]["input_ids"]) == cut and report.trainable == full.trainable - 5


def test_templates_that_rewrite_earlier_turns_are_refused():
    tokenizer = build_tokenizer("smollm2")
    # Like templates that drop the reasoning of earlier assistant turns: render(k+1) no longer
    # extends render(k), so a per-message mask cannot be right.
    tokenizer.chat_template = (
        "{% for m in messages %}{% if m['role'] == 'assistant' and not loop.last %}"
        "{{ '<|im_start|>assistant\n<|im_end|>\n' }}{% else %}"
        "{{ '<|im_start|>' + m['role'] + '\n' + m['content'] + '<|im_end|>\n' }}{% endif %}{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
    )
    with pytest.raises(DataError, match="line 1 .*re-renders earlier turns"):
        encode(tokenizer, sample_of(agent_record(1)), max_length=4096)


def test_templates_that_alter_assistant_content_are_refused():
    tokenizer = build_tokenizer("smollm2")
    tokenizer.chat_template = (
        "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\n' }}"
        "{{ m['content'] | upper + '<|im_end|>\n' }}{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
    )
    encoded = encode(tokenizer, sample_of(agent_record(1)), max_length=4096)
    with pytest.raises(DataError, match="does not render assistant message 2 verbatim"):
        verify(encoded)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", r"data.jsonl:2: not valid JSON"),
        ('{"text": "x"}', r'data.jsonl:2: expected an object with a "messages" array'),
        ('{"messages": [{"role": "tool", "content": "x"}]}', r"data.jsonl:2: messages\[0\].role"),
        (
            '{"id": 5, "messages": [{"role": "user", "content": "x", "trainable": true}]}',
            r"data.jsonl:2 \(id 5\): messages\[0\] is a trainable user message",
        ),
        ('{"messages": [{"role": "user", "content": "x"}]}', r"data.jsonl:2: no trainable assistant message"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "data.jsonl"
    path.write_text(json.dumps(agent_record(0)) + "\n" + line + "\n")
    with pytest.raises(DataError, match=message):
        read_samples(path)


def test_trainability_defaults_to_the_role(tmp_path):
    path = tmp_path / "data.jsonl"
    record = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}
    path.write_text(json.dumps(record) + "\n\n")
    [sample] = read_samples(path)
    assert [m.trainable for m in sample.messages] == [False, True]


def test_preview_shows_exactly_what_trains(family):
    from distillery_worker.train.preview import preview_record

    name, tokenizer = family
    record = agent_record(6)
    result = preview_record(tokenizer, json.dumps(record))
    chat = [{"role": m["role"], "content": m["content"]} for m in record["messages"]]
    rendered = tokenizer.apply_chat_template(chat, tokenize=False)
    assert "".join(text for text, _ in result["tokens"]) == rendered
    assistants = [m["content"].strip() for m in record["messages"] if m["role"] == "assistant"]
    shown = "".join(text for text, trainable in result["tokens"] if trainable)
    assert shown == "".join(a + END_OF_TURN[name] for a in assistants)
    assert result["mask_error"] is None and 0 < result["trainable_fraction"] < 1
