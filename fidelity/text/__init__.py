"""Text knowledge: reading, cleaning, segmenting, tokens, numbers, dates, names, clauses, cues."""
