"""Serve a :class:`Sandbox` over real HTTP on loopback, in a background thread
(for the demo and tests) or in the foreground (``frontdesk sandbox``)."""

from __future__ import annotations

import logging
import socket
import threading
import time

import uvicorn

from frontdesk.sandbox.server import Sandbox


class _QuietServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the owning thread is not main
        pass


def _config(sandbox: Sandbox, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        sandbox, log_level=log_level, lifespan="off", access_log=False, timeout_graceful_shutdown=1
    )


class SandboxServer:
    """``with SandboxServer(Sandbox()) as server: server.base_url``."""

    def __init__(self, sandbox: Sandbox, port: int = 0) -> None:
        self.sandbox = sandbox
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", port))
        self.port = self._sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._server = _QuietServer(_config(sandbox, "critical"))
        self._thread: threading.Thread | None = None

    def start(self) -> "SandboxServer":
        logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True, name="sandbox"
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._sock.close()

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_forever(sandbox: Sandbox, port: int) -> None:
    """Foreground server for ``frontdesk sandbox --port N``."""
    server = uvicorn.Server(_config(sandbox, "info"))
    server.config.host, server.config.port = "127.0.0.1", port
    server.run()
