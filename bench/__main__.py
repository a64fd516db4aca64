"""Run every benchmark in bench/ (`make bench`); each is a module with a main()."""

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]))
    benchmarks = [name for name in names if name.startswith("bench_")]
    if not benchmarks:
        print("No benchmarks yet.")
        return 0
    for name in benchmarks:
        print(f"== {name}")
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
