"""Taking over the data of the older 单位社保费管理客户端 at first start (docs/legacy-data.md)."""
