"""Run the benchmarks (`make bench`): the essay-page table of bench_scale by default; others by
name, `ONLY=bench_comments,bench_pages`, or every bench_* module with `ONLY=all`."""

import importlib
import os
import pkgutil
import sys
from pathlib import Path

DEFAULT = "bench_scale"


def chosen(only: str, available: list[str]) -> list[str]:
    """The benchmarks ONLY names (default: bench_scale); an unknown name is an error."""
    if only.strip() == "all":
        return available
    names = [name.strip() for name in (only or DEFAULT).split(",") if name.strip()]
    unknown = [name for name in names if name not in available]
    if unknown:
        raise SystemExit(f"No such benchmark: {', '.join(unknown)}. Known: {', '.join(available)}")
    return names


def main() -> int:
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]))
    available = [name for name in names if name.startswith("bench_")]
    for name in chosen(os.environ.get("ONLY", ""), available):
        print(f"== {name}", flush=True)
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
