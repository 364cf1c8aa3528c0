//! The publishing client and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use facebook_sdk::graph::{
    FACEBOOK_GRAPH_URL, GraphClient, GraphConfig, GraphRequest, INSTAGRAM_GRAPH_URL,
};
use serde::de::DeserializeOwned;
use social_core::auth::with_token_refresh;
use social_core::{
    Error, HttpSettings, Platform, PollSettings, QuotaLimiter, Response, Result, RetryPolicy,
    Secret, StaticToken, Timer, TokenProvider,
};
use tokio::sync::OnceCell;

use crate::error::instagram_protocol;
use crate::model::Account;
use crate::validate;

/// Which login the access token comes from; it decides the Graph host and
/// how the Instagram user id is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Login {
    /// Instagram API with Facebook Login: a Facebook Page or user token on
    /// `graph.facebook.com`. The Instagram account is the one linked to the Page.
    Facebook,
    /// Instagram API with Instagram Login: an Instagram user token (`IGAA…`)
    /// on `graph.instagram.com`. No Page is involved.
    Instagram,
}

/// Publishing options beyond polling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PublishSettings {
    pub(crate) check_quota: bool,
    pub(crate) not_ready_retries: u32,
    pub(crate) republish_limit: u32,
    pub(crate) read_back: bool,
}

impl Default for PublishSettings {
    fn default() -> Self {
        PublishSettings {
            check_quota: false,
            not_ready_retries: 3,
            republish_limit: 2,
            read_back: true,
        }
    }
}

/// A client for one professional Instagram account.
///
/// Build it with [`Client::facebook_login`] or [`Client::instagram_login`]
/// (or [`Client::from_env`]). It is cheap to clone, and clones share
/// connections, the resolved account and the usage state.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) graph: GraphClient,
    pub(crate) login: Login,
    pub(crate) tokens: Arc<dyn TokenProvider>,
    pub(crate) page_id: Option<String>,
    pub(crate) account: OnceCell<Account>,
    pub(crate) poll: PollSettings,
    pub(crate) publish: PublishSettings,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("login", &self.inner.login)
            .field("page_id", &self.inner.page_id)
            .field("account", &self.inner.account.get())
            .field("tokens", &self.inner.tokens)
            .field("graph", &self.inner.graph)
            .field("poll", &self.inner.poll)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a builder for Instagram API with Facebook Login
    /// (`graph.facebook.com`). Set `page_id` (or `ig_user_id`) and a token.
    pub fn facebook_login() -> ClientBuilder {
        ClientBuilder::new(Login::Facebook)
    }

    /// Starts a builder for Instagram API with Instagram Login
    /// (`graph.instagram.com`). Set an Instagram user token.
    pub fn instagram_login() -> ClientBuilder {
        ClientBuilder::new(Login::Instagram)
    }

    /// Builds a client from the environment. With `INSTAGRAM_PAGE_ID` set,
    /// it uses Facebook Login, otherwise Instagram Login. It reads
    /// `INSTAGRAM_ACCESS_TOKEN` (required), and the optional
    /// `INSTAGRAM_USER_ID`, `INSTAGRAM_APP_SECRET` and `INSTAGRAM_GRAPH_API_VERSION`.
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env().build()
    }

    /// Returns the login flavour.
    pub fn login(&self) -> Login {
        self.inner.login
    }

    /// Returns the Graph client, for calls this SDK does not wrap.
    pub fn graph(&self) -> &GraphClient {
        &self.inner.graph
    }

    /// Returns the usage state (`X-App-Usage`, `X-Business-Use-Case-Usage`)
    /// of the latest responses.
    pub fn rate_limits(&self) -> Vec<social_core::RateLimit> {
        self.inner.graph.rate_limits()
    }

    pub(crate) fn timer(&self) -> &Arc<dyn Timer> {
        self.inner.graph.timer()
    }

    /// Sends the request `build` makes with the current token. When Graph
    /// rejects the token, the provider refreshes it once and the request is
    /// sent once more; a provider without a refresh path returns an `Auth`
    /// error saying what to do.
    pub(crate) async fn send<F>(&self, build: F) -> Result<Response>
    where
        F: Fn(&Secret) -> GraphRequest,
    {
        let graph = &self.inner.graph;
        with_token_refresh(self.inner.tokens.as_ref(), |token| {
            let request = build(&token);
            async move { graph.send(&request).await }
        })
        .await
    }

    /// Sends like [`Client::send`] and decodes the JSON response.
    pub(crate) async fn send_json<T, F>(&self, build: F) -> Result<T>
    where
        T: DeserializeOwned,
        F: Fn(&Secret) -> GraphRequest,
    {
        self.send(build).await?.json()
    }
}

