from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR

DEBUG = True
# uvicorn serves static files through WhiteNoise straight from the finders while developing.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATICFILES_DIRS = [BASE_DIR / "static"]
