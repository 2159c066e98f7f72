import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, the URL conf) lives as long as the process: move it
# out of the garbage collector's sight, so the full collections that requests trigger walk only
# what requests allocate (long pauses otherwise make the slowest responses several times slower).
gc.freeze()
