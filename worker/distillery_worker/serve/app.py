"""HTTP layer: OpenAI-compatible routes over an Engine, with OpenAI-style JSON errors."""

from __future__ import annotations

import time
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from .engine import Completion, EngineRequestError, SamplingParams, ServingEngine, UnknownModel
from .schema import ChatRequest

DEFAULT_MAX_TOKENS = 1024


def error_response(
    status: int, message: str, param: str | None = None, code: str | None = None
) -> JSONResponse:
    kind = "invalid_request_error" if status < 500 else "server_error"
    body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    return JSONResponse(body, status_code=status)


def _validation_message(err: RequestValidationError) -> tuple[str, str | None]:
    first = err.errors()[0] if err.errors() else {"msg": "invalid request", "loc": ()}
    loc = [str(part) for part in first.get("loc", ()) if part != "body"]
    param = ".".join(loc) or None
    message = str(first.get("msg", "invalid request")).removeprefix("Value error, ")
    return (f"{param}: {message}" if param and not message.startswith(param) else message), param


def create_app(engine: ServingEngine) -> FastAPI:
    app = FastAPI(title="Distillery model server", docs_url=None, redoc_url=None)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, err: RequestValidationError) -> JSONResponse:
        message, param = _validation_message(err)
        return error_response(400, message, param)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        created = int(time.time())
        data = [
            {
                "id": name,
                "object": "model",
                "created": created,
                "owned_by": "distillery",
                "root": engine.model_id,
            }
            for name in engine.model_names()
        ]
        return {"object": "list", "data": data}

    @app.post("/v1/chat/completions", response_model=None)
    def chat_completions(request: ChatRequest) -> dict[str, Any] | JSONResponse:
        try:
            adapter = engine.adapter_for(request.model)
        except UnknownModel as err:
            return error_response(404, str(err), "model", "model_not_found")
        messages = [{"role": m.role, "content": m.text()} for m in request.messages]
        try:
            prompt_ids = engine.render_prompt(
                messages, request.add_generation_prompt, request.continue_final_message
            )
        except Exception as err:  # a chat template rejecting the conversation is the caller's error
            return error_response(400, f"messages: the chat template rejected them: {err}", "messages")
        room = engine.context_length - len(prompt_ids)
        max_tokens = request.requested_max_tokens() or min(DEFAULT_MAX_TOKENS, room)
        if max_tokens > room:
            return error_response(
                400,
                f"This model's maximum context length is {engine.context_length} tokens; the messages use "
                f"{len(prompt_ids)} and max_tokens asks for {max_tokens}",
                "max_tokens",
            )
        params = SamplingParams(
            n=request.n,
            temperature=request.temperature,
            top_p=request.top_p,
            max_tokens=max_tokens,
            stop=tuple(request.stop_list()),
            seed=request.seed,
            min_tokens=min(request.min_tokens, max_tokens),
            ignore_eos=request.ignore_eos,
        )
        try:
            completions = engine.generate(prompt_ids, params, adapter)
        except EngineRequestError as err:
            return error_response(err.status, str(err))
        return _response(request, len(prompt_ids), completions, engine)

    return app


def _response(
    request: ChatRequest, prompt_tokens: int, completions: list[Completion], engine: ServingEngine
) -> dict[str, Any]:
    choices = []
    for index, completion in enumerate(completions):
        choice: dict[str, Any] = {
            "index": index,
            "message": {"role": "assistant", "content": completion.text},
            "finish_reason": completion.finish_reason,
            "stop_reason": completion.stop_reason,
            "logprobs": _logprobs(completion, engine) if request.logprobs else None,
        }
        choices.append(choice)
    completion_tokens = sum(len(c.token_ids) for c in completions)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.model,
        "choices": choices,
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def _logprobs(completion: Completion, engine: ServingEngine) -> dict[str, Any]:
    content = [
        {"token": engine.tokenizer.decode([token_id]), "logprob": logprob, "bytes": None, "top_logprobs": []}
        for token_id, logprob in zip(completion.token_ids, completion.token_logprobs, strict=True)
    ]
    lps = completion.token_logprobs
    return {"content": content, "mean_logprob": sum(lps) / len(lps) if lps else None}
