from encore.settings import Settings


def test_settings_are_read_from_the_environment(settings: Settings) -> None:
    assert settings.database_name.startswith("encore_test_")
