"""The demonstration (`load_demo`: the PMA's sessions of 2023, demo accounts) and the
synthetic archive (`generate_archive`: a realistic archive of any size for the
benchmarks). Both compose the features below them; nothing imports this package."""
