import importlib


def test_package_imports():
    module = importlib.import_module("distillery_worker")
    assert "serve" in (module.__doc__ or "")
