"""城乡居民个人缴费 (manual §3.21–§3.23) without Qt: a resident's pending rows, payment orders
paid by scanning a QR code, and 缴费记录查询. Pages: client/ui/personal_payment."""
