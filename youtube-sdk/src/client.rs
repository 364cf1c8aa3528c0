//! The YouTube client and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use social_core::auth::{TokenCallback, with_token_refresh};
use social_core::client::HttpClientConfig;
use social_core::http::Method;
use social_core::{
    Error, HttpClient, HttpSettings, QuotaLimiter, RequestSpec, Response, Result, RetryPolicy,
    Secret, StaticToken, Timer, TokenProvider, TokenSet, TokioTimer,
};
use url::Url;

use crate::auth::{DEFAULT_TOKEN_URL, GoogleRefreshGrant, google_token_provider};
use crate::error::YouTubeProtocol;
use crate::upload::DEFAULT_CHUNK_SIZE;

/// Google's API host; the API and upload paths are joined under it.
pub const DEFAULT_ROOT_URL: &str = "https://www.googleapis.com/";
/// The Data API version this crate speaks.
pub const DEFAULT_API_VERSION: &str = "v3";
/// Largest thumbnail accepted by default: 2 MiB, the limit older API
/// reference pages and Google's generated client enforce. Newer pages say
/// 50 MB; raise it with [`ClientBuilder::thumbnail_size_limit`].
// NOTE: which limit the API enforces today is uncertain; 2 MiB is the safe one.
pub const DEFAULT_THUMBNAIL_LIMIT: u64 = 2 * 1024 * 1024;

/// A YouTube Data API v3 client. Cheap to clone; clones share connections,
/// tokens and settings.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: HttpClient,
    pub(crate) tokens: Arc<dyn TokenProvider>,
    pub(crate) api_base: Url,
    pub(crate) upload_base: Url,
    pub(crate) upload_retry: RetryPolicy,
    pub(crate) max_session_restarts: u32,
    pub(crate) chunk_size: u64,
    pub(crate) thumbnail_limit: u64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_base", &self.inner.api_base.as_str())
            .field("upload_base", &self.inner.upload_base.as_str())
            .field("tokens", &self.inner.tokens)
            .field("chunk_size", &self.inner.chunk_size)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Builds a client from the environment:
    ///
    /// - `GOOGLE_CLIENT_ID`, `GOOGLE_CLIENT_SECRET` and
    ///   `YOUTUBE_REFRESH_TOKEN` (or `GOOGLE_REFRESH_TOKEN`): tokens are
    ///   refreshed as needed;
    /// - otherwise `YOUTUBE_ACCESS_TOKEN`: a fixed token (about one hour);
    /// - `YOUTUBE_ROOT_URL` and `GOOGLE_TOKEN_URL` optionally point
    ///   elsewhere (a proxy or a local fake).
    pub fn from_env() -> Result<Client> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut builder = Client::builder();
        let refresh = var("YOUTUBE_REFRESH_TOKEN").or_else(|| var("GOOGLE_REFRESH_TOKEN"));
        match (
            var("GOOGLE_CLIENT_ID"),
            var("GOOGLE_CLIENT_SECRET"),
            refresh,
        ) {
            (Some(id), Some(secret), Some(refresh)) => {
                builder = builder.oauth_client(id, secret).refresh_token(refresh);
            }
            _ => match var("YOUTUBE_ACCESS_TOKEN") {
                Some(token) => builder = builder.access_token(token),
                None => {
                    return Err(Error::invalid_input(
                        "credentials",
                        "set GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and YOUTUBE_REFRESH_TOKEN, \
                         or YOUTUBE_ACCESS_TOKEN",
                    ));
                }
            },
        }
        if let Some(root) = var("YOUTUBE_ROOT_URL") {
            builder = builder.root_url(root);
        }
        if let Some(token_url) = var("GOOGLE_TOKEN_URL") {
            builder = builder.token_url(token_url);
        }
        builder.build()
    }

    /// Returns the token provider.
    pub fn token_provider(&self) -> &Arc<dyn TokenProvider> {
        &self.inner.tokens
    }

    /// Returns the HTTP executor (its rate-limit state, settings and timer).
    pub fn http(&self) -> &HttpClient {
        &self.inner.http
    }

    pub(crate) fn api_url(&self, path: &str, query: &[(&str, &str)]) -> Result<Url> {
        join(&self.inner.api_base, path, query)
    }

    pub(crate) fn upload_url(&self, path: &str, query: &[(&str, &str)]) -> Result<Url> {
        join(&self.inner.upload_base, path, query)
    }

    /// Sends a JSON call with a bearer token, refreshing once when YouTube
    /// rejects the token.
    pub(crate) async fn call(
        &self,
        spec: RequestSpec,
        method: Method,
        url: Url,
        body: Option<serde_json::Value>,
    ) -> Result<Response> {
        let body = match body {
            Some(value) => Some(serde_json::to_vec(&value).map_err(|e| {
                Error::invalid_input("body", format!("could not be serialized: {e}"))
            })?),
            None => None,
        };
        let tokens = self.inner.tokens.as_ref();
        with_token_refresh(tokens, |token: Secret| {
            let spec = spec.clone();
            let method = method.clone();
            let url = url.clone();
            let body = body.clone();
            async move {
                let authorization = bearer(&token)?;
                self.inner
                    .http
                    .execute(&spec, |client| {
                        let mut request = client
                            .request(method.clone(), url.clone())
                            .header(reqwest::header::AUTHORIZATION, authorization.clone())
                            .header(reqwest::header::ACCEPT, "application/json");
                        if let Some(body) = &body {
                            request = request
                                .header(
                                    reqwest::header::CONTENT_TYPE,
                                    "application/json; charset=UTF-8",
                                )
                                .body(body.clone());
                        }
                        Ok(request)
                    })
                    .await
            }
        })
        .await
    }
}

