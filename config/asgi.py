"""ASGI entry point: HTTP through Django (tenant middleware included), websockets through
realtime/ (studio from the Host header, session auth, /ws/calendar/; realtime/routing.py)."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
# Django is set up first: the websocket stack imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from realtime.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket_application})

# As in config/wsgi.py: what startup loaded lives as long as the process; keep it out of the
# garbage collector's full passes.
gc.freeze()
