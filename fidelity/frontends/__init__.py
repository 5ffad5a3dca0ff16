"""Front ends: the CLI, batch runs, bilingual files, baselines, summaries and renderers."""
