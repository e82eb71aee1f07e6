"""Read an SFT export (docs/ARCHITECTURE.md §6.6): one JSON object per line,
``{"messages": [{"role", "content", "trainable"}], "id"?, "meta"?}``.

Only the standard library here; every error names the file and line so a bad dataset fails
before any model is loaded."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

ROLES = ("system", "user", "assistant")


class DataError(Exception):
    """Bad training input (malformed line, bad mask): the CLI exits 2 with this message."""


@dataclass(frozen=True)
class Message:
    role: str
    content: str
    trainable: bool


@dataclass(frozen=True)
class Sample:
    line: int  # 1-based line number in the source file
    id: str | None
    messages: tuple[Message, ...]

    @property
    def name(self) -> str:
        """How errors refer to this sample."""
        return f"line {self.line}" + (f" (id {self.id})" if self.id is not None else "")


def _message(raw: object, where: str, index: int) -> Message:
    if not isinstance(raw, dict):
        raise DataError(f"{where}: messages[{index}] is not an object")
    role, content = raw.get("role"), raw.get("content")
    if role not in ROLES:
        raise DataError(f"{where}: messages[{index}].role must be one of {', '.join(ROLES)}, got {role!r}")
    if not isinstance(content, str):
        raise DataError(f"{where}: messages[{index}].content must be a string")
    trainable = raw.get("trainable", role == "assistant")
    if not isinstance(trainable, bool):
        raise DataError(f"{where}: messages[{index}].trainable must be true or false")
    if trainable and role != "assistant":
        # The loss is on assistant turns only (docs/ARCHITECTURE.md §2): a trainable observation is
        # a bad export.
        raise DataError(f"{where}: messages[{index}] is a trainable {role} message; only assistant turns")
    return Message(role, content, trainable)


def parse_line(text: str, where: str, line: int) -> Sample:
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(f"{where}: not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(record, dict) or not isinstance(record.get("messages"), list):
        raise DataError(f'{where}: expected an object with a "messages" array')
    raw_id = record.get("id")
    sample_id = None if raw_id is None else str(raw_id)
    if sample_id is not None:
        where = f"{where} (id {sample_id})"
    messages = tuple(_message(m, where, i) for i, m in enumerate(record["messages"]))
    if not any(m.trainable for m in messages):
        raise DataError(f"{where}: no trainable assistant message")
    return Sample(line=line, id=sample_id, messages=messages)


def read_samples(path: str | Path) -> list[Sample]:
    """All samples of a JSON-lines export; blank lines are skipped, anything else malformed is an error."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"--data: no such file: {path}")
    samples: list[Sample] = []
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if text.strip():
                samples.append(parse_line(text, f"{path}:{number}", number))
    if not samples:
        raise DataError(f"{path}: no samples")
    return samples
