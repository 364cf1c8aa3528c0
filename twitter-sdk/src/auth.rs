//! Client authentication: OAuth 1.0a user context, OAuth 2.0 user tokens,
//! or an app-only bearer token for reads.

pub mod oauth1;
pub mod oauth2;

use std::fmt;
use std::sync::Arc;

use social_core::{Secret, TokenProvider};

pub use oauth1::{FixedNonce, OAuth1Credentials};
pub use oauth2::{AuthorizationRequest, OAuth2App, XRefreshGrant, token_client};

/// The credentials a [`crate::Client`] signs its requests with.
#[derive(Clone)]
pub enum Auth {
    /// OAuth 1.0a user context: each request is signed (HMAC-SHA1).
    OAuth1(OAuth1Credentials),
    /// OAuth 2.0 user tokens; on a 401 the provider refreshes once.
    OAuth2(Arc<dyn TokenProvider>),
    /// An app-only bearer token: reads only, it cannot post, delete,
    /// upload media or read `users/me`.
    AppOnly(Secret),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::OAuth1(credentials) => f.debug_tuple("OAuth1").field(credentials).finish(),
            Auth::OAuth2(provider) => f.debug_tuple("OAuth2").field(provider).finish(),
            Auth::AppOnly(token) => f.debug_tuple("AppOnly").field(token).finish(),
        }
    }
}
