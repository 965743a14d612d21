"""Small widgets shared by the shell's windows and dialogs."""
