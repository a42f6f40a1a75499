"""Inputs: files → validated frames and views (record-level monitoring data in :mod:`planlib.inputs.records`)."""
