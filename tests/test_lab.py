"""`make lab`, the README's command to work through the chapters, starts JupyterLab on book/.

The test runs it as a reader would, with options for a test (no browser, a free port on
this machine, a token, Jupyter's runtime and configuration files in a temporary folder),
waits until the server answers HTTP, then stops it.
"""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from make_targets import ROOT, make_command

START_TIMEOUT = 90  # seconds


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answer(url):
    """HTTP status and body of ``url``, or None while nothing listens there."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout):
        return None


def test_make_lab_starts_jupyterlab_on_the_book(tmp_path):
    port, token = free_port(), "aecourse-lab-test"
    options = (f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 "
               f"--IdentityProvider.token={token}")
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_DATA_DIR=str(tmp_path / "data"))
    log_path = tmp_path / "lab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(make_command("lab", LAB_ARGS=options), cwd=ROOT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline, reply = time.monotonic() + START_TIMEOUT, None
        while time.monotonic() < deadline and server.poll() is None:
            reply = answer(f"http://127.0.0.1:{port}/lab?token={token}")
            if reply is not None:
                break
            time.sleep(0.5)
        log_text = log_path.read_text()
        assert reply is not None, f"JupyterLab did not answer on port {port}:\n{log_text[-4000:]}"
        status, body = reply
        assert status == 200 and "JupyterLab" in body, f"HTTP {status}:\n{log_text[-4000:]}"
        listing = answer(f"http://127.0.0.1:{port}/api/contents?token={token}")
        assert listing is not None and listing[0] == 200, listing
        assert '"intro.md"' in listing[1], f"the server does not serve book/: {listing[1][:500]}"
    finally:
        stop(server)


def stop(server, timeout=20):
    """Stop make and the server it started (one process group), politely first."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:  # make has already stopped (the server failed to start)
        server.wait()
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(server.pid, 0)  # is any process of the group left?
        except ProcessLookupError:
            break
        server.poll()
        time.sleep(0.2)
    else:
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    server.wait()
