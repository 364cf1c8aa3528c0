//! Access tokens: the provider trait, a single-flight refreshing provider,
//! and the "refresh once on 401, then retry" helper.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::{AuthError, Error, ErrorKind, Platform, Result};
use crate::secret::Secret;
use crate::time::{Timer, TokioTimer};

/// An OAuth token set, as returned by a token endpoint.
///
/// Serializable so the application can persist it; the secrets serialize as
/// plain text, so store it where only the application can read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenSet {
    /// The bearer token sent with API calls.
    pub access_token: Secret,
    /// The token used to get a new access token, when the platform issued one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    /// When the access token expires, when known.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "unix_seconds"
    )]
    pub expires_at: Option<SystemTime>,
    /// When the refresh token expires, when known.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "unix_seconds"
    )]
    pub refresh_expires_at: Option<SystemTime>,
    /// The scopes granted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
}

impl TokenSet {
    /// Creates a token set with only an access token.
    pub fn new(access_token: impl Into<Secret>) -> TokenSet {
        TokenSet {
            access_token: access_token.into(),
            refresh_token: None,
            expires_at: None,
            refresh_expires_at: None,
            scopes: Vec::new(),
        }
    }

    /// Sets the refresh token.
    pub fn with_refresh_token(mut self, refresh_token: impl Into<Secret>) -> TokenSet {
        self.refresh_token = Some(refresh_token.into());
        self
    }

    /// Sets when the access token expires.
    pub fn with_expires_at(mut self, expires_at: SystemTime) -> TokenSet {
        self.expires_at = Some(expires_at);
        self
    }

    /// Tells whether the access token expires within `margin` of `now`.
    pub fn expires_within(&self, margin: Duration, now: SystemTime) -> bool {
        // A margin too large for the clock means "always due".
        self.expires_at
            .is_some_and(|at| now.checked_add(margin).is_none_or(|due| at <= due))
    }

    /// Merges a refresh response into this set: a response without a refresh
    /// token keeps the old one (Google does not resend it), and an absent
    /// scope list keeps the old scopes.
    pub fn merge_refreshed(&self, mut refreshed: TokenSet) -> TokenSet {
        if refreshed.refresh_token.is_none() {
            refreshed.refresh_token = self.refresh_token.clone();
            if refreshed.refresh_expires_at.is_none() {
                refreshed.refresh_expires_at = self.refresh_expires_at;
            }
        }
        if refreshed.scopes.is_empty() {
            refreshed.scopes = self.scopes.clone();
        }
        refreshed
    }
}

mod unix_seconds {
    use std::time::{Duration, SystemTime};

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        time: &Option<SystemTime>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match time.and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok()) {
            Some(d) => s.serialize_some(&d.as_secs()),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<SystemTime>, D::Error> {
        let secs = Option::<u64>::deserialize(d)?;
        secs.map(|s| {
            SystemTime::UNIX_EPOCH
                .checked_add(Duration::from_secs(s))
                .ok_or_else(|| {
                    serde::de::Error::custom(format!("{s} seconds is out of range for a time"))
                })
        })
        .transpose()
    }
}

/// A source of access tokens for API calls.
#[async_trait]
pub trait TokenProvider: fmt::Debug + Send + Sync {
    /// Returns a token to send now, refreshing first when it is known to be
    /// about to expire.
    async fn access_token(&self) -> Result<Secret>;

    /// Returns a new token after the platform rejected `rejected`.
    ///
    /// Concurrent callers that saw the same rejected token share one refresh.
    /// The default has no refresh path and returns an [`AuthError`].
    async fn refresh_rejected(&self, rejected: &Secret) -> Result<Secret> {
        let _ = rejected;
        Err(AuthError::new(
            self.platform(),
            "the access token was rejected and this provider cannot refresh it; \
             supply a new access token or configure a refresh token",
        )
        .into())
    }

    /// Returns the platform the tokens are for.
    fn platform(&self) -> Platform;
}

/// A fixed access token with no way to refresh it.
#[derive(Debug, Clone)]
pub struct StaticToken {
    platform: Platform,
    token: Secret,
}

impl StaticToken {
    /// Wraps a token; rejects an empty one.
    pub fn new(platform: Platform, token: impl Into<Secret>) -> Result<StaticToken> {
        let token = token.into();
        if token.is_blank() {
            return Err(Error::invalid_input(
                "access_token",
                "empty; supply a non-empty token",
            ));
        }
        if !token.is_header_safe() {
            return Err(Error::invalid_input(
                "access_token",
                "contains spaces, line breaks or non-ASCII characters, which no token has; check where it was copied from",
            ));
        }
        Ok(StaticToken { platform, token })
    }
}

#[async_trait]
impl TokenProvider for StaticToken {
    async fn access_token(&self) -> Result<Secret> {
        Ok(self.token.clone())
    }

    fn platform(&self) -> Platform {
        self.platform
    }
}

/// A platform's refresh grant: exchanges a refresh token for a new token set.
#[async_trait]
pub trait RefreshGrant: fmt::Debug + Send + Sync {
    /// Runs the grant. A rejected refresh token must come back as an
    /// [`AuthError`] marked with [`AuthError::needs_reauthorization`].
    async fn refresh(&self, refresh_token: &Secret) -> Result<TokenSet>;

