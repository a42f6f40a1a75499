"""Indicators: pure computations on validated inputs (monthly monitoring in :mod:`planlib.indicators.monitoring`)."""
