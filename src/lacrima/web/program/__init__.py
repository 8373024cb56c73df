"""The program app of the Lacrima web project."""
