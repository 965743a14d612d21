"""证明打印 pages both modules share: 完税证明 开具/补开/查验 and 缴费证明."""
