"""Packaging and the maintenance program: what the PyInstaller onedir holds (bundle), the
payload and its manifest (payload, manifest), install/repair/uninstall of an installation
folder (maintenance, journal, desktop) with a silent CLI (setup_cli) and a window (window),
and the installed-modules state (modules_state). setup.iss is the Windows bootstrap."""