/// Builds a [`Client`]. Every setting is checked in [`ClientBuilder::build`],
/// before any request is sent.
#[derive(Clone)]
pub struct ClientBuilder {
    login: Login,
    token: Option<Secret>,
    provider: Option<Arc<dyn TokenProvider>>,
    page_id: Option<String>,
    ig_user_id: Option<String>,
    graph: GraphConfig,
    poll: PollSettings,
    publish: PublishSettings,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("login", &self.login)
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("provider", &self.provider)
            .field("page_id", &self.page_id)
            .field("ig_user_id", &self.ig_user_id)
            .field("graph", &self.graph)
            .field("poll", &self.poll)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    fn new(login: Login) -> ClientBuilder {
        let host = match login {
            Login::Facebook => FACEBOOK_GRAPH_URL,
            Login::Instagram => INSTAGRAM_GRAPH_URL,
        };
        let graph = GraphConfig::new(Platform::Instagram)
            .graph_url(host)
            .user_agent(concat!("instagram-sdk/", env!("CARGO_PKG_VERSION")));
        ClientBuilder {
            login,
            token: None,
            provider: None,
            page_id: None,
            ig_user_id: None,
            graph,
            poll: PollSettings::default(),
            publish: PublishSettings::default(),
        }
    }

    /// Starts a builder from the variables [`Client::from_env`] reads;
    /// unset variables leave their setting unset, and `build` names what is missing.
    pub fn from_env() -> ClientBuilder {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let page_id = var("INSTAGRAM_PAGE_ID");
        let mut builder = match page_id {
            Some(page_id) => Client::facebook_login().page_id(page_id),
            None => Client::instagram_login(),
        };
        builder.token = var("INSTAGRAM_ACCESS_TOKEN").map(Secret::new);
        builder.ig_user_id = var("INSTAGRAM_USER_ID");
        if let Some(secret) = var("INSTAGRAM_APP_SECRET") {
            builder = builder.app_secret(secret);
        }
        if let Some(version) = var("INSTAGRAM_GRAPH_API_VERSION") {
            builder = builder.api_version(version);
        }
        builder
    }

