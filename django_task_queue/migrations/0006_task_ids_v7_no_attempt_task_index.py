import django.db.models.deletion
from django.db import migrations, models

import django_task_queue.ids

# The index Django made for the foreign key; the unique (task, number) index covers it.
ATTEMPT_TASK_INDEX = "django_task_queue_attempt_task_id_d42ec6ae"


class Migration(migrations.Migration):
    dependencies = [
        ("django_task_queue", "0005_error_message_statistics"),
    ]

    operations = [
        # Only the index goes: Django's own AlterField would also drop and re-add the foreign
        # key, which validates every attempt row under a lock that blocks the workers.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="attempt",
                    name="task",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attempts",
                        to="django_task_queue.task",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{ATTEMPT_TASK_INDEX}"',
                    reverse_sql=(
                        f'CREATE INDEX "{ATTEMPT_TASK_INDEX}" '
                        'ON "django_task_queue_attempt" ("task_id")'
                    ),
                ),
            ],
        ),
        migrations.AlterField(
            model_name="task",
            name="id",
            field=models.UUIDField(
                default=django_task_queue.ids.new_id,
                editable=False,
                primary_key=True,
                serialize=False,
            ),
        ),
    ]
