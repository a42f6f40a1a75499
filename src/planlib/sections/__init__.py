"""Report sections: short compositions of presentation functions (the monthly bulletin in :mod:`planlib.sections.bulletin`)."""
