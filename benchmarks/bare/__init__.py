"""The limit `benchmarks/pages.py` measures against: a bare Django view on the app's stack."""
