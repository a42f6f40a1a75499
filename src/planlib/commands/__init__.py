"""Subcommands of ``planlib`` that live beside what they drive (:mod:`planlib.commands.monitoring`)."""
