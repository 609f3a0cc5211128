"""Benchmarks of the connector against a plain requests.Session and the official client.

Run ``python -m bench`` (``--quick`` for a smoke run); see :mod:`bench.__main__`. Nothing here is
a test: timings are printed as ratios measured side by side in one run, never asserted.
"""
