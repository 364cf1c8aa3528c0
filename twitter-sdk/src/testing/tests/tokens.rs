//! The OAuth 2.0 token endpoints: refresh rotation, code exchange with
//! PKCE, client authentication and the app-only bearer token.

use reqwest::Method;
use serde_json::json;

use super::*;
use crate::testing::oauth2::s256_challenge;

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

async fn token_request(
    fake: &FakeX,
    path: &str,
    basic: Option<(&str, &str)>,
    form: &[(&str, &str)],
) -> Response {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let mut request = http()
        .post(url(fake, path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some((user, password)) = basic {
        request = request.basic_auth(user, Some(password));
    }
    request.send().await.expect("token request sent")
}

async fn refresh(fake: &FakeX, refresh_token: &str) -> Response {
    let client = fake.oauth2();
    let basic = (client.client_id.as_str(), client.client_secret.as_str());
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    token_request(fake, "/2/oauth2/token", Some(basic), &form).await
}

#[tokio::test]
async fn refresh_rotates_both_tokens() {
    let fake = FakeX::start().await;
    let before = fake.oauth2();

    let response = refresh(&fake, &before.refresh_token).await;

    assert_eq!(response.status(), 200);
    let body = body_json(response).await;
    let after = fake.oauth2();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 7200);
    assert_eq!(body["access_token"], after.access_token.as_str());
    assert_eq!(body["refresh_token"], after.refresh_token.as_str());
    assert!(
        body["scope"]
            .as_str()
            .expect("scope")
            .split(' ')
            .any(|s| s == "offline.access")
    );
    assert_ne!(after.access_token, before.access_token);
    assert_ne!(after.refresh_token, before.refresh_token);
    assert_eq!(send(&fake, Method::GET, "/2/users/me").await.status(), 200);
}

#[tokio::test]
async fn refresh_token_reuse_rejected() {
    let fake = FakeX::start().await;
    let old = fake.oauth2().refresh_token;
    refresh(&fake, &old).await;

    let reused = refresh(&fake, &old).await;

    assert_eq!(reused.status(), 400);
    assert_eq!(
        body_json(reused).await,
        json!({"error": "invalid_request", "error_description": "Value passed for the token was invalid."})
    );
    assert_eq!(fake.refresh_count(), 2);
    assert_eq!(fake.refresh_tokens_received(), vec![old.clone(), old]);
}

#[tokio::test]
async fn refresh_without_basic_auth_rejected() {
    let fake = FakeX::start().await;
    let tokens = fake.oauth2();
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", tokens.refresh_token.as_str()),
        ("client_id", tokens.client_id.as_str()),
    ];

    let response = token_request(&fake, "/2/oauth2/token", None, &form).await;

    assert_eq!(response.status(), 401);
    assert_eq!(
        body_json(response).await,
        json!({"error": "unauthorized_client", "error_description": "Missing valid authorization header"})
    );
    assert_eq!(fake.oauth2().refresh_token, tokens.refresh_token);
}

#[tokio::test]
async fn public_client_refreshes_with_client_id() {
    let fake = FakeX::start().await;
    fake.use_public_client();
    let tokens = fake.oauth2();
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", tokens.refresh_token.as_str()),
        ("client_id", tokens.client_id.as_str()),
    ];

    let response = token_request(&fake, "/2/oauth2/token", None, &form).await;

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn expired_token_works_again_after_refresh() {
    let fake = FakeX::start().await;
    fake.expire_access_token();
    let rejected = send(&fake, Method::GET, "/2/users/me").await;

    refresh(&fake, &fake.oauth2().refresh_token).await;
    let accepted = send(&fake, Method::GET, "/2/users/me").await;

    assert_eq!(rejected.status(), 401);
    assert_eq!(accepted.status(), 200);
    assert_eq!(fake.refresh_count(), 1);
}

#[tokio::test]
async fn revoked_refresh_token_rejected() {
    let fake = FakeX::start().await;
    fake.revoke_refresh_tokens();

    let response = refresh(&fake, &fake.oauth2().refresh_token).await;

    assert_eq!(response.status(), 400);
    assert_eq!(body_json(response).await["error"], "invalid_request");
}

async fn exchange(fake: &FakeX, code: &str, redirect_uri: &str, verifier: &str) -> Response {
    let client = fake.oauth2();
    let basic = (client.client_id.as_str(), client.client_secret.as_str());
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("code_verifier", verifier),
    ];
    token_request(fake, "/2/oauth2/token", Some(basic), &form).await
}

#[tokio::test]
async fn code_exchange_checks_pkce_verifier_and_redirect() {
    let fake = FakeX::start().await;
    let redirect = "http://127.0.0.1:8765/callback";
    for code in ["code-a", "code-b", "code-c"] {
        fake.register_authorization_code(code, &s256_challenge(VERIFIER), redirect);
    }
    let wrong_verifier = "x".repeat(43);

    let bad_verifier = exchange(&fake, "code-a", redirect, &wrong_verifier).await;
    let bad_redirect = exchange(&fake, "code-b", "http://127.0.0.1:9999/other", VERIFIER).await;
    let good = exchange(&fake, "code-c", redirect, VERIFIER).await;
    let replayed = exchange(&fake, "code-c", redirect, VERIFIER).await;

    assert_eq!(bad_verifier.status(), 400);
    assert_eq!(bad_redirect.status(), 400);
    assert_eq!(good.status(), 200);
    assert_eq!(replayed.status(), 400);
    assert_eq!(
        body_json(good).await["access_token"],
        fake.oauth2().access_token.as_str()
    );
}

#[test]
fn s256_challenge_matches_rfc_7636_example() {
    assert_eq!(
        s256_challenge(VERIFIER),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

#[tokio::test]
async fn app_token_needs_consumer_credentials() {
    let fake = FakeX::start().await;
    let credentials = fake.oauth1();
    let form = [("grant_type", "client_credentials")];
    let basic = (
        credentials.consumer_key.as_str(),
        credentials.consumer_secret.as_str(),
    );

    let issued = token_request(&fake, "/oauth2/token", Some(basic), &form).await;
    let rejected = token_request(&fake, "/oauth2/token", Some(("key", "wrong")), &form).await;

    assert_eq!(issued.status(), 200);
    assert_eq!(
        body_json(issued).await,
        json!({"token_type": "bearer", "access_token": fake.app_bearer_token()})
    );
    assert_eq!(rejected.status(), 403);
    assert_eq!(body_json(rejected).await["errors"][0]["code"], 99);
}
