"""OParl 1.1 read API (placeholder, filled below)."""

from django.http import JsonResponse


def system(request):
    return JsonResponse({})
