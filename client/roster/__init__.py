"""The people rosters of a unit, without Qt: 职工参保信息更新 (§2.2) and 城乡居民参保信息更新
(§3.2) are one service (`service.py`) described per kind (`employees.py`, `residents.py`)."""
