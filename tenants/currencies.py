"""ISO 4217 currencies a studio may charge in (the ones our payment provider settles)."""

CURRENCIES: list[tuple[str, str]] = [
    ("USD", "US dollar"),
    ("EUR", "Euro"),
    ("GBP", "British pound"),
    ("CAD", "Canadian dollar"),
    ("AUD", "Australian dollar"),
    ("NZD", "New Zealand dollar"),
    ("CHF", "Swiss franc"),
    ("SEK", "Swedish krona"),
    ("NOK", "Norwegian krone"),
    ("DKK", "Danish krone"),
    ("PLN", "Polish zloty"),
    ("CZK", "Czech koruna"),
    ("JPY", "Japanese yen"),
    ("SGD", "Singapore dollar"),
    ("HKD", "Hong Kong dollar"),
    ("INR", "Indian rupee"),
    ("BRL", "Brazilian real"),
    ("MXN", "Mexican peso"),
    ("ZAR", "South African rand"),
    ("AED", "UAE dirham"),
]
CURRENCY_CODES = frozenset(code for code, _ in CURRENCIES)