    /// Returns the platform.
    fn platform(&self) -> Platform;
}

/// The application's hook for new token sets; it runs before any waiting
/// request proceeds, so a rotated refresh token is never lost.
pub type TokenCallback = Arc<dyn Fn(&TokenSet) + Send + Sync>;

/// A provider that refreshes through a [`RefreshGrant`], once at a time.
///
/// - Before each call it refreshes when the access token expires within the
///   margin (60 s by default), using the expiry the platform announced. It
///   does not refresh again within one margin of the last refresh, because a
///   token that lives shorter than the margin would be refreshed on every call.
/// - After a rejection, concurrent callers share one refresh: the first
///   refreshes while the others wait on the same lock, then find the token
///   already replaced and use the new one. When the refresh failed, the
///   callers that waited for it get its failure instead of trying again,
///   and a refresh token the platform rejected is not sent again.
/// - The refresh runs in its own tokio task, so a caller that is dropped or
///   times out mid-refresh cannot lose a rotated refresh token: the task
///   still stores the new set and hands it to the callback.
/// - The callback receives every new set before the lock is released.
pub struct RefreshingTokenProvider<G> {
    grant: Arc<G>,
    state: Arc<tokio::sync::Mutex<RefreshState>>,
    attempts: Arc<std::sync::atomic::AtomicU64>,
    callback: Option<TokenCallback>,
    timer: Arc<dyn Timer>,
    margin: Duration,
}

struct RefreshState {
    tokens: TokenSet,
    last_refresh: Option<SystemTime>,
    last_failure: Option<RefreshFailure>,
}

/// The record of the last failed refresh attempt, so the callers that
/// waited for it share its outcome.
struct RefreshFailure {
    attempt: u64,
    refresh_token: Secret,
    message: String,
    reauthorize: bool,
}

/// The cause of a refresh request.
enum RefreshTrigger {
    Expiring,
    Rejected(Secret),
}

impl<G: fmt::Debug> fmt::Debug for RefreshingTokenProvider<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshingTokenProvider")
            .field("grant", &self.grant)
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

impl<G: RefreshGrant + 'static> RefreshingTokenProvider<G> {
    /// Starts from `tokens`, refreshing through `grant`.
    pub fn new(grant: G, tokens: TokenSet) -> Self {
        RefreshingTokenProvider {
            grant: Arc::new(grant),
            state: Arc::new(tokio::sync::Mutex::new(RefreshState {
                tokens,
                last_refresh: None,
                last_failure: None,
            })),
            attempts: Arc::default(),
            callback: None,
            timer: Arc::new(TokioTimer),
            margin: Duration::from_secs(60),
        }
    }

    /// Calls `callback` with every new token set, before waiting calls resume.
    pub fn on_refresh(mut self, callback: impl Fn(&TokenSet) + Send + Sync + 'static) -> Self {
        self.callback = Some(Arc::new(callback));
        self
    }

    /// Sets the callback from a shared handle.
    pub fn with_callback(mut self, callback: Option<TokenCallback>) -> Self {
        self.callback = callback;
        self
    }

    /// Sets how long before expiry a token is refreshed ahead of use.
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Uses another clock (tests).
    pub fn with_timer(mut self, timer: Arc<dyn Timer>) -> Self {
        self.timer = timer;
        self
    }

    /// Returns a copy of the current token set.
    pub async fn tokens(&self) -> TokenSet {
        self.state.lock().await.tokens.clone()
    }

    /// Returns the grant.
    pub fn grant(&self) -> &G {
        &self.grant
    }

    /// Runs the refresh in a task of its own and waits for it.
    async fn refresh(&self, trigger: RefreshTrigger) -> Result<Secret> {
        let job = RefreshJob {
            grant: self.grant.clone(),
            state: self.state.clone(),
            attempts: self.attempts.clone(),
            callback: self.callback.clone(),
            timer: self.timer.clone(),
            margin: self.margin,
            seen_attempts: self.attempts.load(std::sync::atomic::Ordering::SeqCst),
        };
        let platform = self.grant.platform();
        match tokio::spawn(job.run(trigger)).await {
            Ok(result) => result,
            Err(join) => Err(AuthError::new(
                platform,
                format!("the token refresh task failed: {join}"),
            )
            .into()),
        }
    }
}

/// Everything a refresh task needs, owned so it outlives its caller.
struct RefreshJob<G> {
    grant: Arc<G>,
    state: Arc<tokio::sync::Mutex<RefreshState>>,
    attempts: Arc<std::sync::atomic::AtomicU64>,
    callback: Option<TokenCallback>,
    timer: Arc<dyn Timer>,
    margin: Duration,
    seen_attempts: u64,
}

