#!/usr/bin/env python3
"""Seed a running moto server with the rolehop demo accounts' EKS clusters.

usage: seed.py MOTO_URL

moto routes a request to EKS by the credential scope of its Authorization
header and keeps clusters per account (x-moto-account-id) and region, so
each cluster is created with a scope for its region and the header for its
account. Signature checking is off in moto by default; the signature is a
placeholder. Standard library only.
"""
import json
import sys
import urllib.request

CLUSTERS = {
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


def main():
    url = sys.argv[1].rstrip("/")
    for account, clusters in CLUSTERS.items():
        for region, name, version in clusters:
            create(url, account, region, name, version)


if __name__ == "__main__":
    main()
