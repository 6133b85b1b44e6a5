//! A minimal Kubernetes API stand-in (the `https` feature), enough for
//! `kubectl version` and `kubectl get pods`: `/version`, the legacy
//! discovery documents (`/api`, `/apis`, `/api/v1`) and a few pods in the
//! `default` namespace, as a table when kubectl asks for one.
//!
//! Every request needs `Authorization: Bearer` with an access token this
//! emulator minted and still holds valid; anything else is a 401 with a
//! Kubernetes `Status` body, as a cluster answers it. Each answer is told to
//! the hook set with [`crate::Emulator::on_kube_request`].

use serde_json::{Value, json};

use crate::http::{ApiRequest, Response};
use crate::{Shared, lock};

/// One request the stand-in answered.
#[derive(Clone)]
pub struct KubeRequest {
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The bearer token sent, if any.
    pub token: Option<String>,
    pub status: u16,
}

impl std::fmt::Debug for KubeRequest {
    /// Tokens by their last characters: enough to tell them apart.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let token = self.token.as_deref().map(|t| {
            // The last 8 characters (a client's header may be any UTF-8).
            let from = t.char_indices().rev().nth(7).map_or(0, |(i, _)| i);
            format!("…{}", &t[from..])
        });
        write!(
            f,
            "{} {} {} {:?}",
            self.status, self.method, self.path, token
        )
    }
}

/// What is told each answered request.
pub(crate) type Hook = Box<dyn Fn(&KubeRequest) + Send + Sync>;

/// The pods of the `default` namespace: name, age in seconds.
const PODS: [(&str, i64); 3] = [
    ("demo-api-7d4b9c6f5-x2k8p", 3 * 3600),
    ("demo-web-5f6c8d7b9-9qz7m", 3 * 3600),
    ("demo-worker-0", 25 * 60),
];

/// The paths of the Kubernetes API (`/api…`, `/apis…`, `/version`,
/// `/openapi…`): none is a Cylance path.
pub(crate) fn is_kube_path(path: &str) -> bool {
    path == "/version"
        || ["/api", "/apis", "/openapi"]
            .iter()
            .any(|p| path == *p || path.strip_prefix(p).is_some_and(|r| r.starts_with('/')))
}

pub(crate) fn answer(shared: &Shared, req: &ApiRequest) -> Response {
    let token = req
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let response = if token.is_none_or(|t| shared.access_claims(t).is_none()) {
        status(401, "Unauthorized", "Unauthorized")
    } else if req.method != "GET" {
        status(405, "MethodNotAllowed", "the demo cluster is read only")
    } else {
        route(shared, req)
    };
    // As a kube-apiserver answers: client-go's HTTP cache must not serve a
    // later request from this one (each must carry a credential).
    let response = response.header("Cache-Control", "no-cache, private");
    if let Some(hook) = lock(&shared.kube_hook).as_ref() {
        hook(&KubeRequest {
            method: req.method.clone(),
            path: req.path.clone(),
            token: token.map(str::to_owned),
            status: response.status,
        });
    }
    response
}

fn route(shared: &Shared, req: &ApiRequest) -> Response {
    let segments: Vec<&str> = req.path.split('/').skip(1).collect();
    match segments.as_slice() {
        ["version"] => Response::json(
            200,
            &json!({
                "major": "1", "minor": "32", "gitVersion": "v1.32.0",
                "gitCommit": "0000000000000000000000000000000000000000",
                "gitTreeState": "clean", "buildDate": "2024-12-11T00:00:00Z",
                "goVersion": "go1.23.3", "compiler": "gc", "platform": "linux/amd64",
            }),
        ),
        ["api"] => Response::json(
            200,
            &json!({
                "kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [
                    { "clientCIDR": "0.0.0.0/0", "serverAddress": shared.addr.to_string() }
                ],
            }),
        ),
        ["apis"] => Response::json(
            200,
            &json!({ "kind": "APIGroupList", "apiVersion": "v1", "groups": [] }),
        ),
        ["api", "v1"] => Response::json(
            200,
            &json!({
                "kind": "APIResourceList", "groupVersion": "v1",
                "resources": [{
                    "name": "pods", "singularName": "pod", "namespaced": true,
                    "kind": "Pod", "verbs": ["get", "list"], "shortNames": ["po"],
                }],
            }),
        ),
        ["api", "v1", "namespaces", ns, "pods"] => pods(shared, ns, req),
        _ => status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ),
    }
}

/// The pods of `ns` (only `default` has any): a `Table` when kubectl asks
/// for one (`as=Table` in `Accept`), else a `PodList`.
fn pods(shared: &Shared, ns: &str, req: &ApiRequest) -> Response {
    let now = shared.now();
    let list: &[(&str, i64)] = if ns == "default" { &PODS } else { &[] };
    let meta = |name: &str, age: i64| {
        json!({
            "name": name, "namespace": ns,
            "creationTimestamp": format!("{}Z", crate::api::iso(now - age)),
        })
    };
    let table = req.header("accept").is_some_and(|a| a.contains("as=Table"));
    let body = if table {
        let column = |name: &str, kind: &str| json!({ "name": name, "type": kind, "format": "", "description": "", "priority": 0 });
        json!({
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": { "resourceVersion": "1" },
            "columnDefinitions": [
                column("Name", "string"), column("Ready", "string"), column("Status", "string"),
                column("Restarts", "integer"), column("Age", "string"),
            ],
            "rows": list.iter().map(|(name, age)| json!({
                "cells": [name, "1/1", "Running", 0, age_text(*age)],
                "object": {
                    "kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                    "metadata": meta(name, *age),
                },
            })).collect::<Vec<Value>>(),
        })
    } else {
        json!({
            "kind": "PodList", "apiVersion": "v1", "metadata": { "resourceVersion": "1" },
            "items": list.iter().map(|(name, age)| json!({
                "metadata": meta(name, *age),
                "spec": { "containers": [{ "name": "main", "image": "registry.example/demo:1" }] },
                "status": { "phase": "Running" },
            })).collect::<Vec<Value>>(),
        })
    };
    Response::json(200, &body)
}

/// An age as kubectl shows it: `25m`, `3h`.
fn age_text(secs: i64) -> String {
    if secs < 3600 {
        format!("{}m", secs / 60)
    } else {
        format!("{}h", secs / 3600)
    }
}

/// A Kubernetes `Status` failure.
fn status(code: u16, reason: &str, message: &str) -> Response {
    Response::json(
        code,
        &json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code,
        }),
    )
}
