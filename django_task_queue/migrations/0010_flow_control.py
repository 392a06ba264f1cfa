import django.contrib.postgres.fields
from django.db import migrations, models

# A task holds its unique key while its status is one of its own `unique_while`: the predicate
# compares two columns of the row, which a Django constraint cannot express. Every status
# change keeps the index in step by itself, so no statement of the hot path had to change.
UNIQUE_KEY_INDEX = """
CREATE UNIQUE INDEX dtq_task_unique_key ON django_task_queue_task (task_name, unique_key)
WHERE unique_key IS NOT NULL AND status = ANY(unique_while)
"""
# `unique_for`: the newest finished task of a key, found without scanning the table.
UNIQUE_RECENT_INDEX = """
CREATE INDEX dtq_task_unique_recent ON django_task_queue_task
(task_name, unique_key, completed_at DESC) WHERE unique_key IS NOT NULL
"""


class Migration(migrations.Migration):

    dependencies = [
        ('django_task_queue', '0009_workflows'),
    ]

    operations = [
        migrations.CreateModel(
            name='PausedQueue',
            fields=[
                ('queue_name', models.CharField(max_length=100, primary_key=True, serialize=False)),
                ('paused_at', models.DateTimeField()),
            ],
        ),
        migrations.AddField(
            model_name='task',
            name='unique_key',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='task',
            name='unique_while',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=20), blank=True, null=True),
        ),
        migrations.AddField(
            model_name='task',
            name='limit_group',
            field=models.CharField(blank=True, max_length=300, null=True),
        ),
        migrations.RunSQL(UNIQUE_KEY_INDEX, "DROP INDEX dtq_task_unique_key"),
        migrations.RunSQL(UNIQUE_RECENT_INDEX, "DROP INDEX dtq_task_unique_recent"),
    ]
