"""The request body of ``POST /v1/chat/completions``: OpenAI's fields plus vLLM's extensions
(``continue_final_message``, ``add_generation_prompt``). Unknown fields are ignored, as OpenAI
clients send many."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_N = 16


class TextPart(BaseModel):
    type: Literal["text"]
    text: str


class Message(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "user", "assistant", "tool"]
    content: str | list[TextPart]

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "".join(part.text for part in self.content)


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    model: str = Field(min_length=1)
    messages: list[Message] = Field(min_length=1)
    n: int = Field(default=1, ge=1, le=MAX_N)
    temperature: float = Field(default=1.0, ge=0.0, le=2.0)
    top_p: float = Field(default=1.0, gt=0.0, le=1.0)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    stop: str | list[str] | None = None
    seed: int | None = None
    min_tokens: int = Field(default=0, ge=0)
    ignore_eos: bool = (
        False  # vLLM's and llama.cpp's extension: EOS never ends a sequence (stop strings still do)
    )
    logprobs: bool = False
    top_logprobs: int | None = Field(default=None, ge=0, le=0)  # only per-token logprobs are served
    stream: bool = False
    prompt_logprobs: int | None = None  # vLLM's scoring of a given text: refused here, never ignored
    add_generation_prompt: bool = True
    continue_final_message: bool = False

    @field_validator("stop")
    @classmethod
    def _stop_list(cls, value: str | list[str] | None) -> list[str]:
        stops = [value] if isinstance(value, str) else list(value or [])
        if len(stops) > 16:
            raise ValueError("at most 16 stop strings")
        return [s for s in stops if s]

    @model_validator(mode="after")
    def _consistent(self) -> ChatRequest:
        if self.stream:
            raise ValueError("stream: streaming is not supported by this server; send stream=false")
        if self.prompt_logprobs is not None:
            raise ValueError(
                "prompt_logprobs: this engine cannot score a given text; the vllm engine (the default) can"
            )
        if self.continue_final_message and self.add_generation_prompt:
            raise ValueError(
                "continue_final_message: cannot be true together with add_generation_prompt; "
                "send add_generation_prompt=false"
            )
        if (
            self.min_tokens
            and self.requested_max_tokens()
            and self.min_tokens > (self.requested_max_tokens() or 0)
        ):
            raise ValueError("min_tokens: must not exceed max_tokens")
        if self.continue_final_message and self.messages[-1].role != "assistant":
            raise ValueError("continue_final_message: the last message must be an assistant message")
        return self

    def stop_list(self) -> list[str]:
        return list(self.stop or [])

    def requested_max_tokens(self) -> int | None:
        return self.max_completion_tokens or self.max_tokens
