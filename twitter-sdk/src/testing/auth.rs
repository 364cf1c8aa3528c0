//! Credential checks on every API request: OAuth 1.0a user context, an
//! OAuth 2.0 user token, or the app-only bearer token.

use wiremock::Request;

use super::oauth1::{self, SignedRequest};
use super::reply::Reply;
use super::router::Route;
use super::state::State;

/// Checks the `Authorization` header of an API request for `route`: OAuth
/// 1.0a and OAuth 2.0 user tokens pass everywhere, the app-only bearer token
/// only where `route` allows it.
pub(super) fn authenticate(state: &State, request: &Request, route: &Route) -> Result<(), Reply> {
    let Some(header) = request
        .headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
    else {
        return Err(unauthorized());
    };
    let scheme = header.split_whitespace().next().unwrap_or_default();
    if scheme.eq_ignore_ascii_case("OAuth") {
        return check_oauth1(state, request, header);
    }
    if !scheme.eq_ignore_ascii_case("Bearer") {
        return Err(unauthorized());
    }
    let token = header.get(scheme.len()..).unwrap_or_default().trim();
    if state.tokens.is_live_access(token) {
        return Ok(());
    }
    if token != state.tokens.app_bearer {
        return Err(unauthorized());
    }
    if route.allows_app_only() {
        Ok(())
    } else {
        Err(app_only_forbidden())
    }
}

fn check_oauth1(state: &State, request: &Request, header: &str) -> Result<(), Reply> {
    let url = format!(
        "{}{}",
        state.base_url.trim_end_matches('/'),
        request.url.path()
    );
    let mut parameters: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    if is_form(request) {
        parameters.extend(url::form_urlencoded::parse(&request.body).into_owned());
    }
    let signed = SignedRequest {
        method: request.method.as_str(),
        url: &url,
        parameters: &parameters,
    };
    oauth1::verify(&state.oauth1, header, signed).map_err(|rejection| {
        tracing::debug!(reason = %rejection.0, path = %request.url.path(), "fake X rejected an OAuth 1.0a signature");
        Reply::v1_error(401, 32, "Could not authenticate you")
    })
}

fn is_form(request: &Request) -> bool {
    request
        .headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"))
}

fn unauthorized() -> Reply {
    Reply::problem(401, "Unauthorized", None, "Unauthorized")
}

// NOTE: X's exact body for app-only tokens on user endpoints is recalled,
// not read from its docs: a 403 problem of type `unsupported-authentication`.
fn app_only_forbidden() -> Reply {
    Reply::problem(
        403,
        "Unsupported Authentication",
        Some("unsupported-authentication"),
        "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint. \
         Use OAuth 1.0a User Context or OAuth 2.0 User Context.",
    )
}
