"""The Python side of the contracts shared with TypeScript. The zod schemas in server/contracts/
are the source; ``npm run contracts`` exports them to distillery_worker/contracts/*.json. Here: the
trainer's config fields, types and defaults are the schema's; every event the trainer emits and
every message the sandbox supervisor and the Python client send validate against it. A field
added on one side only fails one of these tests."""

from __future__ import annotations

import ast
import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # installed with ray (worker/requirements.txt)
from train_fixtures import agent_record, write_jsonl
from worker_env import WORKER

from distillery_worker.contracts import CONTRACTS_DIR, load_contract
from distillery_worker.sandbox.client import Episode, SandboxRefused
from distillery_worker.train import events
from distillery_worker.train.config import TrainConfig, build_parser

TRAIN = WORKER / "distillery_worker" / "train"
JSON_TYPE = {
    "str": "string",
    "int": "integer",
    "int | None": "integer",
    "float": "number",
    "float | None": "number",
    "bool": "boolean",
}


def problems(schema: dict[str, Any], instance: Any) -> list[str]:
    """Empty when ``instance`` follows ``schema``. Each union in the contracts is told apart by its
    first property (``event``, ``op``, ``type``): check against that variant, for a clear error."""
    variants = schema.get("oneOf")
    if variants and isinstance(instance, dict):
        key = next(iter(variants[0]["properties"]))
        same = [v for v in variants if v["properties"][key].get("const") == instance.get(key)]
        if len(same) != 1:
            return [f"{key} {instance.get(key)!r} is not in the contract"]
        schema = same[0]
    return [
        f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(schema).iter_errors(instance)
    ]


def test_contracts_are_valid_json_schema():
    names = sorted(p.stem for p in CONTRACTS_DIR.glob("*.json"))
    assert names == ["sandbox-protocol", "train-config", "trainer-events"]
    for name in names:
        Draft202012Validator.check_schema(load_contract(name))


# -- train config ------------------------------------------------------------------------------


def test_train_config_fields_types_and_defaults_are_the_contracts():
    schema = load_contract("train-config")
    properties: dict[str, dict[str, Any]] = schema["properties"]
    fields = {f.name: f for f in dataclasses.fields(TrainConfig)}
    assert sorted(fields) == sorted(properties), "TrainConfig's fields and the contract's properties differ"
    for name, f in fields.items():
        prop = properties[name]
        assert JSON_TYPE[str(f.type)] == prop["type"], f"{name}: {f.type} is not {prop['type']}"
        required = f.default is dataclasses.MISSING
        assert required == (name in schema["required"]), f"{name}: required on one side only"
        if not required:
            assert f.default == prop.get("default"), (
                f"{name}: default {f.default!r} vs {prop.get('default')!r}"
            )


def test_train_flags_are_the_contracts_with_its_defaults_and_help():
    properties = load_contract("train-config")["properties"]
    parser = build_parser()
    flags = {a.dest: a for a in parser._actions if a.dest != "help"}
    assert sorted(flags) == sorted(properties)
    for name, action in flags.items():
        assert action.option_strings[0] == "--" + name.replace("_", "-")  # booleans add --no-…
        assert action.default == properties[name].get("default"), name
        assert action.help == properties[name]["description"], name


# -- trainer events ----------------------------------------------------------------------------


def event_variants() -> dict[str, dict[str, Any]]:
    return {v["properties"]["event"]["const"]: v for v in load_contract("trainer-events")["oneOf"]}


