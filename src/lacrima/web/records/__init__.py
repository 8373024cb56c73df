"""The records app of the Lacrima web project."""
