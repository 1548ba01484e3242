"""Values the apps tests share."""

#: A public address written as a literal IP: the guard checks it without a DNS lookup.
PUBLIC_LINK = "https://151.101.1.69/app"
