"""缴费工资申报 (manual §2.3–§2.6): templates, imports and the working lists (no Qt)."""
