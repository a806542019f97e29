"""A model the migrations do not know: proves the drift check can fail."""

from tortoise import fields
from tortoise.models import Model


class Drifted(Model):
    id = fields.IntField(primary_key=True)
    note = fields.CharField(max_length=20)

    class Meta:
        table = "drifted"
