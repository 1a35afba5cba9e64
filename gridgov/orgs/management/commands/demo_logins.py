from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from gridgov.orgs.demo import DEMO_PASSWORD, DEMO_RESIDENT_PHONE, demo_users
from gridgov.orgs.models import Role


class Command(BaseCommand):
    help = "Print the demo accounts and how to sign in with them."

    def handle(self, *args, **options):
        existing = set(
            get_user_model()
            .objects.filter(username__in=[u.username for u in demo_users()])
            .values_list("username", flat=True)
        )
        self.stdout.write(f"Demo logins (staff sign in with username + password {DEMO_PASSWORD}):")
        for user in demo_users():
            if user.username not in existing:
                continue
            role = Role(user.role_label).label if user.role_label in Role.values else "管理员"
            self.stdout.write(f"  {user.username:<10} {user.full_name:<6} {role} · {user.where}")
        self.stdout.write(
            f"Resident: phone {DEMO_RESIDENT_PHONE}, tap 获取验证码; the code is in the server log "
            "and in the SMS outbox (admin → 短信发件箱)."
        )
