from django.http import HttpResponse


def start(request):
    return HttpResponse("")


personal = confirm = attend = release = waiting_manage = offer = lambda request, token: (
    HttpResponse("")
)  # noqa: E731
