#!/bin/sh
# Serves the demo app's static files.
exec httpd -f -p 8080 -h /app/dist/public
