from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('django_task_queue', '0002_list_and_search_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='DurationBucket',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('minute', models.DateTimeField()),
                ('figure', models.CharField(choices=[('wait', 'wait'), ('run', 'run')], max_length=4)),
                ('band', models.CharField(blank=True, help_text="a wait's priority band", max_length=10)),
                ('bucket', models.SmallIntegerField()),
                ('count', models.PositiveIntegerField()),
            ],
        ),
        migrations.CreateModel(
            name='InFlightAttempt',
            fields=[
                ('attempt_id', models.BigIntegerField(primary_key=True, serialize=False)),
            ],
        ),
        migrations.CreateModel(
            name='StatsRollup',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ('folded_until', models.DateTimeField(help_text='every task completed and attempt finished before this minute is folded in')),
                ('source', models.BigIntegerField(help_text="the task table's relfilenode when the rollup began (TRUNCATE changes it)")),
            ],
        ),
        migrations.CreateModel(
            name='ThroughputMinute',
            fields=[
                ('minute', models.DateTimeField(primary_key=True, serialize=False)),
                ('completed', models.PositiveIntegerField(default=0)),
                ('failed', models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.AddConstraint(
            model_name='durationbucket',
            constraint=models.UniqueConstraint(fields=('minute', 'figure', 'band', 'bucket'), name='dtq_duration_bucket'),
        ),
    ]
