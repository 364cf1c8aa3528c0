//! An adapter that lets a yup-oauth2 authenticator supply YouTube tokens
//! (feature `yup-oauth2`).
//!
//! Use it when the application already runs yup-oauth2's installed flow,
//! device flow or a service account. For a refresh token the application
//! stores itself, prefer [`GoogleRefreshGrant`](super::GoogleRefreshGrant):
//! it reports why a refresh failed.
//!
//! # Limits of yup-oauth2 12.1 that this adapter cannot lift
//!
//! - **Refresh errors are swallowed.** When yup-oauth2's refresh fails, for
//!   any reason (`invalid_grant`, a 5xx, a timeout), it drops the error and
//!   starts its interactive flow instead. With
//!   `InstalledFlowReturnMethod::HTTPRedirect` that flow waits for a browser
//!   redirect that may never come, so a background upload can hang. Build
//!   the authenticator with `InstalledFlowReturnMethod::Interactive` and a
//!   delegate whose `present_user_url` returns `Err` (such as
//!   [`RefuseInteractiveLogin`]) so the call fails at once; the error then
//!   says only that interactive login was refused, not whether the refresh
//!   token was revoked or the network failed, so this adapter reports it as
//!   [`Error::Auth`] asking for re-authorization.
//! - The HTTP status of the token endpoint is ignored by yup-oauth2; an
//!   HTML error page or an empty body surfaces as a JSON error.
//! - yup-oauth2 logs the refresh token and the token endpoint's answer at
//!   debug level through the `log` crate; keep debug logging of the
//!   `yup_oauth2` target off in production.
//! - Tokens count as expired one minute early; storage is keyed by the
//!   scope set, so the scopes given here must match those of the consent.
//! - `AuthorizedUserAuthenticator` posts to a hard-coded token URL, so only
//!   flows built from an `ApplicationSecret` (whose `token_uri` is honoured)
//!   can be pointed at a test server.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;
use social_core::{AuthError, Error, Platform, Result, Secret, TokenProvider};
use yup_oauth2::authenticator::DefaultAuthenticator;
use yup_oauth2::authenticator_delegate::InstalledFlowDelegate;

/// What a token source returns: a yup-oauth2 access token or its error.
pub type TokenFuture = Pin<
    Box<
        dyn Future<Output = std::result::Result<yup_oauth2::AccessToken, yup_oauth2::Error>> + Send,
    >,
>;

/// Fetches a token; `true` asks for a forced refresh.
type Source = Arc<dyn Fn(bool) -> TokenFuture + Send + Sync>;

/// A [`TokenProvider`] backed by a yup-oauth2 authenticator.
///
/// After YouTube rejects a token it asks yup-oauth2 for a forced refresh,
/// once: concurrent callers that saw the same rejected token share one
/// refresh.
pub struct YupOAuth2Provider {
    source: Source,
    refresh_lock: tokio::sync::Mutex<Option<Secret>>,
}

impl fmt::Debug for YupOAuth2Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("YupOAuth2Provider").finish_non_exhaustive()
    }
}

impl YupOAuth2Provider {
    /// Wraps an authenticator built with yup-oauth2's default HTTP client,
    /// asking for tokens with `scopes` (such as
    /// [`SCOPE_FORCE_SSL`](super::SCOPE_FORCE_SSL)).
    pub fn new<I, S>(authenticator: DefaultAuthenticator, scopes: I) -> YupOAuth2Provider
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let scopes: Arc<Vec<String>> = Arc::new(scopes.into_iter().map(Into::into).collect());
        YupOAuth2Provider::from_fn(move |force| {
            let authenticator = authenticator.clone();
            let scopes = scopes.clone();
            Box::pin(async move {
                if force {
                    authenticator.force_refreshed_token(&scopes).await
                } else {
                    authenticator.token(&scopes).await
                }
            })
        })
    }

    /// Wraps any token source, such as an authenticator with a custom
    /// connector: `fetch(false)` returns the current token, `fetch(true)` a
    /// freshly refreshed one.
    pub fn from_fn(
        fetch: impl Fn(bool) -> TokenFuture + Send + Sync + 'static,
    ) -> YupOAuth2Provider {
        YupOAuth2Provider {
            source: Arc::new(fetch),
            refresh_lock: tokio::sync::Mutex::new(None),
        }
    }

    async fn fetch(&self, force: bool) -> Result<Secret> {
        let token = (self.source)(force).await.map_err(map_error)?;
        match token.token() {
            Some(value) if !value.trim().is_empty() => Ok(Secret::new(value)),
            _ => Err(AuthError::new(
                Platform::YouTube,
                "yup-oauth2 returned no access token for these scopes",
            )
            .into()),
        }
    }
}

#[async_trait]
impl TokenProvider for YupOAuth2Provider {
    async fn access_token(&self) -> Result<Secret> {
        self.fetch(false).await
    }

    async fn refresh_rejected(&self, rejected: &Secret) -> Result<Secret> {
        let mut last = self.refresh_lock.lock().await;
        if let Some(fresh) = last.as_ref()
            && fresh != rejected
        {
            return Ok(fresh.clone());
        }
        let fresh = self.fetch(true).await?;
        *last = Some(fresh.clone());
        Ok(fresh)
    }

    fn platform(&self) -> Platform {
        Platform::YouTube
    }
}

fn map_error(error: yup_oauth2::Error) -> Error {
    use yup_oauth2::error::AuthErrorCode;
    let (message, reauthorize) = match &error {
        yup_oauth2::Error::AuthError(auth) if auth.error == AuthErrorCode::InvalidGrant => (
            "the refresh token was rejected (invalid_grant); the user must authorize the application again"
                .to_owned(),
            true,
        ),
        yup_oauth2::Error::AuthError(auth) => (format!("the token endpoint refused: {}", auth.error.as_str()), false),
        yup_oauth2::Error::UserError(_) => (
            "yup-oauth2 could not refresh the token and interactive login was refused; the refresh \
             token may be revoked or expired (authorize again), or the token endpoint was unreachable \
             (yup-oauth2 does not say which)"
                .to_owned(),
            true,
        ),
        other => (format!("yup-oauth2 failed: {other}"), false),
    };
    let auth = AuthError::new(Platform::YouTube, message).with_source(error);
    if reauthorize {
        auth.needs_reauthorization().into()
    } else {
        auth.into()
    }
}

/// An installed-flow delegate that refuses interactive login, so a failed
/// refresh ends with an error instead of waiting for a browser.
#[derive(Debug, Clone, Copy, Default)]
pub struct RefuseInteractiveLogin;

impl InstalledFlowDelegate for RefuseInteractiveLogin {
    fn present_user_url<'a>(
        &'a self,
        _url: &'a str,
        _need_code: bool,
    ) -> Pin<Box<dyn Future<Output = std::result::Result<String, String>> + Send + 'a>> {
        Box::pin(async {
            Err(
                "interactive login is disabled; run examples/authorize.rs to authorize again"
                    .to_owned(),
            )
        })
    }
}
