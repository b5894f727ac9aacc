from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "motcua.ops"
    label = "ops"
    verbose_name = _("Vận hành")

    def ready(self) -> None:
        # Request ids across Celery (motcua.ops.requestid): Celery's signals, not Django's.
        from celery import signals

        from motcua.ops import requestid

        signals.before_task_publish.connect(requestid.celery_before_publish, weak=False)
        signals.task_prerun.connect(requestid.celery_task_prerun, weak=False)
        signals.task_postrun.connect(requestid.celery_task_postrun, weak=False)
