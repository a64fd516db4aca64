"""The bench's table and its reading of wrk: formatting and arithmetic only, no load."""

import gzip

import pytest

from bench.__main__ import chosen
from bench.loadgen import parse_wrk
from bench.report import Row, compressed_sizes, markdown_table, targets, text_table

WRK_OUTPUT = """\
Running 5s test @ http://127.0.0.1:40001/essays/a-viral-essay/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     7.21ms    3.10ms  61.02ms   90.12%
    Req/Sec   560.12     40.50   640.00     70.00%
  Latency Distribution
     50%  650.00us
     75%    8.02ms
     90%    9.90ms
     99%    1.20s
  5601 requests in 5.00s, 2.10GB read
  Socket errors: connect 0, read 12, write 0, timeout 3
  Non-2xx or 3xx responses: 2
Requests/sec:   1120.20
Transfer/sec:    430.00MB
"""


def test_wrk_report_is_read_as_rate_milliseconds_and_failed_requests():
    figures = parse_wrk(WRK_OUTPUT)

    assert figures["requests"] == 5601
    assert figures["rps"] == 1120.2
    assert figures["p50_ms"] == pytest.approx(0.65)
    assert figures["p99_ms"] == 1200
    # Timeouts and non-2xx count; read errors are gunicorn closing connections after a response.
    assert figures["errors"] == 5


def test_ratio_says_how_many_times_fewer_requests_than_nginx_serving_the_same_bytes():
    assert Row(500, "anonymous", "after", rps=500, limit_rps=5000).times_from_limit == 10
    assert Row(500, "nginx static", "-", rps=5000, limit_rps=5000).times_from_limit == 1
    assert Row(500, "member", "after", rps=0, limit_rps=5000).times_from_limit == float("inf")


def test_rows_without_a_limit_or_a_rate_have_no_ratio():
    assert Row(500, "POST held", "in-proc", p50_ms=9.0).times_from_limit is None
    assert Row(500, "POST held", "after", rps=40).times_from_limit is None


def test_compressed_sizes_are_smaller_than_the_page_and_gzip_is_nginx_level():
    html = b"<li class=comment><p>A thought about the essay.</p></li>\n" * 500

    gzip_size, brotli_size = compressed_sizes(html)

    assert gzip_size == len(gzip.compress(html, 5, mtime=0))
    assert gzip_size < len(html)
    assert brotli_size is None or brotli_size < len(html)


def rows():
    html = b"x" * 20480
    return [
        Row(500, "nginx static", "-", rps=7473.4, p50_ms=0.9, p99_ms=3.2, cpu_ms=1.46,
            html=html, load_before=1.25, load_after=1.5, limit_rps=7473.4),
        Row(500, "anonymous", "after", rps=195.0, p50_ms=40.0, p99_ms=90.55, queries=0,
            html=html, load_before=1.5, load_after=2.0, limit_rps=7473.4),
        Row(500, "POST trusted", "in-proc", p50_ms=31.0, queries=20),
    ]  # fmt: skip


def test_markdown_table_has_one_line_per_row_and_the_same_columns_on_each():
    lines = markdown_table(rows()).splitlines()

    assert len(lines) == 2 + 3
    assert {line.count("|") for line in lines} == {15}
    assert lines[2] == (
        "| 500 | nginx static | - | 7,473 | 0.9 | 3.2 | - | 1.5 | 20 | 0.1 | "
        f"{lines[2].split(' | ')[10]} | 1.0× | 0 | 1.2→1.5 |"
    )
    assert "| 195 | 40.0 | 90.5 | 0 |" in lines[3]
    assert "| 38.3× |" in lines[3]
    assert lines[4].startswith("| 500 | POST trusted | in-proc | - | 31.0 | - | 20 |")


def test_text_table_lines_its_columns_up():
    lines = text_table(rows()).splitlines()

    assert lines[0].split()[:4] == ["N", "viewer", "code", "req/s"]
    # Figures right-aligned under their heading, names left-aligned.
    assert lines[0].index("req/s") + 5 == lines[1].index("7473") + 4 == lines[2].index("195") + 3
    assert lines[0].index("viewer") == lines[1].index("nginx") == lines[3].index("POST")


def test_make_bench_runs_the_scale_table_unless_told_otherwise():
    available = ["bench_comments", "bench_http", "bench_scale"]

    assert chosen("", available) == ["bench_scale"]
    assert chosen("bench_comments, bench_http", available) == ["bench_comments", "bench_http"]
    assert chosen("all", available) == available
    with pytest.raises(SystemExit, match="No such benchmark: bench_nope"):
        chosen("bench_nope", available)


def test_targets_compare_after_with_before_and_nginx_at_n_500():
    measured = [
        Row(500, "anonymous", "after", rps=1500, limit_rps=7500),
        Row(500, "member", "after", rps=123, queries=7),
        Row(500, "member", "before", rps=41, queries=7),
        Row(500, "POST held", "in-proc", p50_ms=8.5, queries=11),
    ]

    lines = targets(measured)

    assert lines[0].startswith("- anonymous from the page cache at N = 500: 5.0× from nginx")
    assert lines[1].startswith("- member at N = 500: 123 req/s, 3.0× before's 41")
    assert lines[2].startswith("- POST held in-process: 8.5 ms median, 11 queries")
    assert lines[3].endswith("constant at every N for every viewer: yes")


def test_targets_name_the_viewers_whose_queries_grow_with_n():
    measured = [
        Row(100, "member", "after", rps=50, queries=7),
        Row(2000, "member", "after", rps=20, queries=9),
        Row(100, "moderator", "after", rps=20, queries=7),
        Row(2000, "moderator", "after", rps=10, queries=7),
    ]

    assert targets(measured)[-1].endswith("no, they vary for member")


def test_targets_say_how_close_the_page_cache_is_to_gunicorns_own_floor():
    measured = [
        Row(500, "gunicorn, same bytes", "-", rps=3000, limit_rps=15000),
        Row(500, "anonymous", "after", rps=2400, limit_rps=15000),
        Row(500, "anonymous via nginx", "after", rps=12000, limit_rps=15000),
    ]

    lines = targets(measured)

    assert lines[0].startswith("- anonymous from the page cache at N = 500: 6.2× from nginx")
    assert lines[1] == (
        "  - gunicorn answering the same bytes with no Django: 5.0× from nginx; "
        "the page cache serves 80% of that"
    )
    assert lines[2] == (
        "  - through deploy/'s nginx (micro-cache in front of the page cache): "
        "1.2× from nginx serving the file"
    )
