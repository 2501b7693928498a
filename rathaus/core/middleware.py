from django.utils.functional import SimpleLazyObject

from rathaus.core.tenancy import home_municipality


class TenantMiddleware:
    """Attach the acting municipality to the request (lazily: most public pages never need it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.municipality = SimpleLazyObject(lambda: home_municipality(request.user))
        return self.get_response(request)
