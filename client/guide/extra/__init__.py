"""操作手册 texts kept beside the pages they describe, merged into GUIDE_TEXTS."""
