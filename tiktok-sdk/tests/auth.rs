//! OAuth: refresh on a rejected token (single-flight, rotated refresh token
//! stored first), rejected refresh tokens, code exchange with PKCE.

#[path = "support/harness.rs"]
mod harness;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use harness::{STATUS, catch_all, json_fixture};
use social_core::testing::ManualTimer;
use social_core::{Error, ErrorKind, Secret, Timer, TokenSet};
use tiktok_sdk::auth::{OAuthClient, PkceVerifier};
use tiktok_sdk::testing::{FAKE_CLIENT_KEY, FAKE_CLIENT_SECRET, FakeTikTok};
use tiktok_sdk::{Client, PostStatus};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const OLD_ACCESS: &str = "act.old-access-token";
const OLD_REFRESH: &str = "rft.old-refresh-token";
const NEW_ACCESS: &str = "act.refreshed-access-token-1";
const NEW_REFRESH: &str = "rft.rotated-refresh-token-1";
const TOKEN_PATH: &str = "/v2/oauth/token/";

fn oauth(server: &MockServer, timer: &Arc<ManualTimer>) -> OAuthClient {
    OAuthClient::builder("app-key", "app-secret-value")
        .token_url(format!("{}{TOKEN_PATH}", server.uri()))
        .http_settings(harness::settings())
        .timer(timer.clone())
        .build()
        .expect("oauth client")
}

fn refresh_form(refresh_token: &str) -> String {
    format!(
        "client_key=app-key&client_secret=app-secret-value&grant_type=refresh_token&refresh_token={refresh_token}"
    )
}

fn status_with(token: &str) -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path(STATUS))
        .and(header("authorization", format!("Bearer {token}").as_str()))
}

async fn mount_rotation(server: &MockServer, new_token_calls: Arc<AtomicUsize>) {
    status_with(OLD_ACCESS)
        .respond_with(json_fixture(401, "access_token_invalid.json"))
        .mount(server)
        .await;
    status_with(NEW_ACCESS)
        .respond_with(Counting(
            new_token_calls,
            json_fixture(200, "status_publish_complete_no_id.json"),
        ))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(refresh_form(OLD_REFRESH)))
        .respond_with(json_fixture(200, "token_refresh.json"))
        .expect(1)
        .mount(server)
        .await;
}

/// A responder that returns a template and counts the requests.
struct Counting(Arc<AtomicUsize>, ResponseTemplate);

impl Respond for Counting {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.0.fetch_add(1, Ordering::SeqCst);
        self.1.clone()
    }
}

fn client_with(
    server: &MockServer,
    timer: &Arc<ManualTimer>,
    provider: Arc<dyn social_core::TokenProvider>,
) -> Client {
    Client::builder()
        .base_url(server.uri())
        .token_provider(provider)
        .http_settings(harness::settings())
        .timer(timer.clone())
        .build()
        .expect("client")
}

#[tokio::test]
async fn token_expired_mid_operation_refreshes_once() {
    let server = MockServer::start().await;
    let new_token_calls = Arc::new(AtomicUsize::new(0));
    mount_rotation(&server, new_token_calls.clone()).await;
    catch_all(&server).await;
    let timer = harness::timer();
    let stored = Arc::new(Mutex::new(Vec::new()));
    let provider = {
        let stored = stored.clone();
        let calls = new_token_calls.clone();
        oauth(&server, &timer)
            .token_provider(TokenSet::new(OLD_ACCESS).with_refresh_token(OLD_REFRESH))
            .on_refresh(move |tokens| {
                stored
                    .lock()
                    .expect("lock")
                    .push((tokens.clone(), calls.load(Ordering::SeqCst)))
            })
    };
    let now = timer.now();

    let status = client_with(&server, &timer, Arc::new(provider))
        .fetch_status("v_pub_file~v2-1.1")
        .await
        .expect("status after refresh");

    assert_eq!(status.status, PostStatus::PublishComplete);
    let stored = stored.lock().expect("lock");
    assert_eq!(stored.len(), 1);
    let (tokens, calls_before_store) = &stored[0];
    assert_eq!(
        *calls_before_store, 0,
        "stored before the new token was used"
    );
    assert_eq!(tokens.access_token.expose(), NEW_ACCESS);
    assert_eq!(
        tokens.refresh_token.as_ref().map(Secret::expose),
        Some(NEW_REFRESH)
    );
    assert_eq!(tokens.expires_at, Some(now + Duration::from_secs(7200)));
    assert_eq!(
        tokens.refresh_expires_at,
        Some(now + Duration::from_secs(15_552_000))
    );
    assert_eq!(
        tokens.scopes,
        vec!["user.info.basic", "video.publish", "video.upload"]
    );
}

