"""Excel and PDF documents: templates, imports and exports (no Qt)."""
