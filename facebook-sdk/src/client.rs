//! The Pages client and its builder.

use std::fmt;
use std::sync::Arc;

use social_core::{
    Error, HttpSettings, Platform, PollSettings, Result, RetryPolicy, Secret, Timer,
};
use tokio::sync::OnceCell;

use crate::graph::{GraphClient, GraphConfig};

/// The largest photo accepted for upload by default, in bytes (4 MB).
// NOTE: 4 MB comes from the wording of Graph error 1366046 as one client
// reports it, not from a reference page. Raise it with
// `ClientBuilder::max_photo_bytes` if Meta accepts a larger photo.
pub const DEFAULT_MAX_PHOTO_BYTES: u64 = 4_000_000;

/// The token the client was configured with.
#[derive(Clone)]
pub(crate) enum Credential {
    /// A Page token, used as is.
    Page(Secret),
    /// A user token; the Page token is fetched from it on first use.
    User(Secret),
}

/// A client for one Facebook Page.
///
/// Build it with [`Client::builder`] or [`Client::from_env`]. It is cheap to
/// clone, and clones share connections, the fetched Page token and the
/// usage state.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) graph: GraphClient,
    pub(crate) page_id: String,
    pub(crate) credential: Credential,
    pub(crate) page_token: OnceCell<Secret>,
    pub(crate) app_id: Option<String>,
    pub(crate) app_secret: Option<Secret>,
    pub(crate) poll: PollSettings,
    pub(crate) max_photo_bytes: u64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credential = match self.inner.credential {
            Credential::Page(_) => "page token [redacted]",
            Credential::User(_) => "user token [redacted]",
        };
        f.debug_struct("Client")
            .field("page_id", &self.inner.page_id)
            .field("credential", &credential)
            .field("app_id", &self.inner.app_id)
            .field(
                "app_secret",
                &self.inner.app_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("graph", &self.inner.graph)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Builds a client from the environment: `FACEBOOK_PAGE_ID`, and
    /// `FACEBOOK_PAGE_ACCESS_TOKEN` or `FACEBOOK_USER_ACCESS_TOKEN`, plus the
    /// optional `FACEBOOK_APP_ID`, `FACEBOOK_APP_SECRET` and
    /// `FACEBOOK_GRAPH_API_VERSION`.
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env().build()
    }

    /// Returns the Page id.
    pub fn page_id(&self) -> &str {
        &self.inner.page_id
    }

    /// Returns the Graph client, for calls this SDK does not wrap.
    pub fn graph(&self) -> &GraphClient {
        &self.inner.graph
    }

    pub(crate) fn timer(&self) -> &Arc<dyn Timer> {
        self.inner.graph.timer()
    }
}

/// Builds a [`Client`]. Every setting is checked in [`ClientBuilder::build`],
/// before any request is sent.
#[derive(Clone)]
pub struct ClientBuilder {
    page_id: Option<String>,
    page_token: Option<Secret>,
    user_token: Option<Secret>,
    app_id: Option<String>,
    app_secret: Option<Secret>,
    graph: GraphConfig,
    poll: PollSettings,
    max_photo_bytes: u64,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |set: bool| set.then_some("[redacted]");
        f.debug_struct("ClientBuilder")
            .field("page_id", &self.page_id)
            .field("page_token", &redacted(self.page_token.is_some()))
            .field("user_token", &redacted(self.user_token.is_some()))
            .field("app_id", &self.app_id)
            .field("app_secret", &redacted(self.app_secret.is_some()))
            .field("graph", &self.graph)
            .field("poll", &self.poll)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            page_id: None,
            page_token: None,
            user_token: None,
            app_id: None,
            app_secret: None,
            graph: GraphConfig::new(Platform::Facebook),
            poll: PollSettings::default(),
            max_photo_bytes: DEFAULT_MAX_PHOTO_BYTES,
        }
    }
}

impl ClientBuilder {
    /// Starts a builder from the variables [`Client::from_env`] reads; unset
    /// variables leave their setting unset, and `build` names what is missing.
    pub fn from_env() -> ClientBuilder {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut builder = ClientBuilder {
            page_id: var("FACEBOOK_PAGE_ID"),
            page_token: var("FACEBOOK_PAGE_ACCESS_TOKEN").map(Secret::new),
            user_token: var("FACEBOOK_USER_ACCESS_TOKEN").map(Secret::new),
            app_id: var("FACEBOOK_APP_ID"),
            app_secret: var("FACEBOOK_APP_SECRET").map(Secret::new),
            ..ClientBuilder::default()
        };
        if let Some(version) = var("FACEBOOK_GRAPH_API_VERSION") {
            builder.graph = builder.graph.api_version(version);
        }
        builder
    }

    /// Sets the numeric id of the Page to publish to. Required.
    pub fn page_id(mut self, page_id: impl Into<String>) -> Self {
        self.page_id = Some(page_id.into());
        self
    }

    /// Sets a Page access token, used as is.
    pub fn page_token(mut self, token: impl Into<Secret>) -> Self {
        self.page_token = Some(token.into());
        self
    }

