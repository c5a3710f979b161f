"""pytest fixtures: the library under test (reference and ours) and a reference server."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import differential  # noqa: E402
import harness  # noqa: E402

LIBS = ["reference", "ours"]
_loaded = {}


def load_lib(which):
    """The Library for `which`, loaded once; a missing library fails the test loudly."""
    if which not in _loaded:
        try:
            _loaded[which] = differential.load(which)
        except (FileNotFoundError, OSError) as e:
            pytest.fail(f"cannot load the {which} library: {e}", pytrace=False)
    return _loaded[which]


@pytest.fixture(params=LIBS)
def lib(request):
    """The client library under test, once per library."""
    return load_lib(request.param)


@pytest.fixture
def ours():
    """Our library alone, for behaviour where we differ from the reference on purpose
    (listed in intended_differences.txt)."""
    return load_lib("ours")


@pytest.fixture(scope="module")
def server():
    """A reference server on tests/fixtures/demo.cfg, one per test module."""
    with harness.reference_server_ctl(harness.DEMO_MODEL) as srv:
        yield srv


@pytest.fixture
def client(lib):
    """A fresh, unconnected Client of the library under test."""
    c = differential.Client(lib)
    yield c
    c.destroy()


@pytest.fixture
def conn(client, server):
    """A Client connected to the module's reference server."""
    assert differential.connect_verified(client, server.port) == 0
    return client
