#!/usr/bin/env python3
"""Create EKS clusters in a running moto server.

usage: seed.py MOTO_URL                         the demo's clusters
       seed.py MOTO_URL ACCOUNT REGION NAME[:VERSION]...

moto routes a signed request to EKS by the credential scope of its
Authorization header (region and service) and keeps clusters per account
(x-moto-account-id) and region; signature checking is off in moto by
default, so the signature is a placeholder. The demo and the integration
tests both seed with this script. Standard library only.
"""
import json
import sys
import urllib.request

DEMO_CLUSTERS = {
    # account: [(region, name, version)]
    "222222222222": [("us-east-1", "dev-main", "1.31"),
                     ("eu-west-1", "dev-eu", "1.30")],
    "333333333333": [("us-east-1", "stg-main", "1.31")],
    "444444444444": [("us-east-1", "prod-main", "1.31"),
                     ("eu-west-1", "prod-eu", "1.31")],
}


def create(url, account, region, name, version):
    body = json.dumps({
        "name": name,
        "roleArn": "arn:aws:iam::%s:role/eks-cluster" % account,
        "resourcesVpcConfig": {},
        "version": version,
    }).encode()
    req = urllib.request.Request(url + "/clusters", data=body, method="POST")
    req.add_header("Content-Type", "application/json")
    req.add_header("x-moto-account-id", account)
    req.add_header(
        "Authorization",
        "AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKE0001/20260101/%s/eks/"
        "aws4_request, SignedHeaders=host, Signature=00" % region)
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()


def main(argv):
    if len(argv) == 2:
        url = argv[1].rstrip("/")
        for account, clusters in DEMO_CLUSTERS.items():
            for region, name, version in clusters:
                create(url, account, region, name, version)
        return 0
    if len(argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    url, account, region = argv[1].rstrip("/"), argv[2], argv[3]
    for spec in argv[4:]:
        name, _, version = spec.partition(":")
        create(url, account, region, name, version or "1.31")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
