"""Where connector.yaml and schemas/ live, installed or in a source checkout.

The repository keeps them at the top level (one source of truth, reviewed as files); the wheel
carries them inside the package under ``_data/``. Looking in both means the same code runs from
a clone, an editable install and a wheel.
"""

from __future__ import annotations

import functools
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=1)
def data_dir() -> Path:
    installed = _PACKAGE_DIR / "_data"
    if (installed / "connector.yaml").is_file():
        return installed
    checkout = _PACKAGE_DIR.parent
    if (checkout / "connector.yaml").is_file():
        return checkout
    raise FileNotFoundError(
        "connector.yaml not found: the package is installed without its data files"
    )


def manifest_path() -> Path:
    return data_dir() / "connector.yaml"


def schemas_dir() -> Path:
    return data_dir() / "schemas"


@functools.lru_cache(maxsize=1)
def package_version() -> str:
    """The version from the installed metadata, or pyproject.toml in a plain checkout."""
    from importlib import metadata

    checkout_pyproject = _PACKAGE_DIR.parent / "pyproject.toml"
    if checkout_pyproject.is_file() and not (_PACKAGE_DIR / "_data").is_dir():
        import tomllib

        with checkout_pyproject.open("rb") as fh:
            return str(tomllib.load(fh)["project"]["version"])
    return metadata.version("woo-connector")
