import django_filters
from django.db.models import Q

from review import selectors
from review.models import Document, ReviewRound


class DocumentFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Document.State.choices)
    kind = django_filters.ChoiceFilter(choices=Document.Kind.choices)
    issuer = django_filters.CharFilter(field_name="issuer__code")
    drafting_org = django_filters.CharFilter(field_name="drafting_org__code")
    year = django_filters.NumberFilter(method="filter_year", min_value=1900, max_value=9999)
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    q = django_filters.CharFilter(method="filter_q", max_length=100)
    handler = django_filters.CharFilter(method="filter_handler", max_length=150,
                                        help_text="承办人: a username, or me (R15)")

    class Meta:
        model = Document
        fields = ["state", "kind", "issuer", "drafting_org", "year", "overdue", "q", "handler"]

    def filter_handler(self, queryset, name, value):
        """Documents whose open round is handled by this user (``me``: the caller)."""
        if value == "me":
            user = getattr(self.request, "user", None)
            rounds = ReviewRound.objects.filter(outcome="", handler_id=getattr(user, "pk", None))
        else:
            rounds = ReviewRound.objects.filter(outcome="", handler__username=value)
        return queryset.filter(pk__in=rounds.values("document_id"))

    def filter_year(self, queryset, name, value):
        """The publication year of a published document, else the year it was created."""
        year = int(value)
        return queryset.filter(Q(published_on__year=year) | Q(published_on__isnull=True, created_at__year=year))

    def filter_overdue(self, queryset, name, value):
        overdue = selectors.overdue_filter()
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_q(self, queryset, name, value):
        return selectors.search(queryset, value)
