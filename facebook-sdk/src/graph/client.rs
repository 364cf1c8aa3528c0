//! The Graph executor: URLs, the `Authorization` header, `appsecret_proof`,
//! and the bodies, on top of `social_core::HttpClient`.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use serde::de::DeserializeOwned;
use social_core::secret::authorization_header;
use social_core::{
    Error, HttpClient, HttpClientConfig, Platform, RateLimit, Response, Result, Secret, Timer,
    parse_base_url,
};
use url::Url;

use super::config::{GraphConfig, check_version};
use super::proof::appsecret_proof;
use super::protocol::GraphProtocol;
use super::request::{Body, GraphRequest, Host, Target};

/// Sends Graph requests for one platform. Cheap to clone: clones share the
/// connection pool and the rate-limit state.
#[derive(Clone)]
pub struct GraphClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: HttpClient,
    platform: Platform,
    version: String,
    graph_url: Url,
    video_url: Url,
    rupload_url: Url,
    app_secret: Option<Secret>,
}

impl fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphClient")
            .field("platform", &self.inner.platform)
            .field("version", &self.inner.version)
            .field("graph_url", &self.inner.graph_url.as_str())
            .field("video_url", &self.inner.video_url.as_str())
            .field("rupload_url", &self.inner.rupload_url.as_str())
            .field(
                "app_secret",
                &self.inner.app_secret.as_ref().map(|_| "[redacted]"),
            )
            .finish_non_exhaustive()
    }
}

impl GraphClient {
    /// Builds the client with the built-in Graph code table.
    ///
    /// Fails with `InvalidInput` naming `api_version`, `graph_url`,
    /// `video_url`, `rupload_url` or `app_secret` when one is malformed.
    pub fn new(config: GraphConfig) -> Result<GraphClient> {
        let protocol = GraphProtocol::new(config.platform);
        GraphClient::with_protocol(config, protocol)
    }

    /// Builds the client with a protocol carrying extra code rules.
    pub fn with_protocol(config: GraphConfig, protocol: GraphProtocol) -> Result<GraphClient> {
        check_version(&config.version)?;
        let graph_url = parse_base_url("graph_url", &config.graph_url)?;
        let video_url = parse_base_url("video_url", &config.video_url)?;
        let rupload_url = parse_base_url("rupload_url", &config.rupload_url)?;
        if config.app_secret.as_ref().is_some_and(Secret::is_blank) {
            return Err(Error::invalid_input(
                "app_secret",
                "is empty; set the app secret from the app dashboard or leave it unset",
            ));
        }

        let mut http_config = HttpClientConfig::new(config.user_agent);
        http_config.settings = config.http;
        http_config.retry = config.retry;
        http_config.timer = config.timer;
        http_config.limiter = config.limiter;
        let http = HttpClient::new(http_config, Arc::new(protocol))?;
        Ok(GraphClient {
            inner: Arc::new(Inner {
                http,
                platform: config.platform,
                version: config.version,
                graph_url,
                video_url,
                rupload_url,
                app_secret: config.app_secret,
            }),
        })
    }

    /// Returns the platform named in errors.
    pub fn platform(&self) -> Platform {
        self.inner.platform
    }

    /// Returns the API version, such as `v26.0`.
    pub fn version(&self) -> &str {
        &self.inner.version
    }

    /// Returns the underlying executor.
    pub fn http(&self) -> &HttpClient {
        &self.inner.http
    }

    /// Returns the clock used for retries, polling and `appsecret_time`.
    pub fn timer(&self) -> &Arc<dyn Timer> {
        self.inner.http.timer()
    }

    /// Returns the last usage state seen per window.
    pub fn rate_limits(&self) -> Vec<RateLimit> {
        self.inner.http.rate_limits()
    }

    /// Returns the base URL of `host`.
    pub fn host_url(&self, host: Host) -> &Url {
        match host {
            Host::Graph => &self.inner.graph_url,
            Host::Video => &self.inner.video_url,
            Host::Rupload => &self.inner.rupload_url,
        }
    }

    /// Returns `<host>/<version>/<path>`, each path segment percent-encoded,
    /// so an id can never add a query or climb out of the version.
    pub fn endpoint(&self, host: Host, path: &str) -> Result<Url> {
        let mut segments = vec![self.inner.version.as_str()];
        segments.extend(path.trim_start_matches('/').split('/'));
        self.host_path(host, &segments)
    }

