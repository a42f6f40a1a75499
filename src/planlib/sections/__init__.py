"""Report sections: short compositions of presentation functions (bulletin: :mod:`planlib.sections.bulletin`)."""
