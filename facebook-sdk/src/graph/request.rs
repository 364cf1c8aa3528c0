//! One Graph call, described as data so it can be rebuilt for every attempt.

use mime::Mime;
use reqwest::Method;
use social_core::multipart::Multipart;
use social_core::{MediaSource, RequestSpec, Secret};
use url::Url;

/// The host a request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Host {
    /// `graph.facebook.com` (or `graph.instagram.com` for Instagram Login).
    Graph,
    /// `graph-video.facebook.com`, for Page video uploads.
    Video,
    /// `rupload.facebook.com`, for binary uploads.
    Rupload,
}

/// The scheme of the `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthScheme {
    /// `Authorization: Bearer <token>`, for Graph calls.
    #[default]
    Bearer,
    /// `Authorization: OAuth <token>`, which the rupload host and the
    /// resumable upload sessions (`upload:<id>`) require.
    OAuth,
}

impl AuthScheme {
    /// Returns the scheme as written before the token: `Bearer` or `OAuth`.
    pub fn name(self) -> &'static str {
        match self {
            AuthScheme::Bearer => "Bearer",
            AuthScheme::OAuth => "OAuth",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Target {
    Path { host: Host, path: String },
    Url(Url),
}

#[derive(Debug, Clone)]
pub(crate) enum Body {
    None,
    Form(Vec<(String, String)>),
    Json(serde_json::Value),
    Multipart(Multipart),
    Media {
        source: MediaSource,
        offset: u64,
        len: u64,
        content_type: Mime,
    },
}

/// One Graph call: method, target, token, parameters and body.
///
/// The token is written only into the `Authorization` header (marked
/// sensitive), never into the URL. The request is kept as data, and each
/// attempt rebuilds it: a file body is reopened from disk and
/// `appsecret_proof` is computed anew.
#[derive(Debug, Clone)]
pub struct GraphRequest {
    pub(crate) spec: RequestSpec,
    pub(crate) method: Method,
    pub(crate) target: Target,
    pub(crate) token: Option<Secret>,
    pub(crate) scheme: AuthScheme,
    pub(crate) proof: bool,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Body,
}

impl GraphRequest {
    /// A request with `method` to `path` (such as `"123/feed"`) on the Graph
    /// host, below the configured API version.
    pub fn new(method: Method, spec: RequestSpec, path: impl Into<String>) -> GraphRequest {
        GraphRequest {
            spec,
            method,
            target: Target::Path {
                host: Host::Graph,
                path: path.into(),
            },
            token: None,
            scheme: AuthScheme::Bearer,
            proof: true,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
        }
    }

    /// Creates a `GET` request.
    pub fn get(spec: RequestSpec, path: impl Into<String>) -> GraphRequest {
        GraphRequest::new(Method::GET, spec, path)
    }

    /// Creates a `POST` request. Pass `RequestSpec::creating` when it publishes
    /// something, so it is never repeated after it may have arrived.
    pub fn post(spec: RequestSpec, path: impl Into<String>) -> GraphRequest {
        GraphRequest::new(Method::POST, spec, path)
    }

    /// Creates a `DELETE` request.
    pub fn delete(spec: RequestSpec, path: impl Into<String>) -> GraphRequest {
        GraphRequest::new(Method::DELETE, spec, path)
    }

    /// Sends the request to `host` instead of the Graph host.
    pub fn on(mut self, host: Host) -> GraphRequest {
        if let Target::Path { path, .. } = self.target {
            self.target = Target::Path { host, path };
        }
        self
    }

    /// Sends the request to an absolute URL, such as an `upload_url` the
    /// platform returned. The client accepts it only when it lies below one
    /// of its configured hosts, so the token never goes anywhere else.
    pub fn at_url(mut self, url: Url) -> GraphRequest {
        self.target = Target::Url(url);
        self
    }

    /// Sets the access token sent in the `Authorization` header.
    pub fn token(mut self, token: &Secret) -> GraphRequest {
        self.token = Some(token.clone());
        self
    }

    /// Sets how the token is written in the header. Default `Bearer`.
    pub fn auth_scheme(mut self, scheme: AuthScheme) -> GraphRequest {
        self.scheme = scheme;
        self
    }

    /// Leaves out `appsecret_proof`, for calls authenticated with the app
    /// token `APP_ID|APP_SECRET` or with the app secret as a parameter.
    pub fn without_appsecret_proof(mut self) -> GraphRequest {
        self.proof = false;
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> GraphRequest {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds a form field; the body is sent as `application/x-www-form-urlencoded`.
    pub fn form(mut self, name: impl Into<String>, value: impl Into<String>) -> GraphRequest {
        match &mut self.body {
            Body::Form(fields) => fields.push((name.into(), value.into())),
            _ => self.body = Body::Form(vec![(name.into(), value.into())]),
        }
        self
    }

    /// Sends `value` as a JSON body.
    pub fn json(mut self, value: serde_json::Value) -> GraphRequest {
        self.body = Body::Json(value);
        self
    }

    /// Sends a streaming `multipart/form-data` body with an exact length.
    pub fn multipart(mut self, form: Multipart) -> GraphRequest {
        self.body = Body::Multipart(form);
        self
    }

    /// Sends `len` bytes of `source` from `offset` as the raw body, streamed
    /// from disk with an explicit `Content-Length`.
    pub fn media_body(
        mut self,
        source: &MediaSource,
        offset: u64,
        len: u64,
        content_type: Mime,
    ) -> GraphRequest {
        self.body = Body::Media {
            source: source.clone(),
            offset,
            len,
            content_type,
        };
        self
    }

    /// Adds a header, such as rupload's `offset` and `file_size`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> GraphRequest {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Returns the execution settings: operation name and idempotency.
    pub fn spec(&self) -> &RequestSpec {
        &self.spec
    }
}