def emit_calls() -> dict[str, set[str]]:
    """Each ``emit("name", field=...)`` in the trainer's and the distillation round's source: event
    name → its fields (a "done" of either)."""
    calls: dict[str, set[str]] = {}
    for path in [*TRAIN.glob("*.py"), *(TRAIN.parent / "distill").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "emit":
                name = node.args[0]
                assert isinstance(name, ast.Constant) and isinstance(name.value, str), f"{path}: emit's event"
                assert all(k.arg for k in node.keywords), f"{path}: emit(**fields) hides its fields"
                calls.setdefault(name.value, set()).update(str(k.arg) for k in node.keywords)
    return calls


def test_every_emitted_event_has_exactly_the_contracts_fields():
    variants, calls = event_variants(), emit_calls()
    assert sorted(calls) == sorted(variants), "events emitted vs events in the contract"
    for name, fields in calls.items():
        assert fields == set(variants[name]["properties"]) - {"event"}, f"{name} event fields"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from distillery_worker.weights.tiny import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


def test_a_real_training_run_emits_events_the_contract_accepts(tiny: Path, tmp_path: Path):
    from distillery_worker.train.__main__ import fail
    from distillery_worker.train.data import DataError
    from distillery_worker.train.trainer import train

    data = write_jsonl(tmp_path / "sft.jsonl", [agent_record(i) for i in range(4)])
    config = TrainConfig(
        data=str(data), out=str(tmp_path / "run"), base=str(tiny), max_steps=1, save_steps=1,
        lora_r=4, lora_alpha=8, batch_size=2, grad_accum=1, max_length=256,
    )  # fmt: skip
    stream = io.StringIO()
    events.events_to(stream)
    try:
        train(config)
        fail(DataError("sft.jsonl:3: not valid JSON"))
    finally:
        events.events_to(None)
    emitted = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [e["event"] for e in emitted] == ["mask", "step", "checkpoint", "done", "error"]
    schema = load_contract("trainer-events")
    for event in emitted:
        assert problems(schema, event) == [], event


# -- sandbox protocol --------------------------------------------------------------------------


class RecordingEpisode(Episode):
    """The Python host, keeping every message it sends and receives."""

    def __init__(self, **kwargs: Any):
        self.sent: list[dict[str, Any]] = []
        self.received: list[dict[str, Any]] = []
        super().__init__(**kwargs)

    def _read(self) -> dict[str, Any]:
        msg = super()._read()
        self.received.append(msg)
        return msg

    def _write(self, msg: dict[str, Any]) -> None:
        self.sent.append(msg)
        super()._write(msg)


def protocol(part: str) -> dict[str, Any]:
    return load_contract("sandbox-protocol")["$defs"][part]


def kinds(messages: list[dict[str, Any]], key: str) -> set[str]:
    return {m[key] for m in messages}


def test_every_message_of_a_real_episode_follows_the_protocol():
    def broken(*_args: object) -> str:
        raise RuntimeError("retriever is down")

    ep = RecordingEpisode(tools={"search": lambda q: f"doc about {q}", "broken": broken})
    with ep:
        assert ep.exec("x = search('llamas')\nprint(x)")["stdout"] == "doc about llamas\n"
        assert ep.exec("broken()")["ok"] is False
        ep.exec("y = 2")  # an assignment: `assigned` instead of stdout
        ep.exec("final_answer(x)")
        assert len(ep.fork(["y += 1", "y += 2", "while True: pass"], timeout=1)) == 3
        ep.keep(1)
        assert "error" in ep.keep(7)  # no such candidate: the op fails, not the code
        ep.fork(["y"])
        ep.keep(None)
    sandbox_messages, host_ops = protocol("sandbox_message"), protocol("host_op")
    for msg in ep.received:
        assert problems(sandbox_messages, msg) == [], msg
    for op in ep.sent:
        assert problems(host_ops, op) == [], op
    assert kinds(ep.received, "type") == {"ready", "tool_call", "result"}
    assert kinds(ep.sent, "op") == {"exec", "fork", "keep", "tool_result", "close"}


def test_a_refusal_follows_the_protocol():
    class Refused(RecordingEpisode):
        def close(self) -> None:
            refusals.extend(self.received)
            super().close()

    refusals: list[dict[str, Any]] = []
    with pytest.raises(SandboxRefused):
        Refused(env={"DISTILLERY_SANDBOX_SIMULATE_MISSING": "net_namespace"})
    assert [m["type"] for m in refusals] == ["refused"]
    assert problems(protocol("sandbox_message"), refusals[0]) == []
