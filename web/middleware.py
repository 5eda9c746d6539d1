from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    """Chinese unless the user chose English with the switch (a cookie): a government system
    does not follow the browser's Accept-Language, which is English on many office PCs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DatabaseUnavailableMiddleware:
    """While the database is unreachable (a restart, a failover), answer 503 in the API's format
    or as a page, never 500: the transaction did not commit, so nothing is half done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import DataError, InterfaceError, OperationalError

        if isinstance(exception, (OperationalError, InterfaceError)):
            from web.errors import service_unavailable

            return service_unavailable(request)
        if isinstance(exception, DataError):  # a value the database refuses (a NUL byte): bad input, not a 500
            from web.errors import bad_request

            return bad_request(request, exception)
        return None
