from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built and dropped concurrently: the queue keeps writing to the task table meanwhile.
    atomic = False

    dependencies = [
        ('django_task_queue', '0003_stats_rollup'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='task',
            index=models.Index(condition=models.Q(('status__in', ['pending', 'retry'])), fields=['queue_name', 'status', 'priority'], include=('run_after', 'next_retry_at', 'created_at'), name='dtq_task_waiting_by_queue'),
        ),
        RemoveIndexConcurrently(
            model_name='task',
            name='dtq_task_queue_status',
        ),
    ]
