"""The book's table of contents, read from _toc.yml in one place.

Every tool and test that needs the chapters in reading order asks this module:

    from toc import chapter_paths   # with tools/ on sys.path
    for path in chapter_paths():    # book/00_first_look.ipynb, book/01_..., ...
        ...

_toc.yml is parsed as YAML (Jupyter Book's jb-book format: a ``root`` page, then
``chapters``, or ``parts`` holding chapters; any entry may hold ``sections``).
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

__all__ = ["ROOT", "toc_entries", "chapter_paths"]


def _walk(entries, found):
    for entry in entries or []:
        if not isinstance(entry, dict):
            raise ValueError(f"_toc.yml: expected a mapping such as {{file: book/name}}, got {entry!r}")
        if "file" in entry:
            found.append(str(entry["file"]))
        for key in ("parts", "chapters", "sections"):
            _walk(entry.get(key), found)


def toc_entries(root: Path | str = ROOT) -> list[str]:
    """Every page named in _toc.yml, in reading order, the root page first.

    Args:
        root: the book's root folder (the one holding _toc.yml).

    Returns:
        The entries as written in _toc.yml, without file extension, for example
        ``["book/intro", "book/00_first_look", ..., "book/references"]``.

    Raises:
        ValueError: if _toc.yml has no ``root`` page or an entry is not a mapping.
    """
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8")) or {}
    if "root" not in toc:
        raise ValueError(f"{Path(root) / '_toc.yml'} names no root page (expected `root: book/intro`)")
    found = [str(toc["root"])]
    _walk(toc.get("parts"), found)
    _walk(toc.get("chapters"), found)
    return [_without_extension(entry) for entry in found]


def _without_extension(entry: str) -> str:
    for ext in (".ipynb", ".md"):
        if entry.endswith(ext):
            return entry[: -len(ext)]
    return entry


def chapter_paths(root: Path | str = ROOT) -> list[Path]:
    """The chapter notebooks named in _toc.yml, in reading order.

    Args:
        root: the book's root folder (the one holding _toc.yml).

    Returns:
        Absolute paths of the ``.ipynb`` files among the entries (pages written in
        Markdown, such as the introduction, are left out).
    """
    root = Path(root).resolve()
    return [root / f"{entry}.ipynb" for entry in toc_entries(root) if (root / f"{entry}.ipynb").is_file()]


if __name__ == "__main__":
    for path in chapter_paths():
        print(path.relative_to(ROOT))
