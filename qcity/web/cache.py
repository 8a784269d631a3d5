"""The app's process-wide caches over the data: one Database per data directory and data version, query results
keyed on query name, SQL text, parameters and data version (which changes whenever a data file changes), and the
figures, cards and takeaways drawn from them, shared by every session (`shared`).

They live here, not in qcity.store, so that the command-line tools and the store never load Streamlit.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import pickle
import threading
from pathlib import Path

import pandas as pd
import streamlit as st

from qcity.store.db import Database, data_dir, data_version, query_sql

# Outside a Streamlit server (tests, the bench) the cache decorators below work in memory; Streamlit still logs a
# warning about it, which would only be noise there.
logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)


@st.cache_resource(max_entries=4, show_spinner=False)
def database(path: str, version: str) -> Database:
    """The process-wide database for a data directory at one data version."""
    return Database(Path(path))


@st.cache_data(max_entries=2000, ttl=24 * 3600, show_spinner=False)
def _cached_query(path: str, version: str, name: str, sql: str, params: tuple) -> pd.DataFrame:
    return database(path, version).query(name, **dict(params))


def _freeze(value):
    return tuple(value) if isinstance(value, list | tuple | set) else value


def current() -> Database:
    """The database of the current data directory and version."""
    path = data_dir()
    return database(str(path), _version(path))


def pin_version() -> None:
    """Read the data version once for the rest of this script run: dashboard.py calls it first in every run, and
    run and current() then skip the ~30 file stats (0.6 ms) each call. A change made to the files during a run
    shows from the next run on."""
    path = data_dir()
    _pinned.value = (path, data_version(path))


_pinned = threading.local()  # Streamlit runs each script run in a thread of its own


def _version(path: Path) -> str:
    pinned = getattr(_pinned, "value", None)
    return pinned[1] if pinned and pinned[0] == path else data_version(path)


def current_version() -> str:
    """The data version of the current data directory (pinned for this run when pin_version was called)."""
    return _version(data_dir())


def run(name: str, **params) -> pd.DataFrame:
    """Run a named query on the current data directory, cached on (query, SQL, parameters, data version)."""
    return runner()(name, **params)


def runner() -> functools.partial:
    """`run` bound to the current data directory and version: a plain value, so that a result computed from its
    queries can be shared and told apart by the data version it read (shared keys on its arguments)."""
    path = data_dir()
    return functools.partial(_run_at, str(path), _version(path))


def _run_at(path: str, version: str, name: str, **params) -> pd.DataFrame:
    frozen = tuple(sorted((k, _freeze(v)) for k, v in params.items()))
    return _cached_query(path, version, name, query_sql(name), frozen)


def shared(function, *args, **kwargs):
    """`function(*args, **kwargs)` computed once per distinct arguments and the same object handed to every session
    after that, so that a link many people open costs one figure, not one each. For pure functions of their
    arguments only (charts, KPI cards, takeaways); what it returns is shared and must never be changed in place
    (st.plotly_chart and charts.for_export copy a figure)."""
    key = io.BytesIO()
    _ArgumentPickler(key, 5).dump((function.__module__, function.__qualname__, args, kwargs))
    return _shared(hashlib.sha1(key.getbuffer()).hexdigest(), function, args, kwargs)


class _ArgumentPickler(pickle.Pickler):
    """Arguments told apart by value: pickled, with a frame reduced to its columns, types, index and values (its
    own pickle also carries its memory layout, which differs between a frame fresh from DuckDB and the same frame
    from Streamlit's cache). 0.1-1 ms for a page's frames or the map's boundaries, where Streamlit's own hashing
    took 6-25 ms."""

    def reducer_override(self, obj):
        if isinstance(obj, pd.DataFrame):
            return tuple, (
                (
                    "frame",
                    obj.columns.tolist(),
                    obj.dtypes.astype(str).tolist(),
                    obj.index.tolist(),
                    obj.to_numpy(object).tolist(),
                ),
            )
        if isinstance(obj, pd.Series):
            return tuple, (("series", obj.name, str(obj.dtype), obj.index.tolist(), obj.to_numpy(object).tolist()),)
        return NotImplemented


@st.cache_resource(max_entries=500, show_spinner=False)  # the largest, a map figure: 0.09 MB
def _shared(key: str, _function, _args: tuple, _kwargs: dict):
    return _function(*_args, **_kwargs)