impl<G: RefreshGrant> RefreshJob<G> {
    async fn run(self, trigger: RefreshTrigger) -> Result<Secret> {
        let mut state = self.state.lock().await;
        let now = self.timer.now();
        match &trigger {
            RefreshTrigger::Rejected(old) if state.tokens.access_token != *old => {
                // Another caller refreshed while this one waited for the lock.
                return Ok(state.tokens.access_token.clone());
            }
            RefreshTrigger::Expiring if !needs_proactive_refresh(&state, self.margin, now) => {
                return Ok(state.tokens.access_token.clone());
            }
            _ => {}
        }
        if let Some(error) = self.shared_failure(&state) {
            return Err(error);
        }
        self.refresh_locked(&mut state).await
    }

    /// Returns the failure of an attempt made while this caller waited, or
    /// of an earlier attempt whose refresh token the platform rejected.
    fn shared_failure(&self, state: &RefreshState) -> Option<Error> {
        let failure = state.last_failure.as_ref()?;
        let same_token = state.tokens.refresh_token.as_ref() == Some(&failure.refresh_token);
        let waited_for_it = failure.attempt > self.seen_attempts;
        if !(waited_for_it || (failure.reauthorize && same_token)) {
            return None;
        }
        let error = AuthError::new(self.grant.platform(), failure.message.clone());
        Some(
            if failure.reauthorize {
                error.needs_reauthorization()
            } else {
                error
            }
            .into(),
        )
    }

    async fn refresh_locked(&self, state: &mut RefreshState) -> Result<Secret> {
        let platform = self.grant.platform();
        let Some(refresh_token) = state.tokens.refresh_token.clone() else {
            return Err(AuthError::new(
                platform,
                "the access token expired or was rejected and no refresh token is configured; \
                 authorize again to get a new token set",
            )
            .into());
        };
        let now = self.timer.now();
        if state.tokens.refresh_expires_at.is_some_and(|at| at <= now) {
            return Err(AuthError::new(
                platform,
                "the refresh token has expired; the user must authorize the application again",
            )
            .needs_reauthorization()
            .into());
        }

        let attempt = self
            .attempts
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1;
        tracing::debug!(platform = %platform, attempt, "refreshing access token");
        match self.grant.refresh(&refresh_token).await {
            Ok(refreshed) => {
                let merged = state.tokens.merge_refreshed(refreshed);
                if let Some(callback) = &self.callback {
                    callback(&merged);
                }
                state.tokens = merged;
                state.last_refresh = Some(self.timer.now());
                state.last_failure = None;
                Ok(state.tokens.access_token.clone())
            }
            Err(error) => {
                let reauthorize =
                    matches!(&error, Error::Auth(auth) if auth.requires_reauthorization());
                state.last_failure = Some(RefreshFailure {
                    attempt,
                    refresh_token,
                    message: format!("the token refresh failed: {error}"),
                    reauthorize,
                });
                Err(error)
            }
        }
    }
}

fn needs_proactive_refresh(state: &RefreshState, margin: Duration, now: SystemTime) -> bool {
    let recently = state
        .last_refresh
        .is_some_and(|at| now.duration_since(at).unwrap_or(Duration::ZERO) < margin);
    state.tokens.refresh_token.is_some() && state.tokens.expires_within(margin, now) && !recently
}

#[async_trait]
impl<G: RefreshGrant + 'static> TokenProvider for RefreshingTokenProvider<G> {
    async fn access_token(&self) -> Result<Secret> {
        {
            let state = self.state.lock().await;
            if !needs_proactive_refresh(&state, self.margin, self.timer.now()) {
                return Ok(state.tokens.access_token.clone());
            }
        }
        self.refresh(RefreshTrigger::Expiring).await
    }

    async fn refresh_rejected(&self, rejected: &Secret) -> Result<Secret> {
        self.refresh(RefreshTrigger::Rejected(rejected.clone()))
            .await
    }

    fn platform(&self) -> Platform {
        self.grant.platform()
    }
}

/// Runs `call` with a token. When the platform rejects the token
/// ([`ErrorKind::InvalidToken`], not a local auth error), it refreshes once
/// and runs `call` again with the new token. A second rejection is returned.
pub async fn with_token_refresh<T, F, Fut>(provider: &dyn TokenProvider, mut call: F) -> Result<T>
where
    F: FnMut(Secret) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let token = provider.access_token().await?;
    match call(token.clone()).await {
        Err(error) if is_rejected_token(&error) => {
            tracing::debug!(error = %error, "access token rejected, refreshing once");
            let fresh = match provider.refresh_rejected(&token).await {
                Ok(fresh) => fresh,
                Err(refresh_error) => return Err(keep_rejection(refresh_error, error)),
            };
            call(fresh).await
        }
        other => other,
    }
}

/// Keeps the platform's rejection (its code and request id) as the source of
/// an auth error that ended the refresh, unless that error has a source.
fn keep_rejection(refresh_error: Error, rejection: Error) -> Error {
    match refresh_error {
        Error::Auth(mut auth) if auth.source.is_none() => {
            auth.source = Some(Box::new(rejection));
            Error::Auth(auth)
        }
        other => other,
    }
}

fn is_rejected_token(error: &Error) -> bool {
    error.kind() == ErrorKind::InvalidToken && !matches!(error, Error::Auth(_))
}

#[cfg(test)]
mod tests;
