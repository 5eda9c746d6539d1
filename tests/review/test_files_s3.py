"""Uploaded originals in an S3-compatible store (issue 13): with STORAGE_S3_* set, the settings'
own wiring (config.settings.s3_storage) stores the .docx in the bucket, privately, and the
original comes back byte for byte. The bucket is moto's in-process S3 (no network)."""
import hashlib

import boto3
import pytest
from moto import mock_aws

from config.settings import s3_storage
from review.models import VersionFile
from tests.docx_samples import sample_docx

pytestmark = pytest.mark.django_db

ENV = {"STORAGE_S3_BUCKET": "normdocs-originals", "STORAGE_S3_REGION": "cn-north-1",
       "STORAGE_S3_ACCESS_KEY_ID": "testing", "STORAGE_S3_SECRET_ACCESS_KEY": "testing",
       "STORAGE_S3_PREFIX": "originals"}


@pytest.fixture
def bucket(settings, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        s3 = boto3.client("s3", region_name=ENV["STORAGE_S3_REGION"])
        s3.create_bucket(Bucket=ENV["STORAGE_S3_BUCKET"],
                         CreateBucketConfiguration={"LocationConstraint": ENV["STORAGE_S3_REGION"]})
        settings.STORAGES = {**settings.STORAGES, "default": s3_storage(ENV)}
        yield s3


def test_an_original_round_trips_through_the_bucket(bucket, client_for, make_document):
    doc = make_document("drafting")
    data, expected = sample_docx()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for("drafter").post(f"/api/documents/{doc.pk}/versions/",
                                          {"file": SimpleUploadedFile("办法.docx", data)}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["body"] == expected
    stored = VersionFile.objects.get(version__document=doc)
    keys = [o["Key"] for o in bucket.list_objects_v2(Bucket=ENV["STORAGE_S3_BUCKET"])["Contents"]]
    assert keys == [f"originals/{stored.file.name}"]
    grants = bucket.get_object_acl(Bucket=ENV["STORAGE_S3_BUCKET"], Key=keys[0])["Grants"]
    assert not any(g["Grantee"].get("URI", "").endswith("AllUsers") for g in grants)  # private
    original = client_for("auditor").get(f"/api/documents/{doc.pk}/versions/2/file/")
    assert original.status_code == 200
    body = b"".join(original.streaming_content) if original.streaming else original.content
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256(data).hexdigest() == stored.sha256
