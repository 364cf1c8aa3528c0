//! OAuth 1.0a user-context signing (HMAC-SHA1), done by the `oauth1-request`
//! crate.
//!
//! What is signed: the query parameters always, the body parameters only
//! when the body is `application/x-www-form-urlencoded`, and the `oauth_*`
//! values. JSON and multipart bodies are never signed. The URL passed to the
//! signer has no query part (the crate computes a wrong signature
//! otherwise); query parameters travel as the request's parameter list.

use std::fmt;
use std::num::NonZeroU64;

use oauth1_request as oauth;
use social_core::{Error, Result, Secret};
use url::Url;

/// The four OAuth 1.0a values of a user-context app.
#[derive(Clone)]
pub struct OAuth1Credentials {
    consumer_key: String,
    consumer_secret: Secret,
    access_token: String,
    access_token_secret: Secret,
}

impl fmt::Debug for OAuth1Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth1Credentials")
            .field("consumer_key", &"[redacted]")
            .field("consumer_secret", &self.consumer_secret)
            .field("access_token", &"[redacted]")
            .field("access_token_secret", &self.access_token_secret)
            .finish()
    }
}

/// A nonce and timestamp fixed in advance, for reproducing a signature.
#[derive(Debug, Clone, Copy)]
pub struct FixedNonce<'a> {
    /// The `oauth_nonce` value.
    pub nonce: &'a str,
    /// The `oauth_timestamp` value, in seconds since the Unix epoch.
    pub timestamp: u64,
}

impl OAuth1Credentials {
    /// Creates the credentials; every value must be non-empty.
    pub fn new(
        consumer_key: impl Into<String>,
        consumer_secret: impl Into<Secret>,
        access_token: impl Into<String>,
        access_token_secret: impl Into<Secret>,
    ) -> Result<OAuth1Credentials> {
        let credentials = OAuth1Credentials {
            consumer_key: consumer_key.into(),
            consumer_secret: consumer_secret.into(),
            access_token: access_token.into(),
            access_token_secret: access_token_secret.into(),
        };
        let fields = [
            ("consumer_key", credentials.consumer_key.trim().is_empty()),
            ("consumer_secret", credentials.consumer_secret.is_blank()),
            ("access_token", credentials.access_token.trim().is_empty()),
            (
                "access_token_secret",
                credentials.access_token_secret.is_blank(),
            ),
        ];
        if let Some((field, _)) = fields.iter().find(|(_, empty)| *empty) {
            return Err(Error::invalid_input(
                *field,
                "empty; copy it from the app's \"Keys and tokens\" page in the X developer portal",
            ));
        }
        Ok(credentials)
    }

    /// Returns the consumer (API) key.
    pub fn consumer_key(&self) -> &str {
        &self.consumer_key
    }

    /// Builds the `Authorization` header for a request.
    ///
    /// `url` must have no query; `params` are the query parameters plus, for
    /// a form-encoded body, the body's parameters, all decoded. `fixed` pins
    /// the nonce and timestamp (tests and reproducible vectors); `None` draws
    /// a random nonce and reads the clock.
    pub fn authorization(
        &self,
        method: &str,
        url: &Url,
        params: &[(String, String)],
        fixed: Option<FixedNonce<'_>>,
    ) -> Result<String> {
        if url.query().is_some() {
            return Err(Error::invalid_input(
                "url",
                "the URL to sign must not contain a query; pass query parameters separately",
            ));
        }
        let client =
            oauth::Credentials::new(self.consumer_key.as_str(), self.consumer_secret.expose());
        let token = oauth::Credentials::new(
            self.access_token.as_str(),
            self.access_token_secret.expose(),
        );
        let mut builder = oauth::Builder::new(client, oauth::HmacSha1::new());
        builder.token(token).version(true);
        if let Some(fixed) = fixed {
            builder
                .nonce(fixed.nonce)
                .timestamp(NonZeroU64::new(fixed.timestamp));
        }
        let pairs: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let request = oauth::ParameterList::new(pairs);
        Ok(builder.authorize(method, url.as_str(), &request))
    }
}

/// Encodes parameters as an `application/x-www-form-urlencoded` body with
/// the same RFC 3986 encoding the signature uses (`!'()*` and every non-ASCII
/// byte percent-encoded, a space as `%20`), so the body sent is the body signed.
pub fn form_body(params: &[(String, String)]) -> String {
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    oauth::to_form(&oauth::ParameterList::new(pairs))
}

#[cfg(test)]
mod tests;