    /// Returns `<host>/<segment>/...` without the version, for URLs that put
    /// it elsewhere (rupload's `/video-upload/<version>/<video-id>`). Empty,
    /// `.` and `..` segments are rejected.
    pub fn host_path(&self, host: Host, segments: &[&str]) -> Result<Url> {
        let mut url = self.host_url(host).clone();
        let mut builder = url.path_segments_mut().map_err(|()| {
            Error::invalid_input("graph_url", "cannot be a base for request paths")
        })?;
        builder.pop_if_empty();
        for segment in segments {
            if segment.is_empty() || *segment == "." || *segment == ".." {
                return Err(Error::invalid_input(
                    "path",
                    format!("`{}` has an empty or relative segment", segments.join("/")),
                ));
            }
            builder.push(segment);
        }
        drop(builder);
        Ok(url)
    }

    /// Sends `request`, retrying as its spec and the retry policy allow.
    pub async fn send(&self, request: &GraphRequest) -> Result<Response> {
        let url = self.resolve(request)?;
        let timer = self.timer().clone();
        self.inner
            .http
            .execute(&request.spec, |client| {
                self.build(client, request, url.clone(), timer.now())
            })
            .await
    }

    /// Sends `request` and decodes the JSON response.
    pub async fn send_json<T: DeserializeOwned>(&self, request: &GraphRequest) -> Result<T> {
        self.send(request).await?.json()
    }

    fn resolve(&self, request: &GraphRequest) -> Result<Url> {
        match &request.target {
            Target::Path { host, path } => self.endpoint(*host, path),
            Target::Url(url) => {
                let known = [Host::Graph, Host::Video, Host::Rupload]
                    .iter()
                    .any(|host| is_below(url, self.host_url(*host)));
                if known {
                    Ok(url.clone())
                } else {
                    Err(Error::invalid_input(
                        "url",
                        format!(
                            "{}://{}{} is not below a configured Graph host; \
                             the access token is sent only to configured hosts",
                            url.scheme(),
                            url.host_str().unwrap_or_default(),
                            url.path()
                        ),
                    ))
                }
            }
        }
    }

    fn build(
        &self,
        client: &reqwest::Client,
        request: &GraphRequest,
        mut url: Url,
        now: SystemTime,
    ) -> Result<reqwest::RequestBuilder> {
        {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &request.query {
                pairs.append_pair(name, value);
            }
            if let (Some(token), Some(secret), true) =
                (&request.token, &self.inner.app_secret, request.proof)
            {
                let time = unix_seconds(now);
                let proof = appsecret_proof(secret.expose(), token.expose(), Some(time));
                pairs.append_pair("appsecret_proof", &proof);
                pairs.append_pair("appsecret_time", &time.to_string());
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }

        let mut builder = client.request(request.method.clone(), url);
        if let Some(token) = &request.token {
            // A token with a space, line break or non-ASCII character is an
            // `Auth` error here, never a header that is mangled or left out.
            let value = authorization_header(self.inner.platform, request.scheme.name(), token)?;
            builder = builder.header(http::header::AUTHORIZATION, value);
        }
        for (name, value) in &request.headers {
            let header_value = http::HeaderValue::from_str(value).map_err(|_| {
                Error::invalid_input(name.clone(), "contains characters not allowed in a header")
            })?;
            builder = builder.header(name.as_str(), header_value);
        }
        attach_body(builder, &request.body)
    }
}

fn attach_body(builder: reqwest::RequestBuilder, body: &Body) -> Result<reqwest::RequestBuilder> {
    use http::header::{CONTENT_LENGTH, CONTENT_TYPE};

    let builder = match body {
        Body::None => builder,
        Body::Form(fields) => {
            let encoded = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(fields)
                .finish();
            builder
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(encoded)
        }
        Body::Json(value) => {
            let bytes = serde_json::to_vec(value).map_err(|e| {
                Error::invalid_input("body", format!("cannot be encoded as JSON: {e}"))
            })?;
            builder.header(CONTENT_TYPE, "application/json").body(bytes)
        }
        Body::Multipart(form) => {
            let form = form.clone();
            builder
                .header(CONTENT_TYPE, form.content_type())
                .header(CONTENT_LENGTH, form.content_length())
                .body(form.into_body())
        }
        Body::Media {
            source,
            offset,
            len,
            content_type,
        } => builder
            .header(CONTENT_TYPE, content_type.as_ref())
            .header(CONTENT_LENGTH, *len)
            .body(social_core::upload::slice_body(source, *offset, *len)?),
    };
    Ok(builder)
}

/// Tells whether `url` has the origin of `base` and a path below it.
fn is_below(url: &Url, base: &Url) -> bool {
    url.scheme() == base.scheme()
        && url.host_str() == base.host_str()
        && url.port_or_known_default() == base.port_or_known_default()
        && url.path().starts_with(base.path())
        && url.username().is_empty()
        && url.password().is_none()
}

fn unix_seconds(now: SystemTime) -> u64 {
    now.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
