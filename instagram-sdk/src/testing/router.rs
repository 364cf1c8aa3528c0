//! The fake's stateful request router: hosts, tokens, accounts, quotas and
//! the token endpoints of Instagram Login.

use std::sync::{Arc, Mutex};

use serde_json::json;
use wiremock::{Request, Respond, ResponseTemplate};

use super::state::State;
use super::{FakeInstagram, containers, graph_error, ok};

/// The responder that handles every request the way Instagram does.
pub(super) struct Router {
    state: Arc<Mutex<State>>,
}

impl Router {
    pub(super) fn new(state: Arc<Mutex<State>>) -> Router {
        Router { state }
    }
}

impl Respond for Router {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        route(&mut state, request)
    }
}

/// The Graph host a request came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GraphHost {
    /// `graph.facebook.com`, with the Page token.
    Facebook,
    /// `graph.instagram.com`, with an Instagram user token.
    Instagram,
}

fn route(state: &mut State, request: &Request) -> ResponseTemplate {
    let path = request.url.path().to_owned();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let method = request.method.as_str();
    match (method, segments.as_slice()) {
        ("GET", ["media", name]) => match state.files.get(*name) {
            Some(bytes) => {
                ResponseTemplate::new(200).set_body_raw(bytes.clone(), content_type(name))
            }
            None => ResponseTemplate::new(404).set_body_string("not found"),
        },
        ("POST", ["oauth", "oauth", "access_token"]) => exchange_code(request),
        ("GET", ["ig", "access_token"]) => exchange_long_lived(request),
        ("GET", ["ig", "refresh_access_token"]) => refresh(state, request),
        (_, ["graph", version, rest @ ..]) if is_version(version) => {
            with_token(state, request, GraphHost::Facebook, |state| {
                graph(state, request, GraphHost::Facebook, rest)
            })
        }
        (_, ["ig", version, rest @ ..]) if is_version(version) => {
            with_token(state, request, GraphHost::Instagram, |state| {
                graph(state, request, GraphHost::Instagram, rest)
            })
        }
        ("POST", ["rupload", "ig-api-upload", version, id]) if is_version(version) => {
            with_oauth(state, request, |state| {
                containers::upload(state, request, id)
            })
        }
        ("GET", ["rupload", "ig-api-upload", version, id]) if is_version(version) => {
            with_oauth(state, request, |state| containers::upload_offset(state, id))
        }
        _ => not_found(&path),
    }
}

fn graph(state: &mut State, request: &Request, host: GraphHost, rest: &[&str]) -> ResponseTemplate {
    let ig = FakeInstagram::IG_USER_ID;
    let fields = query(request, "fields").unwrap_or_default();
    match (request.method.as_str(), rest) {
        ("GET", [page]) if *page == FakeInstagram::PAGE_ID && host == GraphHost::Facebook => {
            linked_account(state)
        }
        ("GET", ["me"]) if host == GraphHost::Instagram => ok(json!({
            "user_id": ig, "username": "fake.creator", "account_type": state.account_type,
            "id": FakeInstagram::APP_SCOPED_ID,
        })),
        ("POST", [user, "media"]) if *user == ig => containers::create(state, request),
        ("POST", [user, "media_publish"]) if *user == ig => containers::publish(state, request),
        ("GET", [user, "content_publishing_limit"]) if *user == ig => ok(json!({"data": [{
            "quota_usage": state.quota_usage(),
            "config": {"quota_total": state.quota_total, "quota_duration": 86_400},
        }]})),
        ("GET", [id]) if fields.contains("status_code") => {
            containers::status(state, id).unwrap_or_else(|| not_found(id))
        }
        ("GET", [id]) => containers::media(state, id).unwrap_or_else(|| not_found(id)),
        _ => not_found(&rest.join("/")),
    }
}

fn linked_account(state: &State) -> ResponseTemplate {
    if state.page_linked {
        ok(
            json!({"instagram_business_account": {"id": FakeInstagram::IG_USER_ID}, "id": FakeInstagram::PAGE_ID}),
        )
    } else {
        ok(json!({"id": FakeInstagram::PAGE_ID}))
    }
}