#[tokio::test]
async fn refresh_race_is_single_flight() {
    let server = MockServer::start().await;
    let new_token_calls = Arc::new(AtomicUsize::new(0));
    mount_rotation(&server, new_token_calls.clone()).await;
    catch_all(&server).await;
    let timer = harness::timer();
    let provider = oauth(&server, &timer)
        .token_provider(TokenSet::new(OLD_ACCESS).with_refresh_token(OLD_REFRESH));
    let client = client_with(&server, &timer, Arc::new(provider));

    let (a, b, c, d) = tokio::join!(
        client.fetch_status("v_pub_file~v2-1.1"),
        client.fetch_status("v_pub_file~v2-1.2"),
        client.fetch_status("v_pub_file~v2-1.3"),
        client.fetch_status("v_pub_file~v2-1.4"),
    );

    for result in [a, b, c, d] {
        assert!(result.is_ok(), "{result:?}");
    }
    assert_eq!(new_token_calls.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn refresh_token_rejected_asks_reauthorization() {
    let server = MockServer::start().await;
    status_with(OLD_ACCESS)
        .respond_with(json_fixture(401, "access_token_invalid.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string(refresh_form(OLD_REFRESH)))
        .respond_with(json_fixture(400, "token_invalid_grant.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let provider = oauth(&server, &timer)
        .token_provider(TokenSet::new(OLD_ACCESS).with_refresh_token(OLD_REFRESH));

    let err = client_with(&server, &timer, Arc::new(provider))
        .fetch_status("v_pub_file~v2-1.1")
        .await
        .expect_err("refresh rejected");

    let Error::Auth(auth) = &err else {
        panic!("expected an auth error, got {err:?}");
    };
    assert!(auth.requires_reauthorization());
    assert!(
        auth.message().contains("invalid_grant"),
        "{}",
        auth.message()
    );
    assert!(
        auth.message().contains("authorize the app again"),
        "{}",
        auth.message()
    );
    assert!(
        auth.message()
            .contains("202612041200026A2B3C4D5E6F7A8B9C0D"),
        "{}",
        auth.message()
    );
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn no_refresh_path_is_auth_error() {
    let server = MockServer::start().await;
    harness::json_call("POST", STATUS)
        .respond_with(json_fixture(401, "access_token_invalid.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .fetch_status("v_pub_file~v2-1.1")
        .await
        .expect_err("static token rejected");

    let Error::Auth(auth) = &err else {
        panic!("expected an auth error, got {err:?}");
    };
    assert!(
        auth.message().contains("supply a new access token"),
        "{}",
        auth.message()
    );
    let source = std::error::Error::source(&**auth).expect("TikTok's rejection kept");
    assert!(
        source.to_string().contains("access_token_invalid"),
        "{source}"
    );
    assert!(
        source
            .to_string()
            .contains("20261204120000EA2B3C4D5E6F7A8B9C0D"),
        "{source}"
    );
}

#[tokio::test]
async fn token_refreshed_before_expiry() {
    let server = MockServer::start().await;
    let new_token_calls = Arc::new(AtomicUsize::new(0));
    mount_rotation(&server, new_token_calls.clone()).await;
    catch_all(&server).await;
    let timer = harness::timer();
    let expiring = TokenSet::new(OLD_ACCESS)
        .with_refresh_token(OLD_REFRESH)
        .with_expires_at(timer.now() + Duration::from_secs(30));
    let provider = oauth(&server, &timer).token_provider(expiring);

    client_with(&server, &timer, Arc::new(provider))
        .fetch_status("v_pub_file~v2-1.1")
        .await
        .expect("status");

    let old_token_calls = server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .filter(|r| {
            r.headers.get("authorization").and_then(|v| v.to_str().ok())
                == Some("Bearer act.old-access-token")
        })
        .count();
    assert_eq!(
        old_token_calls, 0,
        "refreshed ahead of the announced expiry"
    );
    assert_eq!(new_token_calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn code_exchange_with_pkce() {
    let server = MockServer::start().await;
    let verifier =
        PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").expect("verifier");
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(
            "client_key=app-key&client_secret=app-secret-value&grant_type=authorization_code\
             &code=c0de%2Fwith%2Bsigns*&redirect_uri=http%3A%2F%2F127.0.0.1%3A3455%2Fcallback%2F\
             &code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        ))
        .respond_with(json_fixture(200, "token_exchange.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let now = timer.now();

    let user = oauth(&server, &timer)
        .exchange_code(
            "c0de/with+signs*",
            "http://127.0.0.1:3455/callback/",
            Some(&verifier),
        )
        .await
        .expect("exchanged");

    assert_eq!(user.open_id.as_deref(), Some("-000OPEN-ID-abc"));
    assert_eq!(user.tokens.access_token.expose(), "act.first-access-token");
    assert_eq!(
        user.tokens.expires_at,
        Some(now + Duration::from_secs(86_400))
    );
    assert_eq!(
        user.tokens.refresh_expires_at,
        Some(now + Duration::from_secs(31_536_000))
    );
    assert_eq!(user.tokens.scopes, vec!["user.info.basic", "video.publish"]);
}

#[tokio::test]
async fn invalid_client_needs_no_reauthorization() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(json_fixture(401, "token_invalid_client.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = oauth(&server, &harness::timer())
        .refresh_access_token(&Secret::new(OLD_REFRESH))
        .await
        .expect_err("bad credentials");

    assert!(
        matches!(&err, Error::Auth(a) if !a.requires_reauthorization() && a.message().contains("client_secret"))
    );
}

#[tokio::test]
async fn refresh_not_repeated_after_server_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();

    let err = oauth(&server, &timer)
        .refresh_access_token(&Secret::new(OLD_REFRESH))
        .await
        .expect_err("503");

    assert_eq!(err.kind(), ErrorKind::ServerError);
    assert!(
        timer.sleeps().is_empty(),
        "a refresh may have rotated the token, so it is not sent twice"
    );
}

#[tokio::test]
async fn fake_rotates_tokens_through_provider() {
    let fake = FakeTikTok::builder().processing_polls(0).start().await;
    let timer = harness::timer();
    let oauth = OAuthClient::builder(FAKE_CLIENT_KEY, FAKE_CLIENT_SECRET)
        .token_url(fake.token_url())
        .http_settings(harness::settings())
        .timer(timer.clone())
        .build()
        .expect("oauth");
    let stored = Arc::new(Mutex::new(None));
    let provider = {
        let stored = stored.clone();
        oauth
            .token_provider(
                TokenSet::new(fake.access_token()).with_refresh_token(fake.refresh_token()),
            )
            .on_refresh(move |tokens| *stored.lock().expect("lock") = Some(tokens.clone()))
    };
    let client = Client::builder()
        .base_url(fake.uri())
        .token_provider(Arc::new(provider))
        .http_settings(harness::settings())
        .timer(timer)
        .build()
        .expect("client");
    fake.expire_access_token();

    let creator = client.creator_info().await.expect("after refresh");

    assert!(!creator.privacy_level_options.is_empty());
    let stored = stored.lock().expect("lock").clone().expect("callback ran");
    assert_eq!(
        stored.refresh_token.as_ref().map(Secret::expose),
        Some(fake.refresh_token().as_str())
    );
    assert_eq!(fake.counts().token, 1);
}

#[test]
fn empty_credentials_rejected() {
    let key = OAuthClient::builder(" ", "secret")
        .build()
        .expect_err("key");
    let secret = OAuthClient::builder("key", "").build().expect_err("secret");

    assert!(key.to_string().contains("client_key"));
    assert!(secret.to_string().contains("client_secret"));
}

fn token_endpoint() -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(refresh_form(OLD_REFRESH)))
}

#[tokio::test]
async fn huge_token_lifetimes_do_not_panic() {
    let server = MockServer::start().await;
    token_endpoint()
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"act.long","expires_in":18446744073709551615,
                "refresh_token":"rft.long","refresh_expires_in":"18446744073709551615"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let user = oauth(&server, &harness::timer())
        .refresh_access_token(&Secret::new(OLD_REFRESH))
        .await
        .expect("refreshed");

    assert_eq!(user.tokens.access_token.expose(), "act.long");
    assert_eq!(user.tokens.expires_at, None);
    assert_eq!(user.tokens.refresh_expires_at, None);
}

#[tokio::test]
async fn token_endpoint_text_body_is_withheld() {
    let server = MockServer::start().await;
    token_endpoint()
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "access_token=act.leaked-access&refresh_token=rft.leaked-refresh",
            "text/plain",
        ))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = oauth(&server, &harness::timer())
        .refresh_access_token(&Secret::new(OLD_REFRESH))
        .await
        .expect_err("not JSON");

    let printed = format!("{err} {err:?}");
    assert!(matches!(&err, Error::UnexpectedResponse(_)), "{err}");
    assert!(!printed.contains("leaked-access"), "{printed}");
    assert!(!printed.contains("leaked-refresh"), "{printed}");
}

#[tokio::test]
async fn token_with_line_break_is_rejected() {
    let server = MockServer::start().await;
    token_endpoint()
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"act.bad\r\nX-Injected: 1","expires_in":7200,
                "refresh_token":"rft.next","refresh_expires_in":86400}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = oauth(&server, &harness::timer())
        .refresh_access_token(&Secret::new(OLD_REFRESH))
        .await
        .expect_err("unusable token");

    assert!(matches!(&err, Error::UnexpectedResponse(_)), "{err}");
    assert!(!err.to_string().contains("X-Injected"), "{err}");
}

#[tokio::test]
async fn token_url_path_is_kept_as_given() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(json_fixture(200, "token_refresh.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let oauth = OAuthClient::builder("app-key", "app-secret-value")
        .token_url(format!("{}/oauth/token", server.uri()))
        .http_settings(harness::settings())
        .build()
        .expect("oauth client");

    let user = oauth
        .refresh_access_token(&Secret::new(OLD_REFRESH))
        .await
        .expect("refreshed");

    assert_eq!(user.tokens.access_token.expose(), NEW_ACCESS);
}

/// A provider that hands out a token with a space, which a header value
/// would carry but no TikTok token has.
#[derive(Debug)]
struct SpacedTokenProvider;

#[async_trait::async_trait]
impl social_core::TokenProvider for SpacedTokenProvider {
    async fn access_token(&self) -> social_core::Result<Secret> {
        Ok(Secret::new("act.two words"))
    }

    async fn refresh_rejected(&self, _rejected: &Secret) -> social_core::Result<Secret> {
        self.access_token().await
    }

    fn platform(&self) -> social_core::Platform {
        social_core::Platform::TikTok
    }
}

#[tokio::test]
async fn unsafe_provider_token_is_auth_error() {
    let server = MockServer::start().await;
    catch_all(&server).await;
    let client = client_with(&server, &harness::timer(), Arc::new(SpacedTokenProvider));

    let err = client.creator_info().await.expect_err("unusable token");

    assert!(matches!(&err, Error::Auth(_)), "{err}");
    assert!(
        server
            .received_requests()
            .await
            .expect("recorded")
            .is_empty()
    );
}
