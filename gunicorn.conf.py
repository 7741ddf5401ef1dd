"""Gunicorn's configuration for `make serve` (README « Mise en production »).

Gunicorn reads this file from the working directory; each value comes from the environment.
Workers are threaded (`gthread`): a PDF being rendered or signed holds one thread, not a
whole process, and the live views poll with short requests (the secretariat's quorum every
20 s, the room display and the élus' devices every 500 ms, mostly answered 304). Should it
one day hold connections open (server-sent events, WebSocket), gunicorn's `asgi` worker
class would serve an ASGI entry point instead.
"""

from __future__ import annotations

import os

bind = f"{os.environ.get('BIND_ADDRESS', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A worker silent this long is replaced; the longest request (a PDF of the largest act,
# signed) takes a few seconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# WeasyPrint's memory grows with the documents rendered: workers are renewed now and then.
max_requests = 1000
max_requests_jitter = 100
# Access and error logs on the standard output, for the service manager's journal.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "warning").lower()
# The control socket defaults to one path per user: two instances would share it.
control_socket_disable = True
