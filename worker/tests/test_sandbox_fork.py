"""SAG forks: each candidate runs in its own copy of the state; the winner is kept, never re-run."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sandbox_fixtures import processes_of

from distillery_worker.sandbox.client import Episode


@pytest.fixture
def ep() -> Iterator[Episode]:
    calls: list[tuple[str, int | None]] = []

    with Episode(tools={"web_search": lambda q: f"result for {q}"}) as episode:
        episode.calls = calls  # type: ignore[attr-defined]
        yield episode


def test_candidates_do_not_see_each_other(ep: Episode) -> None:
    ep.exec("items = []\nopen('shared.txt', 'w').write('base')")
    codes = [
        f"items.append({i})\nopen('shared.txt', 'a').write('{i}')\nopen('mine{i}', 'w')\n"
        "import os, time; time.sleep(0.2)\n"
        "print(items, open('shared.txt').read(), sorted(os.listdir('.')))"
        for i in range(4)
    ]
    results = ep.fork(codes)
    for i, r in enumerate(results):
        assert r["ok"], r
        assert r["stdout"] == f"[{i}] base{i} ['mine{i}', 'shared.txt']\n"
    ep.keep(None)
    base = ep.exec("import os\nprint(items, open('shared.txt').read(), os.listdir('.'))")
    assert base["stdout"] == "[] base ['shared.txt']\n"


def test_winner_is_kept_without_rerunning(ep: Episode) -> None:
    ep.exec("counter = 0")
    results = ep.fork([f"counter += 1\nopen('log', 'a').write('ran {i}\\n')\ncounter" for i in range(8)])
    assert [r["value_repr"] for r in results] == ["1"] * 8
    assert ep.keep(5)["result"] == {"ok": True}
    after = ep.exec("print(counter, repr(open('log').read()))")
    assert after["stdout"] == "1 'ran 5\\n'\n"  # incremented once, by candidate 5 only


def test_losers_and_old_worker_are_killed(ep: Episode) -> None:
    ep.exec("x = 1")
    ep.fork(["x + 1"] * 4)
    assert len(processes_of(ep.uid)) == 5  # the worker and its four forks wait for the host's choice
    ep.keep(2)
    ep.exec("x")
    assert len(processes_of(ep.uid)) == 1


def test_failed_candidates_and_tool_calls(ep: Episode) -> None:
    ep.exec("base = 10")
    results = ep.fork(
        [
            "print(web_search('a'))",
            "1 / 0",
            "import os; os._exit(1)",
            "while True: pass",
            "final_answer(base * 2)",
        ],
        timeout=1,
    )
    assert results[0]["stdout"] == "result for a\n"
    assert results[1]["error"]["type"] == "ZeroDivisionError"
    assert results[2]["error"]["type"] == "WorkerDied"
    assert results[3]["error"]["type"] in ("ActionTimeout", "Timeout")
    assert results[4]["final_answer"] == 20
    dead = ep.keep(2)
    assert "not alive" in dead["error"]
    ep.keep(4)
    assert ep.exec("base")["value_repr"] == "10"


def test_fork_then_discard_keeps_old_state(ep: Episode) -> None:
    ep.exec("data = list(range(5))")
    ep.fork(["data.clear()", "del data"])
    ep.keep(None)
    assert ep.exec("sum(data)")["value_repr"] == "10"
    results = ep.fork(["data.append(5)\nsum(data)"])  # a second round works after a discard
    assert results[0]["value_repr"] == "15"


def test_candidate_cannot_reach_parent_scratch_by_absolute_path(ep: Episode) -> None:
    ep.exec("import os\nhome = os.getcwd()\nopen('f', 'w').write('base')")
    results = ep.fork(["open(home + '/f', 'w').write('changed')"])
    assert results[0]["error"]["type"] in ("PermissionError", "FileNotFoundError")
    ep.keep(None)
    assert ep.exec("open('f').read()")["value_repr"] == "'base'"


def test_host_keeps_serving_other_episodes() -> None:
    with Episode() as a, Episode() as b:
        a.exec("x = 'a'")
        b.exec("x = 'b'")
        crash = a.exec("import ctypes; ctypes.string_at(0)")
        assert crash["error"]["type"] == "WorkerDied" and "state was reset" in crash["error"]["message"]
        assert b.exec("x")["value_repr"] == "'b'"
        assert a.exec("print('fresh')")["stdout"] == "fresh\n"
        a.proc.kill()
        a.proc.wait()
        assert b.exec("x")["value_repr"] == "'b'"
        uid = a.uid
    for _ in range(100):  # the kernel tears the PID namespace down asynchronously
        if not processes_of(uid):
            break
        time.sleep(0.05)
    assert processes_of(uid) == []


def test_a_candidate_reaches_nothing_outside_its_own_copy(ep: Episode) -> None:
    ep.exec("open('mine', 'w').write('base')")
    probe = (
        "import os\nout = []\n"
        "for what, act in (('list worker domain', lambda: os.listdir('../..')),\n"
        "                  ('write worker domain', lambda: open('../../x', 'w')),\n"
        "                  ('list scratch root', lambda: os.listdir('/scratch')),\n"
        "                  ('write scratch root', lambda: open('/scratch/x', 'w'))):\n"
        "    try:\n        act(); out.append(what)\n    except OSError:\n        pass\n"
        "print('reached', out, open('mine').read())"
    )
    results = ep.fork([probe] * 3)
    assert [r["stdout"] for r in results] == ["reached [] base\n"] * 3
    ep.keep(None)
