"""备份恢复 (manual §4.2): backups of the client's databases with a manifest, and restoring them."""
