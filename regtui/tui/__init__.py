"""The Textual front end: choose an experiment, watch it train live, compare runs."""
