"""Websocket routes of a studio host."""

from __future__ import annotations

from channels.routing import URLRouter
from django.urls import path, re_path

from realtime.consumers import CalendarConsumer, NotFoundConsumer
from realtime.middleware import studio_websocket_stack

websocket_urlpatterns = [
    path("ws/calendar/", CalendarConsumer.as_asgi()),
    re_path(r"", NotFoundConsumer.as_asgi()),
]

websocket_application = studio_websocket_stack(URLRouter(websocket_urlpatterns))
