# The applications role (依申请登记): its permission beside the five others.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('console', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='staffprofile',
            options={'permissions': [('review', '审核内容'), ('final_review', '终审隔离修订'), ('boards', '屏幕排程与紧急播报'), ('fleet', '运维终端、数据源与同步'), ('users', '管理账号'), ('applications', '登记依申请公开')]},
        ),
    ]
