//! The fixed fake credentials and the account the fake posts as.

use std::fmt;

/// OAuth 1.0a user-context credentials the fake accepts. Requests signed
/// with any other key, token or secret get 401 with code 32.
#[derive(Clone, PartialEq, Eq)]
pub struct FakeOAuth1Credentials {
    /// The consumer (API) key.
    pub consumer_key: String,
    /// The consumer (API) secret.
    pub consumer_secret: String,
    /// The user's access token.
    pub token: String,
    /// The user's access token secret.
    pub token_secret: String,
}

impl fmt::Debug for FakeOAuth1Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeOAuth1Credentials")
            .field("consumer_key", &self.consumer_key)
            .field("consumer_secret", &"[redacted]")
            .field("token", &self.token)
            .field("token_secret", &"[redacted]")
            .finish()
    }
}

/// OAuth 2.0 client credentials and the user token pair currently valid.
#[derive(Clone, PartialEq, Eq)]
pub struct FakeOAuth2Credentials {
    /// The OAuth 2.0 client id.
    pub client_id: String,
    /// The OAuth 2.0 client secret (confidential clients send it with
    /// Basic auth to the token endpoint).
    pub client_secret: String,
    /// The access token issued last.
    pub access_token: String,
    /// The refresh token issued last; it is single use.
    pub refresh_token: String,
}

impl fmt::Debug for FakeOAuth2Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeOAuth2Credentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("access_token", &"[redacted]")
            .field("refresh_token", &"[redacted]")
            .finish()
    }
}

/// The account behind every user credential of the fake, as
/// `GET /2/users/me` returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeUser {
    /// The user id, a string of 19 digits (above 2^53).
    pub id: String,
    /// The display name.
    pub name: String,
    /// The handle, without `@`.
    pub username: String,
}

impl FakeUser {
    pub(super) fn default_user() -> FakeUser {
        FakeUser {
            id: "1600000000000000001".to_owned(),
            name: "Fake X User".to_owned(),
            username: "fake_x_user".to_owned(),
        }
    }
}

impl FakeOAuth1Credentials {
    pub(super) fn for_user(user: &FakeUser) -> FakeOAuth1Credentials {
        FakeOAuth1Credentials {
            consumer_key: "fake-x-consumer-key".to_owned(),
            consumer_secret: "fake-x-consumer-secret".to_owned(),
            token: format!("{}-FakeXAccessToken", user.id),
            token_secret: "fake-x-token-secret".to_owned(),
        }
    }
}