    /// Sets a fixed access token: a Page or user token with Facebook Login,
    /// an Instagram user token with Instagram Login.
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Sets a token provider instead of a fixed token, such as a
    /// `RefreshingTokenProvider` over [`crate::InstagramRefresh`].
    pub fn token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.provider = Some(provider);
        self
    }

    /// Sets the Facebook Page the Instagram account is linked to (Facebook
    /// Login). The client reads the account from the Page's
    /// `instagram_business_account` on first use.
    pub fn page_id(mut self, page_id: impl Into<String>) -> Self {
        self.page_id = Some(page_id.into());
        self
    }

    /// Sets the Instagram user id (`1784…`) directly, which skips the lookup
    /// and its account checks. It is not the Facebook user id, the Page id,
    /// the `@username`, or the app-scoped `id` of Instagram Login's `/me`.
    pub fn ig_user_id(mut self, id: impl Into<String>) -> Self {
        self.ig_user_id = Some(id.into());
        self
    }

    /// Sets the app secret; every call then carries `appsecret_proof`.
    pub fn app_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.graph = self.graph.app_secret(secret);
        self
    }

    /// Sets the Graph API version, such as `v26.0`.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.graph = self.graph.api_version(version);
        self
    }

    /// Sets the Graph host (tests, proxies). Default `graph.facebook.com`
    /// or `graph.instagram.com`, by login.
    pub fn graph_url(mut self, url: impl Into<String>) -> Self {
        self.graph = self.graph.graph_url(url);
        self
    }

    /// Sets the binary upload host. Default `rupload.facebook.com`.
    pub fn rupload_url(mut self, url: impl Into<String>) -> Self {
        self.graph = self.graph.rupload_url(url);
        self
    }

    /// Sets timeouts, proxy and root certificates.
    pub fn http_settings(mut self, settings: HttpSettings) -> Self {
        self.graph = self.graph.http_settings(settings);
        self
    }

    /// Sets the retry limits.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.graph = self.graph.retry_policy(policy);
        self
    }

    /// Sets the clock and sleep (tests inject `ManualTimer`).
    pub fn timer(mut self, timer: Arc<dyn Timer>) -> Self {
        self.graph = self.graph.timer(timer);
        self
    }

    /// Sets a client-side limiter; `media_publish` counts against its key
    /// `"media_publish"`, so a known daily quota is kept locally.
    pub fn quota_limiter(mut self, limiter: QuotaLimiter) -> Self {
        self.graph = self.graph.quota_limiter(limiter);
        self
    }

    /// Sets how container status is polled. Default: 2 s doubling to 60 s,
    /// for up to 30 minutes, because large Reels take longer than the
    /// 5 minutes Meta suggests.
    pub fn poll_settings(mut self, settings: PollSettings) -> Self {
        self.poll = settings;
        self
    }

    /// Reads `content_publishing_limit` before each publish and fails with
    /// `QuotaExceeded` when the window is used up. Default off (one more
    /// call per post).
    pub fn check_quota_before_publish(mut self, check: bool) -> Self {
        self.publish.check_quota = check;
        self
    }

    /// Sets how often a publish refused as "not ready" (9007/2207027) is
    /// sent again after the container is polled to `FINISHED`. Default 3.
    pub fn not_ready_retries(mut self, retries: u32) -> Self {
        self.publish.not_ready_retries = retries;
        self
    }

    /// Sets how often a publish whose response was lost is sent again when
    /// the container still reads `FINISHED` afterwards. Default 2.
    pub fn republish_limit(mut self, limit: u32) -> Self {
        self.publish.republish_limit = limit;
        self
    }

    /// Reads the permalink and media types after publishing. Default on; a
    /// failed read never turns a published post into an error.
    pub fn read_back(mut self, read_back: bool) -> Self {
        self.publish.read_back = read_back;
        self
    }

    /// Checks every setting and builds the client. No request is sent.
    ///
    /// Fails with `InvalidInput` naming `access_token` (missing, empty, or
    /// set together with a provider), `page_id` (missing with Facebook Login
    /// and no `ig_user_id`, set with Instagram Login, or not numeric),
    /// `ig_user_id`, `api_version`, a URL setting or `app_secret`.
    pub fn build(self) -> Result<Client> {
        let tokens = self.check_tokens()?;
        let page_id = self.check_page_id()?;
        let ig_user_id = self
            .ig_user_id
            .as_deref()
            .map(|id| validate::numeric_id("ig_user_id", id))
            .transpose()?;
        check_poll(&self.poll)?;
        let graph = GraphClient::with_protocol(self.graph, instagram_protocol())?;
        let account = match ig_user_id {
            Some(ig_user_id) => OnceCell::new_with(Some(Account {
                ig_user_id,
                username: None,
                account_type: None,
            })),
            None => OnceCell::new(),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                graph,
                login: self.login,
                tokens,
                page_id,
                account,
                poll: self.poll,
                publish: self.publish,
            }),
        })
    }

    fn check_tokens(&self) -> Result<Arc<dyn TokenProvider>> {
        match (&self.token, &self.provider) {
            (Some(_), Some(_)) => Err(Error::invalid_input(
                "access_token",
                "is set together with a token provider; set only one of them",
            )),
            (Some(token), None) => Ok(Arc::new(StaticToken::new(
                Platform::Instagram,
                token.clone(),
            )?)),
            (None, Some(provider)) => Ok(provider.clone()),
            (None, None) => Err(Error::invalid_input(
                "access_token",
                match self.login {
                    Login::Facebook => {
                        "is missing; set a Facebook Page or user token with instagram_content_publish"
                    }
                    Login::Instagram => {
                        "is missing; set an Instagram user token with instagram_business_content_publish"
                    }
                },
            )),
        }
    }

    fn check_page_id(&self) -> Result<Option<String>> {
        match (self.login, &self.page_id) {
            (Login::Instagram, Some(_)) => Err(Error::invalid_input(
                "page_id",
                "is set with Instagram Login, which needs no Page; remove it or use Client::facebook_login",
            )),
            (Login::Instagram, None) => Ok(None),
            (Login::Facebook, Some(id)) => validate::numeric_id("page_id", id).map(Some),
            (Login::Facebook, None) if self.ig_user_id.is_some() => Ok(None),
            (Login::Facebook, None) => Err(Error::invalid_input(
                "page_id",
                "is missing; set the id of the Facebook Page the Instagram account is linked to, \
                 or set ig_user_id",
            )),
        }
    }
}

fn check_poll(poll: &PollSettings) -> Result<()> {
    if poll.initial_interval.is_zero() || poll.max_interval.is_zero() {
        return Err(Error::invalid_input(
            "poll_settings",
            "has a zero interval; polling without a pause would flood the API",
        ));
    }
    if poll.deadline < Duration::from_secs(1) {
        return Err(Error::invalid_input(
            "poll_settings",
            "has a deadline under one second; give processing time to finish",
        ));
    }
    Ok(())
}
