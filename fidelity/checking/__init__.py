"""The check itself: the checker and its stages, alignment, detectors, quotations, the judge, the report."""
