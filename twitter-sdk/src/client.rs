//! The X client: configuration, and the one path every request takes
//! (authorization, retries, classification).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use social_core::auth::with_token_refresh;
use social_core::http::Method;
use social_core::multipart::Multipart;
use social_core::rate_limit::{Quota, QuotaLimiter, RateLimit};
use social_core::{
    AuthError, Error, HttpClient, HttpClientConfig, HttpSettings, Platform, PollSettings,
    RefreshingTokenProvider, RequestSpec, Response, Result, RetryPolicy, Secret, StaticToken,
    Timer, TokenProvider, TokenSet, parse_base_url,
};
use url::Url;

use crate::auth::{Auth, OAuth1Credentials, OAuth2App, XRefreshGrant};
use crate::error::XProtocol;
use crate::validate::PostLimits;

/// The production API host.
pub const DEFAULT_BASE_URL: &str = "https://api.x.com/";

/// The default size of a media upload segment: 4 MiB. X's v1.1 upload took
/// at most 5 MB per segment, and widely used clients send 1 to 4 MiB.
pub const DEFAULT_CHUNK_SIZE: u64 = 4 * 1024 * 1024;

/// The largest segment size [`ClientBuilder::chunk_size`] accepts: 5 MiB.
pub const MAX_CHUNK_SIZE: u64 = 5 * 1024 * 1024;

/// Returns the per-user quotas X documents (August 2026) for the calls this SDK
/// makes, per 15-minute window: posts 100, deletes 50, `users/me` 75, simple
/// uploads 500, status checks 1000, and 1875 for each of `initialize`,
/// `append` and `finalize`. X's 24-hour caps are read from its headers.
pub fn documented_quotas() -> Vec<(String, Quota)> {
    let window = Duration::from_secs(15 * 60);
    [
        ("create_post", 100),
        ("delete_post", 50),
        ("users_me", 75),
        ("media_upload", 500),
        ("media_status", 1_000),
        ("media_initialize", 1_875),
        ("media_append", 1_875),
        ("media_finalize", 1_875),
    ]
    .into_iter()
    .map(|(operation, max)| (operation.to_owned(), Quota::new(max, window)))
    .collect()
}

/// A client for the X API v2. Cheap to clone; clones share connections,
/// tokens and rate-limit state.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: HttpClient,
    pub(crate) base_url: Url,
    pub(crate) auth: Auth,
    pub(crate) poll: PollSettings,
    pub(crate) chunk_size: u64,
    pub(crate) limits: PostLimits,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("auth", &self.inner.auth)
            .field("poll", &self.inner.poll)
            .field("chunk_size", &self.inner.chunk_size)
            .finish_non_exhaustive()
    }
}

/// A request body.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Empty,
    Json(Value),
    Multipart(Multipart),
}

/// One API call, rebuilt for every attempt.
#[derive(Debug, Clone)]
pub(crate) struct ApiRequest {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Body,
    pub(crate) spec: RequestSpec,
    /// Whether the call changes state, which an app-only token cannot do.
    pub(crate) writes: bool,
}

impl ApiRequest {
    pub(crate) fn new(method: Method, path: impl Into<String>, spec: RequestSpec) -> ApiRequest {
        let writes = method != Method::GET;
        // Each operation counts against the client-side quota of its own
        // name, when the client keeps quotas.
        let spec = spec.clone().quota(spec.operation());
        ApiRequest {
            method,
            path: path.into(),
            query: Vec::new(),
            body: Body::Empty,
            spec,
            writes,
        }
    }

    pub(crate) fn query(mut self, key: &str, value: impl Into<String>) -> ApiRequest {
        self.query.push((key.to_owned(), value.into()));
        self
    }

    pub(crate) fn json(mut self, body: Value) -> ApiRequest {
        self.body = Body::Json(body);
        self
    }

    pub(crate) fn multipart(mut self, form: Multipart) -> ApiRequest {
        self.body = Body::Multipart(form);
        self
    }

