"""The one error every identifier module raises."""


class InvalidIdentifier(ValueError):
    """The value is not a valid identifier; ``str()`` is a Norwegian message for the user.

    The message never contains the full value of a national identity number.
    """
