"""Opinion letters (审核意见书, DESIGN §4 "The review desk"): read by staff who see the document."""
import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound

from review import selectors
from review.api.serializers import OpinionSerializer
from review.models import Document, Opinion


class OpinionFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="year", min_value=1900, max_value=9999)
    body = django_filters.CharFilter(field_name="review_body__code", max_length=40)
    kind = django_filters.ChoiceFilter(field_name="document__kind", choices=Document.Kind.choices)
    outcome = django_filters.ChoiceFilter(choices=Opinion._meta.get_field("outcome").choices)
    status = django_filters.ChoiceFilter(choices=Opinion.Status.choices)


class OpinionList(generics.ListAPIView):
    """审核意见书: issued letters by default (``?status=`` for drafts awaiting signature)."""

    serializer_class = OpinionSerializer
    filterset_class = OpinionFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Opinion.objects.none()
        qs = selectors.opinions_visible_to(self.request.user).order_by("-year", "-seq", "-id")
        return qs if "status" in self.request.query_params else qs.filter(status=Opinion.Status.ISSUED)


class OpinionDetail(generics.RetrieveAPIView):
    serializer_class = OpinionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Opinion.objects.none()
        return selectors.opinions_visible_to(self.request.user)


@extend_schema(operation_id="opinions_docx", responses={404: None})
@api_view(["GET"])
def opinion_docx(request, pk):
    """The 审核意见书 as .docx in 公文 layout: not built yet (the documents-as-files issue)."""
    if not selectors.opinions_visible_to(request.user).filter(pk=pk).exists():
        raise NotFound()
    raise NotFound("审核意见书的 Word 版本尚未提供")
