"""gunicorn settings for the web process (pages and API over HTTP; websockets go to uvicorn).

Every value can be overridden from the environment, so one image fits a small VM and a pod.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Sync Django views: processes x threads. 2-4 processes per core; threads overlap I/O waits.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never takes a pod down.
max_requests = 2000
max_requests_jitter = 200
# The ingress / proxy in front sets X-Forwarded-Proto; trust it (the pod is not public).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "0") == "1" else None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
