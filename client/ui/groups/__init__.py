"""分组管理 windows: the group tree, 编辑人员信息's 分组, and the import preview."""
