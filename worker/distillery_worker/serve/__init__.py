"""OpenAI-compatible chat-completions server on transformers: ``python -m distillery_worker.serve``.

``engine`` holds the model and the decode loop (n samples share one prefill), ``schema`` the
request body, ``app`` the HTTP routes and errors, ``__main__`` the command line.
"""
