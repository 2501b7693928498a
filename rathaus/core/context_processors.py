def tenant(request):
    return {"municipality": getattr(request, "municipality", None)}
