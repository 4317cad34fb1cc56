"""The eventwire pipeline-health page: a FastAPI app the Airflow API server mounts.

Airflow imports every ``.py`` file in the plugins folder as a top-level module named after its
stem, so this package is hidden from that scan by ``.airflowignore`` and imported only through
``eventwire_plugin.py`` (the plugins folder is on ``sys.path``).
"""
