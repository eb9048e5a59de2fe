"""What ``emulator serve`` refuses and what it protects against, over real sockets: oversized and
JSON bodies, idle connections, non-loopback addresses, and who may read its database."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time

import httpx
import pytest

from stripecli.emulator.server import IDLE_TIMEOUT, MAX_BODY_BYTES, create_server
from tests.emulator.helpers import AUTH, KEY, ROOT, serve

AUTH_LINE = b"Authorization: Bearer " + KEY.encode() + b"\r\n"


def _address(base: str) -> tuple[str, int]:
    host, port = base.rsplit("//", 1)[1].rsplit(":", 1)
    return host, int(port)


def _read_response(sock: socket.socket, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(lines[0].split(" ", 2)[1]), headers, body


def _closed_by_server(sock: socket.socket, timeout: float) -> bool:
    sock.settimeout(timeout)
    try:
        while True:
            if sock.recv(65536) == b"":
                return True
    except (socket.timeout, TimeoutError):
        return False
    except ConnectionResetError:
        return True


@pytest.fixture
def server(tmp_path):
    served = serve(tmp_path / "data", tmp_path / "serve.log")
    yield served
    served.stop()


def _customers(base: str) -> list[dict]:
    return httpx.get(base + "/v1/customers", headers=AUTH, timeout=10).json()["data"]


def test_a_body_over_the_limit_gets_413_in_stripes_error_shape_without_being_read(server):
    with socket.create_connection(_address(server.base)) as sock:
        # only the head is sent: the server must answer from Content-Length, not wait for 1 MiB + 1
        sock.sendall(b"POST /v1/customers HTTP/1.1\r\nHost: x\r\n" + AUTH_LINE +
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: %d\r\n\r\nemail=a%%40b.c" % (MAX_BODY_BYTES + 1))
        status, headers, body = _read_response(sock)
        assert status == 413
        assert headers["content-type"] == "application/json"
        assert headers["request-id"].startswith("req_")
        error = json.loads(body)["error"]
        assert error["type"] == "invalid_request_error"
        assert "at most %d bytes" % MAX_BODY_BYTES in error["message"]
        assert headers.get("connection") == "close"
        assert _closed_by_server(sock, 5.0)
    assert _customers(server.base) == []


def test_a_chunked_body_over_the_limit_gets_413_and_stores_nothing(server):
    piece = b"metadata[k]=" + b"x" * 65536 + b"&"
    with socket.create_connection(_address(server.base)) as sock:
        sock.sendall(b"POST /v1/customers HTTP/1.1\r\nHost: x\r\n" + AUTH_LINE +
                     b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n")
        try:
            for _ in range(MAX_BODY_BYTES // len(piece) + 2):
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the end: what this test wants
        status, _, body = _read_response(sock)
    assert status == 413
    assert json.loads(body)["error"]["type"] == "invalid_request_error"
    assert _customers(server.base) == []


def test_a_body_at_the_limit_is_accepted(server):
    email = "email=big%40example.com&description="
    body = (email + "d" * (MAX_BODY_BYTES - len(email))).encode()
    assert len(body) == MAX_BODY_BYTES
    response = httpx.post(server.base + "/v1/customers", headers=AUTH, content=body, timeout=30)
    # Stripe would refuse a description this long; what matters here is that the server read it
    assert response.status_code in (200, 400), response.text
    assert response.status_code != 413


def test_a_json_body_gets_stripes_400_and_creates_nothing(server):
    response = httpx.post(server.base + "/v1/customers", headers=AUTH, json={"email": "jenny@example.com"},
                          timeout=10)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert "unsupported Content-Type application/json" in error["message"]
    assert _customers(server.base) == []
    form = httpx.post(server.base + "/v1/customers", headers=AUTH, data={"email": "jenny@example.com"}, timeout=10)
    assert form.status_code == 200 and form.json()["email"] == "jenny@example.com"


def _raise_open_files(needed: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no per-process descriptor limit of this kind
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            pytest.skip("this machine allows %d open files, the test needs %d" % (hard, needed))
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def test_a_thousand_idle_sockets_do_not_hold_up_a_normal_request(server):
    _raise_open_files(1200)
    address = _address(server.base)
    idle = []
    try:
        for i in range(1000):
            sock = socket.create_connection(address)
            if i % 2:  # half of them half-send a request and then go quiet
                sock.sendall(b"GET /v1/customers HTTP/1.1\r\nHost: x\r\n")
            idle.append(sock)
        # the limit under test: one second, which a normal loopback request needs a fraction of
        response = httpx.get(server.base + "/v1/balance", headers=AUTH, timeout=httpx.Timeout(1.0))
        assert response.status_code == 200
    finally:
        for sock in idle:
            sock.close()


@pytest.fixture
def quick_idle_server(tmp_path):
    from stripecli.emulator.handler import Emulator

    srv = create_server(Emulator(str(tmp_path / "data")), "127.0.0.1", 0, idle_timeout=0.3)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = "http://127.0.0.1:%d" % srv.port
    deadline = time.monotonic() + 10
    while not srv.uvicorn.started and time.monotonic() < deadline:
        time.sleep(0.01)
    yield srv, base
    srv.stop()
    thread.join(10)


def test_idle_connections_are_closed_whether_or_not_they_sent_a_request(quick_idle_server):
    srv, base = quick_idle_server
    silent = socket.create_connection(_address(base))
    used = socket.create_connection(_address(base))
    used.sendall(b"GET /v1/balance HTTP/1.1\r\nHost: x\r\n" + AUTH_LINE + b"\r\n")
    assert _read_response(used)[0] == 200
    assert _closed_by_server(silent, 5.0)
    assert _closed_by_server(used, 5.0)
    silent.close()
    used.close()


def test_the_default_idle_timeout_is_seconds_not_minutes():
    assert 1 <= IDLE_TIMEOUT <= 10


def _serve_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "stripecli", "emulator", "serve", "--port", "0", *args]


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def _listening_on(proc: subprocess.Popen, log, timeout: float = 30.0) -> str:
    """The base address a served emulator announces on stderr (written to ``log``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if "listening on http" in text:
            return "http" + text.split("listening on http", 1)[1].split(" ", 1)[0]
        assert proc.poll() is None, text
        time.sleep(0.05)
    raise AssertionError("no announcement within %.0fs: %s" % (timeout, log.read_text()))


def test_a_non_loopback_host_is_refused_without_the_flag(tmp_path):
    result = subprocess.run(_serve_command("--host", "0.0.0.0", "--data-dir", str(tmp_path / "d")),
                            capture_output=True, text=True, env=_env(), cwd=str(ROOT), timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--allow-remote" in lines[0] and "0.0.0.0" in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "d").exists()


def test_a_port_already_taken_is_one_error_line_and_exit_code_1(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "stripecli", "emulator", "serve", "--port", str(port),
                   "--data-dir", str(tmp_path / "d")]
        result = subprocess.run(command, capture_output=True, text=True, env=_env(), cwd=str(ROOT), timeout=60)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == ["error: cannot listen on 127.0.0.1:%d: Address already in use" % port]


def test_a_non_loopback_host_with_the_flag_serves_and_warns(tmp_path):
    log = tmp_path / "serve.log"
    with open(log, "wb") as handle:
        proc = subprocess.Popen(_serve_command("--host", "0.0.0.0", "--allow-remote", "--data-dir",
                                               str(tmp_path / "d")),
                                stdout=subprocess.DEVNULL, stderr=handle, env=_env(), cwd=str(ROOT))
    try:
        port = int(_listening_on(proc, log).rsplit(":", 1)[1])
        text = log.read_text()
        assert text.startswith("warning: the emulator is listening on 0.0.0.0, which is not a loopback address")
        assert "any sk_test_ key" in text.splitlines()[0]
        response = httpx.get("http://127.0.0.1:%d/v1/balance" % port, headers=AUTH, timeout=10)
        assert response.status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_the_database_and_its_directory_are_private_to_the_user(tmp_path):
    data_dir = tmp_path / "nested" / "data"
    env = _env()
    log = tmp_path / "serve.log"
    code = "import os, runpy, sys; os.umask(0o022); sys.argv = %r; runpy.run_module('stripecli', run_name='__main__')"
    argv = ["stripecli", "emulator", "serve", "--port", "0", "--data-dir", str(data_dir)]
    with open(log, "wb") as handle:
        proc = subprocess.Popen([sys.executable, "-c", code % (argv,)], stdout=subprocess.DEVNULL, stderr=handle,
                                env=env, cwd=str(ROOT))
    try:
        base = _listening_on(proc, log)
        created = httpx.post(base + "/v1/customers", headers=AUTH, data={"email": "a@example.com"}, timeout=10)
        assert created.status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert stat.S_IMODE(os.stat(data_dir).st_mode) == 0o700
    files = [p for p in os.listdir(data_dir) if p.startswith("emulator.sqlite3")]
    assert "emulator.sqlite3" in files
    for name in files:
        assert stat.S_IMODE(os.stat(data_dir / name).st_mode) == 0o600, name
