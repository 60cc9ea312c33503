from django.apps import AppConfig


class ImrSiteConfig(AppConfig):
    """The project package as an app, so that project-wide management commands (``load_demo``) live here
    rather than in one of the apps whose data they load."""

    name = "imr_site"
    verbose_name = "IMR site"

    def ready(self) -> None:
        from django.apps import apps
        from django.db import models

        from imr_site.text import no_control_characters

        # Every text column of every model refuses control characters, so each model form (the admin
        # site's included) shows a field error instead of the database failing (imr_site/text.py).
        # ``validators`` is the field's runtime list; migrations record only the constructor's, unchanged.
        for model in apps.get_models():
            for model_field in model._meta.get_fields():
                is_text = isinstance(model_field, models.CharField | models.TextField)
                if is_text and no_control_characters not in model_field.validators:
                    model_field.validators.append(no_control_characters)
