"""Authentication backend for residents: phone number + one-time SMS code."""

from django.contrib.auth.backends import BaseBackend

from .models import User


class PhoneCodeBackend(BaseBackend):
    """``authenticate(request, phone=..., code=...)``; consumes the code.

    Only called by Django for credentials named ``phone`` and ``code`` (a username and
    password go to ``ModelBackend``). Returns ``None`` for every refusal.
    """

    def authenticate(self, request, phone=None, code=None):
        from gridgov.core.ratelimit import client_ip

        from .services import InvalidCredentials, login_code_verify

        if phone is None or code is None:
            return None
        try:
            return login_code_verify(phone=phone, code=code, ip=client_ip(request))
        except InvalidCredentials:
            return None

    def get_user(self, user_id):
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None
