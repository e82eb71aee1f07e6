"""Loss mask from per-message trainability, built by message boundaries and then verified.

The chat template is rendered once per message prefix: the text message ``k`` adds is
``render(messages[:k+1])[len(render(messages[:k])):]``, and the trainable part of an assistant
turn starts where ``render(messages[:k], add_generation_prompt=True)`` ends, i.e. exactly where
the model starts writing at inference. It runs to the end of the turn, so the end-of-turn token
is learned too. The whole text is tokenised once and a token is trainable only when its
character span lies entirely inside a trainable region.

``verify`` then checks the result independently of how it was built: every trainable token
belongs to a trainable assistant message, each such message's text is inside its trainable
region (templates that rewrite or drop content are caught), and every sample trains at least
one token. Stock templates break these silently (e.g. dropping earlier reasoning)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .data import DataError, Message, Sample

IGNORE = -100


@dataclass
class Region:
    start: int  # characters of the rendered text
    end: int
    train_start: int  # == end when the message does not train
    message: Message


@dataclass
class Encoded:
    sample: Sample
    text: str
    regions: list[Region]
    input_ids: list[int]
    labels: list[int]
    offsets: list[tuple[int, int]]
    truncated: bool = False

    @property
    def trainable(self) -> int:
        return sum(label != IGNORE for label in self.labels)


def _render(tokenizer: Any, messages: list[dict[str, str]], generation: bool = False) -> str:
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=generation)


def render_regions(tokenizer: Any, sample: Sample) -> tuple[str, list[Region]]:
    chat = [{"role": m.role, "content": m.content} for m in sample.messages]
    regions: list[Region] = []
    previous = _render_empty(tokenizer)
    for k, message in enumerate(sample.messages):
        text = _render(tokenizer, chat[: k + 1])
        if k == 0 and not text.startswith(previous):
            previous = ""  # the empty render is a default preamble that a first message replaces
        if not text.startswith(previous):
            raise DataError(
                f"{sample.name}: the chat template re-renders earlier turns when message {k} is added, "
                "so per-message masking is impossible with it"
            )
        train_start = len(text)
        if message.trainable:
            prompt = _render(tokenizer, chat[:k], generation=True)
            if not (text.startswith(prompt) and len(previous) <= len(prompt) <= len(text)):
                raise DataError(f"{sample.name}: message {k} does not start where the generation prompt ends")
            train_start = len(prompt)
        regions.append(Region(len(previous), len(text), train_start, message))
        previous = text
    return previous, regions


def _render_empty(tokenizer: Any) -> str:
    try:
        return _render(tokenizer, [])
    except Exception:  # some templates index messages[0]; then the first message owns the preamble
        return ""


def encode(tokenizer: Any, sample: Sample, max_length: int) -> Encoded:
    """Token ids and labels for one sample, truncated to ``max_length`` (keeping the start)."""
    text, regions = render_regions(tokenizer, sample)
    tokens = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids: list[int] = list(tokens["input_ids"])
    offsets = [tuple(span) for span in tokens["offset_mapping"]]
    trainable = [(r.train_start, r.end) for r in regions if r.message.trainable]
    labels = [
        token if e > s and any(a <= s and e <= b for a, b in trainable) else IGNORE
        for token, (s, e) in zip(ids, offsets, strict=True)
    ]
    truncated = len(ids) > max_length
    return Encoded(
        sample, text, regions, ids[:max_length], labels[:max_length], offsets[:max_length], truncated
    )


def _covered_text(text: str, spans: list[tuple[int, int]]) -> str:
    """The text under the spans, each character once: a byte-level tokenizer that splits one
    character (an emoji) over two tokens gives both that character's span, so the spans overlap."""
    parts: list[str] = []
    reached = 0
    for start, end in sorted(spans):
        start = max(start, reached)
        if end > start:
            parts.append(text[start:end])
        reached = max(reached, end)
    return "".join(parts)


def verify(encoded: Encoded) -> None:
    """Raise DataError naming the sample when the mask is wrong (see module docstring)."""
    name = encoded.sample.name
    if encoded.trainable == 0:
        reason = " after truncation" if encoded.truncated else ""
        raise DataError(f"{name}: zero trainable tokens{reason}")
    kept_until = encoded.offsets[-1][1] if encoded.offsets else 0
    for (start, end), label in zip(encoded.offsets, encoded.labels, strict=True):
        if label == IGNORE:
            continue
        owner = next((r for r in encoded.regions if r.start <= start < r.end), None)
        if owner is None or not owner.message.trainable or start < owner.train_start or end > owner.end:
            role = owner.message.role if owner else "template"
            token = encoded.text[start:end]
            raise DataError(f"{name}: trainable token {token!r} belongs to a {role} message")
    for index, region in enumerate(encoded.regions):
        if not region.message.trainable or region.end > kept_until:
            continue  # a turn cut by truncation is checked by the token test above only
        content = region.message.content.strip()
        if content not in encoded.text[region.train_start : region.end]:
            raise DataError(f"{name}: the chat template does not render assistant message {index} verbatim")
        spans = [
            (s, e)
            for (s, e), label in zip(encoded.offsets, encoded.labels, strict=True)
            if label != IGNORE and region.train_start <= s < region.end
        ]
        if content not in _covered_text(encoded.text, spans):
            raise DataError(f"{name}: assistant message {index} is not fully trainable")


@dataclass
class MaskReport:
    samples: int
    tokens: int
    trainable: int
    dropped_truncated: list[str]

    @property
    def trainable_fraction(self) -> float:
        return self.trainable / self.tokens if self.tokens else 0.0


def build_examples(tokenizer: Any, samples: list[Sample], max_length: int) -> tuple[list[dict], MaskReport]:
    """Encode and verify every sample. A sample whose trainable tokens all fall past
    ``max_length`` is dropped and counted (not an error: long trajectories are expected);
    zero trainable tokens before truncation, or any other mask fault, is an error."""
    examples: list[dict] = []
    dropped: list[str] = []
    tokens = trainable = 0
    for sample in samples:
        encoded = encode(tokenizer, sample, max_length)
        if encoded.trainable == 0 and encoded.truncated:
            dropped.append(sample.name)
            continue
        verify(encoded)
        examples.append({"input_ids": encoded.input_ids, "labels": encoded.labels})
        tokens += len(encoded.input_ids)
        trainable += encoded.trainable
    if not examples:
        raise DataError(f"every sample lost all trainable tokens to --max-length {max_length}")
    return examples, MaskReport(len(examples), tokens, trainable, dropped)
