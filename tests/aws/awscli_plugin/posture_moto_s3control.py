"""AWS CLI plugin used only by the emulator test: S3 Control sends requests to
`<account-id>.<endpoint host>`, a name that does not resolve for a loopback emulator; this
drops the account-id prefix before the request is signed and sent."""

import re


def _drop_host_prefix(request, **_):
    request.url = re.sub(r"^(https?://)\d{12}\.", r"\1", request.url)


def awscli_initialize(cli):
    cli.register("before-sign.s3-control", _drop_host_prefix)
