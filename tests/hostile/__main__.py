"""`python -m tests.hostile`: the hostile-file soak (see `benchmarks/soak_hostile.py`)."""

from benchmarks.soak_hostile import main

main()
