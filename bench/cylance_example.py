#!/usr/bin/env python3
"""The vendor's documented way to get a Cylance User API v2 access token, as a
baseline for `bench/run`: PyJWT signs the claims (HS256), requests POSTs them,
nothing is cached. Reads the same CYTOKEN_* variables as cytoken's env-only mode."""
import os, time, uuid

import jwt
import requests

now = int(time.time())
claims = {
    "exp": now + 1800,
    "iat": now,
    "iss": "http://cylance.com",
    "sub": os.environ["CYTOKEN_APP_ID"],
    "tid": os.environ["CYTOKEN_TENANT_ID"],
    "jti": str(uuid.uuid4()),
}
auth_token = jwt.encode(claims, os.environ["CYTOKEN_APP_SECRET"], algorithm="HS256")
resp = requests.post(os.environ["CYTOKEN_AUTH_URL"], json={"auth_token": auth_token}, timeout=20)
resp.raise_for_status()
print(resp.json()["access_token"])
