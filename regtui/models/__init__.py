"""What learns: the tutorial's networks (nets.py), their torch-free catalog, and the Frobenius
norms of their weights (norms.py; the torch-free layer rows in layers.py)."""
