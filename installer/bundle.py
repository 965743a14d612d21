"""What build.spec puts into the onedir: entry scripts, data files, lazily imported modules.

Kept apart from the spec so that a test can check it without running PyInstaller.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "社保费管理客户端"  # the onedir folder and the client executable
BACKEND_NAME = "mock_backend"  # second executable in the same folder, for QA installs
SETUP_NAME = "setup"  # the maintenance program (installer.setup_cli), third executable
ICON = ROOT / "installer" / "app.ico"  # used only if someone adds one

CLIENT_ENTRY = ROOT / "installer" / "entry_client.py"
BACKEND_ENTRY = ROOT / "installer" / "entry_mock_backend.py"
SETUP_ENTRY = ROOT / "installer" / "entry_setup.py"

# The package-data suffixes of pyproject.toml: files read through Path(__file__) at run time.
DATA_SUFFIXES = frozenset({".qss", ".mako", ".ini", ".json", ".txt", ".png", ".svg"})
# Folders whose Python files are read as files, not imported: Alembic loads env.py and
# versions/*.py by path, and migrate.declared_head() reads each __init__.py's HEAD line.
SOURCE_TREES = ("client/storage/migrations",)

# Modules no import statement names, so PyInstaller's scan cannot find them.
EXTRA_IMPORTS = {
    # client.domain.pinyin finds pypinyin with find_spec() and reads pinyin_dict.json beside
    # it without importing it; naming it here also runs pypinyin's own hook, which bundles
    # that file. Without it 拼音首字母 search finds nothing in the built app.
    "client": ("pypinyin",),
    "mock_backend": (),
    "installer": (),
}
EXCLUDES = {
    # Pillow stays: reportlab (every PDF the client makes) imports it unconditionally.
    "client": ("mock_backend", "fastapi", "uvicorn", "tkinter", "pytest"),
    "mock_backend": ("client", "PySide6", "shiboken6", "PIL", "tkinter", "pytest"),
    # the maintenance program needs client.installed only, and Qt for its window
    "installer": ("mock_backend", "fastapi", "uvicorn", "PIL", "tkinter", "pytest", "sqlalchemy"),
}


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def package_modules(package: str, root: Path = ROOT) -> list[str]:
    """Every module of a package, dotted: pages are named by "module:Class" strings and
    imported only when opened, so PyInstaller's import scan cannot see them."""
    names = []
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def package_datas(package: str, root: Path = ROOT) -> list[tuple[str, str]]:
    """(source file, folder in the bundle) for each data file and each source-tree file."""
    datas = []
    for path in _files(root / package):
        rel = path.relative_to(root)
        in_source_tree = any(rel.as_posix().startswith(t + "/") for t in SOURCE_TREES)
        if path.suffix in DATA_SUFFIXES or (in_source_tree and path.suffix == ".py"):
            datas.append((str(path), rel.parent.as_posix()))
    return datas


def hidden_imports(package: str, root: Path = ROOT) -> list[str]:
    """What the Analysis of one executable must include beyond what its imports show."""
    # the entry scripts are executables' mains, not modules (installer.entry_client would
    # pull the whole client into the maintenance program's archive)
    modules = [m for m in package_modules(package, root) if ".entry_" not in m]
    return [*modules, *EXTRA_IMPORTS[package]]
