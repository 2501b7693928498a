"""A WSGI app for test_gunicorn_config.py: answers with the worker's switch interval."""

import sys


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [repr(sys.getswitchinterval()).encode()]
