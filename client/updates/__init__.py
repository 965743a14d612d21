"""更新数据明细: what a sync added, changed or removed, in the clerk's words (no Qt)."""
