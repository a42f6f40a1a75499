"""Presentation: tables, figures and text for reports (monitoring: :mod:`planlib.presentation.monitoring`)."""
