"""证明打印 for both modules (no Qt): 税收完税证明（非印刷） 开具/补开/查验, the 缴费清单 behind
职工/单位/城乡居民缴费证明, and a year of 完税证明 in one go."""
