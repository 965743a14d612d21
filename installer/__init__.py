"""Packaging: what the PyInstaller onedir holds (bundle) and the installed-modules state the
Windows installer writes (modules_state, setup.iss)."""
