//! `verify()`: inspects the token the client publishes with and lists
//! exactly what would stop it from working.

use std::fmt;
use std::time::Duration;

use social_core::{ErrorKind, Result, Secret};

use crate::client::{Client, Credential};
use crate::graph::{TokenInfo, TokenType};

/// Permissions a Page token needs to publish posts and photos.
pub const PUBLISH_SCOPES: [&str; 2] = ["pages_manage_posts", "pages_read_engagement"];

/// A token that expires within this time counts as short-lived. Short-lived
/// user tokens, and Page tokens fetched with them, last one to two hours;
/// long-lived ones about 60 days.
pub const SHORT_LIVED_WITHIN: Duration = Duration::from_secs(24 * 60 * 60);

/// One thing wrong with the configured credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenProblem {
    /// Graph reports the token invalid, with the code and subcode of the cause.
    Invalid {
        /// Graph error code, such as 190.
        code: Option<i64>,
        /// Graph error subcode, such as 463 (expired).
        subcode: Option<i64>,
        /// Graph's explanation.
        message: Option<String>,
    },
    /// The Page token could not be fetched from the user token.
    PageTokenUnavailable {
        /// Why, as the failed call reported it.
        reason: String,
    },
    /// The token is not a Page token.
    NotPageToken {
        /// The type `debug_token` reported.
        actual: Option<TokenType>,
    },
    /// A permission publishing needs was not granted.
    MissingScope {
        /// The permission.
        scope: &'static str,
    },
    /// The permission was granted for other Pages only.
    ScopeNotForPage {
        /// The permission.
        scope: &'static str,
    },
    /// The token expires soon: it is short-lived.
    ShortLived {
        /// Time left.
        remaining: Duration,
    },
    /// The token belongs to another app than the configured `app_id`.
    WrongApp {
        /// The configured app id.
        expected: String,
        /// The token's app id.
        actual: String,
    },
}

impl fmt::Display for TokenProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenProblem::Invalid {
                code,
                subcode,
                message,
            } => {
                write!(f, "the token is invalid")?;
                if let Some(code) = code {
                    write!(f, " (code {code}")?;
                    if let Some(subcode) = subcode {
                        write!(f, "/{subcode}")?;
                    }
                    write!(f, ")")?;
                }
                if let Some(message) = message {
                    write!(f, ": {message}")?;
                }
                write!(f, "; the user must log in again to get a new token")
            }
            TokenProblem::PageTokenUnavailable { reason } => {
                write!(
                    f,
                    "the Page token could not be fetched with the user token: {reason}"
                )
            }
            TokenProblem::NotPageToken {
                actual: Some(TokenType::User),
            } => f.write_str(
                "a user token was given where a Page token is needed; configure it with \
                 user_token() so the client fetches the Page token, or take the Page token \
                 from GET /me/accounts",
            ),
            TokenProblem::NotPageToken { actual } => write!(
                f,
                "the token is a {} token, but publishing as a Page needs a Page token",
                actual
                    .as_ref()
                    .map_or_else(|| "token of unknown type".to_owned(), type_name)
            ),
            TokenProblem::MissingScope { scope } => write!(
                f,
                "the permission {scope} is missing; ask the user to grant it when logging in"
            ),
            TokenProblem::ScopeNotForPage { scope } => write!(
                f,
                "the permission {scope} was granted for other Pages only; \
                 the user must select this Page when logging in"
            ),
            TokenProblem::ShortLived { remaining } => write!(
                f,
                "the token is short-lived and expires in {} minutes; exchange the user token \
                 for a long-lived one and fetch the Page token again",
                remaining.as_secs() / 60
            ),
            TokenProblem::WrongApp { expected, actual } => write!(
                f,
                "the token belongs to app {actual}, not to the configured app {expected}"
            ),
        }
    }
}

fn type_name(token_type: &TokenType) -> String {
    match token_type {
        TokenType::User => "user".to_owned(),
        TokenType::Page => "Page".to_owned(),
        TokenType::App => "app".to_owned(),
        TokenType::SystemUser => "system user".to_owned(),
        TokenType::Other(other) => other.clone(),
    }
}

/// The result of [`Client::verify`].
#[derive(Debug, Clone)]
pub struct Verification {
    token: Option<TokenInfo>,
    problems: Vec<TokenProblem>,
}

impl Verification {
    /// Returns what `debug_token` reported, when the check got that far.
    pub fn token(&self) -> Option<&TokenInfo> {
        self.token.as_ref()
    }

    /// Returns every problem found; empty when the client is ready to publish.
    pub fn problems(&self) -> &[TokenProblem] {
        &self.problems
    }

    /// Tells whether no problem was found.
    pub fn is_ready(&self) -> bool {
        self.problems.is_empty()
    }
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.problems.is_empty() {
            return f.write_str("the token is a valid Page token with the publishing permissions");
        }
        for (index, problem) in self.problems.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl Client {
    /// Inspects the token the client publishes with (`GET /debug_token`) and
    /// lists what is wrong: an invalid or expired token, a user token where
    /// a Page token is needed, a missing permission, a permission granted for
    /// other Pages only, a short-lived token, a token of another app.
    ///
    /// With `app_id` and `app_secret` configured, the call is authenticated
    /// with the app token; otherwise the token inspects itself.
    pub async fn verify(&self) -> Result<Verification> {
        let mut problems = Vec::new();
        let token = match (&self.inner.credential, self.page_token().await) {
            (_, Ok(token)) => token,
            (Credential::User(user), Err(error)) if is_token_problem(error.kind()) => {
                problems.push(TokenProblem::PageTokenUnavailable {
                    reason: error.to_string(),
                });
                user.clone()
            }
            (_, Err(error)) => return Err(error),
        };

        let caller = match self.app_credentials() {
            Ok((app_id, app_secret)) => Secret::new(format!("{app_id}|{}", app_secret.expose())),
            Err(_) => token.clone(),
        };
        let info = self.inner.graph.debug_token(&token, &caller).await?;
        problems.extend(self.problems_of(&info));
        Ok(Verification {
            token: Some(info),
            problems,
        })
    }

    fn problems_of(&self, info: &TokenInfo) -> Vec<TokenProblem> {
        if !info.is_valid {
            return vec![TokenProblem::Invalid {
                code: info.error_code,
                subcode: info.error_subcode,
                message: info.error_message.clone(),
            }];
        }
        let mut problems = Vec::new();
        if info.token_type != Some(TokenType::Page) {
            problems.push(TokenProblem::NotPageToken {
                actual: info.token_type.clone(),
            });
        }
        for scope in PUBLISH_SCOPES {
            if !info.has_scope(scope) {
                problems.push(TokenProblem::MissingScope { scope });
            } else if !info.scope_covers(scope, &self.inner.page_id) {
                problems.push(TokenProblem::ScopeNotForPage { scope });
            }
        }
        let now = self.timer().now();
        if let Some(remaining) = info.expires_in(now).filter(|r| *r <= SHORT_LIVED_WITHIN) {
            problems.push(TokenProblem::ShortLived { remaining });
        }
        if let (Some(expected), Some(actual)) = (&self.inner.app_id, &info.app_id)
            && expected != actual
        {
            problems.push(TokenProblem::WrongApp {
                expected: expected.clone(),
                actual: actual.clone(),
            });
        }
        problems
    }
}

fn is_token_problem(kind: ErrorKind) -> bool {
    matches!(kind, ErrorKind::InvalidToken | ErrorKind::PermissionDenied)
}
