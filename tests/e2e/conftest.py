"""End-to-end tests leave nothing running: a bot process that outlives its test fails the run."""

import pytest

from tests.e2e.botproc import LOGS, SPAWNED

LOG_TAIL = 12_000
"""Characters of each bot's log a failing test's report shows (the end, where the failure is)."""


FIRST_SPAWNED = pytest.StashKey[int]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item) -> None:
    item.stash[FIRST_SPAWNED] = len(SPAWNED)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test's report ends with the logs of the bots it started or that still run."""
    report = yield
    if report.failed and report.when == "call":
        first = item.stash.get(FIRST_SPAWNED, len(SPAWNED))
        for index, process in enumerate(SPAWNED):
            path = LOGS.get(process.pid)
            if (index >= first or process.poll() is None) and path is not None and path.exists():
                text = path.read_text(encoding="utf-8", errors="replace")
                report.sections.append((f"bot {process.pid} log ({path})", text[-LOG_TAIL:] or "(empty)"))
    return report


@pytest.fixture(autouse=True)
def no_bot_outlives_its_test(request):
    before = len(SPAWNED)
    yield
    alive = [p for p in SPAWNED[before:] if p.poll() is None]
    # Module-scoped fixtures stop their bot after the module's last test: only what this
    # test started by itself must be gone now.
    shared = {id(p) for p in _module_bots(request)}
    leftover = [p for p in alive if id(p) not in shared]
    for p in leftover:
        p.kill()
        p.wait()
    assert not leftover, f"{len(leftover)} bot process(es) outlived {request.node.name}"


def _module_bots(request) -> list:
    bots = []
    for name in request.fixturenames:
        fixture = request._fixturemanager.getfixturedefs(name, request.node)
        if fixture and fixture[-1].scope == "module":
            value = request.getfixturevalue(name)
            if isinstance(value, dict):
                if "bot" in value:
                    bots.append(value["bot"].process)
            elif hasattr(value, "process"):
                bots.append(value.process)
    return bots


def pytest_sessionfinish(session, exitstatus) -> None:
    alive = [p for p in SPAWNED if p.poll() is None]
    for p in alive:
        p.kill()
        p.wait()
    if alive:
        print(f"\n{len(alive)} bot process(es) were still running at the end of the session")
        session.exitstatus = 1
