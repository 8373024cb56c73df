"""PHQ-9 answers and the difficulty answer encrypted at rest (issue 14).

Existing rows are copied into the encrypted columns; going back copies them out again.
"""

from django.db import migrations, models

import lacrima.web.crypto


def _seal(apps, schema_editor):
    Phq9Response = apps.get_model("diary", "Phq9Response")
    for row in Phq9Response.objects.all().only("pk", "answers", "difficulty"):
        row.answers_sealed = list(row.answers)
        row.difficulty_sealed = row.difficulty or ""
        row.save(update_fields=["answers_sealed", "difficulty_sealed"])


def _unseal(apps, schema_editor):
    Phq9Response = apps.get_model("diary", "Phq9Response")
    for row in Phq9Response.objects.all().only("pk", "answers_sealed", "difficulty_sealed"):
        row.answers = list(row.answers_sealed or [])
        row.difficulty = row.difficulty_sealed or ""
        row.save(update_fields=["answers", "difficulty"])


class Migration(migrations.Migration):
    dependencies = [("diary", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="phq9response",
            name="answers_sealed",
            field=lacrima.web.crypto.EncryptedJSONField(null=True),
        ),
        migrations.AddField(
            model_name="phq9response",
            name="difficulty_sealed",
            field=lacrima.web.crypto.EncryptedTextField(blank=True, default=""),
        ),
        migrations.AlterField(
            model_name="phq9response",
            name="answers",
            field=models.JSONField(null=True),
        ),
        migrations.RunPython(_seal, _unseal),
        migrations.RemoveField(model_name="phq9response", name="answers"),
        migrations.RemoveField(model_name="phq9response", name="difficulty"),
        migrations.RenameField(
            model_name="phq9response", old_name="answers_sealed", new_name="answers"
        ),
        migrations.RenameField(
            model_name="phq9response", old_name="difficulty_sealed", new_name="difficulty"
        ),
        migrations.AlterField(
            model_name="phq9response",
            name="answers",
            field=lacrima.web.crypto.EncryptedJSONField(),
        ),
    ]
