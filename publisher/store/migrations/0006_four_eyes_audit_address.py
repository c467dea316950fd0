# Four-eyes review of quarantined revisions, the secrecy check, audit addresses.
# Numbered 0006 on purpose (depends on 0004): the lead renumbers at merge.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('store', '0005_boardrule_days'),
    ]

    operations = [
        migrations.AddField(
            model_name='revision',
            name='first_reviewed_by',
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name='revision',
            name='first_reviewed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='revision',
            name='secrecy_checked_by',
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddIndex(
            model_name='revision',
            index=models.Index(fields=['status', 'created_at'], name='revision_waiting_order'),
        ),
        migrations.AddIndex(
            model_name='revision',
            index=models.Index(fields=['status', 'kind'], name='revision_waiting_kind'),
        ),
        migrations.AddField(
            model_name='auditlog',
            name='address',
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
