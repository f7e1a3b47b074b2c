"""The site's pages: a home page with a stylesheet, a JSON status, and the health route."""

import platform

import django
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html", {"now": timezone.now()})


def status(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"django": django.get_version(), "python": platform.python_version()})


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
