"""Subcommands of ``planlib`` that live beside what they drive (``planlib monitor`` in :mod:`planlib.commands.monitoring`)."""