fn exchange_code(request: &Request) -> ResponseTemplate {
    let form: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(&request.body)
            .into_owned()
            .collect();
    let field = |name: &str| form.get(name).map(String::as_str);
    let valid = field("client_id") == Some(FakeInstagram::APP_ID)
        && field("client_secret") == Some(FakeInstagram::APP_SECRET)
        && field("grant_type") == Some("authorization_code")
        && field("code") == Some(FakeInstagram::LOGIN_CODE)
        && field("redirect_uri").is_some();
    if !valid {
        return ResponseTemplate::new(400).set_body_json(json!({
            "error_type": "OAuthException", "code": 400,
            "error_message": "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
        }));
    }
    // The numeric id is written as text so it stays a bare JSON number above 2^53.
    let body = format!(
        r#"{{"access_token":"{}","user_id":{},"permissions":"instagram_business_basic,instagram_business_content_publish"}}"#,
        FakeInstagram::SHORT_LIVED_TOKEN,
        FakeInstagram::IG_USER_ID
    );
    ResponseTemplate::new(200).set_body_raw(body, "application/json")
}

fn exchange_long_lived(request: &Request) -> ResponseTemplate {
    let valid = query(request, "grant_type").as_deref() == Some("ig_exchange_token")
        && query(request, "client_secret").as_deref() == Some(FakeInstagram::APP_SECRET)
        && query(request, "access_token").as_deref() == Some(FakeInstagram::SHORT_LIVED_TOKEN);
    if !valid {
        return graph_error(
            400,
            190,
            None,
            "Invalid OAuth access token - Cannot parse access token",
        );
    }
    ok(
        json!({"access_token": FakeInstagram::IG_TOKEN, "token_type": "bearer", "expires_in": 5_184_000}),
    )
}

fn refresh(state: &mut State, request: &Request) -> ResponseTemplate {
    let token = query(request, "access_token").unwrap_or_default();
    let valid = query(request, "grant_type").as_deref() == Some("ig_refresh_token")
        && state.ig_tokens.contains(&token);
    if !valid {
        return graph_error(
            400,
            190,
            None,
            "Invalid OAuth access token - Cannot parse access token",
        );
    }
    state.refreshes += 1;
    let fresh = format!("IGAAfakeRefreshedToken{}", state.refreshes);
    state.ig_tokens.insert(fresh.clone());
    ok(json!({"access_token": fresh, "token_type": "bearer", "expires_in": 5_184_000}))
}

fn with_token(
    state: &mut State,
    request: &Request,
    host: GraphHost,
    respond: impl FnOnce(&mut State) -> ResponseTemplate,
) -> ResponseTemplate {
    let header = request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let token = header.strip_prefix("Bearer ").unwrap_or_default();
    let valid = match host {
        GraphHost::Facebook => token == FakeInstagram::PAGE_TOKEN,
        GraphHost::Instagram => state.ig_tokens.contains(token),
    };
    if valid {
        respond(state)
    } else {
        graph_error(
            400,
            190,
            None,
            "Invalid OAuth access token - Cannot parse access token",
        )
    }
}

fn with_oauth(
    state: &mut State,
    request: &Request,
    respond: impl FnOnce(&mut State) -> ResponseTemplate,
) -> ResponseTemplate {
    let header = request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let valid = header
        .strip_prefix("OAuth ")
        .is_some_and(|token| token == FakeInstagram::PAGE_TOKEN || state.ig_tokens.contains(token));
    if valid {
        respond(state)
    } else {
        let inner = json!({"success": false, "error": {"message": "unauthorized user request"}})
            .to_string();
        ResponseTemplate::new(401).set_body_json(json!({"debug_info": {"retriable": false, "type": "ProcessingFailedError", "message": inner}}))
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("mp4") => "video/mp4",
        _ => "application/octet-stream",
    }
}

fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn is_version(segment: &str) -> bool {
    segment.strip_prefix('v').is_some_and(|rest| {
        rest.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    })
}

fn not_found(what: &str) -> ResponseTemplate {
    graph_error(
        400,
        100,
        Some(33),
        &format!(
            "Unsupported request: object with ID '{what}' does not exist, cannot be loaded due to missing permissions, or does not support this operation"
        ),
    )
}
