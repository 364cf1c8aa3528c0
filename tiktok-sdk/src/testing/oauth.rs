//! The fake's OAuth token endpoint: a refresh grant that rotates both tokens.

use serde_json::json;
use wiremock::{Request, ResponseTemplate};

use super::routes::Guard;

pub(super) fn token(state: &mut Guard<'_>, request: &Request) -> ResponseTemplate {
    state.counts.token += 1;
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect();
    let field = |key: &str| {
        form.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    let oauth_error = |code: &str, description: &str| {
        ResponseTemplate::new(400).set_body_json(json!({
            "error": code, "error_description": description, "log_id": "20261204120000FAKEOAUTH",
        }))
    };
    if field("client_key") != state.settings.client_key
        || field("client_secret") != state.settings.client_secret
    {
        return oauth_error("invalid_client", "Client key or secret is incorrect.");
    }
    if field("grant_type") != "refresh_token" || field("refresh_token") != state.refresh_token {
        return oauth_error("invalid_grant", "Refresh token is invalid or expired.");
    }
    state.token_generation += 1;
    state.access_token = format!("act.fake-access-{}", state.token_generation);
    state.refresh_token = format!("rft.fake-refresh-{}", state.token_generation);
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": state.access_token,
        "expires_in": 7200,
        "open_id": "fake-open-id",
        "refresh_expires_in": 15_552_000,
        "refresh_token": state.refresh_token,
        "scope": "user.info.basic,video.publish,video.upload",
        "token_type": "Bearer",
    }))
}
