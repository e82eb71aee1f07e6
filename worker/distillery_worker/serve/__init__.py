"""The embedded OpenAI-compatible chat-completions server: ``python -m distillery_worker.serve``.

``__main__`` is the command line. By default it hands the model to ``vllm``, which launches vLLM's
own server from its venv and watches it. The engines it replaces run in this process behind
``app`` (HTTP routes and errors) and ``schema`` (the request body): ``engine`` (transformers: the
model and the decode loop, n samples sharing one prefill) and ``llamacpp``.
"""
