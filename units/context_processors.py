from .roles import ROLE_LABELS, role_of_request


def person(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = role_of_request(request)
    return {"current_role": role, "current_role_label": ROLE_LABELS.get(role, "")}
