"""`make serve` for real: gunicorn with DEBUG=0 and the worker, answering health and static files."""

import os
import signal
import socket
import subprocess
import time
import urllib.request

from django.conf import settings


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.headers, response.read()


def test_production_server_serves_health_and_static_files_with_debug_off(tmp_path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    } | {
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "SECRET_KEY": "serve-test-secret-key-long-enough-to-be-taken-seriously-0123456789",
        "WEB_WORKERS": "1",
    }
    server = subprocess.Popen(
        [str(settings.BASE_DIR / "bin" / "serve")], env=env, start_new_session=True, stdout=subprocess.DEVNULL
    )
    try:
        # bin/serve migrates and collects (and compresses) the static files first: 45 s on a quiet
        # 2-core machine, twice that beside the other test process.
        base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 300
        while True:
            try:
                status, _, body = get(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None, "bin/serve stopped"
                assert time.monotonic() < deadline, "bin/serve did not answer within 300 s"
                time.sleep(0.5)
        assert (status, body) == (200, b'{"status": "ok"}')
        status, headers, body = get(f"{base}/static/vendor/bootstrap/css/bootstrap.min.css")
        assert status == 200
        assert b"Bootstrap" in body[:300]
        assert "max-age" in headers["Cache-Control"] or headers["Content-Type"].startswith("text/css")
        with urllib.request.urlopen(f"{base}/accounts/login/", timeout=5) as login:
            assert "Sign in" in login.read().decode()
            assert "Secure" not in (login.headers["Set-Cookie"] or "")
        worker = subprocess.run(
            ["pgrep", "-s", str(server.pid), "-f", "db_worker"], capture_output=True, text=True
        )
        assert worker.stdout.strip(), "the task worker runs beside the server"
        # SIGTERM to bin/serve alone, as `docker stop` or `kill` sends it, stops everything it started.
        os.kill(server.pid, signal.SIGTERM)
        assert server.wait(timeout=60) == 143
        left = subprocess.run(["pgrep", "-s", str(server.pid), "-a"], capture_output=True, text=True)
        assert left.stdout == "", f"still running after bin/serve stopped: {left.stdout}"
    finally:
        subprocess.run(["pkill", "-TERM", "-s", str(server.pid)])  # whatever is left, if anything
        server.wait(timeout=30)
