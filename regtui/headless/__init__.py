"""The headless front end: run a preset, print progress, tables and charts, write run folders."""
