"""The bench's table: one row per (N, viewer, code), printed as text and as Markdown for
docs/scaling.md. Pure formatting and arithmetic, no load: tests/bench checks it."""

import gzip
from dataclasses import dataclass

try:  # a dev dependency; nginx-light has no brotli module, so gzip is what deploy/ sends
    import brotli
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None

# nginx's gzip_comp_level in deploy/nginx/lectern.conf; brotli at the quality nginx's
# ngx_brotli and most CDNs use for dynamic HTML.
GZIP_LEVEL = 5
BROTLI_QUALITY = 6


@dataclass
class Row:
    size: int  # comments under the essay
    viewer: str
    code: str  # "after" (this checkout), "before" (BENCH_BEFORE) or "-" (nginx, POST in-process)
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0
    queries: int | None = None
    cpu_ms: float | None = None  # the server's workers' CPU time per request
    html: bytes | None = None
    load_before: float | None = None
    load_after: float | None = None
    limit_rps: float | None = None  # nginx serving the same HTML at this N

    @property
    def times_from_limit(self) -> float | None:
        """How many times fewer requests than nginx serving the same bytes (1.0 = the limit)."""
        if not self.limit_rps or self.rps is None:
            return None
        return self.limit_rps / self.rps if self.rps else float("inf")


def compressed_sizes(html: bytes) -> tuple[int, int | None]:
    """(gzip bytes, brotli bytes or None when brotli is not installed)."""
    zipped = len(gzip.compress(html, GZIP_LEVEL, mtime=0))
    return zipped, len(brotli.compress(html, quality=BROTLI_QUALITY)) if brotli else None


def _number(value, digits: int = 0, *, grouped: bool = False) -> str:
    if value is None:
        return "-"
    if value == float("inf"):
        return "∞"
    return f"{value:,.{digits}f}" if grouped else f"{value:.{digits}f}"


def _kilobytes(size: int | None) -> str:
    return "-" if size is None else f"{size / 1024:.0f}" if size >= 10240 else f"{size / 1024:.1f}"


def _cells(row: Row, *, grouped: bool) -> list[str]:
    gzip_size, brotli_size = compressed_sizes(row.html) if row.html else (None, None)
    ratio = row.times_from_limit
    load = (
        f"{row.load_before:.1f}→{row.load_after:.1f}"
        if row.load_before is not None and row.load_after is not None
        else "-"
    )
    return [
        str(row.size),
        row.viewer,
        row.code,
        _number(row.rps, grouped=grouped),
        _number(row.p50_ms, 1),
        _number(row.p99_ms, 1),
        _number(row.queries),
        _number(row.cpu_ms, 2 if row.cpu_ms is not None and row.cpu_ms < 1 else 1),
        _kilobytes(len(row.html) if row.html else None),
        _kilobytes(gzip_size),
        _kilobytes(brotli_size),
        "-" if ratio is None else f"{_number(ratio, 1)}×",
        str(row.errors) if row.rps is not None else "-",
        load,
    ]


HEADINGS = [
    "N",
    "viewer",
    "code",
    "req/s",
    "p50 ms",
    "p99 ms",
    "queries",
    "CPU ms",
    "HTML KB",
    "gzip KB",
    "br KB",
    "nginx ÷ row",
    "errors",
    "load 1-min",
]
# Text columns left-aligned, figures right-aligned.
LEFT = {"viewer", "code", "load 1-min"}


def text_table(rows: list[Row]) -> str:
    table = [HEADINGS, *(_cells(row, grouped=False) for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADINGS))]

    def line(cells):
        return "  ".join(
            cell.ljust(width) if heading in LEFT else cell.rjust(width)
            for cell, width, heading in zip(cells, widths, HEADINGS, strict=True)
        ).rstrip()

    return "\n".join(line(cells) for cells in table)


def markdown_table(rows: list[Row]) -> str:
    """The same rows as a Markdown table, ready to paste into docs/scaling.md."""
    align = ["---" if heading in LEFT else "---:" for heading in HEADINGS]
    lines = [HEADINGS, align, *(_cells(row, grouped=True) for row in rows)]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def compression_note() -> str:
    if brotli:
        return (
            f"gzip level {GZIP_LEVEL} (deploy/'s nginx); brotli quality {BROTLI_QUALITY} computed "
            "in Python (nginx-light has no brotli module: a CDN or an nginx with ngx_brotli)"
        )
    return (
        f"gzip level {GZIP_LEVEL} only (deploy/'s nginx): brotli is neither in nginx-light nor "
        "installed in Python (pip install brotli, in requirements-dev.txt)"
    )


def _find(rows: list[Row], size: int, viewer: str, code: str) -> Row | None:
    return next((r for r in rows if (r.size, r.viewer, r.code) == (size, viewer, code)), None)


def targets(rows: list[Row], *, size: int = 500) -> list[str]:
    """Issue 12's targets, each with this run's figure (Markdown list items)."""
    lines = []
    cached = _find(rows, size, "anonymous", "after")
    if cached and cached.times_from_limit is not None:
        lines.append(
            f"- anonymous from the page cache at N = {size}: {cached.times_from_limit:.1f}× "
            "from nginx serving the same bytes (target: within 5×)"
        )
        floor = _find(rows, size, "gunicorn, same bytes", "-")
        if floor and floor.rps and cached.rps:
            lines.append(
                f"  - gunicorn answering the same bytes with no Django: "
                f"{floor.times_from_limit:.1f}× from nginx; the page cache serves "
                f"{cached.rps / floor.rps:.0%} of that"
            )
        proxied = _find(rows, size, "anonymous via nginx", "after")
        if proxied and proxied.times_from_limit is not None:
            lines.append(
                f"  - through deploy/'s nginx (micro-cache in front of the page cache): "
                f"{proxied.times_from_limit:.1f}× from nginx serving the file"
            )
    for viewer in ("anon uncached", "member", "member*"):
        after, before = _find(rows, size, viewer, "after"), _find(rows, size, viewer, "before")
        if after and after.rps is not None:
            versus = (
                f", {after.rps / before.rps:.1f}× before's {before.rps:.0f}"
                if before and before.rps
                else " (BENCH_BEFORE=<revision> adds before's figure)"
            )
            lines.append(
                f"- {viewer} at N = {size}: {after.rps:.0f} req/s{versus} (target: 3× today's)"
            )
    for row in rows:
        if row.code == "in-proc":
            lines.append(
                f"- {row.viewer} in-process: {row.p50_ms:.1f} ms median, {row.queries} queries "
                "(target: ≤ 10 ms, ≤ 12 queries)"
            )
    varying = sorted(
        {
            row.viewer
            for row in rows
            if row.queries is not None
            and row.code != "in-proc"
            and any(
                other.queries not in (None, row.queries)
                for other in rows
                if (other.viewer, other.code) == (row.viewer, row.code)
            )
        }
    )
    lines.append(
        "- queries per page constant at every N for every viewer: "
        + (f"no, they vary for {', '.join(varying)}" if varying else "yes")
    )
    return lines
