"""单位退费申请管理 pages (manual §2.28): the list and the 新增退费申请 wizard."""
