"""Presentation: tables, figures and text for reports (monitoring charts and maps in :mod:`planlib.presentation.monitoring`)."""
