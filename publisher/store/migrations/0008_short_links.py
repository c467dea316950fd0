# Short links of released items and mirrored documents (issue 19).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('store', '0007_syncrun_warnings'),
    ]

    operations = [
        migrations.CreateModel(
            name='ShortLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=12, unique=True)),
                ('kind', models.CharField(choices=[('d', '条目'), ('f', '文件')], max_length=1)),
                ('target', models.CharField(max_length=128)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('kind', 'target'), name='short_link_target_unique')],
            },
        ),
    ]
