"""Background jobs: progress, sharing, cancelling, failures; a real map job."""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest

from embspace import jobs, projection, projection_job

WAIT = 120.0

# A child that reports three steps, then waits for a file to appear (or fails).
CHILD = r"""
import json, sys, time, pathlib
spec = json.loads(sys.stdin.read())
for step in range(3):
    print(json.dumps({"stage": "counting", "step": step + 1, "total": 3}), flush=True)
if spec.get("fail"):
    print(json.dumps({"error": spec["fail"]}), flush=True)
    sys.exit(1)
if spec.get("crash"):
    sys.stderr.write("Traceback (most recent call last):\n  boom\nRuntimeError: bad\n")
    sys.exit(3)
gate = pathlib.Path(spec["gate"])
while not gate.exists():
    time.sleep(0.05)
print(json.dumps({"done": True}), flush=True)
"""
COMMAND = [sys.executable, "-c", CHILD]


@pytest.fixture()
def runner():
    runner = jobs.JobRunner(idle_timeout=60.0, check_every=0.1)
    yield runner
    runner.shutdown()


def _until(condition, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.05)


def test_a_job_reports_its_steps_and_ends_done(runner, tmp_path):
    job = runner.submit("a", COMMAND, {"gate": str(tmp_path / "gate")})
    _until(lambda: job.status().step == 3)

    running = job.status()
    assert (running.state, running.stage, running.total) == ("running", "counting", 3)
    assert running.fraction == 1.0
    (tmp_path / "gate").touch()
    done = job.wait(WAIT)
    assert done.state == jobs.DONE
    assert done.finished and done.error is None


def test_the_same_key_shares_one_job(runner, tmp_path):
    first = runner.submit("same", COMMAND, {"gate": str(tmp_path / "gate")})
    second = runner.submit("same", COMMAND, {"gate": str(tmp_path / "other")})
    other = runner.submit("other", COMMAND, {"gate": str(tmp_path / "gate")})

    assert second is first
    assert other is not first
    assert runner.get("same") is first
    (tmp_path / "gate").touch()
    assert first.wait(WAIT).state == other.wait(WAIT).state == jobs.DONE


def test_cancel_stops_the_child_and_a_new_submit_starts_again(runner, tmp_path):
    job = runner.submit("c", COMMAND, {"gate": str(tmp_path / "gate")})
    runner.cancel("c")

    assert job.status().state == jobs.CANCELLED
    assert job._process.poll() is not None
    again = runner.submit("c", COMMAND, {"gate": str(tmp_path / "gate")})
    assert again is not job
    assert again.status().state == jobs.RUNNING


def test_a_job_nobody_asks_for_is_cancelled(tmp_path):
    runner = jobs.JobRunner(idle_timeout=0.5, check_every=0.1)
    try:
        wanted = runner.submit("wanted", COMMAND, {"gate": str(tmp_path / "g")})
        unwanted = runner.submit("unwanted", COMMAND, {"gate": str(tmp_path / "g")})
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            wanted.touch()
            time.sleep(0.05)

        assert unwanted.status().state == jobs.CANCELLED
        assert wanted.status().state == jobs.RUNNING
    finally:
        runner.shutdown()


def test_an_error_in_the_child_is_one_line(runner):
    job = runner.submit("e", COMMAND, {"fail": "perplexity=0 must be above 0"})
    status = job.wait(WAIT)

    assert status.state == jobs.FAILED
    assert status.error == "perplexity=0 must be above 0"
    # A failed job stays failed for whoever asks, until it is forgotten.
    assert runner.get("e") is job
    runner.forget("e")
    assert runner.get("e") is None


def test_a_crash_names_the_exit_status_and_the_last_line(runner):
    status = runner.submit("x", COMMAND, {"crash": True}).wait(WAIT)

    assert status.state == jobs.FAILED
    assert "\n" not in status.error
    assert status.error == "the job stopped with exit status 3: RuntimeError: bad"


def test_bad_runner_settings_are_named():
    with pytest.raises(ValueError, match="idle_timeout=0"):
        jobs.JobRunner(idle_timeout=0)


# -- the map job -----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["tsne", "umap"])
def test_a_map_job_fills_the_cache_that_project_reads(runner, glove, method):
    kwargs = {"method": method, "n_components": 2, "limit": 300, "random_state": 3}
    job = projection_job.submit(runner, "glove-6b-50d", glove.fingerprint, kwargs)
    status = job.wait(WAIT * 2)
    assert status.state == jobs.DONE, status.error

    # project() now finds the child's coordinates in the disk cache, and they
    # are those it fits itself.
    cached = projection.project(glove, **kwargs)
    fitted = projection.project(glove, **kwargs, use_cache=False)
    assert cached.keys == glove.keys[:300]
    np.testing.assert_allclose(cached.coords, fitted.coords, atol=1e-3)


def test_a_map_job_for_a_changed_dataset_fails_in_one_line(runner):
    kwargs = {"method": "tsne", "n_components": 2, "limit": 300}
    status = projection_job.submit(runner, "glove-6b-50d", "not-it", kwargs).wait(WAIT)

    assert status.state == jobs.FAILED
    assert status.error == "dataset 'glove-6b-50d' changed since the map was asked for"