    pub(crate) fn user_context(mut self) -> ApiRequest {
        self.writes = true;
        self
    }
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Builds a client from environment variables:
    ///
    /// - OAuth 1.0a when `X_CONSUMER_KEY` is set: `X_CONSUMER_KEY`,
    ///   `X_CONSUMER_SECRET`, `X_ACCESS_TOKEN`, `X_ACCESS_TOKEN_SECRET`;
    /// - otherwise OAuth 2.0 when `X_CLIENT_ID` is set: `X_CLIENT_ID`,
    ///   `X_REDIRECT_URI`, `X_OAUTH2_ACCESS_TOKEN`, and optionally
    ///   `X_OAUTH2_REFRESH_TOKEN` and `X_CLIENT_SECRET` (confidential clients);
    /// - otherwise app-only reads with `X_BEARER_TOKEN`.
    ///
    /// `X_API_BASE_URL` replaces the API host, and the OAuth 2.0 token
    /// endpoint moves with it (`<base>2/oauth2/token`) unless `X_TOKEN_URL`
    /// names another. Rotated OAuth 2.0 tokens are
    /// lost with this constructor when the process ends; use the builder's
    /// `oauth2` with a callback to persist them.
    pub fn from_env() -> Result<Client> {
        Client::from_env_with(|name| std::env::var(name).ok())
    }

    /// Like [`Client::from_env`], reading variables through `lookup`.
    pub fn from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Result<Client> {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let required = |name: &str| {
            var(name).ok_or_else(|| {
                Error::invalid_input(name, "not set; export it or use Client::builder()")
            })
        };
        let mut builder = Client::builder();
        if let Some(base) = var("X_API_BASE_URL") {
            builder = builder.base_url(&base);
        }
        if var("X_CONSUMER_KEY").is_some() {
            let credentials = OAuth1Credentials::new(
                required("X_CONSUMER_KEY")?,
                required("X_CONSUMER_SECRET")?,
                required("X_ACCESS_TOKEN")?,
                required("X_ACCESS_TOKEN_SECRET")?,
            )?;
            return builder.oauth1(credentials).build();
        }
        if var("X_CLIENT_ID").is_some() {
            let mut app = OAuth2App::new(required("X_CLIENT_ID")?, &required("X_REDIRECT_URI")?)?;
            if let Some(secret) = var("X_CLIENT_SECRET") {
                app = app.client_secret(secret)?;
            }
            // The refresh token must go where the API calls go, never to
            // production behind a test or proxy base URL.
            let token_url = var("X_TOKEN_URL").or_else(|| {
                var("X_API_BASE_URL")
                    .map(|base| format!("{}/2/oauth2/token", base.trim_end_matches('/')))
            });
            if let Some(token_url) = token_url {
                app = app.token_url(&token_url)?;
            }
            let mut tokens = TokenSet::new(required("X_OAUTH2_ACCESS_TOKEN")?);
            tokens.refresh_token = var("X_OAUTH2_REFRESH_TOKEN").map(Secret::new);
            return builder.oauth2(app, tokens, None).build();
        }
        if let Some(bearer) = var("X_BEARER_TOKEN") {
            return builder.app_only(bearer).build();
        }
        Err(Error::invalid_input(
            "X_CONSUMER_KEY",
            "no credentials in the environment; set the OAuth 1.0a variables, the OAuth 2.0 variables or X_BEARER_TOKEN",
        ))
    }

    /// Returns the rate-limit windows seen on the latest responses.
    pub fn rate_limits(&self) -> Vec<RateLimit> {
        self.inner.http.rate_limits()
    }

    /// Returns the HTTP executor (its clock, retry policy and settings).
    pub fn http(&self) -> &HttpClient {
        &self.inner.http
    }

    /// Sends one API call: authorizes it (signing each attempt anew, or
    /// refreshing an OAuth 2.0 token once after a 401), retries as its
    /// spec allows, and classifies the response.
    pub(crate) async fn send(&self, request: ApiRequest) -> Result<Response> {
        let url = self
            .inner
            .base_url
            .join(request.path.trim_start_matches('/'))
            .map_err(|e| {
                Error::invalid_input(
                    "path",
                    format!("`{}` does not join the base URL: {e}", request.path),
                )
            })?;
        match &self.inner.auth {
            Auth::OAuth1(credentials) => {
                let build = |client: &reqwest::Client| {
                    let header = credentials.authorization(
                        request.method.as_str(),
                        &url,
                        &request.query,
                        None,
                    )?;
                    Ok(build_request(client, &request, &url)?.header("authorization", header))
                };
                self.inner.http.execute(&request.spec, build).await
            }
            Auth::OAuth2(provider) => {
                with_token_refresh(provider.as_ref(), |token| {
                    self.send_bearer(&request, &url, token)
                })
                .await
            }
            Auth::AppOnly(token) => {
                if request.writes {
                    return Err(AuthError::new(
                        Platform::X,
                        format!(
                            "{} needs a user context; an app-only bearer token can only read. \
                             Use OAuth 1.0a credentials or an OAuth 2.0 user token",
                            request.spec.operation()
                        ),
                    )
                    .into());
                }
                self.send_bearer(&request, &url, token.clone()).await
            }
        }
    }

