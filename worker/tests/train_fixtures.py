# ruff: noqa: E501  (chat templates are quoted verbatim)
"""Offline tokenizers with the chat templates of the embedded models' families, tiny chat models
and small SFT files, for the trainer tests and bench/train_throughput.py."""

from __future__ import annotations

import json
from pathlib import Path

from distillery_worker.weights.tiny import train_bpe

# SmolLM2-135M-Instruct, as read from the embedded GGUF (ChatML with a default system turn).
SMOLLM2 = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
    "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

# Qwen2.5(-Coder)-Instruct: ChatML, a default system prompt, tool calls inside assistant turns.
QWEN25 = """{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- if messages[0]['role'] == 'system' %}{{- messages[0]['content'] }}{%- else %}{{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}{%- endif %}
    {{- "\\n\\n# Tools\\n\\n<tools>" }}
    {%- for tool in tools %}{{- "\\n" }}{{- tool | tojson }}{%- endfor %}
    {{- "\\n</tools><|im_end|>\\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
    {%- else %}
        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>' + message.role }}
        {%- if message.content %}{{- '\\n' + message.content }}{%- endif %}
        {{- '<|im_end|>\\n' }}
    {%- elif message.role == "tool" %}
        {{- '<|im_start|>user\\n<tool_response>\\n' + message.content + '\\n</tool_response><|im_end|>\\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
{%- endif %}
"""

# Gemma 3 (270M-it): system folded into the first user turn, "model" role, content trimmed.
GEMMA3 = """{{ bos_token }}
{%- if messages[0]['role'] == 'system' -%}
    {%- set first_user_prefix = messages[0]['content'] + '\\n\\n' -%}
    {%- set loop_messages = messages[1:] -%}
{%- else -%}
    {%- set first_user_prefix = "" -%}
    {%- set loop_messages = messages -%}
{%- endif -%}
{%- for message in loop_messages -%}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}
        {{ raise_exception("Conversation roles must alternate user/assistant/user/assistant/...") }}
    {%- endif -%}
    {%- if (message['role'] == 'assistant') -%}{%- set role = "model" -%}{%- else -%}{%- set role = message['role'] -%}{%- endif -%}
    {{ '<start_of_turn>' + role + '\\n' + (first_user_prefix if loop.first else "") }}
    {%- if message['content'] is string -%}
        {{ message['content'] | trim }}
    {%- else -%}
        {{ raise_exception("Invalid content type") }}
    {%- endif -%}
    {{ '<end_of_turn>\\n' }}
{%- endfor -%}
{%- if add_generation_prompt -%}{{'<start_of_turn>model\\n'}}{%- endif -%}
"""

FAMILIES = {
    "smollm2": (
        SMOLLM2,
        ["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        None,
        "<|im_end|>",
        "<|endoftext|>",
    ),
    "qwen2.5": (QWEN25, ["<|endoftext|>", "<|im_start|>", "<|im_end|>"], None, "<|im_end|>", "<|endoftext|>"),
    "gemma3": (
        GEMMA3,
        ["<pad>", "<eos>", "<bos>", "<start_of_turn>", "<end_of_turn>"],
        "<bos>",
        "<eos>",
        "<pad>",
    ),
}

_CORPUS = [
    "Thought: I will search for the answer and then compute it with Python.",
    "Observation: the result is 42. final_answer(42) <end_code>",
    "The quick brown fox jumps over the lazy dog. 0123456789 + - * / = ( ) [ ] { } \\boxed{1/2}",
    "def f(x):\n    return x ** 2\nprint(f(3))",
]


def build_tokenizer(family: str, vocab_size: int = 300):
    """A small byte-level BPE tokenizer with the family's special tokens and chat template."""
    template, special, bos, eos, pad = FAMILIES[family]
    return train_bpe(_CORPUS, vocab_size, special, bos, eos, pad, template)


def agent_record(i: int, observation_repeat: int = 1) -> dict:
    """An SFT export record shaped like a CodeAct trajectory (docs/ARCHITECTURE.md §6.6)."""
    return {
        "id": f"traj-{i}",
        "messages": [
            {"role": "system", "content": "You are an agent. Answer with code.", "trainable": False},
            {"role": "user", "content": f"Task: what is {i} + 1?", "trainable": False},
            {
                "role": "assistant",
                "content": f"Thought: add.\n```py\nprint({i} + 1)\n```<end_code>",
                "trainable": True,
            },
            {
                "role": "user",
                "content": "Observation: " + f"{i + 1} " * observation_repeat,
                "trainable": False,
            },
            {
                "role": "assistant",
                "content": f"Thought: done.\n```py\nfinal_answer({i + 1})\n```<end_code>",
                "trainable": True,
            },
        ],
    }


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path
