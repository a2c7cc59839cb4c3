"""The portal's background tasks (django-tasks: inline on the embedded portal, queued in the
portal's database with TASKS_BACKEND=database and run by `manage.py db_worker`)."""

from django_tasks import task


@task()
def run_dossier_job(job_pk: int) -> None:
    """Check or import an uploaded dossier list (submissions.dossier_jobs.run_job)."""
    from .dossier_jobs import run_job

    run_job(job_pk)
