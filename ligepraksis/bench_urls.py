"""The benchmark's URLconf (`ligepraksis/bench_settings.py` only): the portal's URLs and the floor."""

from django.urls import path

from ligepraksis import bench
from ligepraksis.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path(bench.FLOOR_PATH.strip("/") + "/", bench.floor, name="benchmark_floor"),
    *portal_urlpatterns,
]
