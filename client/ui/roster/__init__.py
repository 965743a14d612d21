"""The roster page shape both modules share (`page.py`) and the collector's resident dialogs."""
