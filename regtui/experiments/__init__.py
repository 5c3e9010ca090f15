"""Sets of runs: presets planned into runs (grids, seeds), written as run folders, read back,
and summed up over seeds. Above the engine, below the front ends; it imports no UI library."""
