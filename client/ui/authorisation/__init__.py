"""缴费授权 pages of a 代收单位 (manual §3.17–§3.20)."""