/// Builds the `Authorization: Bearer` header. A token a header cannot carry
/// is an [`Error::Auth`], never a request sent without credentials.
pub(crate) fn bearer(token: &Secret) -> Result<reqwest::header::HeaderValue> {
    social_core::secret::authorization_header(social_core::Platform::YouTube, "Bearer", token)
}

fn join(base: &Url, path: &str, query: &[(&str, &str)]) -> Result<Url> {
    let mut url = base.join(path).map_err(|e| {
        Error::invalid_input("path", format!("`{path}` does not join the base URL: {e}"))
    })?;
    if !query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in query {
            pairs.append_pair(name, value);
        }
    }
    Ok(url)
}

/// Builds a [`Client`].
///
/// Credentials come in one of three forms: a [`TokenProvider`] of your own
/// (such as the yup-oauth2 adapter), an OAuth client plus refresh token
/// (refreshed through [`GoogleRefreshGrant`]), or a bare access token.
#[derive(Default)]
pub struct ClientBuilder {
    provider: Option<Arc<dyn TokenProvider>>,
    access_token: Option<Secret>,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    refresh_token: Option<Secret>,
    token_set: Option<TokenSet>,
    token_callback: Option<TokenCallback>,
    token_url: Option<String>,
    root_url: Option<String>,
    api_base_url: Option<String>,
    upload_base_url: Option<String>,
    api_version: Option<String>,
    settings: Option<HttpSettings>,
    retry: Option<RetryPolicy>,
    upload_retry: Option<RetryPolicy>,
    max_session_restarts: Option<u32>,
    timer: Option<Arc<dyn Timer>>,
    limiter: Option<QuotaLimiter>,
    chunk_size: Option<u64>,
    thumbnail_limit: Option<u64>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("client_id", &self.client_id)
            .field("root_url", &self.root_url)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Uses your own token provider (it wins over the other credentials).
    pub fn token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.provider = Some(provider);
        self
    }

    /// Uses a fixed access token; with an OAuth client and refresh token it
    /// is the first token used, refreshed when rejected.
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    /// Sets the OAuth client that owns the refresh token.
    pub fn oauth_client(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        self.client_id = Some(client_id.into());
        self.client_secret = Some(client_secret.into());
        self
    }

    /// Sets the refresh token (from `examples/authorize.rs` or your own consent flow).
    pub fn refresh_token(mut self, token: impl Into<Secret>) -> Self {
        self.refresh_token = Some(token.into());
        self
    }

    /// Starts from a saved token set (access token, expiry, refresh token).
    pub fn token_set(mut self, tokens: TokenSet) -> Self {
        self.token_set = Some(tokens);
        self
    }

    /// Receives every refreshed token set, before any request uses it;
    /// persist it there.
    pub fn on_token_refresh(
        mut self,
        callback: impl Fn(&TokenSet) + Send + Sync + 'static,
    ) -> Self {
        self.token_callback = Some(Arc::new(callback));
        self
    }

    /// Sets the OAuth token endpoint. Default `https://oauth2.googleapis.com/token`.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// Sets the root under which `youtube/v3/` and `upload/youtube/v3/` are
    /// joined. Default `https://www.googleapis.com/`; `http` only on loopback.
    pub fn root_url(mut self, url: impl Into<String>) -> Self {
        self.root_url = Some(url.into());
        self
    }

    /// Sets the Data API base directly (default `{root}youtube/v3/`).
    pub fn api_base_url(mut self, url: impl Into<String>) -> Self {
        self.api_base_url = Some(url.into());
        self
    }

    /// Sets the upload base directly (default `{root}upload/youtube/v3/`).
    pub fn upload_base_url(mut self, url: impl Into<String>) -> Self {
        self.upload_base_url = Some(url.into());
        self
    }

    /// Sets the API version in the paths. Default `v3`.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// Sets timeouts, proxy, root certificates or your own reqwest client.
    pub fn http_settings(mut self, settings: HttpSettings) -> Self {
        self.settings = Some(settings);
        self
    }

    /// Sets retries of JSON calls and of the token refresh.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Sets retries of an upload. The attempt count and wait budget apply to
    /// each stall and start afresh whenever the server confirms new bytes.
    /// Default: 10 attempts, backoff from 1 s doubling to 64 s, 15 minutes
    /// of waiting per stall, `Retry-After` up to 5 minutes honoured.
    pub fn upload_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.upload_retry = Some(retry);
        self
    }

    /// Sets how many times an upload may start a new session after the old
    /// one expired (404/410). Default 3.
    pub fn max_session_restarts(mut self, restarts: u32) -> Self {
        self.max_session_restarts = Some(restarts);
        self
    }

    /// Sets the default chunk size of uploads: a multiple of 256 KiB.
    /// Default 8 MiB.
    pub fn chunk_size(mut self, bytes: u64) -> Self {
        self.chunk_size = Some(bytes);
        self
    }

    /// Sets the largest thumbnail accepted before sending. Default 2 MiB.
    pub fn thumbnail_size_limit(mut self, bytes: u64) -> Self {
        self.thumbnail_limit = Some(bytes);
        self
    }

    /// Uses another clock and sleep (tests).
    pub fn timer(mut self, timer: Arc<dyn Timer>) -> Self {
        self.timer = Some(timer);
        self
    }

    /// Keeps client-side quotas; calls are counted under the keys
    /// `videos.insert` and `units` (see [`crate::quota`]).
    pub fn quota_limiter(mut self, limiter: QuotaLimiter) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// Checks everything and builds the client.
    pub fn build(self) -> Result<Client> {
        let timer = self.timer.clone().unwrap_or_else(|| Arc::new(TokioTimer));
        let settings = self.settings.clone().unwrap_or_default();
        let retry = self.retry.unwrap_or_default();
        let (api_base, upload_base) = self.base_urls()?;
        let chunk_size = self.chunk_size.unwrap_or(DEFAULT_CHUNK_SIZE);
        crate::upload::validate_chunk_size(chunk_size)?;
        let tokens = self.tokens(&settings, retry, &timer)?;

        let mut config = HttpClientConfig::new(crate::USER_AGENT);
        config.settings = settings;
        config.retry = retry;
        config.timer = timer;
        config.limiter = self.limiter;
        let http = HttpClient::new(config, Arc::new(YouTubeProtocol))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                tokens,
                api_base,
                upload_base,
                upload_retry: self.upload_retry.unwrap_or_else(default_upload_retry),
                max_session_restarts: self.max_session_restarts.unwrap_or(3),
                chunk_size,
                thumbnail_limit: self.thumbnail_limit.unwrap_or(DEFAULT_THUMBNAIL_LIMIT),
            }),
        })
    }

    fn base_urls(&self) -> Result<(Url, Url)> {
        let version = self.api_version.as_deref().unwrap_or(DEFAULT_API_VERSION);
        if version.is_empty() || !version.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Error::invalid_input(
                "api_version",
                format!("`{version}` is not a version such as v3"),
            ));
        }
        let root = social_core::parse_base_url(
            "root_url",
            self.root_url.as_deref().unwrap_or(DEFAULT_ROOT_URL),
        )?;
        let derived = |path: String| {
            root.join(&path)
                .map_err(|e| Error::invalid_input("root_url", e.to_string()))
        };
        let api = match &self.api_base_url {
            Some(url) => social_core::parse_base_url("api_base_url", url)?,
            None => derived(format!("youtube/{version}/"))?,
        };
        let upload = match &self.upload_base_url {
            Some(url) => social_core::parse_base_url("upload_base_url", url)?,
            None => derived(format!("upload/youtube/{version}/"))?,
        };
        Ok((api, upload))
    }

    fn tokens(
        &self,
        settings: &HttpSettings,
        retry: RetryPolicy,
        timer: &Arc<dyn Timer>,
    ) -> Result<Arc<dyn TokenProvider>> {
        if let Some(provider) = &self.provider {
            return Ok(provider.clone());
        }
        let refresh = self.refresh_token.clone().or_else(|| {
            self.token_set
                .as_ref()
                .and_then(|t| t.refresh_token.clone())
        });
        if let Some(refresh) = refresh {
            let (Some(id), Some(secret)) = (&self.client_id, &self.client_secret) else {
                return Err(Error::invalid_input(
                    "oauth_client",
                    "a refresh token needs the OAuth client id and secret it was issued to",
                ));
            };
            if refresh.is_blank() {
                return Err(Error::invalid_input(
                    "refresh_token",
                    "empty; authorize again to get one",
                ));
            }
            if !refresh.is_header_safe() {
                return Err(Error::invalid_input(
                    "refresh_token",
                    "contains spaces, line breaks or non-ASCII characters, which no refresh \
                     token has; check where it was copied from",
                ));
            }
            let grant = GoogleRefreshGrant::builder(id.clone(), secret.clone())
                .token_url(
                    self.token_url
                        .clone()
                        .unwrap_or_else(|| DEFAULT_TOKEN_URL.to_owned()),
                )
                .http_settings(settings.clone())
                .retry_policy(retry)
                .timer(timer.clone())
                .build()?;
            let mut tokens = self.token_set.clone().unwrap_or_else(|| {
                TokenSet::new(self.access_token.clone().unwrap_or_else(|| Secret::new("")))
            });
            // An empty access token is refreshed before first use; any other
            // must be one a header can carry.
            if !tokens.access_token.is_blank() && !tokens.access_token.is_header_safe() {
                return Err(Error::invalid_input(
                    "access_token",
                    "contains spaces, line breaks or non-ASCII characters, which no access \
                     token has; check where it was copied from",
                ));
            }
            tokens.refresh_token = Some(refresh);
            let provider =
                google_token_provider(grant, tokens).with_callback(self.token_callback.clone());
            return Ok(Arc::new(provider));
        }
        let access = self
            .access_token
            .clone()
            .or_else(|| self.token_set.as_ref().map(|t| t.access_token.clone()));
        match access {
            Some(token) => Ok(Arc::new(StaticToken::new(
                social_core::Platform::YouTube,
                token,
            )?)),
            None => Err(Error::invalid_input(
                "credentials",
                "give an access token, an OAuth client with a refresh token, or a token provider",
            )),
        }
    }
}

fn default_upload_retry() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(10)
        .with_base_delay(Duration::from_secs(1))
        .with_max_delay(Duration::from_secs(64))
        .with_max_total_wait(Duration::from_secs(15 * 60))
        .with_max_retry_after(Duration::from_secs(5 * 60))
}