    async fn send_bearer(
        &self,
        request: &ApiRequest,
        url: &Url,
        token: Secret,
    ) -> Result<Response> {
        // A token a header cannot carry is an error, never a request sent
        // without credentials.
        let bearer = social_core::secret::authorization_header(Platform::X, "Bearer", &token)?;
        self.inner
            .http
            .execute(&request.spec, |client| {
                Ok(build_request(client, request, url)?.header("authorization", bearer.clone()))
            })
            .await
    }
}

/// Builds the request for one attempt. Query parameters use the RFC 3986
/// encoding the OAuth 1.0a signature is computed over.
fn build_request(
    client: &reqwest::Client,
    request: &ApiRequest,
    url: &Url,
) -> Result<reqwest::RequestBuilder> {
    let pairs: Vec<(&str, &str)> = request
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let full = if pairs.is_empty() {
        url.to_string()
    } else {
        oauth1_request::to_query(url.to_string(), &oauth1_request::ParameterList::new(pairs))
    };
    let builder = client.request(request.method.clone(), full);
    Ok(match &request.body {
        Body::Empty => builder,
        Body::Json(value) => builder.header("content-type", "application/json").body(
            serde_json::to_vec(value).map_err(|e| Error::invalid_input("body", e.to_string()))?,
        ),
        Body::Multipart(form) => {
            let form = form.clone();
            builder
                .header("content-type", form.content_type())
                .header("content-length", form.content_length())
                .body(form.into_body())
        }
    })
}

/// Configures a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    auth: Option<AuthChoice>,
    settings: HttpSettings,
    retry: Option<RetryPolicy>,
    timer: Option<Arc<dyn Timer>>,
    poll: PollSettings,
    chunk_size: Option<u64>,
    limits: PostLimits,
    quotas: Option<Vec<(String, Quota)>>,
    error: Option<Error>,
}

enum AuthChoice {
    OAuth1(OAuth1Credentials),
    OAuth2(Box<OAuth2Choice>),
    Provider(Arc<dyn TokenProvider>),
    AppOnly(Secret),
}

struct OAuth2Choice {
    app: OAuth2App,
    tokens: TokenSet,
    callback: Option<social_core::auth::TokenCallback>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Replaces `https://api.x.com/` (tests, proxies); must be `https`
    /// unless the host is loopback.
    pub fn base_url(mut self, url: &str) -> Self {
        self.base_url = Some(url.to_owned());
        self
    }

    /// Signs requests with OAuth 1.0a user-context credentials.
    pub fn oauth1(mut self, credentials: OAuth1Credentials) -> Self {
        self.auth = Some(AuthChoice::OAuth1(credentials));
        self
    }

    /// Uses OAuth 2.0 user tokens, refreshed through `app` when a refresh
    /// token is present. `callback` receives every rotated token set before
    /// any request uses it: persist it, because X invalidates the old
    /// refresh token.
    pub fn oauth2(
        mut self,
        app: OAuth2App,
        tokens: TokenSet,
        callback: Option<social_core::auth::TokenCallback>,
    ) -> Self {
        self.auth = Some(AuthChoice::OAuth2(Box::new(OAuth2Choice {
            app,
            tokens,
            callback,
        })));
        self
    }