    /// Sets a user access token instead of a Page token. On first use, the
    /// client fetches the Page token with `GET /{page-id}?fields=access_token`
    /// (falling back to `GET /me/accounts`). Use a long-lived user token:
    /// a Page token fetched with a short-lived one expires within hours.
    pub fn user_token(mut self, token: impl Into<Secret>) -> Self {
        self.user_token = Some(token.into());
        self
    }

    /// Sets the app id, needed for [`Client::verify`] with an app token, the
    /// long-lived token exchange and resumable upload sessions.
    pub fn app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = Some(app_id.into());
        self
    }

    /// Sets the app secret; every call then carries `appsecret_proof`.
    pub fn app_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.app_secret = Some(secret.into());
        self
    }

    /// Sets the Graph API version, such as `v26.0`.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.graph = self.graph.api_version(version);
        self
    }

    /// Sets the Graph host (tests, proxies).
    pub fn graph_url(mut self, url: impl Into<String>) -> Self {
        self.graph = self.graph.graph_url(url);
        self
    }

    /// Sets the video upload host.
    pub fn video_url(mut self, url: impl Into<String>) -> Self {
        self.graph = self.graph.video_url(url);
        self
    }

    /// Sets the binary upload host used by Reels.
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

    /// Sets how video processing is polled. Default: 2 s doubling to 60 s,
    /// for up to 30 minutes.
    pub fn poll_settings(mut self, settings: PollSettings) -> Self {
        self.poll = settings;
        self
    }

    /// Sets the largest photo file accepted for upload, in bytes. Default
    /// [`DEFAULT_MAX_PHOTO_BYTES`].
    pub fn max_photo_bytes(mut self, bytes: u64) -> Self {
        self.max_photo_bytes = bytes;
        self
    }

    /// Checks every setting and builds the client. No request is sent.
    ///
    /// Fails with `InvalidInput` naming `page_id` when it is missing or not
    /// numeric, `page_token`/`user_token` when neither or both are set or
    /// one is empty or contains characters a header cannot carry,
    /// `poll_settings` when an interval is zero, and `app_id`, `app_secret`,
    /// `api_version` or a URL setting when malformed.
    pub fn build(self) -> Result<Client> {
        let page_id = check_page_id(self.page_id)?;
        let credential = check_credential(self.page_token, self.user_token)?;
        crate::graph::poll::check_settings(&self.poll)?;
        let app_id = self.app_id.map(|id| id.trim().to_owned());
        if let Some(id) = &app_id
            && !is_numeric_id(id)
        {
            return Err(Error::invalid_input(
                "app_id",
                format!("`{id}` is not a numeric app id; copy it from the app dashboard"),
            ));
        }
        let mut graph = self.graph;
        if let Some(secret) = &self.app_secret {
            graph = graph.app_secret(secret.clone());
        }
        let graph = GraphClient::new(graph)?;
        Ok(Client {
            inner: Arc::new(Inner {
                graph,
                page_id,
                credential,
                page_token: OnceCell::new(),
                app_id,
                app_secret: self.app_secret,
                poll: self.poll,
                max_photo_bytes: self.max_photo_bytes,
            }),
        })
    }
}

fn check_page_id(page_id: Option<String>) -> Result<String> {
    let Some(page_id) = page_id.map(|id| id.trim().to_owned()) else {
        return Err(Error::invalid_input(
            "page_id",
            "is missing; set the numeric id of the Page to publish to \
             (shown in the Page's settings, or returned by GET /me/accounts)",
        ));
    };
    if !is_numeric_id(&page_id) {
        return Err(Error::invalid_input(
            "page_id",
            format!("`{page_id}` is not a numeric Page id; use the id, not the Page's name or URL"),
        ));
    }
    Ok(page_id)
}

const UNSAFE_TOKEN: &str = "contains spaces, line breaks or non-ASCII characters, which no access \
     token has; check where it was copied from";

fn check_credential(page: Option<Secret>, user: Option<Secret>) -> Result<Credential> {
    match (page, user) {
        (Some(_), Some(_)) => Err(Error::invalid_input(
            "user_token",
            "is set together with page_token; set only one of them",
        )),
        (Some(token), None) if token.is_blank() => Err(Error::invalid_input(
            "page_token",
            "is empty; set a Page access token",
        )),
        (None, Some(token)) if token.is_blank() => Err(Error::invalid_input(
            "user_token",
            "is empty; set a user access token",
        )),
        (Some(token), None) if !token.is_header_safe() => {
            Err(Error::invalid_input("page_token", UNSAFE_TOKEN))
        }
        (None, Some(token)) if !token.is_header_safe() => {
            Err(Error::invalid_input("user_token", UNSAFE_TOKEN))
        }
        (Some(token), None) => Ok(Credential::Page(token)),
        (None, Some(token)) => Ok(Credential::User(token)),
        (None, None) => Err(Error::invalid_input(
            "page_token",
            "is missing; set a Page access token, or a user token with user_token() \
             so the client fetches the Page token",
        )),
    }
}

/// Tells whether `id` is a non-empty run of ASCII digits.
pub(crate) fn is_numeric_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}
