"""The embedded OpenAI-compatible chat-completions server: ``python -m distillery_worker.serve``.

``__main__`` is the command line; ``vllm`` launches vLLM's own server from its venv (the engine),
announces it, and takes its processes down with it.
"""
