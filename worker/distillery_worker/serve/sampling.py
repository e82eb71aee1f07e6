"""Token sampling and stop-string detection for the decode loop."""

from __future__ import annotations

from collections.abc import Sequence

import torch


def sample_next(
    logits: torch.Tensor, temperature: float, top_p: float, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """One token per row of ``logits`` (batch, vocab) and its log-probability under the model's
    own distribution (before temperature and top-p, as vLLM reports it)."""
    logprobs = torch.log_softmax(logits.float(), dim=-1)
    if temperature == 0:
        tokens = logprobs.argmax(dim=-1)
    else:
        probs = torch.softmax(logits.float() / temperature, dim=-1)
        if top_p < 1.0:
            sorted_probs, order = probs.sort(dim=-1, descending=True)
            # Drop a token when the mass before it already reaches top_p (the first always stays).
            outside = sorted_probs.cumsum(dim=-1) - sorted_probs >= top_p
            sorted_probs = sorted_probs.masked_fill(outside, 0.0)
            picked = torch.multinomial(sorted_probs, 1, generator=generator)
            tokens = order.gather(-1, picked).squeeze(-1)
        else:
            tokens = torch.multinomial(probs, 1, generator=generator).squeeze(-1)
    return tokens, logprobs.gather(-1, tokens.unsqueeze(-1)).squeeze(-1)


class StopMatcher:
    """Finds stop strings in generated text. Each step decodes only a tail of the sequence, long
    enough to hold the longest stop string, so the check stays cheap for long generations."""

    def __init__(self, stops: Sequence[str], decode: object) -> None:
        self.stops = [s for s in stops if s]
        self._decode = decode
        self._tail_tokens = max((len(s) for s in self.stops), default=0) + 4

    def hit(self, token_ids: Sequence[int]) -> bool:
        if not self.stops:
            return False
        tail = self._decode(list(token_ids[-self._tail_tokens :]))  # type: ignore[operator]
        return any(stop in tail for stop in self.stops)

    def cut(self, text: str) -> tuple[str, str | None]:
        """Text before the earliest stop string, and that string (None when none occurs)."""
        best: tuple[int, str] | None = None
        for stop in self.stops:
            at = text.find(stop)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, stop)
        return (text, None) if best is None else (text[: best[0]], best[1])
