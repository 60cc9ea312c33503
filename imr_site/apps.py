from django.apps import AppConfig


class ImrSiteConfig(AppConfig):
    """The project package as an app, so that project-wide management commands (``load_demo``) live here
    rather than in one of the apps whose data they load."""

    name = "imr_site"
    verbose_name = "IMR site"
