"""缴费授权 of a 代收单位 (manual §3.17–§3.20), without Qt: the three-facts resident lookup,
社保费批扣费额设置 and 社保费批扣清册."""
