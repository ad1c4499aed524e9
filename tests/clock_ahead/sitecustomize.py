"""Loaded by `make test-clock-ahead` (through PYTHONPATH) in every Python process of the run.

The run moves the wall clock 400 days ahead with libfaketime and leaves the monotonic
clock alone (FAKETIME_DONT_FAKE_MONOTONIC=1): faking it too makes Python's timed lock waits
(sem_clockwait, which libfaketime 0.9.10 does not wrap) wait 400 days. With the monotonic
clock left alone, that libfaketime fails `time.sleep` (clock_nanosleep on the monotonic
clock) with EINVAL, so here sleeping goes through select(), which it leaves alone.
"""
import os
import select
import time

if os.environ.get("FAKETIME_DONT_FAKE_MONOTONIC") == "1" and "faketime" in os.environ.get("LD_PRELOAD", ""):
    def _sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            select.select([], [], [], left)

    time.sleep = _sleep
