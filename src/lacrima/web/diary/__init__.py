"""The diary app of the Lacrima web project."""
