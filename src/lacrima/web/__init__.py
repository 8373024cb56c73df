"""The Lacrima web project (Django): accounts, consent, policy, audit, API, feature apps."""
