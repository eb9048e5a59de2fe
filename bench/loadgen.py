"""A small closed-loop HTTP/1.1 load generator, like wrk: C keep-alive connections, each with one
request in flight, for a fixed time; prints JSON with requests/s and latency percentiles.

    python bench/loadgen.py --url http://127.0.0.1:12111 --connections 8 --seconds 5 \
        --header 'Authorization: Bearer sk_test_fake123' --paths-file ids.txt [--method POST --body-template ...]

It runs in its own process (the benchmark starts it), one ``selectors`` loop over raw sockets:
no HTTP library on the client side, so the client costs little next to the server it measures.
Requests cycle over the given paths (and bodies, where ``{i}`` is the request number). Only
``Content-Length`` responses are understood, which is what every server measured here sends.
"""

from __future__ import annotations

import argparse
import json
import selectors
import socket
import sys
import time
from urllib.parse import urlsplit


def build_requests(host: str, method: str, paths: list[str], headers: list[str], body_template: str | None,
                   count: int) -> list[bytes]:
    out = []
    for i in range(count):
        path = paths[i % len(paths)]
        lines = ["%s %s HTTP/1.1" % (method, path), "Host: %s" % host] + headers
        body = b""
        if body_template is not None:
            body = body_template.replace("{i}", str(i)).encode()
            lines += ["Content-Type: application/x-www-form-urlencoded", "Content-Length: %d" % len(body)]
        out.append(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    return out


class Conn:
    __slots__ = ("sock", "buf", "sent_at", "need")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""
        self.sent_at = 0.0
        self.need = -1


def run(url: str, connections: int, seconds: float, requests: list[bytes]) -> dict:
    parts = urlsplit(url)
    selector = selectors.DefaultSelector()
    conns = []
    for _ in range(connections):
        sock = socket.create_connection((parts.hostname, parts.port or 80))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        conn = Conn(sock)
        conns.append(conn)
        selector.register(sock, selectors.EVENT_READ, conn)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = 0
    started = time.perf_counter()
    deadline = started + seconds

    def send(conn: Conn) -> None:
        nonlocal counter
        conn.sock.sendall(requests[counter % len(requests)])
        counter += 1
        conn.sent_at = time.perf_counter()
        conn.buf = b""
        conn.need = -1

    for conn in conns:
        send(conn)
    open_conns = len(conns)
    while open_conns:
        for key, _ in selector.select(timeout=1.0):
            conn = key.data
            chunk = conn.sock.recv(65536)
            if not chunk:
                raise RuntimeError("the server closed a keep-alive connection after %d responses" % len(latencies))
            conn.buf += chunk
            if conn.need < 0:
                head_end = conn.buf.find(b"\r\n\r\n")
                if head_end < 0:
                    continue
                head = conn.buf[:head_end].decode("latin-1")
                length = 0
                for line in head.split("\r\n")[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                status = int(head.split(" ", 2)[1])
                statuses[status] = statuses.get(status, 0) + 1
                conn.need = head_end + 4 + length
            if len(conn.buf) < conn.need:
                continue
            now = time.perf_counter()
            latencies.append(now - conn.sent_at)
            if now < deadline:
                send(conn)
            else:
                selector.unregister(conn.sock)
                conn.sock.close()
                open_conns -= 1
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0

    return {"requests": len(latencies), "seconds": elapsed, "rps": len(latencies) / elapsed,
            "p50_ms": pct(0.50), "p99_ms": pct(0.99), "statuses": statuses}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--method", default="GET")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--path", action="append", default=[])
    parser.add_argument("--paths-file")
    parser.add_argument("--body-template")
    parser.add_argument("--distinct", type=int, default=20000, help="distinct prepared requests to cycle over")
    args = parser.parse_args(argv)
    paths = list(args.path)
    if args.paths_file:
        with open(args.paths_file) as handle:
            paths += [line.strip() for line in handle if line.strip()]
    if not paths:
        parser.error("give --path or --paths-file")
    host = urlsplit(args.url).netloc
    requests = build_requests(host, args.method, paths, args.header, args.body_template,
                              max(len(paths), args.distinct) if args.body_template else len(paths))
    json.dump(run(args.url, args.connections, args.seconds, requests), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
