"""The crash and fault suite (issue 15): SIGKILLs of the client's work at random moments
and a whole walk through a fault-injecting proxy. `python dev.py soak` runs it."""