    /// Uses the caller's own token provider for OAuth 2.0 user tokens.
    pub fn token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.auth = Some(AuthChoice::Provider(provider));
        self
    }

    /// Uses an app-only bearer token (reads only).
    pub fn app_only(mut self, bearer_token: impl Into<Secret>) -> Self {
        self.auth = Some(AuthChoice::AppOnly(bearer_token.into()));
        self
    }

    /// Sets timeouts, proxy, root certificates or a custom reqwest client.
    pub fn http_settings(mut self, settings: HttpSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Sets the retry policy.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Replaces the clock (tests inject `social_core::testing::ManualTimer`).
    pub fn timer(mut self, timer: Arc<dyn Timer>) -> Self {
        self.timer = Some(timer);
        self
    }

    /// Sets how media processing is polled (default deadline 30 minutes).
    pub fn poll_settings(mut self, poll: PollSettings) -> Self {
        self.poll = poll;
        self
    }

    /// Sets the media segment size in bytes (default 4 MiB, at least 64 KiB).
    pub fn chunk_size(mut self, bytes: u64) -> Self {
        // NOTE: X's v1.1 APPEND took at most 5 MB per segment; the v2
        // reference states no limit, so the same bound is kept here.
        if bytes > MAX_CHUNK_SIZE {
            self.error = Some(Error::invalid_input(
                "chunk_size",
                format!(
                    "{bytes} bytes is too large; X takes segments of at most {MAX_CHUNK_SIZE} bytes (5 MiB)"
                ),
            ));
        }
        if bytes < 64 * 1024 {
            self.error = Some(Error::invalid_input(
                "chunk_size",
                format!(
                    "{bytes} bytes is too small; use at least 65536 (64 KiB), 4 MiB is typical"
                ),
            ));
        }
        self.chunk_size = Some(bytes);
        self
    }

    /// Sets the text limits checked before posting (X Premium accounts may
    /// post longer texts than the default 280 weighted characters).
    pub fn post_limits(mut self, limits: PostLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Keeps X's documented per-user quotas on the client side
    /// ([`documented_quotas`]): a call that would exceed one waits until the
    /// window has room, instead of drawing a 429. Off by default.
    pub fn client_side_quotas(mut self) -> Self {
        self.quotas = Some(documented_quotas());
        self
    }

    /// Keeps these quotas on the client side, keyed by operation name
    /// (`create_post`, `media_append`, ...).
    pub fn custom_quotas(mut self, quotas: Vec<(String, Quota)>) -> Self {
        self.quotas = Some(quotas);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let base_url = parse_base_url(
            "base_url",
            self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
        )?;
        let mut config = HttpClientConfig::new(concat!("twitter-sdk/", env!("CARGO_PKG_VERSION")));
        config.settings = self.settings;
        config.retry = self.retry.unwrap_or_default();
        if let Some(timer) = self.timer {
            config.timer = timer;
        }
        let timer = config.timer.clone();
        config.limiter = self
            .quotas
            .map(|quotas| QuotaLimiter::new(quotas, timer.clone()));
        let http = HttpClient::new(config, Arc::new(XProtocol))?;
        let auth = match self.auth {
            None => {
                return Err(Error::invalid_input(
                    "auth",
                    "no credentials; call oauth1(), oauth2(), token_provider() or app_only() on the builder",
                ));
            }
            Some(AuthChoice::OAuth1(credentials)) => Auth::OAuth1(credentials),
            Some(AuthChoice::Provider(provider)) => Auth::OAuth2(provider),
            Some(AuthChoice::AppOnly(token)) => {
                StaticToken::new(Platform::X, token.clone())?;
                Auth::AppOnly(token)
            }
            Some(AuthChoice::OAuth2(choice)) => {
                let OAuth2Choice {
                    app,
                    tokens,
                    callback,
                } = *choice;
                if tokens.access_token.is_blank() {
                    return Err(Error::invalid_input(
                        "access_token",
                        "empty; complete the OAuth 2.0 authorization first",
                    ));
                }
                let unsafe_token = [Some(&tokens.access_token), tokens.refresh_token.as_ref()]
                    .into_iter()
                    .flatten()
                    .any(|t| !t.is_header_safe());
                if unsafe_token {
                    return Err(Error::invalid_input(
                        "access_token",
                        "a token contains spaces, line breaks or non-ASCII characters; check where it was copied from",
                    ));
                }
                let grant = XRefreshGrant::new(app, http.clone());
                let provider = RefreshingTokenProvider::new(grant, tokens)
                    .with_callback(callback)
                    .with_timer(timer);
                Auth::OAuth2(Arc::new(provider))
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                auth,
                poll: self.poll,
                chunk_size: self.chunk_size.unwrap_or(DEFAULT_CHUNK_SIZE),
                limits: self.limits,
            }),
        })
    }
}
