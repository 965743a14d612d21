"""升级 (manual §1.3), without Qt: check the signed update channel, download with resume,
verify, apply through installer.upgrade, restart."""
