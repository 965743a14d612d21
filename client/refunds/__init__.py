"""单位退费申请管理 (manual §2.28) without Qt: wire layouts, rules, the service."""
