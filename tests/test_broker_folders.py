"""Issue 18: the filesystem broker keeps every folder under var/ (kombu's exchange tables went
to a stray control/ in the repository root when `make demo` ran)."""
from pathlib import Path

import pytest
from django.conf import settings
from kombu import Exchange, Queue

ROOT = Path(settings.BASE_DIR)


@pytest.mark.skipif(settings.CELERY_BROKER_URL != "filesystem://", reason="the filesystem broker only")
def test_the_brokers_exchange_tables_live_under_var():
    from config.celery import app

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert all(Path(folder).is_relative_to(settings.VAR_DIR) for folder in options.values())
    existed = (ROOT / "control").exists()
    with app.connection_for_write() as conn:  # what a worker's broadcast queue does at start
        channel = conn.default_channel
        Queue("issue18.test", Exchange("issue18.fanout", type="fanout"), channel=channel).declare()
    assert (Path(options["control_folder"]) / "issue18.fanout.exchange").exists()
    assert existed or not (ROOT / "control").exists()
    (Path(options["control_folder"]) / "issue18.fanout.exchange").unlink()


def test_beat_keeps_its_schedule_under_var():
    """`make demo` runs the worker with --beat: its schedule files belong under var/, not the root."""
    from config.celery import app

    assert Path(app.conf.beat_schedule_filename).parent == Path(settings.VAR_DIR)
